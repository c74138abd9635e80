"""The pictures, through the Python API: sizes, formats, content, and errors."""

from __future__ import annotations

import re

import numpy as np
import pytest

pytest.importorskip("matplotlib")

import backprop  # noqa: E402
from backprop.plotting import (  # noqa: E402
    parse_length,
    parse_size,
    plot_boundary,
    plot_curve,
    plot_network,
    plot_weights,
    predict_classes,
    save_figure,
    weight_label,
    write_training_plots,
)
from backprop.plotting._figure import class_style  # noqa: E402

from _pictures import assert_not_blank, has_colour, png_size, svg_size_pt, svg_texts  # noqa: E402

HISTORY = {
    "cost": [0.30, 0.20, 0.12, 0.08, 0.05],
    "accuracy": [0.50, 0.70, 0.85, 0.90, 0.95],
    "val_cost": [0.32, 0.22, 0.15, 0.11, 0.09],
    "val_accuracy": [0.45, 0.65, 0.80, 0.85, 0.88],
}


def _moons(m=120, seed=0):
    """Two interleaved half circles, classes 0 and 1, without the data sets package."""
    rng = np.random.default_rng(seed)
    y = np.arange(m) % 2
    angle = rng.uniform(0, np.pi, m)
    upper = np.column_stack([np.cos(angle), np.sin(angle)])
    lower = np.column_stack([1 - np.cos(angle), 0.5 - np.sin(angle)])
    X = np.where(y[:, None] == 0, upper, lower) + rng.normal(0, 0.08, (m, 2))
    return X, y


@pytest.fixture(scope="module")
def moons_model():
    X, y = _moons()
    net = backprop.Network([2, 6, 1], seed=0)
    net.fit(X, y[:, None].astype(float), epochs=60, learning_rate=2.0, batch_size=4, seed=0)
    return net, X, y


# -- the note's network -----------------------------------------------------------------


def test_note_network_svg_shows_all_12_weights_with_values(tmp_path):
    net = backprop.NOTE.network()
    out = save_figure(plot_network(net, backprop.NOTE.x, target=backprop.NOTE.t), tmp_path / "net.svg")
    texts = svg_texts(out)
    found = {}
    for text in texts:
        match = re.fullmatch(r"(w\S+) = (-?\d+\.\d+)", text)
        if match:
            found[match.group(1)] = float(match.group(2))
    expected = {
        weight_label(l, j, i): backprop.NOTE.weights[l - 1][j][i]
        for l in (1, 2) for j in (0, 1) for i in (0, 1, 2)
    }
    assert len(expected) == 12
    assert found == pytest.approx(expected, abs=0.005)
    # the 4 biases are the weights from the bias node, neuron 2 of layers 0 and 1
    assert {weight_label(l, j, 2) for l in (1, 2) for j in (0, 1)} <= set(found)
    # one bias node of value 1 in every layer but the output
    assert texts.count("bias") == 2 and texts.count("1") == 2
    # the activations of the forward pass for the note's input, and the targets
    for value in ("0.100", "0.900", "0.620", "0.748", "0.874", "0.625", "T₀ = 0.300", "T₁ = 0.400"):
        assert value in texts


def test_weight_label_uses_the_notes_index_order():
    assert weight_label(1, 0, 2) == "w₀₂⁽¹⁾"  # end neuron first, then start neuron
    assert weight_label(2, 1, 0) == "w₁₀⁽²⁾"
    assert weight_label(1, 10, 2) == "w₁₀,₂⁽¹⁾"  # a comma once an index has two digits


def test_network_png_has_the_requested_pixels_and_is_not_blank(tmp_path):
    out = tmp_path / "net.png"
    plot_network(backprop.NOTE.network(), out=out, size=(7, 3.5), dpi=80)
    assert png_size(out) == (560, 280)
    assert_not_blank(out)


def test_big_network_is_drawn_without_labels_and_with_a_gap(tmp_path):
    net = backprop.Network([64, 12, 10], seed=0)
    fig = plot_network(net, np.linspace(0, 1, 64), out=tmp_path / "big.svg")
    texts = svg_texts(tmp_path / "big.svg")
    assert "⋮" in texts  # 64 inputs: the first and last ones, a gap between
    assert not any(re.fullmatch(r"w\S+ = -?\d+\.\d+", t) for t in texts)
    assert fig is not None


def test_negative_weights_are_drawn_dashed():
    net = backprop.Network.from_weights([np.array([[0.5, -1.0, 0.2]])])
    fig = plot_network(net)
    lines = fig.axes[0].get_lines()
    dashed = [line for line in lines if line.get_linestyle() not in ("-", "solid")]
    assert len(lines) == 3 and len(dashed) == 1
    assert lines[1].get_linewidth() > lines[0].get_linewidth() > lines[2].get_linewidth()


# -- learning curve --------------------------------------------------------------------


def test_curve_png_size_and_content(tmp_path):
    out = tmp_path / "curve.png"
    fig = plot_curve(HISTORY, out, size=(6, 3), dpi=100)
    assert png_size(out) == (600, 300)
    assert_not_blank(out)
    cost_axes, accuracy_axes = fig.axes
    assert [l.get_label() for l in cost_axes.get_lines()] == ["training", "validation"]
    assert cost_axes.get_xlabel() == "epoch" and "Cost" in cost_axes.get_ylabel()
    assert accuracy_axes.get_ylabel() == "Accuracy"
    assert list(cost_axes.get_lines()[0].get_ydata()) == HISTORY["cost"]


