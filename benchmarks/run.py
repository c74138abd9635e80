"""The speed benchmark: backprop against PyTorch, scikit-learn and a plain numpy loop.

    python -m benchmarks.run            # the full run (under 10 minutes on 2 cores)
    python -m benchmarks.run --quick    # a smoke run (under 30 s)

Writes ``benchmarks/results/results.md`` (Markdown tables) and ``results.json``.

Every implementation gets the same network, data, initial weights and sample order
per epoch, and the same number of epochs. Before timing, a short float64 run of each
must end with the weights of ``backprop.core``'s straightforward loop to 1e-9, so no
one wins by doing less work. Each implementation runs in its own process with its
thread count fixed at start; the repeats are interleaved (A, B, C, A, B, C, …) after a
warm-up round, and the median and the spread (min–max) are reported.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks import impls
from benchmarks.worker import initial_weights, make_data, orders

ROOT = Path(__file__).resolve().parent
CHECK_TOLERANCE = 1e-9
#: Seconds of timing rounds per configuration after which no new round starts (at
#: least one timed round always runs): a slow peer on a busy machine cannot stretch
#: the whole run past its 10 minutes.
CONFIG_BUDGET = 40.0
#: Seconds of idle before each timed call at more than one thread: a thread pool that
#: has just worked (OpenBLAS's, OpenMP's) keeps spinning for a while, and would take a
#: core from whichever process is timed next.
SETTLE = 0.25


# -- configurations --------------------------------------------------------------------


def regimes(quick: bool) -> list[dict]:
    """The regimes of issue 6: T (tiny, per sample), M (MNIST shape), L (wide)."""
    q = quick
    tiny_impls = ["backprop", "backprop-numpy", "reference", "torch", "sklearn"]
    peers = ["backprop", "backprop-numpy", "torch", "sklearn"]
    out = []
    for sizes in ([2, 2, 2],) if q else ([2, 2, 2], [2, 3, 1]):
        out.append(dict(regime="T", sizes=sizes, batch_size=1, m=100 if q else 2000,
                        epochs=1 if q else 3, dtypes=["float64"], impls=tiny_impls,
                        unit="steps/s", learning_rate=0.5))  # fmt: skip
    out.append(dict(regime="M", sizes=[784, 30, 10], batch_size=10, m=300 if q else 50_000,
                    epochs=1, dtypes=["float64"] if q else ["float64", "float32"], impls=peers, unit="samples/s",
                    learning_rate=3.0))  # fmt: skip
    out.append(dict(regime="L", sizes=[784, 256, 256, 10], batch_size=128,
                    m=256 if q else 20_000, epochs=1, dtypes=["float32"] if q else ["float32", "float64"],
                    impls=peers, unit="samples/s", learning_rate=0.5))  # fmt: skip
    return out


def scaling(quick: bool) -> list[dict]:
    """Time against the number of samples and against the width, M's set-up, 1 thread."""
    samples = [100] if quick else [10_000, 20_000, 40_000]
    widths = [30] if quick else [30, 100, 300]
    out = []
    for m in samples:
        out.append(dict(regime="samples", sizes=[784, 30, 10], batch_size=10, m=m, epochs=1,
                        dtypes=["float64"], impls=["backprop", "torch", "sklearn"],
                        unit="samples/s", learning_rate=3.0))  # fmt: skip
    for w in widths:
        out.append(dict(regime="width", sizes=[784, w, 10], batch_size=10,
                        m=100 if quick else 10_000, epochs=1, dtypes=["float64"],
                        impls=["backprop", "torch", "sklearn"], unit="samples/s",
                        learning_rate=3.0))  # fmt: skip
    return out


def _cost(name: str) -> str:
    # scikit-learn's MLPClassifier always uses log-loss (binary cross-entropy per
    # output), so it runs that cost; everybody else runs the note's quadratic cost.
    return "binary_cross_entropy" if name == "sklearn" else "quadratic"


# -- workers -----------------------------------------------------------------------------


