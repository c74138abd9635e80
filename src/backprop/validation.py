"""Checks of user input that turn bad values into errors a person can act on.

Every check raises ``ValueError`` naming what was wrong and what was expected, before
anything is changed.
"""

from __future__ import annotations

from numbers import Integral
from typing import Sequence

import numpy as np

__all__ = ["check_sizes", "as_batch", "check_weights", "check_dtype", "check_learning_rate"]


def check_sizes(sizes: Sequence[int]) -> list[int]:
    """Layer sizes [n0, …, nL]: at least two layers, each a positive integer."""
    try:
        sizes = list(sizes)
    except TypeError:
        raise ValueError(f"sizes must be a list of layer sizes like [2, 2, 2]; got {sizes!r}") from None
    if len(sizes) < 2:
        raise ValueError(
            f"sizes must name at least an input and an output layer, like [2, 2, 2]; got {sizes}"
        )
    for l, n in enumerate(sizes):
        if isinstance(n, bool) or not isinstance(n, Integral) or n < 1:
            raise ValueError(
                f"layer {l} size must be a positive integer; got {n!r} in sizes {sizes}"
            )
    return [int(n) for n in sizes]


def check_dtype(dtype) -> np.dtype:
    dt = np.dtype(dtype)
    if dt not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise ValueError(f"dtype must be float32 or float64; got {dt}")
    return dt


def check_learning_rate(learning_rate: float) -> float:
    try:
        value = float(learning_rate)
    except (TypeError, ValueError):
        raise ValueError(f"learning rate must be a positive number; got {learning_rate!r}") from None
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"learning rate must be a positive finite number; got {learning_rate!r}")
    return value


def check_positive_int(value, what: str) -> int:
    """``value`` as an int ≥ 1, or a ``ValueError`` naming ``what`` (bools are refused)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{what} must be a positive integer; got {value!r}")
    return int(value)


def as_batch(
    values, n: int, dtype: np.dtype, what: str, sizes: Sequence[int]
) -> tuple[np.ndarray, bool]:
    """Return ``values`` as a 2-D batch (m, n) of ``dtype`` and whether it was one sample.

    ``what`` is "input" or "target", used in the messages, with the expected count
    ``n`` and the network's ``sizes``.
    """
    noun = "features" if what == "input" else "values"
    try:
        arr = np.asarray(values)
        if arr.dtype.kind not in "biuf":  # text, objects, …: numbers or a clear error
            arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be numbers, {n} {noun} per sample; got {values!r:.80}") from None
    single = arr.ndim == 1
    if arr.ndim == 0 or arr.ndim > 2:
        raise ValueError(
            f"{what} must be one sample of shape ({n},) or a batch of shape (m, {n}); "
            f"got an array of shape {arr.shape}"
        )
    batch = arr.reshape(1, -1) if single else arr
    if batch.shape[0] == 0:
        raise ValueError(f"{what} is an empty batch; expected at least one sample of {n} {noun}")
    if batch.shape[1] != n:
        raise ValueError(
            f"{what} has {batch.shape[1]} {noun}, the network expects {n} (sizes {list(sizes)})"
        )
    # Straight to the network's dtype: no copy when the data already is, and no
    # temporary of the batch's size for the check (min and max see NaN and ±inf; a
    # value too large for float32 shows up here as inf).
    with np.errstate(over="ignore"):
        batch = np.ascontiguousarray(batch, dtype=dtype)
    if not (np.isfinite(batch.min()) and np.isfinite(batch.max())):
        bad = np.argwhere(~np.isfinite(batch))[0]
        where = f"feature {bad[1]}" if single else f"sample {bad[0]}, column {bad[1]}"
        raise ValueError(f"{what} contains {batch[tuple(bad)]} at {where}; every value must be finite")
    return batch, single


def check_weights(weights: Sequence) -> list[np.ndarray]:
    """Weights in the note's layout: W^(l) of shape (n_l, n_{l-1} + 1), chained layer to layer."""
    try:
        mats = [np.asarray(W, dtype=np.float64) for W in weights]
    except (TypeError, ValueError):
        raise ValueError("weights must be a list of 2-D numeric matrices [W1, ..., WL]") from None
    if len(mats) < 1:
        raise ValueError("weights must hold at least one matrix W^(1)")
    for l, W in enumerate(mats, start=1):
        if W.ndim != 2 or W.shape[1] < 2 or W.shape[0] < 1:
            raise ValueError(
                f"W^({l}) must be a matrix of shape (n_{l}, n_{l - 1} + 1), the last column "
                f"the biases; got shape {W.shape}"
            )
        if not np.all(np.isfinite(W)):
            raise ValueError(f"W^({l}) contains a value that is not finite")
    for l in range(1, len(mats)):
        n_prev = mats[l - 1].shape[0]
        if mats[l].shape[1] != n_prev + 1:
            raise ValueError(
                f"W^({l + 1}) has shape {mats[l].shape}, but W^({l}) has {n_prev} rows, so "
                f"W^({l + 1}) must have {n_prev} + 1 = {n_prev + 1} columns (the last the bias)"
            )
    return mats
