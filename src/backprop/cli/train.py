"""``backprop train``: train a network on a data set, report test accuracy, save the model."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import time
from pathlib import Path

import numpy as np

from ..activations import ACTIVATIONS
from ..callbacks import EarlyStopping, Progress
from ..costs import COSTS
from ..initializers import INITIALIZERS
from ..network import Network
from ..optimizers import OPTIMIZERS
from ..training import train
from ._train_common import ProgressPrinter, add_data_arguments, data_options, evaluation, load_split, print_json

DEFAULT_HIDDEN = [30]
EARLY_STOPPING_VALIDATION = 0.1


def layer_size(text: str) -> int:
    """A layer size on the command line: a whole number ≥ 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a layer size; sizes are whole numbers ≥ 1, like 64 30 10")
    return value


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "train",
        help="train a network on a data set; report test accuracy; save the model",
        description="Train a network on a data set by mini-batch gradient descent (the "
        "note's update by default), holding out a seeded, stratified test split; print "
        "progress per epoch on stderr, then the cost and accuracy on the test split. "
        "The inputs are scaled with a scaler fitted on the training split only.",
    )
    add_data_arguments(p, required=True)
    shape = p.add_mutually_exclusive_group()
    shape.add_argument("--layers", type=layer_size, nargs="+", metavar="N",
                       help="all layer sizes n0 … nL, e.g. 64 30 10 (n0 must equal the data's "
                       "features, nL its target columns)")
    shape.add_argument("--hidden", type=layer_size, nargs="+", metavar="N",
                       help="only the hidden layer sizes; n0 and nL are read off the data "
                       f"(default: --hidden {' '.join(map(str, DEFAULT_HIDDEN))})")
    p.add_argument("--epochs", type=int, default=30, help="passes over the training split (default: 30)")
    p.add_argument(
        "--learning-rate",
        type=float,
        default=None,
        metavar="γ",
        help="γ (default: the optimiser's own: 0.5, the note's, for sgd, momentum and "
        "nesterov; 0.001 for adam)",
    )
    p.add_argument("--batch-size", type=int, default=10, help="samples per step (default: 10; 1 is the note's per-sample training)")
    p.add_argument("--no-shuffle", action="store_true", help="visit the samples in the same order each epoch")
    p.add_argument("--seed", type=int, default=None,
                   help="seeds the data generator, the split, the weights and the shuffling "
                   "(default: a fresh one, recorded in the model)")
    p.add_argument("--test-fraction", type=float, default=0.2, help="held-out test split (default: 0.2)")
    p.add_argument("--validation-fraction", type=float, default=None,
                   help=f"validation split (default: 0, or {EARLY_STOPPING_VALIDATION} with --early-stopping)")
    p.add_argument("--scale", default=None, choices=["minmax", "standard", "none"],
                   help="input scaling fitted on the training split (default: minmax, to [0, 1]; "
                   "none when the training split is a single sample, like the note's)")
    # names checked by the registry (not argparse choices), so aliases such as
    # leaky-relu work as they do for --cost, and a wrong name is a one-line error
    hidden = ", ".join(n for n in ACTIVATIONS.names() if n != "softmax")
    p.add_argument("--activation", default="sigmoid", metavar="NAME",
                   help=f"hidden layers' activation: one of {hidden} (default: sigmoid)")
    p.add_argument("--output-activation", default=None, metavar="NAME",
                   help=f"output layer's activation: one of {', '.join(ACTIVATIONS.names())} (default: as --activation)")
    p.add_argument("--cost", default="quadratic", metavar="NAME", help=f"one of {', '.join(COSTS.names())} (default: quadratic)")
    p.add_argument("--initializer", default="uniform", metavar="NAME", help=f"one of {', '.join(INITIALIZERS.names())} (default: uniform)")
    p.add_argument("--dtype", default="float64", choices=["float64", "float32"], help="(default: float64)")
    p.add_argument("--optimizer", default="sgd", metavar="NAME", help=f"one of {', '.join(OPTIMIZERS.names())} (default: sgd)")
    p.add_argument("--momentum", type=float, default=None, help="momentum of momentum/nesterov (default: 0.9)")
    p.add_argument("--weight-decay", type=float, default=None, help="L2 weight decay on the weights, not the biases (default: 0)")
    p.add_argument("--schedule", default=None, metavar="SPEC", help="learning-rate schedule: step:STEP_SIZE:GAMMA or exponential:GAMMA")
    p.add_argument("--early-stopping", type=int, default=None, metavar="PATIENCE",
                   help="stop when the validation cost has not improved for PATIENCE epochs; keep the best weights")
    p.add_argument("--out", default=None, metavar="MODEL.json", help="save the trained model here")
    p.add_argument("--plot", default=None, metavar="DIR", help="write training plots into DIR (needs backprop[plot])")
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    p.add_argument("--json", action="store_true", help="print a JSON summary on stdout instead of text")
    return p


