"""Preprocessing: input scaling, label encoding and seeded splits.

A scaler is *fitted* on the training split only and then applied, unchanged, to the
validation and test splits and to every later input; ``to_dict``/``scaler_from_dict``
store it in a model file with full float64 precision, so a loaded model transforms
inputs exactly as the trained one did.

Label encoding follows one rule everywhere (bundled data sets, CSV files, the command
line): two classes give **one** output, the target 1 for the second class and 0 for
the first (read with a threshold of 0.5); more classes give one output per class, the
target row one-hot (read with argmax). ``one_hot=True`` asks for two outputs for two
classes as well.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from .registry import Registry

__all__ = [
    "Scaler",
    "NoScaling",
    "MinMaxScaler",
    "Standardizer",
    "SCALERS",
    "get_scaler",
    "scaler_from_dict",
    "one_hot",
    "encode_labels",
    "split_indices",
    "split_dataset",
    "scale_datasets",
    "targets_for_classes",
]


class Scaler:
    """Base class: ``fit(X)`` on the training inputs, then ``transform(X)`` anywhere."""

    kind = "none"

    def fit(self, X: np.ndarray) -> "Scaler":
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        return np.array(X, dtype=np.float64)

    def fit_transform(self, X: np.ndarray) -> np.ndarray:
        return self.fit(X).transform(X)

    def to_dict(self) -> dict:
        """The kind and the fitted numbers, as plain lists of floats (JSON-ready)."""
        return {"kind": self.kind}

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class NoScaling(Scaler):
    """Inputs are used as they are."""

    kind = "none"


class _Affine(Scaler):
    """x ↦ (x − offset) / scale, per feature; ``scale`` is never 0."""

    kind = "affine"

    def __init__(self, offset: Sequence[float] | None = None, scale: Sequence[float] | None = None) -> None:
        self.offset = None if offset is None else np.asarray(offset, dtype=np.float64)
        self.scale = None if scale is None else np.asarray(scale, dtype=np.float64)
        if (self.offset is None) != (self.scale is None):
            raise ValueError(f"{self.kind} scaler needs both its offset and its scale")
        if self.offset is not None:
            if self.offset.ndim != 1 or self.offset.shape != self.scale.shape:
                raise ValueError(
                    f"{self.kind} scaler: offset and scale must be lists of the same length; "
                    f"got shapes {self.offset.shape} and {self.scale.shape}"
                )
            if not (np.all(np.isfinite(self.offset)) and np.all(np.isfinite(self.scale))):
                raise ValueError(f"{self.kind} scaler: offset and scale must be finite numbers")
            if np.any(self.scale == 0):
                raise ValueError(f"{self.kind} scaler: scale must not be 0")

    @property
    def fitted(self) -> bool:
        return self.offset is not None

    def transform(self, X: np.ndarray) -> np.ndarray:
        if not self.fitted:
            raise ValueError(f"the {self.kind} scaler is not fitted; call fit(X_train) first")
        X = np.array(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != len(self.offset):
            raise ValueError(
                f"the {self.kind} scaler was fitted on {len(self.offset)} features; "
                f"got an array of shape {X.shape}"
            )
        X -= self.offset
        X /= self.scale
        return X

    def to_dict(self) -> dict:
        if not self.fitted:
            raise ValueError(f"the {self.kind} scaler is not fitted; nothing to store")
        return {"kind": self.kind, "offset": self.offset.tolist(), "scale": self.scale.tolist()}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({'fitted' if self.fitted else 'not fitted'})"


def _training_inputs(X) -> np.ndarray:
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or len(X) == 0:
        raise ValueError(f"a scaler is fitted on a non-empty batch (m, n); got shape {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("a scaler is fitted on finite numbers; the inputs contain nan or inf")
    return X


class MinMaxScaler(_Affine):
    """x ↦ (x − min) / (max − min) per feature, min and max of the training split.

    Training inputs land in [0, 1]; a feature that is constant in the training split
    is shifted to 0 and not stretched (its range counts as 1).
    """

    kind = "minmax"

    def fit(self, X) -> "MinMaxScaler":
        X = _training_inputs(X)
        low, high = X.min(axis=0), X.max(axis=0)
        span = high - low
        span[span == 0] = 1.0
        self.offset, self.scale = low, span
        return self


class Standardizer(_Affine):
    """x ↦ (x − mean) / std per feature, mean and (population) std of the training split.

    A feature that is constant in the training split is centred and not stretched.
    """

    kind = "standard"

    def fit(self, X) -> "Standardizer":
        X = _training_inputs(X)
        mean, std = X.mean(axis=0), X.std(axis=0)
        std[std == 0] = 1.0
        self.offset, self.scale = mean, std
        return self


SCALERS: Registry[type[Scaler]] = Registry("scaling")
SCALERS.register(MinMaxScaler, "minmax", aliases=("min_max", "normalize", "01"))
SCALERS.register(Standardizer, "standard", aliases=("standardize", "zscore", "z_score"))
SCALERS.register(NoScaling, "none", aliases=("identity",))


def get_scaler(name: str | Scaler) -> Scaler:
    """A new, unfitted scaler by name (``minmax``, ``standard``, ``none``), or pass one through."""
    if isinstance(name, Scaler):
        return name
    return SCALERS.get(name)()


def scaler_from_dict(data: dict | None) -> Scaler:
    """The scaler stored by ``Scaler.to_dict`` (``None`` means no scaling)."""
    if data is None:
        return NoScaling()
    if not isinstance(data, dict) or "kind" not in data:
        raise ValueError(f"preprocessing must be an object with a 'kind'; got {data!r:.80}")
    cls = SCALERS.get(data["kind"])
    if cls is NoScaling:
        return NoScaling()
    try:
        return cls(data["offset"], data["scale"])
    except KeyError as missing:
        raise ValueError(f"preprocessing of kind {data['kind']!r} lacks {missing}") from None
    except TypeError:
        raise ValueError(f"preprocessing of kind {data['kind']!r}: offset and scale must be lists of numbers") from None


# -- labels ---------------------------------------------------------------------------


def one_hot(y, n_classes: int) -> np.ndarray:
    """Rows e_{y_i}: a 1 in column y_i, 0 elsewhere; shape (m, n_classes)."""
    y = np.asarray(y)
    if y.size and not np.all(np.mod(y, 1) == 0):
        raise ValueError(f"class indices must be whole numbers 0 … {n_classes - 1}; got {y[np.mod(y, 1) != 0][0]!r}")
    if y.ndim != 1 or (y.size and (y.min() < 0 or y.max() >= n_classes)):
        raise ValueError(f"class indices must be a 1-D array of integers in 0 … {n_classes - 1}")
    T = np.zeros((len(y), n_classes))
    T[np.arange(len(y)), y.astype(np.intp)] = 1.0
    return T


def _sort_key(label: str):
    # Numbers in numeric order ("2" before "10"), then other labels alphabetically.
    try:
        return (0, float(label), label)
    except ValueError:
        return (1, 0.0, label)


def encode_labels(
    labels: Sequence, classes: Sequence[str] | None = None, one_hot_binary: bool = False
) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """Targets for class labels: ``(T, y, classes)``.

    ``classes`` fixes the class order (default: the labels found, numbers in numeric
    order). Two classes give one output column (1 for the second class) unless
    ``one_hot_binary``; more classes give one-hot rows. ``y`` holds class indices.
    """
    names = [str(v).strip() for v in labels]
    if classes is None:
        classes = tuple(sorted(set(names), key=_sort_key))
    else:
        classes = tuple(str(c) for c in classes)
        if len(set(classes)) != len(classes):
            raise ValueError(f"class names must be distinct; got {list(classes)}")
    if len(classes) < 2:
        raise ValueError(f"class labels need at least two classes; found only {list(classes)}")
    index = {c: i for i, c in enumerate(classes)}
    unknown = [n for n in names if n not in index]
    if unknown:
        raise ValueError(f"label {unknown[0]!r} is not one of the classes {list(classes)}")
    y = np.array([index[n] for n in names], dtype=np.intp)
    return targets_for_classes(y, len(classes), one_hot_binary), y, classes


def targets_for_classes(y, n_classes: int, one_hot_binary: bool = False) -> np.ndarray:
    """The targets of class indices ``y`` by the rule above (one column for two classes)."""
    if n_classes == 2 and not one_hot_binary:
        return np.asarray(y, dtype=np.float64).reshape(-1, 1)
    return one_hot(y, n_classes)


# -- splits ---------------------------------------------------------------------------


def _check_fraction(value: float, what: str) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a number in [0, 1); got {value!r}") from None
    if not 0.0 <= value < 1.0:
        raise ValueError(f"{what} must be a number in [0, 1); got {value!r}")
    return value


def split_indices(
    n_samples: int,
    test_fraction: float = 0.2,
    validation_fraction: float = 0.0,
    seed: int | None = 0,
    y=None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Seeded (train, validation, test) index arrays that partition ``range(n_samples)``.

    With class indices ``y`` the split is stratified: each class contributes
    round(fraction × its size) samples to the test and to the validation split, so the
    classes keep their proportions. The same seed gives the same split on any machine.
    Each returned array is in increasing order.
    """
    test_fraction = _check_fraction(test_fraction, "test fraction")
    validation_fraction = _check_fraction(validation_fraction, "validation fraction")
    if test_fraction + validation_fraction >= 1.0:
        raise ValueError(
            f"test fraction {test_fraction} + validation fraction {validation_fraction} must "
            f"leave samples for training (their sum must be below 1)"
        )
    rng = np.random.default_rng(seed)
    if y is None:
        groups = [np.arange(n_samples)]
    else:
        y = np.asarray(y)
        if y.shape != (n_samples,):
            raise ValueError(f"y must hold one class index per sample ({n_samples}); got shape {y.shape}")
        groups = [np.flatnonzero(y == c) for c in np.unique(y)]
    train, validation, test = [], [], []
    for group in groups:
        group = rng.permutation(group)
        n_test = int(round(test_fraction * len(group)))
        n_val = int(round(validation_fraction * len(group)))
        if n_test + n_val >= len(group) and len(group) > 0:
            n_val = max(0, min(n_val, len(group) - n_test - 1))
            n_test = min(n_test, len(group) - 1)
        test.append(group[:n_test])
        validation.append(group[n_test : n_test + n_val])
        train.append(group[n_test + n_val :])
    return tuple(np.sort(np.concatenate(part)).astype(np.intp) for part in (train, validation, test))


