"""Plain JSON in the layout most libraries use: per layer a weight matrix, a bias, an activation."""

from __future__ import annotations

import json
import os

import numpy as np

from backprop.network import Network

from ._layers import default_cost, join, network_functions, split

__all__ = ["to_json", "from_json", "JSON_FORMAT"]

JSON_FORMAT = "backprop-layers"


def _layer(W: np.ndarray, activation: str) -> dict:
    weight, bias = split(np.asarray(W, dtype=np.float64))
    return {"weight": weight.tolist(), "bias": bias.tolist(), "activation": activation}


def to_json(net: Network, path: str | os.PathLike | None = None, *, scaler=None, labels=None) -> dict:
    """A JSON-ready dict (written to ``path`` if given) for readers outside Python:

    ``{"format": "backprop-layers", "version": 1, "sizes", "dtype", "cost",
    "layers": [{"weight": (n_l × n_{l-1}), "bias": (n_l), "activation"}, …],
    "scaler": {"kind", "offset", "scale"} | null, "labels": [...] | null}``.
    Layer l computes ``a = activation(weight · a_prev + bias)``; ``weight`` is W^(l)
    without its last column, ``bias`` that column. Scaled inputs are
    ``(x − offset) / scale``. Numbers are written with Python's shortest round-trip repr.
    """
    data = {
        "format": JSON_FORMAT,
        "version": 1,
        "sizes": net.sizes,
        "dtype": net.dtype.name,
        "cost": net.cost_function.name,
        "layers": [_layer(W, f.name) for W, f in zip(net.weights, net.activations)],
        "scaler": None if scaler is None or getattr(scaler, "kind", None) == "none" else scaler.to_dict(),
        "labels": None if labels is None else [str(label) for label in labels],
    }
    if path is not None:
        with open(os.fspath(path), "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1)
            f.write("\n")
    return data


def from_json(source) -> Network:
    """The ``Network`` of a ``to_json`` dict or file (its scaler and labels are not read)."""
    data = source
    if not isinstance(source, dict):
        with open(os.fspath(source), encoding="utf-8") as f:
            data = json.load(f)
    if not isinstance(data, dict) or data.get("format") != JSON_FORMAT:
        raise ValueError(f"not a {JSON_FORMAT!r} JSON file (written by backprop export --format json)")
    layers = data["layers"]
    hidden, output = network_functions([layer["activation"] for layer in layers], lambda l: f"layer {l}")
    weights = [join(np.asarray(layer["weight"], dtype=np.float64), layer["bias"]) for layer in layers]
    return Network.from_weights(
        weights,
        data.get("dtype", "float64"),
        activation=hidden,
        output_activation=output,
        cost=data.get("cost") or default_cost(output),
    )
