"""The data sets that ship with the package: the note's example, xor, digits, iris.

digits and iris are stored as compressed ``.npz`` files of small integers in
``datasets/data/`` and read with ``allow_pickle=False``. Sources:

- digits: UCI Machine Learning Repository, "Optical Recognition of Handwritten Digits"
  (E. Alpaydin, C. Kaynak, 1998), the 1,797 test-set images of 8x8 pixels, each pixel
  a count 0..16 of the on-pixels of a 4x4 block of the 32x32 bitmap, as bundled with
  scikit-learn (``sklearn/datasets/data/digits.csv.gz``). License: CC BY 4.0.
- iris: R. A. Fisher (1936), UCI "Iris", as bundled with scikit-learn
  (``sklearn/datasets/data/iris.csv``); stored in millimetres (the values × 10, all
  whole numbers) and returned in centimetres.
"""

from __future__ import annotations

from importlib import resources

import numpy as np

from ..examples import NOTE
from ..preprocessing import targets_for_classes
from ._dataset import Dataset

__all__ = ["note", "xor", "digits", "iris"]


def _load_npz(filename: str) -> dict[str, np.ndarray]:
    ref = resources.files(__package__).joinpath("data", filename)
    with ref.open("rb") as handle, np.load(handle, allow_pickle=False) as data:
        return {key: data[key] for key in data.files}


def note(*, seed=None) -> Dataset:
    """The note's single example: input (0.1, 0.9), target (0.3, 0.4) (regression)."""
    return Dataset(
        name="note",
        X=NOTE.x.reshape(1, -1),
        T=NOTE.t.reshape(1, -1),
        description="the note's single example: input (0.1, 0.9), target (0.3, 0.4)",
    )


def xor(*, seed=None, one_hot: bool = False) -> Dataset:
    """The four points of exclusive or; target 1 where exactly one input is 1."""
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1, 1, 0])
    return Dataset(
        name="xor",
        X=X,
        T=targets_for_classes(y, 2, one_hot),
        y=y,
        labels=["0", "1"],
        description="exclusive or: the four points of {0, 1}², target 1 where exactly one input is 1",
    )


def digits(*, seed=None, one_hot: bool = False) -> Dataset:
    """8x8 handwritten digits: 1,797 samples, 64 pixel counts 0..16, 10 classes."""
    data = _load_npz("digits.npz")
    images, y = data["images"], data["labels"].astype(np.int64)
    return Dataset(
        name="digits",
        X=images.reshape(len(images), -1).astype(np.float64),
        T=targets_for_classes(y, 10, one_hot),
        y=y,
        labels=[str(k) for k in range(10)],
        image_shape=(8, 8),
        description="8x8 handwritten digits 0-9, pixels 0..16 (UCI Optical Recognition of Handwritten Digits)",
    )


IRIS_FEATURES = ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"]


def iris(*, seed=None, one_hot: bool = False) -> Dataset:
    """Fisher's iris flowers: 150 samples, 4 measurements in cm, 3 species."""
    data = _load_npz("iris.npz")
    y = data["labels"].astype(np.int64)
    return Dataset(
        name="iris",
        X=data["measurements_mm"].astype(np.float64) / 10.0,
        T=targets_for_classes(y, 3, one_hot),
        y=y,
        labels=["setosa", "versicolor", "virginica"],
        description="Fisher's iris flowers: sepal and petal length and width in cm, 3 species",
        feature_names=list(IRIS_FEATURES),
    )