def split_dataset(dataset, test: float = 0.2, validation: float = 0.0, seed: int | None = 0,
                  stratify: bool = True):
    """Seeded ``(train, validation, test)`` data sets; ``validation``/``test`` is ``None``
    when its fraction is 0.

    Stratified by class (``split_indices`` with ``y``) when the data set has classes
    and ``stratify`` is true. The parts are named ``NAME:train``, ``NAME:validation``,
    ``NAME:test``.
    """
    y = dataset.y if stratify else None
    parts = split_indices(len(dataset.X), test, validation, seed, y=y)
    names = ("train", "validation", "test")
    fractions = (1.0, validation, test)
    return tuple(
        dataset.subset(idx, name=f"{dataset.name}:{part}") if (fraction > 0 and len(idx)) else None
        for part, idx, fraction in zip(names, parts, fractions)
    )


def scale_datasets(scaler: str | Scaler, train, *others):
    """Fit ``scaler`` on ``train``'s inputs only; return the fitted scaler, then ``train``
    and each of ``others`` (``None`` stays ``None``) with scaled inputs."""
    scaler = get_scaler(scaler).fit(train.X)
    scaled = [None if ds is None else ds.with_inputs(scaler.transform(ds.X)) for ds in (train, *others)]
    return (scaler, *scaled)
