"""Seeded 2-D data sets for classification: moons, circles, spirals, blobs.

Every generator draws from ``numpy.random.default_rng(seed)``, so the same seed and
options give the same points on any machine; the samples come in a shuffled order.
``noise`` is the standard deviation of Gaussian noise added to each coordinate.
"""

from __future__ import annotations

import numpy as np

from ..preprocessing import targets_for_classes
from ._checks import float_option, int_option, per_class
from ._dataset import Dataset

__all__ = ["moons", "circles", "spirals", "blobs"]


def _finish(name, rng, parts, labels, description, one_hot) -> Dataset:
    X = np.concatenate(parts)
    y = np.concatenate([np.full(len(p), k, dtype=np.int64) for k, p in enumerate(parts)])
    order = rng.permutation(len(X))
    X, y = X[order], y[order]
    return Dataset(
        name=name,
        X=X,
        T=targets_for_classes(y, len(labels), one_hot),
        y=y,
        labels=list(labels),
        description=description,
        feature_names=["x1", "x2"],
    )


def moons(*, seed=None, n_samples: int = 200, noise: float = 0.1, one_hot: bool = False) -> Dataset:
    """Two interleaving half circles of radius 1 (the upper one class 0)."""
    n_samples = int_option("moons", "n_samples", n_samples, 2)
    noise = float_option("moons", "noise", noise)
    rng = np.random.default_rng(seed)
    n0, n1 = per_class("moons", n_samples, 2)
    a0 = np.linspace(0.0, np.pi, n0)
    a1 = np.linspace(0.0, np.pi, n1)
    upper = np.column_stack([np.cos(a0), np.sin(a0)])
    lower = np.column_stack([1.0 - np.cos(a1), 0.5 - np.sin(a1)])
    parts = [p + noise * rng.standard_normal(p.shape) for p in (upper, lower)]
    return _finish("moons", rng, parts, ["upper", "lower"],
                   "two interleaving half circles in the plane", one_hot)


def circles(*, seed=None, n_samples: int = 200, noise: float = 0.05, factor: float = 0.5,
            one_hot: bool = False) -> Dataset:
    """A circle of radius 1 (class 0) around one of radius ``factor`` (class 1)."""
    n_samples = int_option("circles", "n_samples", n_samples, 2)
    noise = float_option("circles", "noise", noise)
    factor = float_option("circles", "factor", factor, 0.0, 1.0)
    if factor >= 1.0:
        raise ValueError(f"data set 'circles': option factor must be a number from 0 to below 1; got {factor}")
    rng = np.random.default_rng(seed)
    parts = []
    for radius, n in zip((1.0, factor), per_class("circles", n_samples, 2)):
        angle = np.linspace(0.0, 2 * np.pi, n, endpoint=False)
        ring = radius * np.column_stack([np.cos(angle), np.sin(angle)])
        parts.append(ring + noise * rng.standard_normal(ring.shape))
    return _finish("circles", rng, parts, ["outer", "inner"],
                   "a circle around a smaller one in the plane", one_hot)


def spirals(*, seed=None, n_samples: int = 300, noise: float = 0.05, classes: int = 3,
            turns: float = 1.0, one_hot: bool = False) -> Dataset:
    """``classes`` interleaved spiral arms from the origin out to radius 1."""
    n_samples = int_option("spirals", "n_samples", n_samples, 2)
    noise = float_option("spirals", "noise", noise)
    classes = int_option("spirals", "classes", classes, 2, 10)
    turns = float_option("spirals", "turns", turns, 0.1, 10.0)
    rng = np.random.default_rng(seed)
    parts = []
    for k, n in enumerate(per_class("spirals", n_samples, classes)):
        radius = np.linspace(0.05, 1.0, n)
        angle = 2 * np.pi * (turns * radius + k / classes)
        arm = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
        parts.append(arm + noise * rng.standard_normal(arm.shape))
    return _finish("spirals", rng, parts, [str(k) for k in range(classes)],
                   f"{classes} interleaved spiral arms in the plane", one_hot)


def blobs(*, seed=None, n_samples: int = 300, noise: float = 1.0, centers: int = 3,
          one_hot: bool = False) -> Dataset:
    """Gaussian clouds (standard deviation ``noise``) around ``centers`` points evenly
    spaced on a circle of radius 4, one class per centre."""
    n_samples = int_option("blobs", "n_samples", n_samples, 2)
    noise = float_option("blobs", "noise", noise)
    centers = int_option("blobs", "centers", centers, 2, 20)
    rng = np.random.default_rng(seed)
    parts = []
    for k, n in enumerate(per_class("blobs", n_samples, centers, "centers")):
        angle = 2 * np.pi * k / centers
        centre = 4.0 * np.array([np.cos(angle), np.sin(angle)])
        parts.append(centre + noise * rng.standard_normal((n, 2)))
    return _finish("blobs", rng, parts, [str(k) for k in range(centers)],
                   f"{centers} Gaussian clouds in the plane", one_hot)
