"""The playground's data sets: the 2-D sets, XOR and the note's example.

``load(name, seed, noise, n_samples)`` returns ``(X, T, y)``: inputs (m, 2), the
network's targets (m, n_L) and the class numbers (m,) or ``None`` for the note's
example, whose target (0.3, 0.4) is not a class. The data sets come from
``backprop.datasets`` when that package is installed; until then small private
generators with the same names stand in.
"""

from __future__ import annotations

import numpy as np

from ..examples import NOTE

__all__ = ["DATASET_NAMES", "load"]

DATASET_NAMES = ("moons", "circles", "spirals", "blobs", "xor", "note")


def load(name: str, seed: int, noise: float, n_samples: int):
    """The data set ``name`` as ``(X, T, y)``; see the module docstring."""
    if name not in DATASET_NAMES:
        raise ValueError(f"unknown data set {name!r}; expected one of {', '.join(DATASET_NAMES)}")
    if name == "note":
        return NOTE.x.reshape(1, -1).copy(), NOTE.t.reshape(1, -1).copy(), None
    try:
        from ..datasets import load_dataset
    except ImportError:
        load_dataset = None
    if load_dataset is not None and name != "xor":
        ds = load_dataset(name, seed=seed, noise=noise, n_samples=n_samples)
        return np.asarray(ds.X, float), np.asarray(ds.T, float), np.asarray(ds.y)
    X, y = _GENERATORS[name](np.random.default_rng(seed), n_samples, noise)
    return X, _targets(y), y


def _targets(y: np.ndarray) -> np.ndarray:
    """One column 0/1 for two classes, one-hot rows for more."""
    k = int(y.max()) + 1
    if k <= 2:
        return y.reshape(-1, 1).astype(float)
    return np.eye(k)[y]


def _split(m: int) -> tuple[int, int]:
    return m // 2, m - m // 2


def _moons(rng, m, noise):
    m0, m1 = _split(m)
    t0, t1 = rng.uniform(0, np.pi, m0), rng.uniform(0, np.pi, m1)
    upper = np.column_stack([np.cos(t0), np.sin(t0)])
    lower = np.column_stack([1 - np.cos(t1), 0.5 - np.sin(t1)])
    X = np.vstack([upper, lower]) + rng.normal(0, noise, (m, 2))
    return X, np.repeat([0, 1], [m0, m1])


def _circles(rng, m, noise):
    m0, m1 = _split(m)
    t = rng.uniform(0, 2 * np.pi, m)
    r = np.repeat([1.0, 0.5], [m0, m1])
    X = np.column_stack([r * np.cos(t), r * np.sin(t)]) + rng.normal(0, noise, (m, 2))
    return X, np.repeat([0, 1], [m0, m1])


def _spirals(rng, m, noise):
    m0, m1 = _split(m)
    parts = []
    for k, n in enumerate((m0, m1)):
        t = np.sqrt(rng.uniform(0, 1, n)) * 3 * np.pi
        s = -1 if k else 1
        parts.append(np.column_stack([s * t * np.cos(t), s * t * np.sin(t)]) / (3 * np.pi))
    X = np.vstack(parts) + rng.normal(0, noise, (m, 2))
    return X, np.repeat([0, 1], [m0, m1])


def _blobs(rng, m, noise):
    centres = np.array([[-1.0, -1.0], [1.0, -1.0], [0.0, 1.0]])
    y = np.arange(m) % 3
    X = centres[y] + rng.normal(0, 0.3 + noise, (m, 2))
    return X, y


def _xor(rng, m, noise):
    corners = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    idx = np.arange(m) % 4
    X = corners[idx] + rng.normal(0, noise, (m, 2))
    y = (corners[idx, 0] != corners[idx, 1]).astype(np.int64)
    return X, y


_GENERATORS = {"moons": _moons, "circles": _circles, "spirals": _spirals, "blobs": _blobs, "xor": _xor}
