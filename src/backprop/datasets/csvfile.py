"""``load_csv``: a user's table of numbers as a ``Dataset``.

One sample per line; the target columns (default: the last) hold class labels (any
text, or whole numbers) or numeric targets for regression; every other column is an
input and must be a number. A bad cell is reported by file, line and column.
"""

from __future__ import annotations

import csv
import gzip
import math
from pathlib import Path
from typing import Sequence

import numpy as np

from ..metrics import is_classification_target
from ..preprocessing import encode_labels
from ._dataset import Dataset

__all__ = ["load_csv"]

_TARGET_KINDS = ("auto", "classes", "values")


def _number(cell: str) -> float | None:
    try:
        return float(cell)
    except ValueError:
        return None


def _read_rows(path: Path, delimiter: str) -> list[tuple[int, list[str]]]:
    """The non-blank rows with their line numbers (1-based), cells stripped."""
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, delimiter=delimiter)
            rows = []
            start = 1
            for row in reader:
                cells = [c.strip() for c in row]
                if any(cells):
                    rows.append((start, cells))
                start = reader.line_num + 1
            return rows
    except UnicodeDecodeError as error:
        raise ValueError(f"{path}: not a text file in UTF-8 ({error.reason} at byte {error.start})") from None
    except (gzip.BadGzipFile, EOFError) as error:
        raise ValueError(f"{path}: not a readable gzip file ({error})") from None
    except csv.Error as error:
        raise ValueError(f"{path}: not readable as CSV: {error}") from None


def _is_header(rows: list[tuple[int, list[str]]]) -> bool:
    first = rows[0][1]
    text = [_number(c) is None for c in first]
    if not any(text):
        return False
    if all(text) or len(rows) == 1:
        return True
    second = rows[1][1]
    # A word above a number: a column title.
    return any(t and _number(c) is not None for t, c in zip(text, second))


def _column_index(spec, n_columns: int, names: list[str] | None, path: Path) -> int:
    if isinstance(spec, str):
        if names is not None and spec in names:
            return names.index(spec)
        if spec.lstrip("-").isdigit():
            spec = int(spec)
        else:
            where = f"the header has {names}" if names is not None else "the file has no header"
            raise ValueError(f"{path}: no target column named {spec!r}; {where}")
    if isinstance(spec, bool) or not isinstance(spec, (int, np.integer)):
        raise ValueError(f"target columns are given by index or header name; got {spec!r}")
    if not -n_columns <= spec < n_columns:
        raise ValueError(
            f"{path}: target column index {spec} is out of range for {n_columns} columns "
            f"(0 … {n_columns - 1}, or negative from the end)"
        )
    return int(spec) % n_columns


def _describe(col: int, names: list[str] | None) -> str:
    return f"column {col + 1}" + (f" ({names[col]!r})" if names is not None else "")


def _numbers(path, rows, columns, names, what) -> np.ndarray:
    """The cells of ``columns`` as a float64 array; a bad cell raises a ValueError naming
    its line and column."""
    cells = [[row[c] for c in columns] for _, row in rows]
    try:
        values = np.array(cells, dtype=np.float64).reshape(len(rows), len(columns))
    except ValueError:
        values = None
    if values is not None and np.all(np.isfinite(values)):
        return values
    for line, row in rows:
        for c in columns:
            cell = row[c]
            where = f"{path}, line {line}, {_describe(c, names)}"
            if cell == "":
                raise ValueError(f"{where}: empty cell; every {what} must be a number")
            value = _number(cell)
            if value is None:
                raise ValueError(f"{where}: {cell!r} is not a number; every {what} must be a number")
            if not math.isfinite(value):
                raise ValueError(f"{where}: {cell!r} is not a finite number")
    raise AssertionError("unreachable: a bad cell was expected")  # pragma: no cover


def _label_text(cell: str) -> str:
    # "1", "1.0" and " 1" are one class.
    value = _number(cell)
    if value is not None and math.isfinite(value) and value == int(value):
        return str(int(value))
    return cell


