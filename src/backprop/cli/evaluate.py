"""``backprop evaluate MODEL``: cost, accuracy and confusion matrix of a saved model."""

from __future__ import annotations

import argparse

from ..modelfile import load_model
from ._train_common import add_data_arguments, confusion_text, data_options, evaluation, load_split, print_json


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "evaluate",
        help="cost, accuracy and confusion matrix of a saved model on data",
        description="Evaluate a saved model. Without --data, on the data set it was trained "
        "on, and there on the same seeded test split it held out (the model file records "
        "it); with --all, or with other data, on every sample.",
    )
    p.add_argument("model", metavar="MODEL", help="a model file written by `backprop train --out`")
    add_data_arguments(p, required=False)
    p.add_argument("--all", action="store_true", help="evaluate on every sample, not the recorded test split")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    return p


def run(args: argparse.Namespace) -> int:
    model = load_model(args.model)
    recorded = model.metadata.get("data") if isinstance(model.metadata.get("data"), dict) else None
    options = data_options(args.data_option)
    if args.data is None:
        if recorded is None or "name" not in recorded:
            raise ValueError(f"model {args.model} does not record its data set; give --data NAME")
        data = recorded["name"]
        if not args.data_option:
            options = dict(recorded.get("options") or {})
    else:
        data = args.data
    same = recorded is not None and recorded.get("name") == data and options == (recorded.get("options") or {})
    from ..datasets import _file_source, load_dataset

    source = _file_source(data)
    if model.labels and "classes" not in options and source is not None and source[0] == "csv":
        options["classes"] = list(model.labels)  # number the file's classes as the model does
    if same and not args.all:
        ds, _, _, test = load_split(
            data, options, recorded.get("seed"), recorded.get("test_fraction", 0.2),
            recorded.get("validation_fraction", 0.0),
        )
        if test is None:
            raise ValueError(f"model {args.model} held out no test split; use --all")
        part, chosen = "test split", test
    else:
        seed = recorded.get("seed") if same else None
        ds = load_dataset(data, seed=seed, **options)
        if ds.T is None:
            raise ValueError(f"data set {ds.name!r} has no targets to evaluate against")
        part, chosen = "all samples", ds
    net = model.network
    if chosen.n_features != net.sizes[0] or chosen.n_outputs != net.sizes[-1]:
        raise ValueError(
            f"data set {data!r} has {chosen.n_features} features and {chosen.n_outputs} target "
            f"column(s); the model expects {net.sizes[0]} and {net.sizes[-1]} (sizes {net.sizes})"
        )
    labels = model.labels if model.labels is not None else ds.labels
    result = evaluation(net, model.transform(chosen.X), chosen.T, labels)
    result = {"model": args.model, "data": data, "part": part, **result}
    if args.json:
        print_json(result)
        return 0
    print(f"{args.model}: {net!r}")
    print(f"data {data!r}, {part}: {result['samples']} samples")
    print(f"cost      {result['cost']:.6f}")
    if "accuracy" in result:
        print(f"accuracy  {result['accuracy']:.4f}")
        print(confusion_text(result["confusion_matrix"], result["labels"]))
    return 0
