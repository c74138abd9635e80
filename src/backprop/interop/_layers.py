"""Weights in the note's layout ↔ (weight, bias) pairs, and the default cost of an import."""

from __future__ import annotations

import numpy as np

def split(W: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """W^(l) (n_l, n_{l-1} + 1) → weight (n_l, n_{l-1}) and bias (n_l,), the last column."""
    return W[:, :-1], W[:, -1]


def join(weight: np.ndarray, bias: np.ndarray | None) -> np.ndarray:
    """weight (n_l, n_{l-1}) and bias (n_l,) → the note's W^(l); a missing bias is 0."""
    weight = np.asarray(weight)
    if bias is None:
        bias = np.zeros(weight.shape[0], dtype=weight.dtype)
    return np.hstack([weight, np.asarray(bias, dtype=weight.dtype).reshape(-1, 1)])


def default_cost(output_activation: str) -> str:
    """The cost an imported network trains with unless told: cross-entropy for a
    softmax output, the note's quadratic cost, eq. (5), otherwise."""
    return "cross_entropy" if output_activation == "softmax" else "quadratic"


def network_functions(activations: list[str], where) -> tuple[str, str]:
    """(hidden, output) activation names from one name per layer.

    A ``Network`` has one activation for its hidden layers and one for its output layer;
    ``where(l)`` describes layer l (1-based) for the error message.
    """
    hidden = activations[:-1]
    for l, name in enumerate(hidden[1:], start=2):
        if name != hidden[0]:
            raise ValueError(
                f"{where(l)} uses {name!r} but layer 1 uses {hidden[0]!r}; a backprop "
                f"Network has one activation for all hidden layers"
            )
    output = activations[-1]
    return (hidden[0] if hidden else output), output


def affine(scaler, n_inputs: int) -> tuple[np.ndarray, np.ndarray] | None:
    """(offset, scale) of an input scaler x ↦ (x − offset) / scale, or None for no scaling.

    Takes the scalers of ``backprop.preprocessing`` (minmax, standard, none), fitted on
    ``n_inputs`` features, the network's n0.
    """
    if scaler is None or getattr(scaler, "kind", None) == "none":
        return None
    offset, scale = getattr(scaler, "offset", None), getattr(scaler, "scale", None)
    if offset is None or scale is None:
        raise ValueError(
            f"the input scaler {scaler!r} is not a fitted affine scaler (x − offset) / scale; "
            f"only those can be exported"
        )
    if len(offset) != n_inputs:
        raise ValueError(f"the scaler has {len(offset)} features, the network expects {n_inputs}")
    return np.asarray(offset, dtype=np.float64), np.asarray(scale, dtype=np.float64)


def fold_scaler(weights: list[np.ndarray], scaler) -> list[np.ndarray]:
    """The weights of the same function of the raw inputs: W^(1) applied to
    (x − offset) / scale is W^(1)[:, :-1] / scale applied to x, with bias
    b − W^(1)[:, :-1] (offset / scale). Equal up to rounding (≈1e-16 relative in float64)."""
    W = np.asarray(weights[0], dtype=np.float64)
    pair = affine(scaler, W.shape[1] - 1)
    if pair is None:
        return [np.array(W) for W in weights]
    offset, scale = pair
    weight, bias = split(W)
    folded = join(weight / scale, bias - weight @ (offset / scale))
    return [folded.astype(np.asarray(weights[0]).dtype)] + [np.array(W) for W in weights[1:]]