def load_csv(
    path,
    target_columns: int | str | Sequence[int | str] | None = None,
    header: str | bool = "auto",
    one_hot: bool = False,
    delimiter: str = ",",
    targets: str = "auto",
    classes: Sequence[str] | None = None,
    name: str | None = None,
) -> Dataset:
    """Read a CSV file (or ``.csv.gz``) into a ``Dataset``.

    ``target_columns``: the target column(s), by 0-based index (negative from the end)
    or header name; default the last column; ``[]`` for inputs only (``T`` is None).
    ``header``: ``"auto"`` (a first row with words above numbers is a header), ``True``
    or ``False``.
    ``targets``: ``"classes"`` (class labels: text or whole numbers), ``"values"``
    (numbers for regression), or ``"auto"``: one target column of text or whole numbers
    is class labels, else values; several 0/1 columns with a single 1 per row are a
    one-hot class encoding.
    ``one_hot``: two target columns for two classes (default one column of 0/1).
    ``classes``: the class names in order, e.g. a trained model's labels, so the class
    numbers match; by default the labels found, numbers in numeric order.
    """
    path = Path(path).expanduser()
    if isinstance(header, str) and header.strip().lower() in ("true", "yes", "false", "no"):
        header = header.strip().lower() in ("true", "yes")
    if targets not in _TARGET_KINDS:
        raise ValueError(f"targets must be one of {', '.join(_TARGET_KINDS)}; got {targets!r}")
    if not (header == "auto" or isinstance(header, (bool, np.bool_))):
        raise ValueError(f"header must be 'auto', True or False; got {header!r}")
    if not isinstance(delimiter, str) or len(delimiter) != 1:
        raise ValueError(f"delimiter must be one character; got {delimiter!r}")
    if path.is_dir():
        raise ValueError(f"{path} is a folder; expected a CSV file")
    if not path.exists():
        raise FileNotFoundError(f"no such file: {path}")
    rows = _read_rows(path, delimiter)
    if not rows:
        raise ValueError(f"{path} is empty; expected rows of values separated by {delimiter!r}")
    n_columns = len(rows[0][1])
    for line, cells in rows:
        if len(cells) != n_columns:
            raise ValueError(
                f"{path}, line {line}: {len(cells)} cells, but line {rows[0][0]} has {n_columns}; "
                f"every row must have the same number of cells"
            )
    has_header = _is_header(rows) if header == "auto" else bool(header)
    names = rows[0][1] if has_header else None
    if has_header:
        rows = rows[1:]
        if not rows:
            raise ValueError(f"{path} has a header line but no data rows")

    if target_columns is None:
        target_columns = [-1]
    elif isinstance(target_columns, (str, int, np.integer)):
        target_columns = [target_columns]
    target_idx = [_column_index(c, n_columns, names, path) for c in target_columns]
    if len(set(target_idx)) != len(target_idx):
        raise ValueError(f"{path}: a target column is named twice in {list(target_columns)}")
    feature_idx = [c for c in range(n_columns) if c not in target_idx]
    if not feature_idx:
        raise ValueError(f"{path}: every column is a target; at least one input column is needed")

    X = _numbers(path, rows, feature_idx, names, "input")
    feature_names = [names[c] for c in feature_idx] if names is not None else None
    dataset_name = name or path.name.split(".")[0]
    common = dict(name=dataset_name, X=X, feature_names=feature_names)
    description = f"{path.name}: {len(rows)} rows, {len(feature_idx)} inputs"
    if not target_idx:
        return Dataset(T=None, description=description + ", no targets", **common)

    if len(target_idx) == 1:
        col = target_idx[0]
        cells = [row[col] for _, row in rows]
        kind = targets
        if kind == "auto":
            numbers = [_number(c) for c in cells]
            integral = all(v is not None and math.isfinite(v) and v == int(v) for v in numbers)
            kind = "classes" if integral or any(v is None for v in numbers) else "values"
        if kind == "classes":
            for (line, _), cell in zip(rows, cells):
                if cell == "":
                    raise ValueError(f"{path}, line {line}, {_describe(col, names)}: empty cell; expected a class label")
            try:
                T, y, found = encode_labels([_label_text(c) for c in cells], classes, one_hot)
            except ValueError as error:
                raise ValueError(f"{path}, {_describe(col, names)}: {error}") from None
            return Dataset(T=T, y=y, labels=list(found),
                           description=description + f", {len(found)} classes", **common)
        T = _numbers(path, rows, target_idx, names, "target")
        return Dataset(T=T, description=description + ", numeric targets", **common)

    T = _numbers(path, rows, target_idx, names, "target")
    one_hot_rows = is_classification_target(T)  # each row 0s and a single 1
    if targets == "classes" and not one_hot_rows:
        raise ValueError(
            f"{path}: several target columns are read as classes only when each row has "
            f"one 1 and otherwise 0s (one-hot)"
        )
    if targets != "values" and one_hot_rows:
        labels = list(classes) if classes is not None else (
            [names[c] for c in target_idx] if names is not None else [str(k) for k in range(len(target_idx))]
        )
        if len(labels) != len(target_idx):
            raise ValueError(f"{path}: {len(labels)} class names for {len(target_idx)} one-hot columns")
        return Dataset(T=T, y=T.argmax(axis=1), labels=labels,
                       description=description + f", {len(labels)} classes (one-hot)", **common)
    return Dataset(T=T, description=description + f", {len(target_idx)} numeric targets", **common)