class Process:
    """A worker process for one implementation at a fixed number of threads."""

    def __init__(self, name: str, threads: int):
        env = dict(os.environ)
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
            env[var] = str(threads)
        if name == "backprop-numpy":
            env["BACKPROP_NO_NUMBA"] = "1"
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT.parent), env.get("PYTHONPATH", "")])
        self.name = name
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.worker", name, str(threads)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True, env=env, cwd=ROOT.parent,
        )  # fmt: skip

    def ask(self, **msg) -> dict:
        self.proc.stdin.write(json.dumps(msg) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            return {"error": "the worker process ended"}
        return json.loads(line)

    def close(self):
        try:
            self.ask(cmd="quit")
        except (BrokenPipeError, OSError, ValueError):
            pass
        self.proc.wait(timeout=30)


def reference_weights(config, epochs: int, m: int, cost: str):
    """The check's expected weights: backprop.core through the training contract's loop."""
    from backprop import Network
    from backprop.optimizers import get_optimizer

    X, T = make_data(config["sizes"], m, np.float64, config["seed"] + 1)
    net = Network.from_weights(initial_weights(config["sizes"], np.float64, config["seed"]), cost=cost)
    opt = get_optimizer("sgd", learning_rate=config["learning_rate"])
    bs = config["batch_size"]
    for order in orders(m, epochs, config["seed"]):
        for start in range(0, m, bs):
            idx = order[start : start + bs]
            opt.step(net.weights, net._gradients(X[idx], T[idx]))
    return net.weights


def run_config(config, dtype, threads, procs, repeats, log, check=True, memory=True, budget=None) -> list[dict]:
    """Check, memory and interleaved timing of every implementation for one config."""
    cfg = dict(config, dtype=dtype, seed=0, cost={n: _cost(n) for n in config["impls"]})
    rows = {n: dict(regime=config["regime"], sizes=config["sizes"], batch_size=config["batch_size"],
                    m=config["m"], dtype=dtype, threads=threads, impl=n, unit=config["unit"],
                    cost=_cost(n)) for n in config["impls"]}  # fmt: skip
    live = []
    for name in config["impls"]:
        reply = procs[name].ask(cmd="setup", config=cfg)
        if "ok" in reply:
            live.append(name)
        else:
            rows[name]["skipped"] = reply.get("skip") or reply.get("error")
    if check:
        m_check = min(config["m"], 8 * config["batch_size"] + 3)  # a partial last batch
        expected = {}
        with tempfile.TemporaryDirectory() as tmp:
            for name in list(live):
                path = os.path.join(tmp, f"{name}.npz")
                reply = procs[name].ask(cmd="check", epochs=2, m=m_check, path=path)
                if "ok" not in reply:
                    rows[name]["skipped"] = reply.get("skip") or reply.get("error")
                    live.remove(name)
                    continue
                cost = _cost(name)
                if cost not in expected:
                    expected[cost] = reference_weights(cfg, 2, m_check, cost)
                with np.load(path) as got:
                    diff = max(float(np.max(np.abs(got[f"arr_{i}"] - W))) for i, W in enumerate(expected[cost]))
                rows[name]["check_max_difference"] = diff
                if not diff <= CHECK_TOLERANCE:
                    rows[name]["skipped"] = f"check failed: weights differ by {diff:.3g} > {CHECK_TOLERANCE}"
                    live.remove(name)
    if memory:
        for name in live:
            reply = procs[name].ask(cmd="memory")
            if "ok" in reply:
                data = sum(a.nbytes for a in make_data(config["sizes"], 1, dtype, 0)) * config["m"]
                rows[name].update(data_bytes=data, memory_tracemalloc=reply["tracemalloc"],
                                  memory_rss=reply["rss"], model_bytes=reply["model_bytes"])  # fmt: skip
    times = {n: [] for n in live}
    peaks = []
    started = time.perf_counter()
    for r in range(repeats + 1):  # round 0 is the warm-up
        if r > 1 and budget is not None and time.perf_counter() - started > budget:
            break  # keeps the whole run within its time; the rows say how many repeats
        if config["regime"] == "L" and "peak" in procs:
            # The machine's limit, measured in the same rounds (the machine is shared).
            if threads > 1:
                time.sleep(SETTLE)
            peaks.append(procs["peak"].ask(cmd="peak", dtype=dtype).get("gflops"))
        for name in live:
            if threads > 1:
                time.sleep(SETTLE)
            reply = procs[name].ask(cmd="time", epochs=config["epochs"])
            if "ok" not in reply:
                rows[name]["skipped"] = reply.get("error")
                continue
            rows[name]["path"] = reply.get("path")
            if r > 0:
                times[name].append(reply["seconds"])
    for name, ts in times.items():
        if not ts:
            continue
        work = config["m"] * config["epochs"]
        rates = sorted(work / t for t in ts)
        rows[name].update(rate_median=float(np.median(rates)), rate_min=rates[0], rate_max=rates[-1],
                          seconds=ts, repeats=len(ts))  # fmt: skip
    peaks = [p for p in peaks[1:] if p]
    if peaks:
        for row in rows.values():
            row["peak_gflops"] = float(np.median(peaks))
    for row in rows.values():
        log(_one_line(row))
    return list(rows.values())


def _log(text: str) -> None:
    print(text, flush=True)


def _one_line(row) -> str:
    what = f"{row['regime']} {row['sizes']} bs={row['batch_size']} {row['dtype']} {row['threads']}t {row['impl']:<15}"
    if "skipped" in row:
        return f"{what} skipped: {row['skipped']}"
    return f"{what} {row.get('rate_median', float('nan')):>12.0f} {row['unit']}"


# -- the whole run -----------------------------------------------------------------------


def run(quick: bool, out_dir: Path, log=_log) -> dict:
    started = time.perf_counter()
    cores = os.cpu_count() or 1
    thread_counts = [1] if quick else sorted({1, cores})
    repeats = 1 if quick else 5
    budget = None if quick else CONFIG_BUDGET
    results = {"quick": quick, "machine": _machine(cores), "rows": [], "peak": [], "gemms": [], "skipped": {},
               "load_before": _load()}  # fmt: skip
    names = impls.NAMES
    for threads in thread_counts:
        procs = {n: Process(n, threads) for n in names + ["peak"]}
        try:
            for p in procs.values():  # every worker has started (imports done) before any timing
                p.ask(cmd="ping")
            time.sleep(SETTLE)
            for dtype in ("float32", "float64"):
                reply = procs["peak"].ask(cmd="peak", dtype=dtype)
                results["peak"].append({"dtype": dtype, "threads": threads, "gflops": reply.get("gflops"),
                                        "by_blas": reply.get("by_blas")})  # fmt: skip
                log(f"matmul peak {dtype} {threads}t: {reply.get('gflops', float('nan')):.1f} GFLOP/s {reply.get('by_blas')}")
            for config in regimes(quick):
                if config["regime"] != "L":
                    continue
                for dtype in config["dtypes"]:  # L's own products, alone, warm caches
                    reply = procs["peak"].ask(cmd="gemms", sizes=config["sizes"], batch=config["batch_size"], dtype=dtype)
                    if "ok" in reply:
                        results["gemms"].append({"dtype": dtype, "threads": threads, "sizes": config["sizes"],
                                                 "batch": config["batch_size"], "products": reply["products"],
                                                 "bound": reply["bound"], "blas": reply.get("blas")})  # fmt: skip
                        log(f"L products {dtype} {threads}t: {reply['bound']:.1f} GFLOP/s for the products alone")
            for config in regimes(quick):
                for dtype in config["dtypes"]:
                    reps = repeats if config["regime"] != "L" else max(1, repeats - 2)
                    results["rows"] += run_config(config, dtype, threads, procs, reps, log,
                                                  memory=threads == 1, budget=budget)  # fmt: skip
            if threads == 1:
                for config in scaling(quick):
                    results["rows"] += run_config(config, "float64", 1, procs, max(1, repeats - 2), log,
                                                  check=False, memory=False)  # fmt: skip
        finally:
            for p in procs.values():
                p.close()
    for name in names:
        reason = impls.available(name)
        if reason:
            results["skipped"][name] = reason
    _ratios(results)
    results["load_after"] = _load()
    results["seconds"] = time.perf_counter() - started
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "results.json").write_text(json.dumps(results, indent=1))
    from benchmarks.report import markdown

    (out_dir / "results.md").write_text(markdown(results))
    log(f"done in {results['seconds']:.0f} s; wrote {out_dir / 'results.md'} and results.json")
    return results


