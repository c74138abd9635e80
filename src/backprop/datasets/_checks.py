"""Checks of data set options: a ValueError names the option and what is allowed."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np


def int_option(dataset: str, option: str, value, minimum: int, maximum: int | None = None) -> int:
    allowed = f"an integer ≥ {minimum}" if maximum is None else f"an integer from {minimum} to {maximum}"
    if isinstance(value, str):
        try:
            value = int(value)
        except ValueError:
            pass
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise ValueError(f"data set {dataset!r}: option {option} must be {allowed}; got {value!r}")
    if value < minimum or (maximum is not None and value > maximum):
        raise ValueError(f"data set {dataset!r}: option {option} must be {allowed}; got {value}")
    return int(value)


def float_option(dataset: str, option: str, value, minimum: float = 0.0, maximum: float | None = None) -> float:
    allowed = f"a number ≥ {minimum}" if maximum is None else f"a number from {minimum} to {maximum}"
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            pass
    if isinstance(value, bool) or not isinstance(value, Real) or not np.isfinite(value):
        raise ValueError(f"data set {dataset!r}: option {option} must be {allowed}; got {value!r}")
    if value < minimum or (maximum is not None and value > maximum):
        raise ValueError(f"data set {dataset!r}: option {option} must be {allowed}; got {value}")
    return float(value)


def bool_option(dataset: str, option: str, value) -> bool:
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "1", "false", "no", "0"):
        return value.strip().lower() in ("true", "yes", "1")
    if isinstance(value, (bool, np.bool_)) or value in (0, 1):
        return bool(value)
    raise ValueError(f"data set {dataset!r}: option {option} must be true or false; got {value!r}")


def per_class(n_samples: int, k: int) -> list[int]:
    """n_samples shared out over k classes as evenly as possible (the first get the rest)."""
    return [n_samples // k + (1 if c < n_samples % k else 0) for c in range(k)]
