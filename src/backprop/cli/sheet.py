"""``backprop sheet``: the note's spreadsheet for a small network, every number a live formula."""

from __future__ import annotations

import argparse
from pathlib import Path

from .explain import add_network_arguments, network_from_args


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "sheet",
        help="write the note's spreadsheet (.ods or .xlsx) for a small network",
        description="Write a spreadsheet in which the input, the target, γ and the initial "
        "weights are cells to edit, and every weighted sum, activation, the cost, every δ, "
        "every change-matrix entry and every updated weight is a formula labelled in the "
        "note's notation; --steps N lays out N training steps, with a chart of the cost. "
        "Needs the optional extra: pip install 'backprop[sheet]'.",
    )
    p.add_argument("--out", required=True, metavar="FILE.ods|FILE.xlsx", help="the file to write")
    add_network_arguments(p, sizes=True)
    return p


def run(args: argparse.Namespace) -> int:
    from ..sheet import write_sheet

    net, x, t, gamma, description = network_from_args(args)
    out = Path(args.out)
    g = write_sheet(out, net, x, t, learning_rate=gamma, steps=args.steps)
    formulas = sum(1 for cell in g.cells.values() if cell.kind == "formula")
    print(f"wrote {out}: the network {net.sizes} ({description}), {args.steps} step(s), "
          f"{formulas} formulas")
    return 0
