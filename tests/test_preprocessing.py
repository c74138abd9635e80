"""Scalers (fitted on the training split only), label encoding and seeded splits."""

from __future__ import annotations

import json

import numpy as np
import pytest

from backprop.datasets import load_dataset
from backprop.preprocessing import (
    SCALERS,
    MinMaxScaler,
    NoScaling,
    Standardizer,
    encode_labels,
    get_scaler,
    one_hot,
    scale_datasets,
    scaler_from_dict,
    split_dataset,
    split_indices,
)

TRAIN = np.array([[0.0, 10.0, 5.0], [2.0, 30.0, 5.0], [4.0, 20.0, 5.0]])
OTHER = np.array([[8.0, 0.0, 6.0]])


def test_scaler_names():
    assert set(SCALERS.names()) == {"none", "minmax", "standard"}
    assert isinstance(get_scaler("minmax"), MinMaxScaler)
    assert isinstance(get_scaler("Standard"), Standardizer)
    assert isinstance(get_scaler("none"), NoScaling)
    with pytest.raises(ValueError, match="minmax"):
        get_scaler("robust")


def test_minmax_by_hand():
    scaler = get_scaler("minmax").fit(TRAIN)
    np.testing.assert_array_equal(scaler.transform(TRAIN), [[0, 0, 0], [0.5, 1, 0], [1, 0.5, 0]])
    # Later data uses the training split's min and max, so it may leave [0, 1];
    # the constant third feature is shifted, not stretched.
    np.testing.assert_array_equal(scaler.transform(OTHER), [[2.0, -0.5, 1.0]])


def test_standard_by_hand():
    scaler = get_scaler("standard").fit(TRAIN)
    std0 = np.sqrt(8 / 3)  # population std of 0, 2, 4
    np.testing.assert_allclose(scaler.transform(OTHER), [[(8 - 2) / std0, (0 - 20) / np.sqrt(200 / 3), 1.0]])
    Z = scaler.transform(TRAIN)
    np.testing.assert_allclose(Z.mean(axis=0), 0, atol=1e-15)
    np.testing.assert_allclose(Z.std(axis=0), [1, 1, 0])


def test_none_scaler_copies():
    scaler = get_scaler("none").fit(TRAIN)
    out = scaler.transform(TRAIN)
    np.testing.assert_array_equal(out, TRAIN)
    out[0, 0] = 99
    assert TRAIN[0, 0] == 0


def test_transform_leaves_input_alone():
    X = TRAIN.copy()
    get_scaler("standard").fit(X).transform(X)
    np.testing.assert_array_equal(X, TRAIN)


@pytest.mark.parametrize("name", ["none", "minmax", "standard"])
def test_to_dict_round_trips_bit_for_bit_through_json(name):
    X = np.random.default_rng(0).normal(size=(20, 4)) * 1e3 / 7
    scaler = get_scaler(name).fit(X)
    stored = json.loads(json.dumps(scaler.to_dict()))
    assert stored["kind"] == name
    again = scaler_from_dict(stored)
    assert type(again) is type(scaler)
    np.testing.assert_array_equal(again.transform(X), scaler.transform(X))


def test_scaler_errors():
    with pytest.raises(ValueError, match="not fitted"):
        get_scaler("minmax").transform(TRAIN)
    with pytest.raises(ValueError, match="not fitted"):
        get_scaler("standard").to_dict()
    with pytest.raises(ValueError, match="fitted on 3 features"):
        get_scaler("minmax").fit(TRAIN).transform(np.ones((2, 2)))
    with pytest.raises(ValueError, match="finite"):
        get_scaler("minmax").fit([[1.0, np.nan]])
    with pytest.raises(ValueError, match="non-empty"):
        get_scaler("standard").fit(np.ones(3))
    with pytest.raises(ValueError, match="lacks 'scale'"):
        scaler_from_dict({"kind": "minmax", "offset": [0.0]})
    with pytest.raises(ValueError, match="scale must not be 0"):
        scaler_from_dict({"kind": "standard", "offset": [0.0], "scale": [0.0]})
    with pytest.raises(ValueError, match="unknown scaling 'log'"):
        scaler_from_dict({"kind": "log"})
    with pytest.raises(ValueError, match="'kind'"):
        scaler_from_dict([1, 2])
    assert isinstance(scaler_from_dict(None), NoScaling)


