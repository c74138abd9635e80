"""Cost functions C(a^(L), T), per sample, and their derivative dC/da^(L).

The note's cost is the quadratic one, eq. (5): C = ½ Σ_j (a_j^(L) − T_j)². For a batch
of m samples every cost here is the mean of the per-sample costs, so the gradient of a
batch is the mean of the per-sample gradients.

The registry ``COSTS`` maps the names used by the Python API, the command line and
model files to the objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .registry import Registry

__all__ = ["Cost", "COSTS", "get_cost", "quadratic"]

# Probabilities are kept this far from 0 and 1 inside logarithms.
_EPS = 1e-12


@dataclass(frozen=True)
class Cost:
    """A cost: ``per_sample(a, t)`` gives one C per row; ``derivative(a, t)`` dC/da.

    ``matching_activation`` names the output activation with which the output δ
    simplifies to δ^(L) = a^(L) − T (sigmoid with binary cross-entropy, softmax with
    categorical cross-entropy); the core uses that exact form for such pairs.
    ``output_activations`` lists the output activations the cost accepts (``None``:
    any); the cross-entropies take logarithms of the outputs, which must be
    probabilities in (0, 1).
    """

    name: str
    per_sample: Callable[[np.ndarray, np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray, np.ndarray], np.ndarray]
    description: str = ""
    matching_activation: str | None = None
    output_activations: tuple[str, ...] | None = None

    def __call__(self, a: np.ndarray, t: np.ndarray) -> float:
        """The mean over the rows of a batch (or the cost of a single sample)."""
        return float(np.mean(self.per_sample(np.atleast_2d(a), np.atleast_2d(t))))


def _quadratic(a: np.ndarray, t: np.ndarray) -> np.ndarray:
    diff = a - t
    return 0.5 * np.sum(diff * diff, axis=-1)


def _quadratic_derivative(a: np.ndarray, t: np.ndarray) -> np.ndarray:
    return a - t


def _binary_cross_entropy(a: np.ndarray, t: np.ndarray) -> np.ndarray:
    a = np.clip(a, _EPS, 1.0 - _EPS)
    return -np.sum(t * np.log(a) + (1.0 - t) * np.log1p(-a), axis=-1)


def _binary_cross_entropy_derivative(a: np.ndarray, t: np.ndarray) -> np.ndarray:
    a = np.clip(a, _EPS, 1.0 - _EPS)
    return (a - t) / (a * (1.0 - a))


def _categorical_cross_entropy(a: np.ndarray, t: np.ndarray) -> np.ndarray:
    return -np.sum(t * np.log(np.clip(a, _EPS, None)), axis=-1)


def _categorical_cross_entropy_derivative(a: np.ndarray, t: np.ndarray) -> np.ndarray:
    return -t / np.clip(a, _EPS, None)


quadratic = Cost(
    "quadratic",
    _quadratic,
    _quadratic_derivative,
    "½ Σ_j (a_j − T_j)², the note's eq. (5)",
)

COSTS: Registry[Cost] = Registry("cost")
COSTS.register(quadratic, aliases=("mse", "quadratic_cost"))
COSTS.register(
    Cost(
        "binary_cross_entropy",
        _binary_cross_entropy,
        _binary_cross_entropy_derivative,
        "−Σ_j [T_j ln a_j + (1 − T_j) ln(1 − a_j)]",
        matching_activation="sigmoid",
        output_activations=("sigmoid", "softmax"),
    ),
    aliases=("bce", "binary_crossentropy"),
)
COSTS.register(
    Cost(
        "cross_entropy",
        _categorical_cross_entropy,
        _categorical_cross_entropy_derivative,
        "−Σ_j T_j ln a_j (categorical; with softmax)",
        matching_activation="softmax",
        output_activations=("softmax", "sigmoid"),
    ),
    aliases=("categorical_cross_entropy", "cce", "crossentropy"),
)


def get_cost(name_or_cost: str | Cost) -> Cost:
    """Return the cost registered under a name (or pass one through)."""
    if isinstance(name_or_cost, Cost):
        return name_or_cost
    return COSTS.get(name_or_cost)
