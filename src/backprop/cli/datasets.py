"""``backprop datasets``: the data sets by name, with their shapes and descriptions."""

from __future__ import annotations

import argparse
import json

from ..datasets import DATASETS, load_dataset


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "datasets",
        help="list the data sets: names, shapes and descriptions",
        description="List the data sets that --data accepts by name (bundled or generated "
        "offline), with samples, features (inputs), classes and options. --data also takes "
        "a file: csv:PATH or PATH.csv, and idx:FOLDER for MNIST-format IDX files.",
    )
    p.add_argument("names", nargs="*", metavar="NAME",
                   help="only these data sets, or files to inspect (csv:PATH, idx:FOLDER); default: all")
    p.add_argument("--seed", type=int, default=0, help="seed for the generated data sets (default: 0)")
    p.add_argument("--json", action="store_true", help="machine-readable output: a JSON list")
    return p


def _entries(names: list[str], seed: int) -> list[dict]:
    entries = []
    for name in names:
        if name in DATASETS:
            spec = DATASETS.get(name)
            summary = load_dataset(spec.name, seed=seed).summary()
            summary["kind"], summary["options"] = spec.kind, spec.options
        else:  # a file: csv:PATH, PATH.csv, idx:FOLDER
            summary = load_dataset(name).summary()
            summary["kind"], summary["options"] = "file", {}
        entries.append(summary)
    return entries


def run(args: argparse.Namespace) -> int:
    names = args.names or DATASETS.names()
    entries = _entries(names, args.seed)
    if args.json:
        print(json.dumps(entries, indent=2))
        return 0
    headers = ("name", "samples", "features", "classes", "description")
    rows = [
        (e["name"], str(e["samples"]), str(e["features"]),
         "-" if e["classes"] is None else str(e["classes"]), e["description"])
        for e in entries
    ]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers[:-1])]
    def line(cells):
        left = [cells[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(cells[1:-1], widths[1:])]
        return "  ".join(left + [cells[-1]])
    print(line(headers))
    for row in rows:
        print(line(row))
    options = [(e["name"], e["options"]) for e in entries if e["kind"] == "generated"]
    if options:
        print()
        print("Options of the generated data sets (Python: load_dataset(name, seed=..., **options)):")
        for name, opts in options:
            print(f"  {name}: " + ", ".join(f"{k}={v}" for k, v in opts.items()))
    print()
    print("--data also takes a file: csv:PATH (or PATH.csv), idx:FOLDER (MNIST-format IDX files).")
    return 0