def _ratios(results) -> None:
    """Each row's rate divided by the peers' in the same config and threads, and the
    fraction of the matrix-multiply peak (same dtype and threads) it reaches."""
    peaks = {(p["dtype"], p["threads"]): p["gflops"] for p in results["peak"]}
    groups: dict[tuple, dict] = {}
    for row in results["rows"]:
        key = (row["regime"], tuple(row["sizes"]), row["batch_size"], row["m"], row["dtype"], row["threads"])
        groups.setdefault(key, {})[row["impl"]] = row
    for group in groups.values():
        for row in group.values():
            if "rate_median" not in row:
                continue
            for peer in ("torch", "sklearn", "reference", "backprop-numpy"):
                other = group.get(peer)
                if other is not None and other is not row and "rate_median" in other:
                    row[f"x_{peer}"] = row["rate_median"] / other["rate_median"]
            if row["unit"] == "samples/s":
                gflops = row["rate_median"] * impls.flops_per_sample(row["sizes"]) / 1e9
                row["gflops"] = gflops
                peak = row.get("peak_gflops") or peaks.get((row["dtype"], row["threads"]))
                if peak:
                    row["peak_fraction"] = gflops / peak


def _load() -> list[float] | None:
    """The 1, 5 and 15 minute load averages (how busy the shared machine was)."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def _machine(cores) -> dict:
    info = {"python": platform.python_version(), "numpy": np.__version__, "cores": cores,
            "platform": platform.platform()}  # fmt: skip
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    from importlib.metadata import PackageNotFoundError, version

    for dist in ("numba", "torch", "scikit-learn"):
        try:
            info[dist] = version(dist)
        except PackageNotFoundError:
            info[dist] = None
    return info


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: small data, one repeat (< 30 s)")
    parser.add_argument("--out", type=Path, default=ROOT / "results", help="output folder (default benchmarks/results)")
    args = parser.parse_args(argv)
    run(args.quick, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
