"""The playground's data sets: the 2-D sets, XOR and the note's example.

``load(name, seed, noise, n_samples)`` returns ``(X, T, y)`` from
``backprop.datasets.load_dataset``: inputs (m, 2), the network's targets (m, n_L)
and the class numbers (m,), or ``None`` for the note's example, whose target
(0.3, 0.4) is not a class. ``noise`` and ``n_samples`` apply to the generated sets
(moons, circles, spirals, blobs); XOR is its four points and the note's example its
one sample, which are all used for training (no validation part).
"""

from __future__ import annotations

import numpy as np

from ..datasets import load_dataset

__all__ = ["DATASET_NAMES", "GENERATED", "load"]

DATASET_NAMES = ("moons", "circles", "spirals", "blobs", "xor", "note")
GENERATED = ("moons", "circles", "spirals", "blobs")


def load(name: str, seed: int, noise: float, n_samples: int):
    """The data set ``name`` as ``(X, T, y)``; see the module docstring."""
    if name not in DATASET_NAMES:
        raise ValueError(f"unknown data set {name!r}; expected one of {', '.join(DATASET_NAMES)}")
    if name in GENERATED:
        ds = load_dataset(name, seed=seed, noise=noise, n_samples=n_samples)
    else:
        ds = load_dataset(name)
    y = None if ds.y is None else np.asarray(ds.y, dtype=np.int64)
    return np.asarray(ds.X, dtype=float), np.asarray(ds.T, dtype=float), y
