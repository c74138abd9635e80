"""``backprop explain``: training steps in the note's notation, equation by equation."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import numpy as np

from ..examples import EXAMPLES, get_example
from ..network import Network

FORMATS = ["text", "markdown", "latex", "json"]


# -- the network, input and target, shared with ``backprop sheet`` -------------------

def add_network_arguments(p: argparse.ArgumentParser, sizes: bool = False) -> None:
    """--preset / --weights / --model (and --sizes/--seed), --input, --target, --learning-rate."""
    src = p.add_argument_group("the network (one of these; default: --preset note)")
    src.add_argument("--preset", choices=EXAMPLES.names(), default=None,
                     help="a worked example: the note's (default) or the one it cites (mazur)")
    src.add_argument("--weights", metavar="FILE",
                     help="initial weights: a JSON list of matrices W^(1) … W^(L) in the note's "
                     "layout (row j = end neuron j, last column = bias), or an .npz of them")
    src.add_argument("--model", metavar="FILE", help="a model file saved by 'backprop train'")
    if sizes:
        src.add_argument("--sizes", metavar="N0,N1,…",
                         help="a network of these sizes with random initial weights (see --seed)")
        src.add_argument("--seed", type=int, default=0,
                         help="seed of the initial weights, and of the input and target when "
                         "not given, for --sizes (default: 0)")
    p.add_argument("--input", metavar="X", help="the input a^(0): numbers, comma- or space-separated")
    p.add_argument("--target", metavar="T", help="the target T: numbers, comma- or space-separated")
    p.add_argument("--learning-rate", type=float, default=None,
                   help="γ (default: the example's, 0.5)")
    p.add_argument("--steps", type=int, default=1, help="consecutive steps (default: 1)")


def parse_numbers(text: str, what: str) -> np.ndarray:
    parts = [p for p in re.split(r"[,\s]+", text.strip()) if p]
    try:
        values = np.array([float(p) for p in parts])
    except ValueError:
        raise ValueError(f"{what} must be numbers separated by commas or spaces; got {text!r}") from None
    if values.size == 0 or not np.all(np.isfinite(values)):
        raise ValueError(f"{what} must be finite numbers separated by commas or spaces; got {text!r}")
    return values


def load_weights(path: str) -> list[np.ndarray]:
    """Matrices W^(1) … W^(L) from a JSON list (or {"weights": [...]}) or an .npz file."""
    file = Path(path)
    if not file.exists():
        raise ValueError(f"weights file not found: {path}")
    if file.suffix.lower() == ".npz":
        with np.load(file) as data:
            def order(key: str):
                digits = re.findall(r"\d+", key)
                return (int(digits[-1]) if digits else 0, key)
            return [np.asarray(data[k], dtype=np.float64) for k in sorted(data.files, key=order)]
    try:
        content = json.loads(file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"{path} is not JSON ({error}); expected a list of matrices "
                         "W^(1) … W^(L), or an .npz file") from None
    if isinstance(content, dict) and "weights" in content:
        content = content["weights"]
    if not isinstance(content, list) or not content:
        raise ValueError(f"{path}: expected a JSON list of matrices W^(1) … W^(L)")
    try:
        return [np.array(W, dtype=np.float64) for W in content]
    except (TypeError, ValueError):
        raise ValueError(f"{path}: every matrix must be a list of rows of numbers") from None


def network_from_args(args: argparse.Namespace) -> tuple[Network, np.ndarray, np.ndarray, float, str]:
    """The network, x, t, γ and a short description, from the arguments above."""
    sources = [name for name in ("preset", "weights", "model", "sizes") if getattr(args, name, None)]
    if len(sources) > 1:
        raise ValueError("give only one of --" + ", --".join(sources))
    source = sources[0] if sources else "preset"
    gamma = args.learning_rate
    x = parse_numbers(args.input, "--input") if args.input else None
    t = parse_numbers(args.target, "--target") if args.target else None
    if source == "preset":
        example = get_example(args.preset or "note")
        net = example.network()
        x = example.x if x is None else x
        t = example.t if t is None else t
        gamma = example.learning_rate if gamma is None else gamma
        description = example.description
    elif source == "weights":
        net = Network.from_weights(load_weights(args.weights))
        description = f"weights from {args.weights}"
    elif source == "model":
        from ..modelfile import load_model

        model = load_model(args.model)
        net = model.network
        description = f"model {args.model}"
        if x is not None and model.scaler is not None:
            # the model's own inputs are raw: scale them as model.predict does, so A^(0)
            # shows what the network sees
            if x.size != net.sizes[0]:
                raise ValueError(f"input has {x.size} features, the network expects "
                                 f"{net.sizes[0]} (sizes {net.sizes})")
            x = model.transform(x)
            description += ", the input scaled by the model's scaler"
    else:
        sizes = [int(v) for v in parse_numbers(args.sizes, "--sizes")]
        net = Network(sizes, seed=args.seed)
        rng = np.random.default_rng(args.seed)
        if x is None:
            x = np.round(rng.uniform(0, 1, sizes[0]), 2)
        if t is None:
            t = np.round(rng.uniform(0, 1, sizes[-1]), 2)
        description = f"random weights, seed {args.seed}"
    if x is None or t is None:
        raise ValueError(f"--{source} needs --input and --target (one sample each)")
    return net, x, t, 0.5 if gamma is None else gamma, description


# -- the command ----------------------------------------------------------------------

def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "explain",
        help="training steps in the note's notation, every number shown",
        description="Lay out backpropagation steps of a network in the note's notation and "
        "order: A^(0), the weighted sums and a^(1) (eqs. 1-2), a^(2) (eqs. 3-4), later "
        "layers, the cost (5), δ^(L) with its Hadamard product, dC/dW^(L) = δ^(L) A^(L-1), "
        "each δ^(l) and dC/dW^(l), and the updated weights. Every number is the core's.",
    )
    add_network_arguments(p, sizes=True)
    p.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    p.add_argument("--precision", type=int, default=6, help="decimals printed (default: 6)")
    return p


def run(args: argparse.Namespace) -> int:
    from ..explain import explain

    net, x, t, gamma, _ = network_from_args(args)
    explanation = explain(net, x, t, learning_rate=gamma, steps=args.steps)
    if args.format == "json":
        print(json.dumps(explanation.to_dict(), indent=1, ensure_ascii=False))
    elif args.format == "markdown":
        print(explanation.markdown(args.precision), end="")
    elif args.format == "latex":
        print(explanation.latex(args.precision), end="")
    else:
        print(explanation.text(args.precision), end="")
    return 0
