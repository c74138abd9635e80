"""The first layer's weights as images: one picture per hidden neuron."""

from __future__ import annotations

import math

import numpy as np

from ._figure import DEFAULT_DPI, new_figure, resolve_size, save_figure

__all__ = ["plot_weights"]


def _check_shape(image_shape, n0: int) -> tuple[int, ...]:
    try:
        shape = tuple(int(v) for v in image_shape)
    except (TypeError, ValueError):
        raise ValueError(f"image_shape must be (height, width); got {image_shape!r}") from None
    if len(shape) != 2 or min(shape) < 1:
        raise ValueError(f"image_shape must be two positive numbers (height, width); got {image_shape!r}")
    if shape[0] * shape[1] != n0:
        raise ValueError(
            f"image_shape {shape[0]}×{shape[1]} = {shape[0] * shape[1]} pixels does not match the "
            f"network's {n0} inputs"
        )
    return shape


def plot_weights(
    network,
    image_shape,
    out=None,
    *,
    size=None,
    dpi=DEFAULT_DPI,
    max_neurons: int = 64,
    title: str | None = None,
):
    """Row j of W^(1), without its bias, as an image: what neuron j of layer 1 looks for.

    One panel per neuron of layer 1 (the first ``max_neurons``), all on one colour
    scale symmetric about 0 (``cividis``: dark negative, light positive, so it reads
    in grey), with the bias w_jn^(1) in each panel's title. Returns the ``Figure``;
    saves it to ``out`` when given.
    """
    W = np.asarray(network.weights[0], dtype=float)
    n1, n0 = W.shape[0], W.shape[1] - 1
    shape = _check_shape(image_shape, n0)
    count = min(n1, max_neurons)
    cols = math.ceil(math.sqrt(count * 1.4))
    rows = math.ceil(count / cols)
    size = resolve_size(size, (min(12.0, 1.3 * cols + 1.6), min(12.0, 1.35 * rows + 1.0)))
    fig = new_figure(size, dpi, "plotting the weights")
    axes = fig.subplots(rows, cols, squeeze=False)
    limit = float(np.max(np.abs(W[:count, :-1]))) or 1.0
    image = None
    for k, ax in enumerate(axes.ravel()):
        ax.set_xticks([])
        ax.set_yticks([])
        if k >= count:
            ax.set_axis_off()
            continue
        image = ax.imshow(W[k, :-1].reshape(shape), cmap="cividis", vmin=-limit, vmax=limit, interpolation="nearest")
        ax.set_title(f"neuron {k}\nbias {W[k, -1]:.2f}", fontsize=7)
    bar = fig.colorbar(image, ax=axes.ravel().tolist(), shrink=0.8)
    bar.set_label("weight $w_{ji}^{(1)}$")
    shown = f" (first {count} of {n1})" if count < n1 else ""
    fig.suptitle(title or f"Layer 1 weights as {shape[0]}×{shape[1]} images{shown}")
    if out is not None:
        save_figure(fig, out)
    return fig
