"""``load_idx``: MNIST-format IDX files (``.gz`` or not) as a ``Dataset``.

An IDX file is a header, then the numbers, big-endian: two zero bytes, a type code
(0x08 unsigned byte, 0x09 signed byte, 0x0B int16, 0x0C int32, 0x0D float32,
0x0E float64), the number of dimensions, then one 32-bit size per dimension. MNIST
ships ``train-images-idx3-ubyte`` (60,000 × 28 × 28) with ``train-labels-idx1-ubyte``,
and ``t10k-…`` (10,000) alike.
"""

from __future__ import annotations

import gzip
import struct
import zlib
from pathlib import Path

import numpy as np

from ..preprocessing import targets_for_classes
from ._dataset import Dataset

__all__ = ["load_idx", "read_idx"]

_TYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_SPLITS = ("train", "t10k")


def _read_bytes(path: Path) -> bytes:
    with open(path, "rb") as handle:
        raw = handle.read()
    if raw[:2] == b"\x1f\x8b":  # gzip, whatever the name says
        try:
            return gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as error:
            raise ValueError(f"{path}: a damaged or truncated gzip file ({error})") from None
    return raw


def read_idx(path) -> np.ndarray:
    """The array stored in one IDX file, in native byte order."""
    path = Path(path)
    raw = _read_bytes(path)
    if len(raw) < 4:
        raise ValueError(f"{path}: {len(raw)} bytes, too short for an IDX header (4 bytes and the sizes)")
    zero, code, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or code not in _TYPES or ndim == 0:
        raise ValueError(
            f"{path}: wrong magic number 0x{raw[:4].hex()}; an IDX file starts with 0x0000, a type "
            f"code (08, 09, 0b, 0c, 0d, 0e) and the number of dimensions, e.g. 0x00000803 for images"
        )
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"{path}: truncated header; {ndim} dimensions need {header} bytes, the file has {len(raw)}")
    shape = struct.unpack(f">{ndim}I", raw[4:header])
    dtype = _TYPES[code]
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    got = len(raw) - header
    if got < expected:
        raise ValueError(
            f"{path}: truncated data; the header promises shape {shape} ({expected} bytes), "
            f"the file holds {got} bytes after the header"
        )
    if got > expected:
        raise ValueError(
            f"{path}: {got - expected} bytes more than the header's shape {shape} holds; "
            f"not an IDX file, or a damaged one"
        )
    return np.frombuffer(raw, dtype=dtype, count=expected // dtype.itemsize, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def _find(folder: Path, split: str, kind: str, ndim: int) -> Path | None:
    for name in (f"{split}-{kind}-idx{ndim}-ubyte", f"{split}-{kind}.idx{ndim}-ubyte"):
        for suffix in ("", ".gz"):
            candidate = folder / (name + suffix)
            if candidate.is_file():
                return candidate
    return None


def _pair_in_folder(folder: Path, split: str | None) -> tuple[Path, Path, str]:
    splits = _SPLITS if split is None else (split,)
    for s in splits:
        images = _find(folder, s, "images", 3)
        labels = _find(folder, s, "labels", 1)
        if images is not None and labels is not None:
            return images, labels, s
        if images is not None or labels is not None:
            have, missing = (images, "labels") if images is not None else (labels, "images")
            raise ValueError(f"{folder}: found {have.name} but no {s}-{missing}-idx{3 if missing == 'images' else 1}-ubyte[.gz]")
    wanted = " or ".join(f"{s}-images-idx3-ubyte[.gz] and {s}-labels-idx1-ubyte[.gz]" for s in splits)
    raise ValueError(f"{folder}: no IDX files found; expected {wanted}")


def load_idx(source, labels=None, *, split: str | None = None, one_hot: bool = False,
             name: str | None = None) -> Dataset:
    """Images and labels from IDX files as a ``Dataset`` (pixels unscaled, e.g. 0..255).

    ``source`` is a folder holding ``train-images-idx3-ubyte[.gz]`` and
    ``train-labels-idx1-ubyte[.gz]`` (``split="t10k"`` for the test files; by default
    ``train``, else ``t10k``), or the images file itself, with ``labels`` its labels
    file (default: the name with ``images-idx3`` replaced by ``labels-idx1``).
    Labels are the classes 0 … max label; targets are one-hot (one column for two
    classes unless ``one_hot``).
    """
    source = Path(source).expanduser()
    if split is not None:
        split = {"test": "t10k"}.get(split, split)
        if split not in _SPLITS:
            raise ValueError(f"split must be 'train' or 't10k' (or 'test'); got {split!r}")
    if not source.exists():
        raise FileNotFoundError(f"no such file or folder: {source}")
    if source.is_dir():
        if labels is not None:
            raise ValueError("give labels only with an images file, not with a folder")
        images_path, labels_path, split = _pair_in_folder(source, split)
    else:
        images_path = source
        if labels is None:
            guess = source.name.replace("images-idx3", "labels-idx1").replace("images.idx3", "labels.idx1")
            if guess == source.name or not (source.parent / guess).is_file():
                raise ValueError(f"{source}: no labels file given and none found beside it; pass labels=PATH")
            labels = source.parent / guess
        labels_path = Path(labels).expanduser()
    pixels = read_idx(images_path)
    classes = read_idx(labels_path)
    if pixels.ndim < 2:
        raise ValueError(f"{images_path}: images need at least 2 dimensions (count, ...); got shape {pixels.shape}")
    if classes.ndim != 1:
        raise ValueError(f"{labels_path}: labels must be 1-dimensional (count,); got shape {classes.shape}")
    if len(pixels) != len(classes):
        raise ValueError(
            f"mismatched counts: {images_path.name} holds {len(pixels)} images, "
            f"{labels_path.name} holds {len(classes)} labels"
        )
    if len(classes) == 0:
        raise ValueError(f"{images_path}: no images")
    if not np.issubdtype(classes.dtype, np.integer) or classes.min() < 0:
        raise ValueError(f"{labels_path}: labels must be whole numbers 0, 1, 2, …")
    y = classes.astype(np.int64)
    k = max(int(y.max()) + 1, 2)
    image_shape = pixels.shape[1:]
    return Dataset(
        name=name or (f"idx-{split}" if split else images_path.name.split(".")[0]),
        X=pixels.reshape(len(pixels), -1).astype(np.float64),
        T=targets_for_classes(y, k, one_hot),
        y=y,
        labels=[str(c) for c in range(k)],
        image_shape=image_shape if len(image_shape) > 1 else None,
        description=f"{images_path.name} + {labels_path.name}: {len(y)} images {'x'.join(map(str, image_shape))}, {k} classes",
    )
