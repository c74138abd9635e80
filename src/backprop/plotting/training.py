"""Pictures written after training: ``backprop train … --plot DIR`` calls this."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .boundary import plot_boundary
from .curve import plot_curve

__all__ = ["write_training_plots"]


def write_training_plots(directory, history, network=None, dataset=None, *, scaler=None, labels=None) -> list[Path]:
    """Write ``curve.png`` (cost and accuracy per epoch) into ``directory``, and
    ``boundary.png`` when ``network`` and a ``dataset`` with 2 features and classes are
    given. ``scaler`` is applied to the data before the network, as in training.
    Returns the paths written. The directory is created if needed.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = [Path(_save(plot_curve(history), directory / "curve.png"))]
    if network is not None and dataset is not None:
        X = np.asarray(dataset.X)
        y = getattr(dataset, "y", None)
        if X.ndim == 2 and X.shape[1] == 2 and y is not None and network.sizes[0] == 2:
            if labels is None:
                labels = getattr(dataset, "labels", None)
            fig = plot_boundary(network, X, y, scaler=scaler, labels=labels)
            written.append(_save(fig, directory / "boundary.png"))
    return written


def _save(fig, path: Path) -> Path:
    from ._figure import save_figure

    return save_figure(fig, path)
