"""Predicted classes, accuracy and the confusion matrix, on hand-made numbers."""

import numpy as np
import pytest

from backprop.metrics import accuracy, confusion_matrix, is_classification_target, predicted_classes


def test_classes_by_argmax_and_by_threshold():
    np.testing.assert_array_equal(predicted_classes([[0.1, 0.7, 0.2], [0.5, 0.1, 0.4]]), [1, 0])
    np.testing.assert_array_equal(predicted_classes([[0.49], [0.5], [0.9]]), [0, 1, 1])
    np.testing.assert_array_equal(predicted_classes([0.2, 0.8]), [0, 1])


def test_accuracy():
    T = np.eye(3)[[0, 1, 2, 2]]
    out = np.array([[0.9, 0.0, 0.1], [0.2, 0.1, 0.7], [0, 0, 1], [0, 0.6, 0.4]])
    assert accuracy(out, T) == 0.5
    assert accuracy([[0.7], [0.2]], [[1], [1]]) == 0.5
    with pytest.raises(ValueError, match="must match"):
        accuracy([[0.7], [0.2]], [[1]])


def test_confusion_matrix_rows_are_true_classes():
    C = confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2])
    np.testing.assert_array_equal(C, [[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    assert confusion_matrix([0], [0], n_classes=3).shape == (3, 3)
    with pytest.raises(ValueError, match="n_classes is 1"):
        confusion_matrix([0, 1], [1, 1], n_classes=1)


def test_classification_targets_are_recognised():
    assert is_classification_target(np.eye(3))
    assert is_classification_target(np.array([[0.0], [1.0]]))
    assert not is_classification_target(np.array([[0.3], [1.0]]))
    assert not is_classification_target(np.array([[1.0, 1.0]]))
