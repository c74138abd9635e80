"""``backprop predict MODEL --input FILE.csv``: outputs and classes for new inputs."""

from __future__ import annotations

import argparse
import csv
import io
import sys

import numpy as np

from ..metrics import predicted_classes
from ..modelfile import load_model
from ._train_common import print_json


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "predict",
        help="a saved model's outputs and classes for the inputs in a CSV file",
        description="Read inputs from a CSV file (one sample a row, the raw features the "
        "model was trained on; a header row is detected and skipped), apply the model's "
        "scaler and network, and write one row per sample: the class, its label, and the "
        "outputs a^(L). Regression models write only the outputs.",
    )
    p.add_argument("model", metavar="MODEL", help="a model file written by `backprop train --out`")
    p.add_argument("--input", required=True, metavar="FILE.csv", help="the inputs, one sample a row")
    p.add_argument("--output", default=None, metavar="FILE.csv", help="write the CSV here (default: stdout)")
    p.add_argument("--header", default="auto", choices=["auto", "yes", "no"], help="does the input have a header row (default: auto)")
    p.add_argument("--json", action="store_true", help="print JSON instead of CSV")
    return p


def read_inputs(path: str, header: str) -> np.ndarray:
    from ..datasets import load_csv

    flag = {"auto": "auto", "yes": True, "no": False}[header]
    return load_csv(path, target_columns=[], header=flag).X


def run(args: argparse.Namespace) -> int:
    model = load_model(args.model)
    X = read_inputs(args.input, args.header)
    n0 = model.network.sizes[0]
    if X.shape[1] != n0:
        raise ValueError(f"{args.input} has {X.shape[1]} columns; the model expects {n0} features per row")
    outputs = np.atleast_2d(model.predict(X))
    classify = model.labels is not None
    classes = predicted_classes(outputs) if classify else None
    names = [model.labels[k] for k in classes] if classify else None
    if args.json:
        rows = []
        for i, out in enumerate(outputs):
            row = {"outputs": out.tolist()}
            if classify:
                row = {"class": int(classes[i]), "label": names[i], **row}
            rows.append(row)
        print_json({"model": args.model, "input": args.input, "predictions": rows})
        return 0
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    head = [f"output_{j}" for j in range(outputs.shape[1])]
    writer.writerow((["class", "label"] if classify else []) + head)
    for i, out in enumerate(outputs):
        writer.writerow(([int(classes[i]), names[i]] if classify else []) + [repr(float(v)) for v in out])
    if args.output is None:
        sys.stdout.write(buffer.getvalue())
    else:
        from pathlib import Path

        Path(args.output).write_text(buffer.getvalue(), encoding="utf-8")
        print(f"{len(outputs)} predictions written to {args.output}", file=sys.stderr)
    return 0
