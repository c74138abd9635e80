"""How good a network's outputs are: predicted classes, accuracy, confusion matrix.

A classifier's output layer a^(L) is read the usual way: with several output neurons
the class is the neuron with the largest value (argmax); with one output neuron the
class is 1 when a^(L) ≥ 0.5, else 0. Targets T are read the same way, so one-hot
targets and 0/1 single-column targets both work.
"""

from __future__ import annotations

import numpy as np

__all__ = ["predicted_classes", "accuracy", "confusion_matrix", "is_classification_target"]


def predicted_classes(outputs) -> np.ndarray:
    """Class indices (int64) from outputs or targets, one row per sample.

    Several columns: argmax of each row. One column: 1 where the value is ≥ 0.5, else 0.
    """
    a = np.asarray(outputs, dtype=np.float64)
    if a.ndim == 1:
        a = a.reshape(-1, 1)
    if a.ndim != 2 or a.shape[1] == 0:
        raise ValueError(f"outputs must be a batch of shape (m, k); got shape {a.shape}")
    if a.shape[1] == 1:
        return (a[:, 0] >= 0.5).astype(np.int64)
    return np.argmax(a, axis=1).astype(np.int64)


def is_classification_target(T) -> bool:
    """True if every target is 0 or 1 and, with several columns, each row is one-hot."""
    T = np.asarray(T)
    if T.ndim != 2 or T.size == 0 or not np.all((T == 0) | (T == 1)):
        return False
    return T.shape[1] == 1 or bool(np.all(T.sum(axis=1) == 1))


def accuracy(outputs, T) -> float:
    """The fraction of samples whose predicted class equals the target's class."""
    predicted = predicted_classes(outputs)
    expected = predicted_classes(T)
    if len(predicted) != len(expected):
        raise ValueError(
            f"outputs have {len(predicted)} samples but targets have {len(expected)}; they must match"
        )
    return float(np.mean(predicted == expected))


def confusion_matrix(expected, predicted, n_classes: int | None = None) -> np.ndarray:
    """Counts C[i, j] of samples of true class i predicted as class j (int64).

    ``expected`` and ``predicted`` are class indices; ``n_classes`` defaults to one more
    than the largest index seen.
    """
    expected = np.asarray(expected, dtype=np.int64).ravel()
    predicted = np.asarray(predicted, dtype=np.int64).ravel()
    if len(expected) != len(predicted):
        raise ValueError(
            f"{len(expected)} expected classes but {len(predicted)} predicted; they must match"
        )
    if len(expected) and min(expected.min(), predicted.min()) < 0:
        raise ValueError("class indices must be non-negative")
    seen = int(max(expected.max(initial=-1), predicted.max(initial=-1))) + 1
    k = seen if n_classes is None else int(n_classes)
    if k < seen:
        raise ValueError(f"n_classes is {k}, but class index {seen - 1} occurs")
    matrix = np.zeros((k, k), dtype=np.int64)
    np.add.at(matrix, (expected, predicted), 1)
    return matrix
