"""What ``train`` and ``evaluate`` share: data-set options, the seeded split, reports."""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np

from ..metrics import accuracy, confusion_matrix, predicted_classes


def parse_option(text: str) -> tuple[str, object]:
    """``KEY=VALUE`` with VALUE read as an int, a float, true/false, or else text."""
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, like n_samples=500; got {text!r}")
    lowered = value.lower()
    if lowered in ("true", "false"):
        return key, lowered == "true"
    for kind in (int, float):
        try:
            return key, kind(value)
        except ValueError:
            pass
    return key, value


def add_data_arguments(p: argparse.ArgumentParser, required: bool) -> None:
    p.add_argument(
        "--data",
        required=required,
        metavar="NAME",
        help="a data set (see `backprop datasets`), or a file: PATH.csv, csv:PATH, idx:FOLDER",
    )
    p.add_argument(
        "--data-option",
        action="append",
        type=parse_option,
        default=[],
        metavar="KEY=VALUE",
        help="an option of the data set or loader, e.g. n_samples=500 or noise=0.2 (repeatable)",
    )


def load_split(data: str, options: dict, seed: int, test_fraction: float, validation_fraction: float):
    """The data set and its seeded, stratified (train, validation, test) parts."""
    from ..datasets import load_dataset
    from ..preprocessing import split_dataset

    ds = load_dataset(data, seed=seed, **options)
    if ds.T is None:
        raise ValueError(f"data set {ds.name!r} has no targets; training and evaluating need them")
    train, validation, test = split_dataset(ds, test=test_fraction, validation=validation_fraction, seed=seed)
    return ds, train, validation, test


def evaluation(net, X: np.ndarray, T: np.ndarray, labels=None) -> dict:
    """Cost, and for classes accuracy and the confusion matrix, JSON-ready."""
    outputs = net.predict(X)
    result: dict = {"samples": int(len(X)), "cost": float(net.cost_function(outputs, T))}
    if labels is not None:
        expected, predicted = predicted_classes(T), predicted_classes(outputs)
        result["accuracy"] = accuracy(outputs, T)
        result["labels"] = list(labels)
        result["confusion_matrix"] = confusion_matrix(expected, predicted, len(labels)).tolist()
    return result


def confusion_text(matrix, labels) -> str:
    """The confusion matrix as aligned text: rows true classes, columns predicted."""
    matrix = np.asarray(matrix)
    labels = [str(label) for label in labels]
    width = max([len(label) for label in labels] + [len(str(matrix.max(initial=0)))])
    head = " " * (width + 2) + " ".join(label.rjust(width) for label in labels)
    lines = ["confusion matrix (rows: true class, columns: predicted class):", head]
    for label, row in zip(labels, matrix):
        lines.append(label.rjust(width) + "  " + " ".join(str(v).rjust(width) for v in row))
    return "\n".join(lines)


def print_json(data) -> None:
    print(json.dumps(data, indent=2))


class ProgressPrinter:
    """Prints progress lines on stderr: rewritten in place on a terminal, else one a line.

    ``every`` thins out the lines when stderr is not a terminal and there are many epochs.
    """

    def __init__(self, epochs: int) -> None:
        self.tty = sys.stderr.isatty()
        self.every = 1 if self.tty or epochs <= 100 else max(1, epochs // 100)
        self.open_line = False

    def __call__(self, line: str) -> None:
        if self.tty:
            print("\r" + line, end="", file=sys.stderr, flush=True)
            self.open_line = True
        else:
            print(line, file=sys.stderr, flush=True)

    def finish(self) -> None:
        if self.open_line:
            print(file=sys.stderr, flush=True)
            self.open_line = False
