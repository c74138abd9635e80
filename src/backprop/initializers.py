"""Initial weights W^(l), shape (n_l, n_{l-1} + 1), the last column the biases.

Every initialiser draws from a ``numpy.random.Generator`` (PCG64), so the same seed
gives the same weights on any machine. The registry ``INITIALIZERS`` maps the names
used by the Python API, the command line and model files to the functions.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from .registry import Registry

__all__ = ["INITIALIZERS", "get_initializer", "initial_weights"]

Initializer = Callable[[int, int, np.random.Generator], np.ndarray]


def uniform(n_out: int, n_in: int, rng: np.random.Generator) -> np.ndarray:
    """Small uniform weights and biases in [−0.5, 0.5), in the spirit of the note's example."""
    return rng.uniform(-0.5, 0.5, size=(n_out, n_in + 1))


def xavier(n_out: int, n_in: int, rng: np.random.Generator) -> np.ndarray:
    """Glorot/Xavier uniform: U(−r, r) with r = √(6 / (n_in + n_out)); biases 0."""
    r = np.sqrt(6.0 / (n_in + n_out))
    W = np.zeros((n_out, n_in + 1))
    W[:, :-1] = rng.uniform(-r, r, size=(n_out, n_in))
    return W


def he(n_out: int, n_in: int, rng: np.random.Generator) -> np.ndarray:
    """He (Kaiming) normal: N(0, 2 / n_in), for ReLU layers; biases 0."""
    W = np.zeros((n_out, n_in + 1))
    W[:, :-1] = rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_out, n_in))
    return W


INITIALIZERS: Registry[Initializer] = Registry("initializer")
INITIALIZERS.register(uniform, "uniform", aliases=("note",))
INITIALIZERS.register(xavier, "xavier", aliases=("glorot",))
INITIALIZERS.register(he, "he", aliases=("kaiming",))


def get_initializer(name_or_function: str | Initializer) -> Initializer:
    if callable(name_or_function):
        return name_or_function
    return INITIALIZERS.get(name_or_function)


def initial_weights(
    sizes: list[int],
    initializer: str | Initializer = "uniform",
    seed: int | np.random.Generator | None = None,
    dtype: np.dtype | type = np.float64,
) -> list[np.ndarray]:
    """W^(1) … W^(L) for ``sizes``, drawn in float64 and then cast, so float32 and
    float64 networks of the same seed start from the same numbers."""
    init = get_initializer(initializer)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    return [
        np.ascontiguousarray(init(n_out, n_in, rng), dtype=dtype)
        for n_in, n_out in zip(sizes[:-1], sizes[1:])
    ]
