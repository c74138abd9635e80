"""Pictures: learning curves, decision boundaries, the network with its weights, and
the first layer's weights as images.

Needs the optional extra ``backprop[plot]`` (matplotlib); it is imported only when a
picture is drawn, and drawn with the Agg backend, without pyplot. Every function
returns the matplotlib ``Figure`` and saves it when given ``out``: PNG, SVG or PDF by
the file's suffix. ``size`` is (width, height) in inches and ``dpi`` the pixels per
inch of a PNG.
"""

from __future__ import annotations

from ._figure import parse_length, parse_size, save_figure
from .boundary import plot_boundary, predict_classes
from .curve import history_series, plot_curve
from .network import neuron_label, plot_network, weight_label
from .training import write_training_plots
from .weights import plot_weights

__all__ = [
    "plot_curve",
    "plot_boundary",
    "plot_network",
    "plot_weights",
    "write_training_plots",
    "save_figure",
    "history_series",
    "predict_classes",
    "weight_label",
    "neuron_label",
    "parse_length",
    "parse_size",
]
