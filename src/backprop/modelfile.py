"""Model files: a trained network with what it needs to be used again, as JSON.

The format (``backprop-model``, version 1) is documented in docs/model-format.md. It
holds the layer sizes, the activation of each layer, the cost, the initialiser, the
dtype, the weights W^(1) … W^(L) in the note's layout (row j = end neuron j, last
column = bias), the input scaler, the class labels, the optimiser settings, the
training history and metadata. Weights are written with Python's shortest repr of each
float64, which reads back bit for bit; a SHA-256 of the weights' bytes catches
corruption that still parses. Files are written atomically: to a temporary file in
the same folder, flushed and fsync'ed, then moved over the target with ``os.replace``,
so a crash mid-save leaves the old file intact. No pickle anywhere.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from .metrics import predicted_classes
from .network import Network
from .training import History
from .validation import check_weights

__all__ = ["FORMAT", "VERSION", "Model", "save_model", "load_model", "model_to_dict", "model_from_dict"]

FORMAT = "backprop-model"
VERSION = 1


@dataclass
class Model:
    """A network loaded from a model file, with its preprocessing and labels."""

    network: Network
    scaler: Any = None
    labels: list[str] | None = None
    history: History | None = None
    metadata: dict = field(default_factory=dict)
    optimizer: dict | None = None
    version: int = VERSION

    def transform(self, X_raw) -> np.ndarray:
        """The raw inputs as the network sees them (the scaler applied, if any)."""
        X = np.asarray(X_raw, dtype=np.float64)
        single = X.ndim == 1
        if self.scaler is not None:
            X = self.scaler.transform(X.reshape(1, -1) if single else X)
            if single:
                X = X[0]
        return X

    def predict(self, X_raw) -> np.ndarray:
        """The outputs a^(L) for raw inputs (the scaler is applied first)."""
        return self.network.predict(self.transform(X_raw))

    def classify(self, X_raw) -> np.ndarray:
        """Class indices: argmax of the outputs, or output ≥ 0.5 for one output neuron."""
        out = self.predict(X_raw)
        return predicted_classes(np.atleast_2d(out))

    def class_labels(self, X_raw) -> list[str]:
        """Class names (the indices as text when the model has no labels)."""
        names = self.labels
        return [names[k] if names and k < len(names) else str(k) for k in self.classify(X_raw)]


def _weights_digest(weights: Sequence[np.ndarray]) -> str:
    h = hashlib.sha256()
    for W in weights:
        h.update(np.ascontiguousarray(W, dtype="<f8").tobytes())
    return h.hexdigest()


def _default_metadata() -> dict:
    from . import __version__

    return {
        "backprop_version": __version__,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }


def model_to_dict(net: Network, *, scaler=None, labels=None, history=None, metadata=None, optimizer=None) -> dict:
    """The JSON-ready dict that ``save_model`` writes."""
    try:
        weights = check_weights(net.weights)
    except ValueError as error:
        raise ValueError(f"{error}; refusing to save the model") from None
    if isinstance(history, History):
        history = history.to_dict()
    if optimizer is None and history:
        optimizer = (history.get("settings") or {}).get("optimizer")
    if labels is not None:
        labels = [str(label) for label in labels]
    meta = _default_metadata()
    meta.update(metadata or {})
    return {
        "format": FORMAT,
        "version": VERSION,
        "network": {
            "sizes": net.sizes,
            "activations": [f.name for f in net.activations],
            "cost": net.cost_function.name,
            "initializer": net.initializer if isinstance(net.initializer, str) else None,
            "dtype": net.dtype.name,
            "weights": [W.tolist() for W in weights],
            "weights_sha256": _weights_digest(weights),
        },
        "scaler": None if scaler is None else scaler.to_dict(),
        "labels": labels,
        "optimizer": optimizer,
        "history": history,
        "metadata": meta,
    }


def _write_chunks(f, data: bytes, chunk: int = 1 << 20) -> None:
    for start in range(0, len(data), chunk):
        f.write(data[start : start + chunk])


def _new_temporary_file(path: Path) -> tuple[int, str]:
    """A new, empty ``.NAME.XXXXXXXX.tmp`` beside ``path``, opened for writing.

    Its permissions are those of the file it will replace, or for a new file those any
    new file gets (0o666 less the umask), not ``tempfile.mkstemp``'s owner-only 0o600.
    """
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        mode = None
    for _ in range(100):
        tmp = path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        except FileExistsError:
            continue
        if mode is not None:
            try:
                os.chmod(tmp, mode)
            except OSError:
                pass
        return fd, str(tmp)
    raise FileExistsError(f"could not create a temporary file beside {path}")


def _atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the whole new one."""
    folder = path.parent
    fd, tmp = _new_temporary_file(path)
    try:
        with os.fdopen(fd, "wb") as f:
            _write_chunks(f, data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:  # make the rename itself durable (POSIX); not possible everywhere
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def save_model(path, net: Network, *, scaler=None, labels=None, history=None, metadata=None, optimizer=None) -> Path:
    """Save ``net`` (with its scaler, labels, history and metadata) to ``path``, atomically.

    ``metadata`` is a JSON-ready dict (data set, seed, split, …); the backprop version and
    the date are added. The optimiser settings default to those in the history.
    Returns the path written.
    """
    path = Path(path)
    if path.is_dir():
        raise ValueError(f"{path} is a folder; give a file name for the model, like model.json")
    if not path.parent.exists():
        raise ValueError(f"folder {path.parent} does not exist; create it or save elsewhere")
    d = model_to_dict(net, scaler=scaler, labels=labels, history=history, metadata=metadata, optimizer=optimizer)
    try:
        text = json.dumps(d, indent=1, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise ValueError(f"model metadata must be JSON-ready (numbers, strings, lists, dicts): {error}") from None
    try:
        _atomic_write(path, (text + "\n").encode("utf-8"))
    except OSError as error:  # name the model file, not the temporary one
        reason = error.strerror or str(error)
        raise OSError(f"cannot save the model to {path}: {reason} (a file already there is unchanged)") from error
    return path


def _require(d: dict, key: str, kind: type | tuple, where: str = "model file") -> Any:
    if key not in d:
        raise ValueError(f"{where} has no {key!r} entry; the file is incomplete or not a backprop model")
    value = d[key]
    if not isinstance(value, kind):
        raise ValueError(f"{where}: {key!r} has the wrong type {type(value).__name__}")
    return value


def model_from_dict(d: Any, source: str = "model file") -> Model:
    """Check and rebuild a ``Model`` from the dict of a model file."""
    if not isinstance(d, dict) or d.get("format") != FORMAT:
        found = d.get("format") if isinstance(d, dict) else type(d).__name__
        raise ValueError(f"{source} is not a backprop model file (format {found!r}, expected {FORMAT!r})")
    version = d.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ValueError(f"{source} has an invalid format version {version!r}")
    if version > VERSION:
        raise ValueError(
            f"{source} has format version {version}, newer than this backprop reads "
            f"(up to {VERSION}); upgrade backprop to read it"
        )
    net_d = _require(d, "network", dict, source)
    where = f"{source} (network)"
    sizes = _require(net_d, "sizes", list, where)
    activations = _require(net_d, "activations", list, where)
    cost = _require(net_d, "cost", str, where)
    dtype = _require(net_d, "dtype", str, where)
    raw = _require(net_d, "weights", list, where)
    try:
        weights = [np.array(W, dtype=np.float64) for W in raw]
    except (TypeError, ValueError):
        raise ValueError(f"{source}: the weights are not matrices of numbers") from None
    if len(activations) != len(weights) or len(sizes) != len(weights) + 1:
        raise ValueError(
            f"{source}: {len(sizes)} sizes, {len(activations)} activations and {len(weights)} "
            f"weight matrices do not fit together (need L + 1, L and L)"
        )
    if not all(isinstance(name, str) for name in activations):
        raise ValueError(f"{source}: activations must be names like 'sigmoid'; got {activations!r:.80}")
    hidden = activations[:-1]
    if len(set(hidden)) > 1:
        raise ValueError(f"{source}: hidden layers with different activations {hidden} are not supported")
    digest = net_d.get("weights_sha256")
    if digest is not None and digest != _weights_digest(weights):
        raise ValueError(f"{source} is corrupted: its weights do not match their SHA-256 checksum")
    if dtype not in ("float32", "float64"):
        raise ValueError(f"{source}: dtype must be float32 or float64; got {dtype!r}")
    net = Network.from_weights(
        [W.astype(dtype) for W in weights] if all(W.ndim == 2 for W in weights) else weights,
        dtype,
        activation=activations[0],
        output_activation=activations[-1],
        cost=cost,
    )
    if net.sizes != sizes:
        raise ValueError(f"{source}: sizes {sizes} do not match the weights' shapes (sizes {net.sizes})")
    net.initializer = net_d.get("initializer")
    scaler = None
    if d.get("scaler") is not None:
        from .preprocessing import scaler_from_dict

        scaler = scaler_from_dict(d["scaler"])
    labels = d.get("labels")
    if labels is not None and (not isinstance(labels, list) or not all(isinstance(s, str) for s in labels)):
        raise ValueError(f"{source}: labels must be a list of strings")
    history = None if d.get("history") is None else History.from_dict(d["history"])
    metadata = d.get("metadata") or {}
    if not isinstance(metadata, dict):
        raise ValueError(f"{source}: metadata must be a JSON object")
    optimizer = d.get("optimizer")
    return Model(net, scaler, labels, history, metadata, optimizer, version)


def load_model(path) -> Model:
    """Read a model file written by ``save_model``.

    A truncated, corrupted, foreign or newer-version file raises ``ValueError``.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ValueError(f"model file {path} does not exist") from None
    except IsADirectoryError:
        raise ValueError(f"{path} is a folder, not a model file") from None
    if not data.strip():
        raise ValueError(f"model file {path} is empty")
    try:
        d = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ValueError(f"{path} is not a backprop model file (not UTF-8 JSON text)") from None
    except json.JSONDecodeError as error:
        raise ValueError(
            f"model file {path} is not valid JSON (truncated or corrupted?): {error.msg} at "
            f"line {error.lineno}, column {error.colno}"
        ) from None
    source = f"model file {path}"
    try:
        return model_from_dict(d, source)
    except (TypeError, KeyError, IndexError, AttributeError) as error:
        # a shape of entry the checks above did not foresee: still one sentence, no traceback
        raise ValueError(f"{source} is damaged or not a backprop model file ({type(error).__name__}: {error})") from None
