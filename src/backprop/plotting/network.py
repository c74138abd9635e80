"""The network drawn as the note draws it: neurons in layers, a bias node of value 1
at the foot of every layer but the output, and every weight w_ji^(l) on its edge.
"""

from __future__ import annotations

import numpy as np

from ._figure import DEFAULT_DPI, new_figure, resolve_size, save_figure

__all__ = ["plot_network", "weight_label", "neuron_label"]

POSITIVE = "#1b3a6b"  # dark blue, solid
NEGATIVE = "#c8553d"  # red, dashed: the dashes keep the sign readable in grey

_SUB = str.maketrans("0123456789,", "₀₁₂₃₄₅₆₇₈₉,")
_SUP = str.maketrans("0123456789()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾")


def _indices(*numbers: int) -> str:
    """Subscript indices as the note writes them: ``01``; with commas once one has two digits."""
    sep = "," if any(n >= 10 for n in numbers) else ""
    return sep.join(str(n) for n in numbers).translate(_SUB)


def _layer(l: int) -> str:
    return f"({l})".translate(_SUP)


def weight_label(l: int, j: int, i: int) -> str:
    """``w₀₁⁽¹⁾``: the weight into neuron j of layer l from neuron i of layer l − 1."""
    return f"w{_indices(j, i)}{_layer(l)}"


def neuron_label(l: int, i: int) -> str:
    """``a₀⁽¹⁾``: the value of neuron i in layer l."""
    return f"a{_indices(i)}{_layer(l)}"


def _shown(n: int, max_neurons: int) -> list[int | None]:
    """The neuron indices drawn for a layer of n; ``None`` marks the gap (⋮) in a big one."""
    if n <= max_neurons:
        return list(range(n))
    head = max_neurons // 2
    tail = max_neurons - head - 1
    return list(range(head)) + [None] + list(range(n - tail, n))


def _label_position(x0, y0, x1, y1, x_pt, y_pt, placed, diameter) -> float:
    """The fraction t along an edge for its label, as far as can be from the labels and
    nodes placed so far (greedy; labels are about 80 × 12 points); records the choice."""
    best, best_score = 0.5, -1.0
    for t in (0.5, 0.38, 0.62, 0.28, 0.72, 0.2, 0.8):
        px, py = (x0 + t * (x1 - x0)) * x_pt, (y0 + t * (y1 - y0)) * y_pt
        score = min((((px - qx) / 80.0) ** 2 + ((py - qy) / 13.0) ** 2 for qx, qy in placed), default=1e9)
        if score > best_score + 1e-9:
            best, best_score = t, score
    placed.append(((x0 + best * (x1 - x0)) * x_pt, (y0 + best * (y1 - y0)) * y_pt))
    return best


def _format(value: float, precision: int) -> str:
    text = f"{value:.{precision}f}"
    return "0." + "0" * precision if text == "-0." + "0" * precision else text


