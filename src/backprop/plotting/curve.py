"""The learning curve: cost and accuracy per epoch, training and validation."""

from __future__ import annotations

import math

from ._figure import DEFAULT_DPI, new_figure, resolve_size, save_figure

__all__ = ["plot_curve", "history_series"]

SERIES = ("cost", "accuracy", "val_cost", "val_accuracy")


def history_series(history) -> dict[str, list[float]]:
    """The four per-epoch lists of a ``History`` or a dict, missing ones empty.

    ``None`` entries (no accuracy for regression, say) become NaN so they leave gaps.
    """
    if history is None:
        raise ValueError("a history is needed: a History or a dict with a 'cost' list")
    if not isinstance(history, dict):
        history = {name: getattr(history, name, None) for name in SERIES + ("epochs",)}
    out: dict[str, list[float]] = {}
    for name in SERIES:
        values = history.get(name) or []
        if not isinstance(values, (list, tuple)):
            try:
                values = list(values)
            except TypeError:
                raise ValueError(f"history {name!r} must be a list of numbers per epoch; got {values!r}") from None
        try:
            out[name] = [math.nan if v is None else float(v) for v in values]
        except (TypeError, ValueError):
            raise ValueError(f"history {name!r} must be a list of numbers per epoch; got {values!r}") from None
    if not out["cost"]:
        raise ValueError("the history has no 'cost' per epoch; nothing to plot")
    # the epochs' numbers, when the history has them (training resumed from a model file
    # counts on); else 1, 2, …
    epochs = history.get("epochs") or []
    try:
        out["epochs"] = [float(e) for e in epochs] if len(epochs) == len(out["cost"]) else []
    except (TypeError, ValueError):
        out["epochs"] = []
    if not out["epochs"]:
        out["epochs"] = [float(e) for e in range(1, len(out["cost"]) + 1)]
    return out


def _has_values(values: list[float]) -> bool:
    return any(not math.isnan(v) for v in values)


def plot_curve(history, out=None, *, size=None, dpi=DEFAULT_DPI, title="Learning curve"):
    """Cost (and accuracy, when there is one) per epoch, training and validation.

    ``history`` is a ``backprop.training.History`` or a dict with lists ``cost``,
    ``accuracy``, ``val_cost``, ``val_accuracy`` (entry e = after epoch e + 1). The
    training line is solid with circles, validation dashed with squares, so the two
    stay apart in grey. Returns the ``Figure``; saves it to ``out`` when given.
    """
    series = history_series(history)
    has_accuracy = _has_values(series["accuracy"]) or _has_values(series["val_accuracy"])
    fig = new_figure(resolve_size(size, (8.0 if has_accuracy else 6.0, 4.0)), dpi, "plotting a learning curve")
    axes = fig.subplots(1, 2 if has_accuracy else 1, squeeze=False)[0]
    panels = [("cost", "Cost C", axes[0])]
    if has_accuracy:
        panels.append(("accuracy", "Accuracy", axes[1]))
    for key, label, ax in panels:
        for name, what, style in (
            (key, "training", dict(color="#1b3a6b", linestyle="-", marker="o")),
            (f"val_{key}", "validation", dict(color="#d9822b", linestyle="--", marker="s")),
        ):
            values = series[name]
            if not _has_values(values):
                continue
            epochs = series["epochs"][: len(values)]
            if len(epochs) < len(values):
                epochs = range(1, len(values) + 1)
            every = max(1, len(values) // 12)
            ax.plot(epochs, values, label=what, markevery=every, markersize=5, linewidth=1.6, **style)
        ax.set_xlabel("epoch")
        ax.set_ylabel(label)
        ax.set_title(f"{label} per epoch")
        ax.grid(True, color="#dddddd", linewidth=0.6)
        if key == "accuracy":
            ax.set_ylim(-0.02, 1.02)
        elif _log_scale(series["cost"] + series["val_cost"]):
            ax.set_yscale("log")
            ax.set_ylabel(f"{label} (log scale)")
        ax.legend(loc="best", fontsize="small")
        # whole epochs only on the x axis
        ax.xaxis.get_major_locator().set_params(integer=True)
    if title:
        fig.suptitle(title)
    if out is not None:
        save_figure(fig, out)
    return fig


def _log_scale(values: list[float]) -> bool:
    """A log axis when the positive costs span more than two decades."""
    finite = [v for v in values if not math.isnan(v)]
    if not finite or min(finite) <= 0:
        return False
    return max(finite) / min(finite) > 100
