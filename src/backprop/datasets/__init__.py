"""Data sets by name, and loaders for the user's own files.

>>> from backprop.datasets import load_dataset
>>> ds = load_dataset("digits")
>>> ds.X.shape, ds.T.shape, ds.n_classes
((1797, 64), (1797, 10), 10)

Names (the registry ``DATASETS``, shared by the API, the command line and model
files): ``note``, ``xor``, ``digits``, ``iris`` (bundled, no download) and the seeded
2-D generators ``moons``, ``circles``, ``spirals``, ``blobs``. ``load_dataset`` also
takes a file: ``"csv:PATH"`` or any path ending in ``.csv`` (see ``load_csv``), and
``"idx:FOLDER"`` for MNIST-format IDX files (see ``load_idx``).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..registry import Registry
from . import bundled, generators
from ._checks import bool_option
from ._dataset import Dataset
from .csvfile import load_csv
from .idx import load_idx

__all__ = [
    "Dataset",
    "DatasetSpec",
    "DATASETS",
    "load_dataset",
    "load_csv",
    "load_idx",
    "parse_options",
]


@dataclass(frozen=True)
class DatasetSpec:
    """A named data set: its loader ``load(seed=..., **options)`` and its options' defaults."""

    name: str
    load: Callable[..., Dataset]
    description: str
    kind: str  # "bundled" or "generated"

    @property
    def options(self) -> dict:
        """The options the loader accepts, with their defaults (``seed`` aside)."""
        params = inspect.signature(self.load).parameters
        return {n: p.default for n, p in params.items() if n != "seed"}


DATASETS: Registry[DatasetSpec] = Registry("data set")
for _function, _kind in [
    (bundled.note, "bundled"),
    (bundled.xor, "bundled"),
    (bundled.digits, "bundled"),
    (bundled.iris, "bundled"),
    (generators.moons, "generated"),
    (generators.circles, "generated"),
    (generators.spirals, "generated"),
    (generators.blobs, "generated"),
]:
    DATASETS.register(
        DatasetSpec(_function.__name__, _function, inspect.getdoc(_function).split("\n\n")[0], _kind)
    )


def _file_source(name: str) -> tuple[str, str] | None:
    """("csv" | "idx", path) when ``name`` names a file rather than a data set."""
    for prefix in ("csv:", "idx:"):
        if name.lower().startswith(prefix):
            path = name[len(prefix):]
            if not path:
                raise ValueError(f"{name!r} names no file; write {prefix}PATH")
            return prefix[:-1], path
    lowered = name.lower()
    if lowered.endswith(".csv") or lowered.endswith(".csv.gz"):
        return "csv", name
    return None


def _option_value(text: str):
    text = text.strip()
    lowered = text.lower()
    if lowered in ("true", "yes"):
        return True
    if lowered in ("false", "no"):
        return False
    if lowered in ("none", "null"):
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def parse_options(pairs) -> dict:
    """Options for ``load_dataset`` from ``KEY=VALUE`` strings (the command line's form).

    Values become ``True``/``False`` (true, yes, false, no), ``None``, integers, floats,
    or stay text; a value with commas becomes a list (``target_columns=0,3``), and
    ``KEY=`` an empty list. ``-`` in keys reads as ``_``.

    >>> parse_options(["n_samples=500", "noise=0.2", "one_hot=true", "target_columns=label"])
    {'n_samples': 500, 'noise': 0.2, 'one_hot': True, 'target_columns': 'label'}
    """
    options = {}
    for pair in pairs:
        key, sep, value = str(pair).partition("=")
        key = key.strip().replace("-", "_")
        if not sep or not key.isidentifier():
            raise ValueError(f"a data option is written KEY=VALUE, like noise=0.2; got {pair!r}")
        if value == "":
            options[key] = []
        elif "," in value:
            options[key] = [_option_value(v) for v in value.split(",") if v.strip()]
        else:
            options[key] = _option_value(value)
    return options


def load_dataset(name: str | Path, seed: int | None = None, **options) -> Dataset:
    """The data set ``name`` (see ``DATASETS``), or a file: ``"csv:PATH"``, ``"PATH.csv"``,
    ``"idx:FOLDER"``.

    ``seed`` seeds the generators (``None``: fresh randomness); the bundled data sets
    and files ignore it. ``options`` go to the loader, e.g. ``n_samples``, ``noise``,
    ``classes`` (spirals), ``centers`` (blobs), ``one_hot`` (two target columns for two
    classes), or ``load_csv``/``load_idx`` keywords for files. An unknown option raises
    a ValueError naming the options allowed.
    """
    if isinstance(name, Path):
        name = str(name)
    if not isinstance(name, str):
        raise ValueError(f"a data set is named by a string, one of {', '.join(DATASETS.names())}; got {name!r}")
    source = _file_source(name)
    if source is not None:
        kind, path = source
        return load_csv(path, **options) if kind == "csv" else load_idx(path, **options)
    if name not in DATASETS and Path(name).exists():
        raise ValueError(f"{name!r} is a file or folder; name it csv:{name} or idx:{name}")
    spec = DATASETS.get(name)
    allowed = spec.options
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        choices = ", ".join(allowed) if allowed else "none"
        raise ValueError(
            f"data set {spec.name!r} has no option {unknown[0]!r}; options allowed: {choices}"
        )
    if "one_hot" in options:
        options["one_hot"] = bool_option(spec.name, "one_hot", options["one_hot"])
    return spec.load(seed=seed, **options)
