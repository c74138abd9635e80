"""Decision regions of a classifier with two inputs, with the data points on top."""

from __future__ import annotations

import numpy as np

from ..metrics import predicted_classes
from ._figure import DEFAULT_DPI, class_style, new_figure, resolve_size, save_figure

__all__ = ["plot_boundary", "predict_classes"]


def predict_classes(network, X, scaler=None) -> np.ndarray:
    """The class of each row of ``X`` (``metrics.predicted_classes`` of ``network.predict``).

    ``scaler`` (anything with ``transform``) is applied to ``X`` first, as in training.
    """
    X = np.asarray(X, dtype=float)
    if scaler is not None:
        X = scaler.transform(X)
    return predicted_classes(network.predict(X))


def _check(network, X, y):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(
            f"a decision boundary needs data with 2 features (rows of (x0, x1)); got shape {X.shape}"
        )
    n0 = network.sizes[0] if hasattr(network, "sizes") else 2
    if n0 != 2:
        raise ValueError(f"a decision boundary needs a network with 2 inputs; this one has {n0}")
    if y is None:
        raise ValueError("a decision boundary needs class labels y; this data set has none (regression?)")
    y = np.asarray(y)
    if y.ndim != 1 or len(y) != len(X):
        raise ValueError(f"y must hold one class index per row of X ({len(X)}); got shape {y.shape}")
    return X, y.astype(np.int64)


def plot_boundary(
    network,
    X,
    y,
    out=None,
    scaler=None,
    *,
    labels=None,
    size=None,
    dpi=DEFAULT_DPI,
    resolution: int = 300,
    title: str | None = None,
):
    """The decision regions of ``network`` over the plane of ``X``, and the points.

    ``X`` is (m, 2) raw data, ``y`` its class indices; ``scaler`` is applied before the
    network as in training. Each class has its own colour, marker and region hatching,
    so the picture reads in grey too; the boundary between regions is drawn as a line.
    Returns the ``Figure``; saves it to ``out`` when given.
    """
    X, y = _check(network, X, y)
    k = int(max(y.max(initial=0), 1)) + 1
    pad = 0.08 * (X.max(axis=0) - X.min(axis=0) + 1e-9)
    lo, hi = X.min(axis=0) - pad, X.max(axis=0) + pad
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    regions = predict_classes(network, grid, scaler).reshape(gx.shape)
    k = max(k, int(regions.max()) + 1)

    fig = new_figure(resolve_size(size, (6.0, 5.0)), dpi, "plotting a decision boundary")
    from matplotlib.colors import ListedColormap, to_rgb

    ax = fig.subplots()
    styles = [class_style(c) for c in range(k)]
    light = [tuple(0.6 + 0.4 * np.array(to_rgb(color))) for color, _, _ in styles]
    levels = np.arange(k + 1) - 0.5
    import matplotlib

    # the hatching in a mid grey, so it shows on light and dark regions alike
    with matplotlib.rc_context({"hatch.color": "#7a7a7a", "hatch.linewidth": 0.6}):
        ax.contourf(gx, gy, regions, levels=levels, cmap=ListedColormap(light), hatches=[h for _, _, h in styles])
    ax.contour(gx, gy, regions, levels=levels[1:-1], colors="black", linewidths=1.2)
    names = labels if labels is not None else [f"class {c}" for c in range(k)]
    for c in range(k):
        mask = y == c
        if not mask.any():
            continue
        color, marker, _ = styles[c]
        name = names[c] if c < len(names) else f"class {c}"
        ax.scatter(X[mask, 0], X[mask, 1], s=28, c=color, marker=marker, edgecolors="black", linewidths=0.5, label=str(name), zorder=3)
    accuracy = float(np.mean(predict_classes(network, X, scaler) == y))
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    # raw features: a scaler, when given, turns them into a^(0) before the network
    ax.set_xlabel("$x_0$, first feature")
    ax.set_ylabel("$x_1$, second feature")
    sizes = getattr(network, "sizes", None)
    ax.set_title(title or f"Decision regions{f' of {sizes}' if sizes else ''}, accuracy {accuracy:.1%}")
    ax.legend(loc="best", fontsize="small", framealpha=0.9)
    if out is not None:
        save_figure(fig, out)
    return fig
