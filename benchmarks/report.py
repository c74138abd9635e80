"""Markdown tables from the benchmark's results (``benchmarks/results/results.json``)."""

from __future__ import annotations

from benchmarks.impls import DESCRIPTIONS

MIB = 1024 * 1024


def _rate(row) -> str:
    if "skipped" in row:
        return f"skipped: {row['skipped']}"
    if "rate_median" not in row:
        return "—"
    spread = f"{row['rate_min']:,.0f}–{row['rate_max']:,.0f}"
    return f"{row['rate_median']:,.0f} ({spread}; {row['repeats']})"


def _ratio(row, peer) -> str:
    value = row.get(f"x_{peer}")
    return "" if value is None else f"{value:,.1f}×"


def _memory(row) -> str:
    if "memory_tracemalloc" not in row:
        return ""
    # torch allocates outside Python's allocator: its peak is the resident set's.
    if row["impl"] == "torch":
        value, how = row.get("memory_rss"), "RSS"
    else:
        value, how = row["memory_tracemalloc"], "traced"
    return "" if value is None else f"{value / MIB:.2f} ({how})"


def markdown(results) -> str:
    m = results["machine"]
    lines = [
        "# backprop speed benchmark",
        "",
        f"{'Quick smoke run' if results['quick'] else 'Full run'} in {results.get('seconds', 0):.0f} s on "
        f"{m.get('cpu', '?')}, {m['cores']} cores; Python {m['python']}, numpy {m['numpy']}, "
        f"numba {m['numba']}, torch {m['torch']}, scikit-learn {m['scikit-learn']}.",
        "Rates are medians of interleaved repeats after a warm-up round, with the spread "
        "(min–max) in brackets; ratios are backprop's rate over the peer's in the same run. "
        "Memory: peak above the data and the network (which exist before training starts) "
        "while the implementation runs one epoch from its set-up state, in MiB; the epoch "
        "runner's buffers and change matrices count (traced: numpy allocations via "
        "tracemalloc; RSS: resident set, for PyTorch, whose allocations tracemalloc cannot see).",
        "",
        "Matrix-multiply peak (the best of 1024 × 1024 and 2048 × 2048 products, through numpy's "
        "matmul and, where numba and scipy are installed, through scipy's GEMM as backprop's "
        "compiled path calls it; each BLAS's own figure in brackets): "
        + ", ".join(f"{p['dtype']} {p['threads']} thread(s) {p['gflops']:.1f} GFLOP/s"
                    + (" (" + ", ".join(f"{k} {v:.1f}" for k, v in p["by_blas"].items()) + ")" if p.get("by_blas") else "")
                    for p in results["peak"] if p["gflops"]),  # fmt: skip
        "",
    ]
    if results.get("load_before") or results.get("load_after"):
        lines += [f"Load average (1, 5, 15 min) before the run: {results.get('load_before')}, after: "
                  f"{results.get('load_after')} (2 cores: 2.0 means both busy).", ""]  # fmt: skip
    lines += _gemm_table(results)
    header = "| regime | sizes | batch | dtype | threads | implementation | rate (median, min–max; repeats) | ×torch | ×sklearn | ×reference | ×numpy path | GFLOP/s (% peak) | memory MiB |"
    lines += [header, "|" + "|".join(["---"] * (header.count("|") - 1)) + "|"]
    for row in results["rows"]:
        if row["regime"] in ("samples", "width"):
            continue
        lines.append(_row(row))
    lines += ["", "## Scaling (1 thread, float64, [784, n1, 10], batch 10)", ""]
    lines += ["| varied | samples m | sizes | implementation | samples/s | seconds per epoch | ×torch | ×sklearn |",
              "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for row in results["rows"]:
        if row["regime"] not in ("samples", "width"):
            continue
        secs = "" if "rate_median" not in row else f"{row['m'] / row['rate_median']:.3f}"
        lines.append(f"| {row['regime']} | {row['m']:,} | {row['sizes']} | {row['impl']} | {_rate(row)} | {secs} | "
                     f"{_ratio(row, 'torch')} | {_ratio(row, 'sklearn')} |")  # fmt: skip
    lines += ["", "## Acceptance targets of issue 6, measured in this run", "", targets(results)]
    lines += ["", "## Implementations", ""]
    for name, text in DESCRIPTIONS.items():
        lines.append(f"- `{name}`: {text}")
    if results.get("skipped"):
        lines += ["", "Skipped (not installed): " + ", ".join(f"{k} ({v})" for k, v in results["skipped"].items())]
    return "\n".join(lines) + "\n"


def _gemm_table(results) -> list[str]:
    """L's own matrix products, each alone with warm caches, against the peak."""
    gemms = results.get("gemms") or []
    if not gemms:
        return []
    peaks = {(p["dtype"], p["threads"]): p["gflops"] for p in results["peak"]}
    names = [p["product"] for p in gemms[0]["products"]]
    head = "| dtype | threads | " + " | ".join(
        f"{n} {p['shape']}" for n, p in zip(names, gemms[0]["products"])) + " | products alone | peak |"
    lines = [f"L's own matrix products (sizes {gemms[0]['sizes']}, batch {gemms[0]['batch']}, the layout "
             f"and the calls backprop's path for L makes: {gemms[0].get('blas') or 'numpy'}), each alone "
             "with warm caches, GFLOP/s (share of the products' time); "
             "'products alone' is the rate of a step that would be nothing but them:", "",
             head, "|" + "|".join(["---"] * (head.count("|") - 1)) + "|"]  # fmt: skip
    for g in gemms:
        peak = peaks.get((g["dtype"], g["threads"]))
        cells = [f"{p['gflops']:.1f} ({100 * p['share']:.0f}%)" for p in g["products"]]
        frac = f" ({100 * g['bound'] / peak:.0f}% of peak)" if peak else ""
        lines.append(f"| {g['dtype']} | {g['threads']} | " + " | ".join(cells)
                     + f" | {g['bound']:.1f}{frac} | {peak or 0:.1f} |")  # fmt: skip
    return lines + [""]


def _row(row) -> str:
    g = ""
    if "gflops" in row:
        g = f"{row['gflops']:.1f}"
        if "peak_fraction" in row:
            g += f" ({100 * row['peak_fraction']:.0f}%)"
    impl = row["impl"] + (f" [{row['path']}]" if row.get("path") and row["impl"].startswith("backprop") else "")
    if row["impl"] == "sklearn":
        impl += " (log-loss)"
    ratios = []
    if row["impl"].startswith("backprop"):
        ratios = [_ratio(row, p) for p in ("torch", "sklearn", "reference")]
        ratios.append(_ratio(row, "backprop-numpy") if row["impl"] == "backprop" else "")
    else:
        ratios = ["", "", "", ""]
    return (f"| {row['regime']} | {row['sizes']} | {row['batch_size']} | {row['dtype']} | {row['threads']} | {impl} | "
            f"{_rate(row)} {row['unit']} | " + " | ".join(ratios) + f" | {g} | {_memory(row)} |")  # fmt: skip


def targets(results) -> str:
    """Issue 6's acceptance targets, each with the ratio measured in this run."""
    rows = [r for r in results["rows"] if r["regime"] in ("T", "M", "L")]

    def find(regime, impl, dtype=None, threads=None):
        return [r for r in rows if r["regime"] == regime and r["impl"] == impl
                and (dtype is None or r["dtype"] == dtype) and (threads is None or r["threads"] == threads)]  # fmt: skip

    lines = ["| target | where | measured | met |", "|---|---|---|---|"]

    def add(target, where, value, goal, fmt="{:,.1f}×"):
        if value is None:
            lines.append(f"| {target} | {where} | not measured | — |")
        else:
            lines.append(f"| {target} | {where} | {fmt.format(value)} | {'yes' if value >= goal else 'no'} |")

    for r in find("T", "backprop"):
        add("T: ≥ 300× PyTorch, compiled path", f"{r['sizes']}, {r['threads']} thread(s), path {r.get('path')}", r.get("x_torch"), 300)
    for r in find("T", "backprop-numpy"):
        add("T: ≥ 1.5× the numpy reference loop, without numba", f"{r['sizes']}, {r['threads']} thread(s)", r.get("x_reference"), 1.5)
    for r in find("M", "backprop"):
        where = f"{r['dtype']}, {r['threads']} thread(s)"
        add("M: ≥ 5× PyTorch", where, r.get("x_torch"), 5)
        add("M: ≥ 3× scikit-learn", where, r.get("x_sklearn"), 3)
    for r in find("L", "backprop", "float32", 1):
        frac = r.get("peak_fraction")
        add("L: ≥ 80% of the matrix-multiply peak, float32, 1 thread", f"{r.get('gflops', 0):.1f} of {r.get('peak_gflops') or 0:.1f} GFLOP/s",
            None if frac is None else 100 * frac, 80, "{:.0f}%")  # fmt: skip
    for r in find("L", "backprop"):
        add("L: ahead of PyTorch", f"{r['dtype']}, {r['threads']} thread(s)", r.get("x_torch"), 1.0, "{:.2f}×")
    for regime in ("M", "L"):
        for r in find(regime, "backprop"):
            if "memory_tracemalloc" in r:
                mib = r["memory_tracemalloc"] / MIB
                model = r.get("model_bytes", 0) / MIB
                lines.append(f"| {regime}: memory within 5 MiB of the data | {r['dtype']} | {mib:.2f} MiB above "
                             f"{r['data_bytes'] / MIB:.0f} MiB of data and the {model:.2f} MiB network "
                             f"| {'yes' if mib <= 5 else 'no'} |")  # fmt: skip
    total = results.get("seconds")
    if total is not None and not results.get("quick"):
        lines.append(f"| the full benchmark in under 10 minutes | this run | {total / 60:.1f} min | {'yes' if total < 600 else 'no'} |")
    return "\n".join(lines) + "\n"
