"""The note's network as pure functions: forward pass, backpropagation, update.

Notation (the note's, see docs/notation.md):

* layers l = 0 (input) … L (output); ``a[l]`` is the note's a^(l), one row per sample;
* ``weights[l - 1]`` is the note's W^(l), shape (n_l, n_{l-1} + 1): row j belongs to
  the end neuron j, column i to the start neuron i, and the **last column holds the
  biases**, the weights of the bias node of value 1;
* A^(l) is a^(l) with a 1 appended. It is never built: A^(l-1) W^(l)ᵀ is computed as
  a^(l-1) W^(l)[:, :-1]ᵀ + W^(l)[:, -1], which is the same sum without copying the batch.

Nothing here prints, reads files or keeps state; ``Network`` and the training loop call
these functions, and the step-by-step explanations record what they return.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .activations import Activation
from .costs import Cost

__all__ = [
    "Pass",
    "weighted_sums",
    "forward",
    "output_delta",
    "hidden_delta",
    "change_matrix",
    "backward",
    "backpropagate",
    "update",
]


def weighted_sums(W: np.ndarray, a_prev: np.ndarray) -> np.ndarray:
    """The weighted sums z^(l) = A^(l-1) W^(l)ᵀ of the note's eqs. (1)–(4).

    Entry j of a row is Σ_i w_ji^(l) a_i^(l-1) + w_jn^(l) · 1, the bias being the last
    column of W^(l). (The note writes σ(A^(0) W^(1)); with W's rows belonging to the
    end neurons the product needs W's transpose.)
    """
    z = a_prev @ W[:, :-1].T
    z += W[:, -1]
    return z


def forward(
    weights: Sequence[np.ndarray], x: np.ndarray, activations: Sequence[Activation]
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The forward pass, eqs. (1)–(4): a^(l) = f(A^(l-1) W^(l)ᵀ) for l = 1 … L.

    ``x`` is a batch, one sample a row. Returns ``(z, a)``: the weighted sums
    z^(1) … z^(L) and the values a^(0) … a^(L) (``a[0]`` is ``x`` itself).
    """
    sums: list[np.ndarray] = []
    values: list[np.ndarray] = [x]
    for W, f in zip(weights, activations):
        z = weighted_sums(W, values[-1])
        sums.append(z)
        values.append(f(z))
    return sums, values


def output_delta(a_L: np.ndarray, T: np.ndarray, f: Activation, cost: Cost) -> np.ndarray:
    """δ^(L) = dC/da^(L) ⊙ f'(z^(L)).

    For the note's sigmoid and quadratic cost this is δ^(L) = (a^(L) − T) ⊙ a^(L)(1 − a^(L)),
    the note's δ^(2) = D^(2) c, written with the Hadamard product instead of the
    diagonal matrix D^(2). For sigmoid with binary cross-entropy and softmax with
    cross-entropy the factors cancel to δ^(L) = a^(L) − T, which is used as such.
    """
    if cost.matching_activation is not None and cost.matching_activation == f.name:
        return a_L - T
    return f.backward(a_L, cost.derivative(a_L, T))


def hidden_delta(
    a_l: np.ndarray, W_next: np.ndarray, delta_next: np.ndarray, f: Activation
) -> np.ndarray:
    """δ^(l) = f'(z^(l)) ⊙ (W^(l+1) without its bias column)ᵀ δ^(l+1).

    The note's δ_i^(1) = a_i^(1)(1 − a_i^(1)) Σ_j δ_j^(2) w_ji^(2), i.e. δ^(1) = D^(1) w^(2)ᵀ δ^(2)
    (the note prints w^(2) without the transpose). The bias node has no incoming
    weights, so the bias column takes no part. With rows as samples the sum over j
    is ``delta_next @ W_next[:, :-1]``.
    """
    return f.backward(a_l, delta_next @ W_next[:, :-1])


def change_matrix(delta: np.ndarray, a_prev: np.ndarray) -> np.ndarray:
    """The change matrix dC/dW^(l) = δ^(l) A^(l-1), the mean over the batch.

    Entry (j, i) is δ_j^(l) a_i^(l-1) and the last column, the bias node's, is
    δ_j^(l) · 1: the note's outer product, one per sample, averaged over the m rows.
    """
    m = delta.shape[0]
    n_out, n_in = delta.shape[1], a_prev.shape[1]
    grad = np.empty((n_out, n_in + 1), dtype=np.result_type(delta, a_prev))
    np.matmul(delta.T, a_prev, out=grad[:, :-1])
    np.sum(delta, axis=0, out=grad[:, -1])
    grad /= m
    return grad


def backward(
    weights: Sequence[np.ndarray],
    values: Sequence[np.ndarray],
    T: np.ndarray,
    activations: Sequence[Activation],
    cost: Cost,
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Backpropagation: every δ^(l) and change matrix dC/dW^(l), from l = L down to 1.

    ``values`` are a^(0) … a^(L) from :func:`forward` with the same weights. Returns
    ``(deltas, change_matrices)``, both indexed like ``weights``: ``deltas[l - 1]`` is
    δ^(l) (one row per sample), ``change_matrices[l - 1]`` is dC/dW^(l).
    Nothing is changed: the note computes every change before any weight changes.
    """
    L = len(weights)
    deltas: list[np.ndarray] = [np.empty(0)] * L
    changes: list[np.ndarray] = [np.empty(0)] * L
    delta = output_delta(values[L], T, activations[L - 1], cost)
    for l in range(L, 0, -1):  # the note's layer number; weights[l - 1] is W^(l)
        if l < L:
            delta = hidden_delta(values[l], weights[l], delta, activations[l - 1])
        deltas[l - 1] = delta
        changes[l - 1] = change_matrix(delta, values[l - 1])
    return deltas, changes


@dataclass(frozen=True)
class Pass:
    """Everything one forward and backward pass computed, in the note's symbols.

    ``z[l-1]`` and ``deltas[l-1]`` belong to layer l (1 … L); ``a[l]`` to layer l
    (0 … L); ``change_matrices[l-1]`` is dC/dW^(l); ``cost`` is C (mean over the batch).
    """

    z: list[np.ndarray]
    a: list[np.ndarray]
    cost: float
    deltas: list[np.ndarray]
    change_matrices: list[np.ndarray]


def backpropagate(
    weights: Sequence[np.ndarray],
    x: np.ndarray,
    T: np.ndarray,
    activations: Sequence[Activation],
    cost: Cost,
) -> Pass:
    """Forward pass, cost (5) and backpropagation for a batch ``x`` with targets ``T``."""
    sums, values = forward(weights, x, activations)
    deltas, changes = backward(weights, values, T, activations, cost)
    return Pass(sums, values, cost(values[-1], T), deltas, changes)


def update(
    weights: Sequence[np.ndarray], change_matrices: Sequence[np.ndarray], learning_rate: float
) -> list[np.ndarray]:
    """W^(l) ← W^(l) − γ dC/dW^(l) for every layer; returns new matrices.

    Every change matrix must come from the weights before the step (the note: "the
    derivative of *all* weights in *all* layers have to be calculated before *any*
    weight is changed"); this function only applies them.
    """
    return [W - learning_rate * dW for W, dW in zip(weights, change_matrices)]
