"""``Dataset``: inputs, targets and class names, in the shapes the network uses."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

__all__ = ["Dataset"]


@dataclass(frozen=True, eq=False)
class Dataset:
    """A data set ready for the network: one row per sample.

    ``X`` float64 (m, n0), the inputs a^(0), unscaled (scaling is preprocessing's job).
    ``T`` float64 (m, nL), the targets: one column of 0/1 for two classes, one-hot rows
    for more, the values themselves for regression; ``None`` only for inputs without
    targets (a CSV file read with ``target_columns=[]``).
    ``y`` int64 (m,) class indices, or ``None`` for regression.
    ``labels`` the class names, ``labels[k]`` the name of class k (``None`` for regression).
    ``image_shape`` (rows, columns) when each row of ``X`` is an image, else ``None``.
    """

    name: str
    X: np.ndarray
    T: np.ndarray | None
    y: np.ndarray | None = None
    labels: list[str] | None = None
    image_shape: tuple[int, ...] | None = None
    description: str = ""
    feature_names: list[str] | None = field(default=None)

    def __post_init__(self) -> None:
        X = np.ascontiguousarray(self.X, dtype=np.float64)
        if X.ndim != 2 or X.shape[0] == 0 or X.shape[1] == 0:
            raise ValueError(f"data set {self.name!r}: X must have shape (samples, features) with both > 0; got {X.shape}")
        m = len(X)
        T = self.T
        if T is not None:
            T = np.ascontiguousarray(T, dtype=np.float64)
            if T.ndim == 1:
                T = T.reshape(-1, 1)
            if T.ndim != 2 or T.shape[0] != m:
                raise ValueError(f"data set {self.name!r}: T must have shape ({m}, outputs); got {T.shape}")
        y = self.y
        labels = self.labels
        if y is not None:
            y = np.asarray(y)
            if y.shape != (m,) or (y.size and not np.all(y == np.round(y))):
                raise ValueError(f"data set {self.name!r}: y must hold one class index per sample ({m},); got shape {y.shape}")
            y = y.astype(np.int64)
            if labels is None:
                labels = [str(k) for k in range(int(y.max()) + 1)]
            labels = [str(label) for label in labels]
            if y.size and (y.min() < 0 or y.max() >= len(labels)):
                raise ValueError(f"data set {self.name!r}: class indices must lie in 0 … {len(labels) - 1}")
        elif labels is not None:
            raise ValueError(f"data set {self.name!r}: labels need class indices y")
        if self.feature_names is not None and len(self.feature_names) != X.shape[1]:
            raise ValueError(f"data set {self.name!r}: {len(self.feature_names)} feature names for {X.shape[1]} features")
        image_shape = None if self.image_shape is None else tuple(int(d) for d in self.image_shape)
        if image_shape is not None and int(np.prod(image_shape)) != X.shape[1]:
            raise ValueError(f"data set {self.name!r}: image shape {image_shape} does not hold {X.shape[1]} features")
        object.__setattr__(self, "X", X)
        object.__setattr__(self, "T", T)
        object.__setattr__(self, "y", y)
        object.__setattr__(self, "labels", labels)
        object.__setattr__(self, "image_shape", image_shape)
        if self.feature_names is not None:
            object.__setattr__(self, "feature_names", [str(n) for n in self.feature_names])

    @property
    def n_samples(self) -> int:
        return int(self.X.shape[0])

    @property
    def n_features(self) -> int:
        """n0, the size of the network's input layer."""
        return int(self.X.shape[1])

    @property
    def n_outputs(self) -> int:
        """nL, the size of the network's output layer (0 without targets)."""
        return 0 if self.T is None else int(self.T.shape[1])

    @property
    def n_classes(self) -> int | None:
        """The number of classes, or ``None`` for regression."""
        return None if self.labels is None else len(self.labels)

    def __len__(self) -> int:
        return self.n_samples

    def subset(self, indices, name: str | None = None) -> "Dataset":
        """The samples at ``indices`` (in that order), as a new data set."""
        idx = np.asarray(indices, dtype=np.intp)
        return replace(
            self,
            name=self.name if name is None else name,
            X=self.X[idx],
            T=None if self.T is None else self.T[idx],
            y=None if self.y is None else self.y[idx],
        )

    def with_inputs(self, X) -> "Dataset":
        """The same data set with new inputs (e.g. scaled), same number of samples."""
        X = np.asarray(X, dtype=np.float64)
        if X.shape[0] != self.n_samples:
            raise ValueError(f"new inputs have {X.shape[0]} samples; the data set has {self.n_samples}")
        return replace(self, X=X)

    def summary(self) -> dict:
        """Name, shapes and description, JSON-ready."""
        return {
            "name": self.name,
            "samples": self.n_samples,
            "features": self.n_features,
            "outputs": self.n_outputs,
            "classes": self.n_classes,
            "labels": self.labels,
            "image_shape": None if self.image_shape is None else list(self.image_shape),
            "description": self.description,
        }

    def __repr__(self) -> str:
        kind = f"{self.n_classes} classes" if self.labels is not None else "regression"
        return f"Dataset({self.name!r}, {self.n_samples} samples × {self.n_features} features, {kind})"
