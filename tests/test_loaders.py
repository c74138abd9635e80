"""CSV and IDX loaders on small files the tests write themselves."""

from __future__ import annotations

import gzip
import struct

import numpy as np
import pytest

from backprop.datasets import load_csv, load_dataset, load_idx
from backprop.datasets.idx import read_idx


def write(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


# -- CSV ------------------------------------------------------------------------------


def test_csv_with_header_and_text_labels(tmp_path):
    path = write(tmp_path / "pets.csv", "weight,height,kind\n1.5,2,cat\n3,4,dog\n5,6.25,cat\n")
    ds = load_csv(path)
    np.testing.assert_array_equal(ds.X, [[1.5, 2], [3, 4], [5, 6.25]])
    assert ds.labels == ["cat", "dog"]
    np.testing.assert_array_equal(ds.y, [0, 1, 0])
    np.testing.assert_array_equal(ds.T, [[0], [1], [0]])  # two classes: one 0/1 column
    assert ds.feature_names == ["weight", "height"] and ds.name == "pets"
    assert load_csv(path, one_hot=True).T.tolist() == [[1, 0], [0, 1], [1, 0]]


def test_csv_without_header_integer_labels_are_classes(tmp_path):
    path = write(tmp_path / "d.csv", "0.1,0.2,2\n0.3,0.4,10\n0.5,0.6,1\n0.7,0.8,1.0\n")
    ds = load_csv(path)
    assert ds.feature_names is None
    assert ds.labels == ["1", "2", "10"]  # numbers in numeric order; "1.0" is "1"
    np.testing.assert_array_equal(ds.y, [1, 2, 0, 0])
    np.testing.assert_array_equal(ds.T, np.eye(3)[[1, 2, 0, 0]])


def test_csv_header_choice(tmp_path):
    path = write(tmp_path / "d.csv", "1,2,0\n3,4,1\n")
    assert len(load_csv(path)) == 2
    assert len(load_csv(path, header=True, targets="values")) == 1
    words = write(tmp_path / "w.csv", "a,b,c\n1,2,x\n3,4,y\n")
    with pytest.raises(ValueError, match="w.csv, line 1, column 1: 'a' is not a number"):
        load_csv(words, header=False)


def test_csv_numeric_targets_are_regression(tmp_path):
    path = write(tmp_path / "r.csv", "x,y\n0,0.5\n1,1.5\n2,2.25\n")
    ds = load_csv(path)
    assert ds.y is None and ds.labels is None
    np.testing.assert_array_equal(ds.T, [[0.5], [1.5], [2.25]])
    as_values = load_csv(write(tmp_path / "i.csv", "0,1\n1,2\n"), targets="values")
    assert as_values.y is None and as_values.T.tolist() == [[1], [2]]


def test_csv_target_columns_by_index_and_name(tmp_path):
    path = write(tmp_path / "d.csv", "label,a,b,t2\nyes,1,2,0.5\nno,3,4,0.25\n")
    by_name = load_csv(path, target_columns="label")
    by_index = load_csv(path, target_columns=0)
    np.testing.assert_array_equal(by_name.X, by_index.X)
    np.testing.assert_array_equal(by_name.X, [[1, 2, 0.5], [3, 4, 0.25]])
    assert by_name.labels == ["no", "yes"]
    numbers = write(tmp_path / "n.csv", "a,b,t2\n1,2,0.5\n3,4,0.25\n")
    two = load_csv(numbers, target_columns=["a", -1])
    np.testing.assert_array_equal(two.T, [[1, 0.5], [3, 0.25]])
    np.testing.assert_array_equal(two.X, [[2], [4]])
    with pytest.raises(ValueError, match="no target column named 'c'"):
        load_csv(path, target_columns="c")
    with pytest.raises(ValueError, match="out of range"):
        load_csv(path, target_columns=4)


def test_csv_one_hot_target_columns_are_classes(tmp_path):
    path = write(tmp_path / "d.csv", "x,red,green,blue\n1,0,1,0\n2,1,0,0\n3,0,0,1\n")
    ds = load_csv(path, target_columns=["red", "green", "blue"])
    assert ds.labels == ["red", "green", "blue"]
    np.testing.assert_array_equal(ds.y, [1, 0, 2])


def test_csv_no_targets_and_given_classes(tmp_path):
    path = write(tmp_path / "d.csv", "1,2,b\n3,4,b\n")
    only_inputs = write(tmp_path / "x.csv", "1,2\n3,4\n")
    ds = load_csv(only_inputs, target_columns=[])
    assert ds.T is None and ds.X.shape == (2, 2)
    # A file holding one class of a trained model's three: the model's order wins.
    ds = load_csv(path, classes=["a", "b", "c"])
    np.testing.assert_array_equal(ds.y, [1, 1])
    assert ds.T.tolist() == [[0, 1, 0], [0, 1, 0]]


def test_csv_delimiter_blank_lines_gz_and_bom(tmp_path):
    text = "\ufeffa;b;c\n1;2;0\n\n3;4;1\n"
    plain = write(tmp_path / "d.csv", text)
    ds = load_csv(plain, delimiter=";")
    assert ds.X.tolist() == [[1, 2], [3, 4]] and ds.feature_names == ["a", "b"]
    packed = tmp_path / "d.csv.gz"
    packed.write_bytes(gzip.compress(text.encode("utf-8")))
    np.testing.assert_array_equal(load_csv(packed, delimiter=";").X, ds.X)


@pytest.mark.parametrize(
    "text, message",
    [
        ("a,b,c\n1,2,0\n3,x,1\n", r"bad\.csv, line 3, column 2 \('b'\): 'x' is not a number"),
        ("1,2,0\n3,,1\n", r"bad\.csv, line 2, column 2: empty cell"),
        ("1,2,0\n3,inf,1\n", r"bad\.csv, line 2, column 2: 'inf' is not a finite number"),
        ("1,2,0\n3,nan,1\n", r"line 2, column 2: 'nan' is not a finite number"),
        ("1,2,0\n3,4,1\n5,6\n", r"bad\.csv, line 3: 2 cells, but line 1 has 3"),
        ("1,2,0\n\n3,4,1,7\n", r"bad\.csv, line 3: 4 cells"),
        ("", r"bad\.csv is empty"),
        ("\n  \n", r"bad\.csv is empty"),
        ("a,b,c\n", r"header line but no data rows"),
        ("1,2,0\n3,4,0\n", r"at least two classes"),
        ("1,2,0.5\n3,4,x\n", r"line 2, column 3: 'x' is not a number"),
    ],
)
def test_csv_errors_name_file_line_and_column(tmp_path, text, message):
    path = write(tmp_path / "bad.csv", text)
    targets = "values" if "0.5" in text else "auto"
    with pytest.raises(ValueError, match=message):
        load_csv(path, targets=targets)


def test_csv_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothing.csv"):
        load_csv(tmp_path / "nothing.csv")


def test_load_dataset_takes_csv_paths(tmp_path):
    path = write(tmp_path / "d.csv", "1,2,0\n3,4,1\n")
    np.testing.assert_array_equal(load_dataset(str(path)).X, [[1, 2], [3, 4]])
    np.testing.assert_array_equal(load_dataset(f"csv:{path}").X, [[1, 2], [3, 4]])
    other = write(tmp_path / "d.txt", "1;2;0\n3;4;1\n")
    assert load_dataset(f"csv:{other}", delimiter=";").n_classes == 2
    with pytest.raises(ValueError, match="csv:"):
        load_dataset(str(other))


# -- IDX ------------------------------------------------------------------------------


def idx_bytes(array: np.ndarray, code: int = 0x08) -> bytes:
    dtype = {0x08: ">u1", 0x0B: ">i2", 0x0D: ">f4"}[code]
    header = struct.pack(">HBB", 0, code, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + np.asarray(array, dtype=dtype).tobytes()


IMAGES = np.arange(5 * 3 * 2, dtype=np.uint8).reshape(5, 3, 2) * 8
LABELS = np.array([3, 0, 1, 3, 2], dtype=np.uint8)


def write_pair(folder, split="train", gz=False, images=IMAGES, labels=LABELS):
    folder.mkdir(exist_ok=True)
    suffix = ".gz" if gz else ""
    pack = gzip.compress if gz else (lambda b: b)
    (folder / f"{split}-images-idx3-ubyte{suffix}").write_bytes(pack(idx_bytes(images)))
    (folder / f"{split}-labels-idx1-ubyte{suffix}").write_bytes(pack(idx_bytes(labels)))
    return folder


@pytest.mark.parametrize("gz", [False, True])
def test_idx_folder(tmp_path, gz):
    folder = write_pair(tmp_path / "mnist", gz=gz)
    ds = load_idx(folder)
    assert ds.X.shape == (5, 6) and ds.X.dtype == np.float64
    assert ds.image_shape == (3, 2)
    np.testing.assert_array_equal(ds.X, IMAGES.reshape(5, 6))  # unscaled pixels
    np.testing.assert_array_equal(ds.y, LABELS)
    assert ds.labels == ["0", "1", "2", "3"]
    np.testing.assert_array_equal(ds.T, np.eye(4)[LABELS])


def test_idx_splits_and_file_pairs(tmp_path):
    folder = write_pair(tmp_path / "m")
    write_pair(folder, split="t10k", gz=True, images=IMAGES[:2], labels=LABELS[:2])
    assert len(load_idx(folder)) == 5
    assert len(load_idx(folder, split="t10k")) == 2
    assert len(load_idx(folder, split="test")) == 2
    assert len(load_dataset(f"idx:{folder}")) == 5
    assert len(load_dataset(f"idx:{folder}", split="t10k")) == 2
    # A file pair, the labels found beside the images or named.
    assert len(load_idx(folder / "t10k-images-idx3-ubyte.gz")) == 2
    (folder / "odd-labels.bin").write_bytes(idx_bytes(LABELS))
    assert len(load_idx(folder / "train-images-idx3-ubyte", labels=folder / "odd-labels.bin")) == 5


def test_idx_other_types(tmp_path):
    data = np.array([[1.5, -2.0], [0.25, 4.0]])
    (tmp_path / "f.idx").write_bytes(idx_bytes(data, 0x0D))
    np.testing.assert_array_equal(read_idx(tmp_path / "f.idx"), data)
    (tmp_path / "s.idx").write_bytes(idx_bytes(np.array([-3, 300]), 0x0B))
    assert read_idx(tmp_path / "s.idx").tolist() == [-3, 300]


def test_idx_wrong_magic(tmp_path):
    folder = write_pair(tmp_path / "m")
    raw = bytearray((folder / "train-images-idx3-ubyte").read_bytes())
    raw[0:4] = b"\x00\x01\x08\x03"
    (folder / "train-images-idx3-ubyte").write_bytes(bytes(raw))
    with pytest.raises(ValueError, match=r"train-images-idx3-ubyte: wrong magic number 0x00010803"):
        load_idx(folder)
    (folder / "train-images-idx3-ubyte").write_bytes(b"\x00\x00\x07\x03" + bytes(raw[4:]))
    with pytest.raises(ValueError, match="wrong magic number 0x00000703"):
        load_idx(folder)
    (folder / "train-images-idx3-ubyte").write_bytes(b"PK\x03\x04 not idx at all")
    with pytest.raises(ValueError, match="wrong magic number"):
        load_idx(folder)


def test_idx_truncated(tmp_path):
    folder = write_pair(tmp_path / "m")
    full = (folder / "train-images-idx3-ubyte").read_bytes()
    (folder / "train-images-idx3-ubyte").write_bytes(full[:-7])
    with pytest.raises(ValueError, match=r"truncated data; the header promises shape \(5, 3, 2\) \(30 bytes\), the file holds 23"):
        load_idx(folder)
    (folder / "train-images-idx3-ubyte").write_bytes(full[:10])
    with pytest.raises(ValueError, match="truncated header"):
        load_idx(folder)
    (folder / "train-images-idx3-ubyte").write_bytes(full[:2])
    with pytest.raises(ValueError, match="too short"):
        load_idx(folder)
    (folder / "train-images-idx3-ubyte").write_bytes(full + b"\x00")
    with pytest.raises(ValueError, match="1 bytes more"):
        load_idx(folder)


def test_idx_truncated_gzip(tmp_path):
    folder = write_pair(tmp_path / "m", gz=True)
    packed = (folder / "train-images-idx3-ubyte.gz").read_bytes()
    (folder / "train-images-idx3-ubyte.gz").write_bytes(packed[: len(packed) // 2])
    with pytest.raises(ValueError, match="damaged or truncated gzip"):
        load_idx(folder)


def test_idx_mismatched_counts(tmp_path):
    folder = write_pair(tmp_path / "m", labels=LABELS[:4])
    with pytest.raises(ValueError, match="mismatched counts: train-images-idx3-ubyte holds 5 images, train-labels-idx1-ubyte holds 4 labels"):
        load_idx(folder)


def test_idx_missing_files(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="no IDX files found; expected train-images-idx3-ubyte"):
        load_idx(tmp_path / "empty")
    folder = write_pair(tmp_path / "m")
    (folder / "train-labels-idx1-ubyte").unlink()
    with pytest.raises(ValueError, match="no train-labels-idx1-ubyte"):
        load_idx(folder)
    with pytest.raises(FileNotFoundError):
        load_idx(tmp_path / "nowhere")


def test_idx_labels_swapped_for_images(tmp_path):
    folder = write_pair(tmp_path / "m")
    with pytest.raises(ValueError, match="labels must be 1-dimensional"):
        load_idx(folder / "train-images-idx3-ubyte", labels=folder / "train-images-idx3-ubyte")


def test_csv_header_as_text_and_home_paths(tmp_path, monkeypatch):
    path = write(tmp_path / "d.csv", "1,2,0\n3,4,1\n5,6,1\n")
    assert len(load_csv(path, header="true", targets="values")) == 2
    assert len(load_csv(path, header="no")) == 3
    with pytest.raises(ValueError, match="header must be"):
        load_csv(path, header="maybe")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert len(load_dataset("csv:~/d.csv")) == 3
    write_pair(tmp_path / "mnist")
    assert len(load_dataset("idx:~/mnist")) == 5
