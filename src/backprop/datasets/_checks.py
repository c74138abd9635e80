"""Checks of data set options: a ValueError names the option and what is allowed."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np


def _number_option(dataset: str, option: str, value, kind: type, minimum, maximum) -> int | float:
    """``value`` (a string from the command line is parsed) as ``kind`` in [minimum, maximum]."""
    noun, types = ("an integer", Integral) if kind is int else ("a number", Real)
    allowed = f"{noun} ≥ {minimum}" if maximum is None else f"{noun} from {minimum} to {maximum}"
    if isinstance(value, str):
        try:
            value = kind(value)
        except ValueError:
            pass
    if isinstance(value, bool) or not isinstance(value, types) or (kind is float and not np.isfinite(value)):
        raise ValueError(f"data set {dataset!r}: option {option} must be {allowed}; got {value!r}")
    if value < minimum or (maximum is not None and value > maximum):
        raise ValueError(f"data set {dataset!r}: option {option} must be {allowed}; got {value}")
    return kind(value)


def int_option(dataset: str, option: str, value, minimum: int, maximum: int | None = None) -> int:
    return _number_option(dataset, option, value, int, minimum, maximum)


def float_option(dataset: str, option: str, value, minimum: float = 0.0, maximum: float | None = None) -> float:
    return _number_option(dataset, option, value, float, minimum, maximum)


def bool_option(dataset: str, option: str, value) -> bool:
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "1", "false", "no", "0"):
        return value.strip().lower() in ("true", "yes", "1")
    if isinstance(value, (bool, np.bool_)) or value in (0, 1):
        return bool(value)
    raise ValueError(f"data set {dataset!r}: option {option} must be true or false; got {value!r}")


def per_class(dataset: str, n_samples: int, k: int, option: str = "classes") -> list[int]:
    """n_samples shared out over k classes as evenly as possible (the first get the rest).

    ``option`` names the option that sets k, for the error when there are fewer samples.
    """
    if n_samples < k:
        raise ValueError(f"data set {dataset!r}: option n_samples must be at least {option} ({k}); got {n_samples}")
    return [n_samples // k + (1 if c < n_samples % k else 0) for c in range(k)]
