"""``backprop plot``: pictures of a model, its training and the note's example.

``backprop plot curve MODEL_OR_HISTORY``, ``plot boundary MODEL --data moons``,
``plot network [MODEL | --preset note]``, ``plot weights MODEL``; ``--out FILE`` on
each (PNG, SVG or PDF by the suffix). matplotlib is imported only when drawing.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

from ..modelfile import load_model

KINDS = ("curve", "boundary", "network", "weights")


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "plot",
        help="pictures: learning curve, decision boundary, the network, layer-1 weights",
        description="Draw a picture and write it to --out: PNG by default, SVG or PDF by the "
        "file's suffix. Needs the optional extra: pip install 'backprop[plot]'.",
    )
    kinds = p.add_subparsers(dest="kind", metavar="KIND")
    kinds.required = True

    curve = kinds.add_parser(
        "curve",
        help="cost and accuracy per epoch, training and validation",
        description="Cost and accuracy per epoch, training and validation, from a model file "
        "that holds its training history or from a history JSON file "
        '({"cost": [...], "accuracy": [...], "val_cost": [...], "val_accuracy": [...]}).',
    )
    curve.add_argument("source", metavar="MODEL_OR_HISTORY", help="a model file or a history JSON file")
    _common(curve, "curve.png")

    boundary = kinds.add_parser(
        "boundary",
        help="decision regions of a classifier with 2 inputs, with the data points",
        description="The decision regions of a model with 2 inputs over a 2-D data set, "
        "with the data points; each class has its own colour, marker and hatching.",
    )
    boundary.add_argument("model", metavar="MODEL", help="a model file (backprop train … --out MODEL)")
    boundary.add_argument("--data", default=None, help="the data set (moons, circles, spirals, blobs, xor, a CSV file…); default: the model's")
    boundary.add_argument("--seed", type=int, default=None, help="seed of a generated data set (default: the model's, else 0)")
    boundary.add_argument("--samples", type=int, default=None, help="number of samples of a generated data set")
    boundary.add_argument("--noise", type=float, default=None, help="noise of a generated data set")
    _common(boundary, "boundary.png")

    network = kinds.add_parser(
        "network",
        help="the network drawn with its bias nodes, weights and, for an input, activations",
        description="Neurons in layers with the bias node (value 1) of every layer but the "
        "output, edges coloured by sign and as wide as |w|, each weight w_ji^(l) labelled "
        "for small networks, and the neurons' values for an input (--input). "
        "--preset note draws the note's example with its input and target.",
    )
    network.add_argument("model", metavar="MODEL", nargs="?", help="a model file; or use --preset")
    network.add_argument("--preset", default=None, help="a worked example instead of a model file: note or mazur")
    network.add_argument("--input", type=float, nargs="+", default=None, metavar="X",
                         help="an input (raw, before the model's scaler): show every neuron's value")
    network.add_argument("--precision", type=int, default=2, help="decimals of the weights (default: 2)")
    labels = network.add_mutually_exclusive_group()
    labels.add_argument("--weights", dest="show_weights", action="store_true", default=None,
                        help="label every weight (default: up to 30 weights, 4 neurons a layer)")
    labels.add_argument("--no-weights", dest="show_weights", action="store_false", help="no weight labels")
    _common(network, "network.png")

    weights = kinds.add_parser(
        "weights",
        help="the first layer's weights as images (digits, MNIST)",
        description="Row j of W^(1) (without the bias) as an image, one per neuron of layer 1.",
    )
    weights.add_argument("model", metavar="MODEL", help="a model file")
    weights.add_argument("--image-shape", type=int, nargs=2, default=None, metavar=("HEIGHT", "WIDTH"),
                         help="image height and width (default: from the model, else a square)")
    _common(weights, "weights.png")
    return p


def _common(p: argparse.ArgumentParser, default_out: str) -> None:
    p.add_argument("--out", default=default_out, metavar="FILE",
                   help=f"the picture: .png, .svg or .pdf (default: {default_out})")
    p.add_argument("--size", default=None, metavar="WxH",
                   help="picture size in pixels (800x600) or inches (8x6in)")
    p.add_argument("--width", default=None, help="width in pixels (800, 800px) or inches (8in)")
    p.add_argument("--height", default=None, help="height in pixels (600, 600px) or inches (6in)")
    p.add_argument("--dpi", type=float, default=100.0, help="pixels per inch (default: 100)")
    p.add_argument("--title", default=None, help="the picture's title")


def _size(args) -> tuple[float | None, float | None] | None:
    from ..plotting._figure import parse_length, parse_size

    if not 10 <= args.dpi <= 1200:
        raise ValueError(f"--dpi must be between 10 and 1200; got {args.dpi:g}")
    width = height = None
    if args.size is not None:
        width, height = parse_size(args.size, args.dpi)
    if args.width is not None:
        width = parse_length(args.width, args.dpi)
    if args.height is not None:
        height = parse_length(args.height, args.dpi)
    return None if width is None and height is None else (width, height)


def _history(source: str):
    path = Path(source)
    if not path.exists():
        raise ValueError(f"no such file {source!r}; give a model file or a history JSON file")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        data = None
    if isinstance(data, dict) and "cost" in data:
        return data
    model = load_model(source)
    if model.history is None:
        raise ValueError(f"the model file {source!r} holds no training history; train it with backprop train")
    return model.history


def _dataset_from_metadata(meta: dict) -> tuple[str | None, dict]:
    """(name, options) of the data set a model was trained on, if its metadata says."""
    data = meta.get("dataset", meta.get("data"))
    if isinstance(data, str):
        return data, {}
    if isinstance(data, dict) and isinstance(data.get("name"), str):
        options = data.get("options") if isinstance(data.get("options"), dict) else {}
        if "seed" in data and "seed" not in options:
            options = dict(options, seed=data["seed"])
        return data["name"], options
    return None, {}


def run(args: argparse.Namespace) -> int:
    from .. import plotting
    from ..plotting._figure import output_path

    output_path(args.out)  # a wrong suffix or directory fails before any drawing
    size = _size(args)
    options = dict(size=size, dpi=args.dpi)
    if args.title is not None:
        options["title"] = args.title
    if args.kind == "curve":
        fig = plotting.plot_curve(_history(args.source), **options)
    elif args.kind == "boundary":
        fig = _boundary(args, options)
    elif args.kind == "network":
        fig = _network(args, options)
    else:
        fig = _weights(args, options)
    path = plotting.save_figure(fig, args.out)
    width, height = fig.get_size_inches()
    if path.suffix.lower() == ".png":
        shown = f"{round(width * fig.dpi)}×{round(height * fig.dpi)} pixels"
    else:
        shown = f"{width:g}×{height:g} inches"
    print(f"wrote {path} ({shown})")
    return 0


def _boundary(args, options):
    from .. import plotting
    from ..datasets import load_dataset

    model = load_model(args.model)
    name, data_options = _dataset_from_metadata(model.metadata)
    if args.data is not None:
        if args.data != name:
            data_options = {}
        name = args.data
    if name is None:
        raise ValueError("which data? the model does not say; give --data moons (or circles, spirals, blobs, xor, a CSV file)")
    if args.seed is not None:
        data_options["seed"] = args.seed
    data_options.setdefault("seed", 0)
    if args.samples is not None:
        data_options["n_samples"] = args.samples
    if args.noise is not None:
        data_options["noise"] = args.noise
    try:
        dataset = load_dataset(name, **data_options)
    except TypeError as error:
        raise ValueError(f"data set {name!r} does not take these options ({error})") from None
    labels = model.labels or dataset.labels
    return plotting.plot_boundary(model.network, dataset.X, dataset.y, scaler=model.scaler,
                                  labels=labels, **options)


def _network(args, options):
    from .. import plotting

    if (args.model is None) == (args.preset is None):
        raise ValueError("give either a MODEL file or --preset note (not both)")
    target = None
    if args.preset is not None:
        from ..examples import get_example

        example = get_example(args.preset)
        net = example.network()
        x = example.x if args.input is None else args.input
        if args.input is None:
            target = example.t
        if "title" not in options:
            options["title"] = f"The {example.name} example {net.sizes}: input {tuple(example.input)}, target {tuple(example.target)}" if args.input is None else None
    else:
        model = load_model(args.model)
        net = model.network
        x = args.input
        if x is not None and model.scaler is not None and len(x) == net.sizes[0]:
            raw = ", ".join(f"{v:g}" for v in x)
            x = model.transform(x)
            options.setdefault("title", f"The network {net.sizes}, input ({raw}), scaled to a^(0)")
    if x is not None and len(x) != net.sizes[0]:
        raise ValueError(f"--input needs {net.sizes[0]} numbers, one per input neuron; got {len(x)}")
    return plotting.plot_network(net, x, target=target, precision=args.precision,
                                 show_weights=args.show_weights, **options)


def _weights(args, options):
    from .. import plotting

    model = load_model(args.model)
    net = model.network
    n0 = net.sizes[0]
    shape = args.image_shape
    if shape is None:
        meta = model.metadata
        shape = meta.get("image_shape")
        if shape is None:
            name, data_options = _dataset_from_metadata(meta)
            if name is not None:
                shape = _image_shape_of(name, data_options)
        if shape is None:
            side = math.isqrt(n0)
            if side * side != n0:
                raise ValueError(
                    f"the model's {n0} inputs are not a square image; give --image-shape HEIGHT WIDTH"
                )
            shape = (side, side)
    return plotting.plot_weights(net, shape, **options)


def _image_shape_of(name: str, options: dict):
    """The image shape of the data set a model was trained on, or None."""
    from ..datasets import load_dataset

    try:
        return load_dataset(name, **options).image_shape
    except (ValueError, TypeError, OSError):
        return None