def resolve_sizes(args, n_features: int, n_outputs: int, data: str) -> list[int]:
    if args.layers is not None:
        sizes = list(args.layers)
        if len(sizes) < 2:
            raise ValueError(f"--layers needs at least the input and output sizes, like {n_features} 30 {n_outputs}")
        if sizes[0] != n_features:
            raise ValueError(
                f"--layers starts with {sizes[0]}, but data set {data!r} has {n_features} features; "
                f"start with {n_features} (or give only --hidden sizes)"
            )
        if sizes[-1] != n_outputs:
            raise ValueError(
                f"--layers ends with {sizes[-1]}, but data set {data!r} has {n_outputs} target "
                f"column(s); end with {n_outputs} (or give only --hidden sizes)"
            )
        return sizes
    hidden = DEFAULT_HIDDEN if args.hidden is None else list(args.hidden)
    return [n_features, *hidden, n_outputs]


def optimizer_options(args) -> dict:
    options: dict = {}
    if args.momentum is not None:
        options["momentum"] = args.momentum
    if args.weight_decay is not None:
        options["weight_decay"] = args.weight_decay
    if args.schedule is not None:
        from ..schedules import parse_schedule

        options["schedule"] = parse_schedule(args.schedule)
    return options


def run(args: argparse.Namespace) -> int:
    seed = args.seed if args.seed is not None else int(np.random.SeedSequence().entropy % 2**31)
    validation_fraction = args.validation_fraction
    if validation_fraction is None:
        validation_fraction = EARLY_STOPPING_VALIDATION if args.early_stopping is not None else 0.0
    if args.early_stopping is not None and validation_fraction == 0:
        raise ValueError("--early-stopping needs a validation split; give --validation-fraction above 0")
    if args.out is not None:  # refuse a place the model cannot go before, not after, training
        out = Path(args.out)
        if out.is_dir():
            raise ValueError(f"--out {args.out} is a folder; give a file name for the model, like model.json")
        if not out.parent.is_dir():
            raise ValueError(f"--out {args.out}: folder {out.parent} does not exist; create it or save elsewhere")
        if not os.access(out.parent, os.W_OK):
            raise ValueError(f"--out {args.out}: folder {out.parent} is not writable; save elsewhere")
    options = data_options(args.data_option)
    ds, train_ds, val_ds, test_ds = load_split(args.data, options, seed, args.test_fraction, validation_fraction)

    from ..preprocessing import scale_datasets

    raw_train = train_ds
    scale = args.scale
    if scale is None:
        # one sample has no range or spread: a fitted scaler would map every input to 0
        scale = "none" if len(train_ds) < 2 else "minmax"
    scaler, train_ds, val_ds, test_ds = scale_datasets(scale, train_ds, val_ds, test_ds)
    sizes = resolve_sizes(args, ds.n_features, ds.n_outputs, args.data)
    net = Network(
        sizes,
        seed=seed,
        dtype=np.dtype(args.dtype),
        activation=args.activation,
        output_activation=args.output_activation,
        cost=args.cost,
        initializer=args.initializer,
    )
    callbacks = []
    printer = ProgressPrinter(args.epochs if isinstance(args.epochs, int) and args.epochs > 0 else 1)
    if not args.quiet:
        callbacks.append(Progress(printer, every=printer.every))
    if args.early_stopping is not None:
        callbacks.append(EarlyStopping(args.early_stopping, monitor="val_cost"))
    validation = None if val_ds is None else (val_ds.X, val_ds.T)

    start = time.perf_counter()
    try:
        history = train(
            net,
            train_ds.X,
            train_ds.T,
            args.epochs,
            learning_rate=args.learning_rate,
            batch_size=args.batch_size,
            shuffle=not args.no_shuffle,
            seed=seed,
            optimizer=args.optimizer,
            optimizer_options=optimizer_options(args),
            validation=validation,
            callbacks=callbacks,
        )
    finally:
        printer.finish()
    seconds = time.perf_counter() - start

    labels = ds.labels
    summary: dict = {
        "data": args.data,
        "samples": {"train": len(train_ds), "validation": 0 if val_ds is None else len(val_ds),
                    "test": 0 if test_ds is None else len(test_ds)},
        "sizes": net.sizes,
        "activations": [f.name for f in net.activations],
        "cost_function": net.cost_function.name,
        "optimizer": history.settings["optimizer"],
        "seed": seed,
        "epochs_run": len(history),
        "stopped_early": history.stopped_early,
        "stop_reason": history.stop_reason,
        "best_epoch": history.best_epoch,
        "seconds": seconds,
        "train": evaluation(net, train_ds.X, train_ds.T, labels),
        "validation": None if val_ds is None else evaluation(net, val_ds.X, val_ds.T, labels),
        "test": None if test_ds is None else evaluation(net, test_ds.X, test_ds.T, labels),
        "model": None,
        "plots": [],
    }
    for part in ("train", "validation", "test"):
        if summary[part]:
            summary[part].pop("confusion_matrix", None)
            summary[part].pop("labels", None)

    if args.out is not None:
        from ..modelfile import save_model

        metadata = {
            "data": {
                # a file is recorded by its absolute path, so evaluate works from any folder
                "name": str(Path(args.data).resolve()) if Path(args.data).is_file() else args.data,
                "options": options,
                "seed": seed,
                "test_fraction": args.test_fraction,
                "validation_fraction": validation_fraction,
                "stratified": True,
                "scale": scale,
            },
            "seed": seed,
            "command": "backprop " + " ".join(shlex.quote(a) for a in sys.argv[1:]),
            "test": summary["test"],
            "seconds": seconds,
        }
        save_model(args.out, net, scaler=scaler, labels=labels, history=history, metadata=metadata)
        summary["model"] = str(args.out)

    if args.plot is not None:
        from ..plotting import write_training_plots

        # plots in the data's own units: the plot applies the scaler, as training did
        paths = write_training_plots(args.plot, history, network=net, dataset=raw_train, scaler=scaler)
        summary["plots"] = [str(p) for p in paths]

    if args.json:
        print_json(summary)
        return 0
    print(f"trained {net!r} on {args.data!r}: {len(history)} epochs in {seconds:.1f} s")
    if history.stop_reason:
        print(f"stopped: {history.stop_reason}")
    for part in ("train", "validation", "test"):
        result = summary[part]
        if result is None:
            continue
        line = f"{part:<10} {result['samples']:>6} samples  cost {result['cost']:.6f}"
        if "accuracy" in result:
            line += f"  accuracy {result['accuracy']:.4f}"
        print(line)
    if summary["model"]:
        print(f"model saved to {summary['model']}")
    for path in summary["plots"]:
        print(f"plot written to {path}")
    return 0