def test_one_hot():
    np.testing.assert_array_equal(one_hot([2, 0, 1], 3), [[0, 0, 1], [1, 0, 0], [0, 1, 0]])
    with pytest.raises(ValueError, match="0 … 2"):
        one_hot([3], 3)
    with pytest.raises(ValueError, match="whole numbers"):
        one_hot([0.5], 3)


def test_encode_labels():
    T, y, classes = encode_labels(["b", "a", "b"])
    assert classes == ("a", "b") and y.tolist() == [1, 0, 1] and T.tolist() == [[1], [0], [1]]
    T, y, classes = encode_labels(["10", "9", "c"])
    assert classes == ("9", "10", "c")  # numbers in numeric order, then words
    T, _, _ = encode_labels(["x", "y"], one_hot_binary=True)
    assert T.tolist() == [[1, 0], [0, 1]]
    with pytest.raises(ValueError, match="'z' is not one of the classes"):
        encode_labels(["z"], classes=["x", "y"])


def test_split_indices_partition_and_seed():
    train, val, test = split_indices(100, 0.2, 0.1, seed=5)
    assert (len(train), len(val), len(test)) == (70, 10, 20)
    np.testing.assert_array_equal(np.sort(np.concatenate([train, val, test])), np.arange(100))
    again = split_indices(100, 0.2, 0.1, seed=5)
    other = split_indices(100, 0.2, 0.1, seed=6)
    assert all(np.array_equal(a, b) for a, b in zip((train, val, test), again))
    assert not np.array_equal(test, other[2])


def test_split_indices_stratified():
    y = np.repeat([0, 1, 2], [50, 30, 20])
    _, _, test = split_indices(100, 0.2, seed=0, y=y)
    np.testing.assert_array_equal(np.bincount(y[test]), [10, 6, 4])


@pytest.mark.parametrize("test, validation", [(1.0, 0.0), (-0.1, 0.0), (0.5, 0.5), ("a", 0.0)])
def test_split_indices_bad_fractions(test, validation):
    with pytest.raises(ValueError, match="fraction"):
        split_indices(10, test, validation)


def test_split_dataset_digits():
    ds = load_dataset("digits")
    train, validation, test = split_dataset(ds, test=0.2, seed=1)
    assert validation is None
    assert len(train) + len(test) == 1797 and abs(len(test) - 359) <= 5
    assert train.name == "digits:train" and test.labels == ds.labels and test.image_shape == (8, 8)
    for k in range(10):  # stratified: each digit about 20% in the test split
        assert abs(np.sum(test.y == k) - 0.2 * np.sum(ds.y == k)) <= 1
    rows = {tuple(r) for r in train.X} & {tuple(r) for r in test.X}
    assert len(rows) <= 5  # disjoint but for a few duplicate images in the data itself
    again = split_dataset(ds, test=0.2, seed=1)[2]
    np.testing.assert_array_equal(again.X, test.X)
    np.testing.assert_array_equal(test.T.argmax(axis=1), test.y)


def test_scalers_fitted_on_training_only():
    ds = load_dataset("iris")
    train, validation, test = split_dataset(ds, test=0.3, validation=0.2, seed=0)
    scaler, train_s, val_s, test_s = scale_datasets("minmax", train, validation, test)
    np.testing.assert_array_equal(scaler.offset, train.X.min(axis=0))
    np.testing.assert_array_equal(scaler.offset + scaler.scale, train.X.max(axis=0))
    assert train_s.X.min() == 0 and train_s.X.max() == 1
    np.testing.assert_array_equal(test_s.X, (test.X - train.X.min(0)) / (train.X.max(0) - train.X.min(0)))
    np.testing.assert_array_equal(val_s.T, validation.T)
    standard, train_z, test_z, nothing = scale_datasets("standard", train, test, None)
    np.testing.assert_allclose(train_z.X.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_array_equal(standard.offset, train.X.mean(axis=0))
    assert not np.allclose(standard.offset, ds.X.mean(axis=0))
    assert nothing is None