def plot_network(
    network,
    x=None,
    out=None,
    *,
    target=None,
    size=None,
    dpi=DEFAULT_DPI,
    precision: int = 2,
    show_weights: bool | None = None,
    max_neurons: int = 24,
    title: str | None = None,
):
    """Draw ``network``: neurons in layers 0 … L, bias nodes, every weight as an edge.

    - The bias node of layer l − 1 (value 1, drawn dashed, grey, at the foot of its
      column) is neuron n_{l−1} of that layer for the weights: its edge into neuron j
      of layer l carries the bias w_{j n}^(l), the last column of W^(l). The output
      layer has no bias node.
    - Edges are coloured by sign (positive dark blue and solid, negative red and
      dashed) and their width grows with |w|.
    - ``show_weights`` (default: at most 30 weights and 4 neurons a layer) labels each edge
      ``w_ji^(l) = value`` with ``precision`` decimals: the 12 weights of the note's
      [2, 2, 2] example, its 4 biases included.
    - ``x``: an input; each neuron then shows its value a_i^(l) from the forward pass,
      eqs. (1)–(4); ``target`` adds T_j beside the outputs.
    - Layers of more than ``max_neurons`` neurons show the first and last ones with ⋮
      between them.

    Returns the ``Figure``; saves it to ``out`` when given.
    """
    sizes = list(network.sizes)
    weights = [np.asarray(W, dtype=float) for W in network.weights]
    L = len(weights)
    n_weights = sum(W.size for W in weights)
    if show_weights is None:
        show_weights = n_weights <= 30 and max(sizes) <= 4
    if not isinstance(precision, (int, np.integer)) or not 0 <= precision <= 8:
        raise ValueError(f"precision must be a whole number of decimals from 0 to 8; got {precision!r}")
    if not isinstance(max_neurons, (int, np.integer)) or max_neurons < 3:
        raise ValueError(f"max_neurons must be a whole number of at least 3; got {max_neurons!r}")
    values = None
    if x is not None:
        values = [np.asarray(a, dtype=float).ravel() for a in network.forward(np.asarray(x, dtype=float))]
        if len(values[0]) != sizes[0] or any(len(a) != n for a, n in zip(values, sizes)):
            raise ValueError(f"x must be one input of {sizes[0]} values; got {np.shape(x)}")
    if target is not None:
        target = np.asarray(target, dtype=float).ravel()
        if len(target) != sizes[-1]:
            raise ValueError(f"target must have {sizes[-1]} values, one per output; got {len(target)}")

    # slots per column: the neurons shown, then the bias node (not in the output layer)
    shown = [_shown(n, max_neurons) for n in sizes]
    slots = [len(s) + (1 if l < L else 0) for l, s in enumerate(shown)]
    tallest = max(slots)
    size = resolve_size(size, (max(6.0, (4.2 if show_weights else 3.0) * L + 1.5), max(4.5, min(11.0, 0.5 * tallest + 2.5))))
    fig = new_figure(size, dpi, "drawing the network")
    size = tuple(fig.get_size_inches())
    ax = fig.subplots()
    ax.set_axis_off()
    gap = 3.0  # horizontal distance between layers, in vertical slots

    def y_of(l: int, slot: int) -> float:
        return (slots[l] - 1) / 2.0 - slot  # neuron 0 on top, centred columns

    # positions of every drawn node: (l, index) → (x, y); the bias node has index n_l
    pos: dict[tuple[int, int], tuple[float, float]] = {}
    gaps: list[tuple[float, float]] = []
    for l, s in enumerate(shown):
        for slot, i in enumerate(s):
            if i is None:
                gaps.append((l * gap, y_of(l, slot)))
            else:
                pos[(l, i)] = (l * gap, y_of(l, slot))
        if l < L:
            pos[(l, sizes[l])] = (l * gap, y_of(l, len(s)))

    # node size in points: fits the tallest column into the axes height
    height_pt = size[1] * 72 * 0.72
    diameter = float(np.clip(0.6 * height_pt / tallest, 5, 40))
    big_nodes = diameter >= 20

    biggest = max(float(np.max(np.abs(W))) for W in weights) or 1.0
    # points per data unit, to keep labels apart in the picture rather than in data
    x_range, y_range = L * gap + 2.0, tallest + 1.7
    x_pt, y_pt = size[0] * 72 * 0.92 / x_range, size[1] * 72 * 0.72 / y_range
    placed: list[tuple[float, float]] = [(x * x_pt, y * y_pt) for x, y in pos.values()]
    for l in range(1, L + 1):
        W = weights[l - 1]
        n_prev = sizes[l - 1]
        ends = [j for j in shown[l] if j is not None]
        starts = [i for i in shown[l - 1] if i is not None] + [n_prev]
        for j in ends:
            for i in starts:
                w = W[j, i if i < n_prev else -1]
                (x0, y0), (x1, y1) = pos[(l - 1, i)], pos[(l, j)]
                positive = w >= 0
                ax.plot(
                    [x0, x1], [y0, y1],
                    color=POSITIVE if positive else NEGATIVE,
                    linestyle="-" if positive else (0, (4, 2)),
                    linewidth=0.4 + 3.6 * abs(w) / biggest,
                    alpha=0.9 if n_weights <= 200 else 0.35,
                    zorder=1,
                    solid_capstyle="butt",
                )
                if show_weights:
                    t = _label_position(x0, y0, x1, y1, x_pt, y_pt, placed, diameter)
                    ax.annotate(
                        f"{weight_label(l, j, i)} = {_format(w, precision)}",
                        xy=(x0 + t * (x1 - x0), y0 + t * (y1 - y0)),
                        ha="center", va="center", fontsize=8, zorder=4,
                        rotation=np.degrees(np.arctan2(y1 - y0, x1 - x0)),
                        rotation_mode="anchor", transform_rotates_text=True,
                        bbox=dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor="none", alpha=0.85),
                    )

    # the nodes on top of the edges
    for (l, i), (xn, yn) in pos.items():
        is_bias = l < L and i == sizes[l]
        face = "#e6e6e6" if is_bias else "white"
        if values is not None and not big_nodes and not is_bias:
            level = float(np.clip(values[l][i], 0.0, 1.0))
            face = (1 - level, 1 - level, 1 - level)
        ax.scatter(
            [xn], [yn], s=diameter**2, zorder=3,
            facecolors=[face],
            edgecolors="#555555" if is_bias else "black",
            linewidths=1.2, linestyles="--" if is_bias else "-",
        )
        if is_bias:
            inside, caption = "1", "bias"
        else:
            inside = _format(values[l][i], 3) if values is not None else ""
            caption = neuron_label(l, i)
        if big_nodes:
            ax.annotate(inside, (xn, yn), ha="center", va="center", fontsize=min(8.0, 0.25 * diameter) if len(inside) > 2 else 10, zorder=5)
            ax.annotate(
                caption, (xn, yn), xytext=(0, diameter / 2 + 2), textcoords="offset points",
                ha="center", va="bottom", fontsize=8, zorder=5,
            )
            if l == L and target is not None:
                ax.annotate(
                    f"T{_indices(i)} = {_format(target[i], 3)}", (xn, yn), xytext=(diameter / 2 + 4, 0),
                    textcoords="offset points", ha="left", va="center", fontsize=8, zorder=5,
                )
    for xg, yg in gaps:
        ax.annotate("⋮", (xg, yg), ha="center", va="center", fontsize=14, zorder=5)

    names = ["input"] + ["hidden"] * (L - 1) + ["output"]
    top = max(s - 1 for s in slots) / 2.0 + 0.9
    for l in range(L + 1):
        ax.annotate(f"layer ({l}), {names[l]}\n{sizes[l]} neuron{'s' if sizes[l] != 1 else ''}",
                    (l * gap, top), ha="center", va="bottom", fontsize=9)
    ax.set_xlim(-0.9, L * gap + 1.1)
    ax.set_ylim(-top - 0.2, top + 0.9)

    if title is None:
        title = f"The network {sizes}"
        if x is not None:
            shown_x = np.ravel(x)
            if len(shown_x) <= 6:
                title += f", input ({', '.join(_format(v, 3) for v in shown_x)})"
            else:
                title += ", neurons shaded by their value a (white 0, black 1)"
    ax.set_title(title)
    fig.text(
        0.01, 0.005,
        "w_ji^(l): into neuron j of layer l from neuron i of layer l−1 (i = bias node: the bias). "
        "Solid blue ≥ 0, dashed red < 0; width ∝ |w|.",
        fontsize=7, ha="left", va="bottom", color="#333333",
    )
    if out is not None:
        save_figure(fig, out)
    return fig