def test_curve_from_a_history_object_with_only_cost_has_one_panel():
    net = backprop.NOTE.network()
    history = net.fit(np.array([backprop.NOTE.x]), np.array([backprop.NOTE.t]), epochs=5)
    fig = plot_curve(history)
    assert len(fig.axes) == 1 and len(fig.axes[0].get_lines()[0].get_ydata()) == 5


def test_curve_without_cost_is_an_error():
    with pytest.raises(ValueError, match="no 'cost'"):
        plot_curve({"cost": []})
    with pytest.raises(ValueError, match="numbers per epoch"):
        plot_curve({"cost": ["a"]})


# -- decision boundary -----------------------------------------------------------------


def test_boundary_png_has_both_class_colours(tmp_path, moons_model):
    net, X, y = moons_model
    out = tmp_path / "boundary.png"
    plot_boundary(net, X, y, out, labels=["upper", "lower"], size=(5, 4), dpi=100)
    assert png_size(out) == (500, 400)
    pixels = assert_not_blank(out)
    for c in (0, 1):
        assert has_colour(pixels, class_style(c)[0]), f"class {c}'s colour is missing"


def test_boundary_applies_the_scaler_before_the_network(moons_model):
    net, X, y = moons_model

    class Halve:
        def transform(self, X):
            return X / 2

    assert np.array_equal(predict_classes(net, X, Halve()), predict_classes(net, X / 2))


def test_boundary_needs_two_features_and_labels(moons_model):
    net, X, y = moons_model
    with pytest.raises(ValueError, match="2 features"):
        plot_boundary(net, np.ones((5, 3)), np.zeros(5))
    with pytest.raises(ValueError, match="class labels"):
        plot_boundary(net, X, None)


def test_boundary_with_three_classes_uses_argmax():
    net = backprop.Network.from_weights([np.array([[1.0, 0, 0], [0, 1.0, 0], [-1.0, -1.0, 0]])])
    X = np.array([[2.0, 0], [0, 2.0], [-2.0, -2.0]])
    assert list(predict_classes(net, X)) == [0, 1, 2]
    fig = plot_boundary(net, X, np.array([0, 1, 2]))
    assert len(fig.axes[0].get_legend().get_texts()) == 3


# -- weights as images -----------------------------------------------------------------


def test_weights_as_images(tmp_path):
    net = backprop.Network([64, 5, 10], seed=0)
    out = tmp_path / "weights.png"
    fig = plot_weights(net, (8, 8), out, size=(4, 3), dpi=100)
    assert png_size(out) == (400, 300)
    assert_not_blank(out)
    images = [im for ax in fig.axes for im in ax.get_images()]
    assert len(images) == 5
    assert np.array_equal(images[2].get_array(), net.weights[0][2, :-1].reshape(8, 8))


def test_weights_image_shape_must_match_the_inputs():
    with pytest.raises(ValueError, match="does not match the network's 64 inputs"):
        plot_weights(backprop.Network([64, 3, 2], seed=0), (7, 7))


# -- after training --------------------------------------------------------------------


class _Data:
    def __init__(self, X, y, labels=None):
        self.X, self.y, self.labels = X, y, labels


def test_write_training_plots_curve_and_boundary_for_2d_data(tmp_path, moons_model):
    net, X, y = moons_model
    paths = write_training_plots(tmp_path / "plots", HISTORY, net, _Data(X, y, ["a", "b"]))
    assert [p.name for p in paths] == ["curve.png", "boundary.png"]
    for p in paths:
        assert p.exists()
        assert_not_blank(p)


def test_write_training_plots_only_the_curve_otherwise(tmp_path):
    net = backprop.Network([4, 3, 2], seed=0)
    paths = write_training_plots(tmp_path, HISTORY, net, _Data(np.ones((6, 4)), np.zeros(6)))
    assert [p.name for p in paths] == ["curve.png"]
    assert [p.name for p in write_training_plots(tmp_path, HISTORY)] == ["curve.png"]


# -- formats and sizes -----------------------------------------------------------------


def test_formats_by_suffix(tmp_path):
    fig = plot_curve(HISTORY, size=(4, 3))
    assert save_figure(fig, tmp_path / "c.pdf").read_bytes()[:5] == b"%PDF-"
    svg = save_figure(fig, tmp_path / "c.svg")
    assert svg_size_pt(svg) == (288.0, 216.0)  # 72 points per inch
    assert "Cost C per epoch" in svg_texts(svg)
    assert save_figure(fig, tmp_path / "plain").name == "plain.png"
    with pytest.raises(ValueError, match="use a file name ending in .png, .svg, .pdf"):
        save_figure(fig, tmp_path / "c.gif")


def test_same_figure_same_file(tmp_path):
    a = save_figure(plot_network(backprop.NOTE.network()), tmp_path / "a.svg").read_bytes()
    b = save_figure(plot_network(backprop.NOTE.network()), tmp_path / "b.svg").read_bytes()
    assert a == b


def test_sizes_in_pixels_or_inches():
    assert parse_length("800") == 8.0 and parse_length("800px", dpi=200) == 4.0
    assert parse_length("8in") == 8.0
    assert parse_size("800x600") == (8.0, 6.0) and parse_size("8x6in") == (8.0, 6.0)
    with pytest.raises(ValueError, match="pixels"):
        parse_size("big")
    with pytest.raises(ValueError, match="inches"):
        plot_curve(HISTORY, size=(0, 3))
