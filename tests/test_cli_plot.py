"""``backprop plot …`` run as a user runs it: the files, their sizes, their content."""

from __future__ import annotations

import json
import os
import re
import subprocess

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from conftest import backprop_command, run_cli  # noqa: E402

from _pictures import assert_not_blank, has_colour, png_size, svg_size_pt, svg_texts  # noqa: E402

BLUE, ORANGE = "#1b3a6b", "#f2a541"  # the colours of classes 0 and 1


def _ok(result):
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    """Models trained by ``backprop train``: moons (2-D, with history) and digits."""
    where = tmp_path_factory.mktemp("models")
    moons = where / "moons.json"
    _ok(run_cli("train", "--data", "moons", "--hidden", "6", "--epochs", "25", "--learning-rate", "2",
                "--seed", "0", "--validation-fraction", "0.2", "--quiet",
                "--out", str(moons), "--plot", str(where / "plots")))
    digits = where / "digits.json"
    _ok(run_cli("train", "--data", "digits", "--hidden", "6", "--epochs", "1", "--seed", "0", "--quiet",
                "--out", str(digits)))
    return {"moons": moons, "digits": digits, "plots": where / "plots"}


# -- the note's example, no model file --------------------------------------------------


def test_note_network_svg_has_the_size_and_all_12_weights(tmp_path):
    result = _ok(run_cli("plot", "network", "--preset", "note", "--out", "net.svg", "--size", "9x5in", cwd=tmp_path))
    out = tmp_path / "net.svg"
    assert "wrote net.svg" in result.stdout
    assert svg_size_pt(out) == (648.0, 360.0)
    texts = svg_texts(out)
    weights = [t for t in texts if re.fullmatch(r"w\S+ = \d\.\d\d", t)]
    assert sorted(float(t.split(" = ")[1]) for t in weights) == sorted(
        [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.1, 0.2, 0.3]
    )
    assert "w₀₂⁽¹⁾ = 0.30" in texts and "w₁₂⁽²⁾ = 0.30" in texts  # two of the four biases
    assert texts.count("bias") == 2
    assert {"0.620", "0.748", "0.874", "0.625"} <= set(texts)  # a^(1), a^(2) for (0.1, 0.9)


def test_note_network_png_default_name_and_requested_pixels(tmp_path):
    _ok(run_cli("plot", "network", "--preset", "note", "--width", "900", "--height", "450", cwd=tmp_path))
    out = tmp_path / "network.png"
    assert png_size(out) == (900, 450)
    assert_not_blank(out)


# -- learning curve ------------------------------------------------------------------------


def test_curve_from_a_history_json(tmp_path):
    history = {"cost": [0.3, 0.2, 0.1], "accuracy": [0.5, 0.8, 0.9], "val_cost": [], "val_accuracy": []}
    (tmp_path / "history.json").write_text(json.dumps(history))
    _ok(run_cli("plot", "curve", "history.json", cwd=tmp_path))
    assert png_size(tmp_path / "curve.png") == (800, 400)
    assert_not_blank(tmp_path / "curve.png")


def test_curve_from_a_model_file(tmp_path, models):
    _ok(run_cli("plot", "curve", str(models["moons"]), "--out", "c.svg", "--size", "600x300", cwd=tmp_path))
    assert svg_size_pt(tmp_path / "c.svg") == (432.0, 216.0)  # 6 × 3 inches at 100 dpi
    texts = svg_texts(tmp_path / "c.svg")
    assert {"Cost C per epoch", "Accuracy per epoch", "training", "validation", "epoch"} <= set(texts)


# -- decision boundary ---------------------------------------------------------------------


def test_boundary_of_moons_has_both_class_colours(tmp_path, models):
    _ok(run_cli("plot", "boundary", str(models["moons"]), "--data", "moons", "--size", "500x400", cwd=tmp_path))
    out = tmp_path / "boundary.png"
    assert png_size(out) == (500, 400)
    pixels = assert_not_blank(out)
    assert has_colour(pixels, BLUE) and has_colour(pixels, ORANGE)
    _reads_in_grey(pixels)


def test_boundary_needs_a_2d_model(tmp_path, models):
    result = run_cli("plot", "boundary", str(models["digits"]), "--data", "digits", cwd=tmp_path)
    assert result.returncode == 1
    assert "2 features" in result.stderr and "Traceback" not in result.stderr


# -- the network of a model ---------------------------------------------------------------


def test_network_of_a_model_shows_the_values_for_an_input(tmp_path, models):
    from backprop.modelfile import load_model

    _ok(run_cli("plot", "network", str(models["moons"]), "--input", "0.5", "0.2", "--out", "n.svg", cwd=tmp_path))
    output = load_model(models["moons"]).predict([0.5, 0.2])[0]
    texts = svg_texts(tmp_path / "n.svg")
    assert f"{output:.3f}" in texts  # a_0^(2), the model's prediction for the raw input
    assert texts.count("bias") == 2
    assert any("input (0.5, 0.2)" in t for t in texts)


def test_network_needs_a_model_or_a_preset(tmp_path):
    result = run_cli("plot", "network", cwd=tmp_path)
    assert result.returncode == 1 and "--preset note" in result.stderr


# -- weights as images ---------------------------------------------------------------------


def test_weights_of_digits(tmp_path, models):
    _ok(run_cli("plot", "weights", str(models["digits"]), "--out", "w.svg", "--size", "640x480", cwd=tmp_path))
    assert svg_size_pt(tmp_path / "w.svg") == pytest.approx((460.8, 345.6))  # 6.4 × 4.8 in
    texts = svg_texts(tmp_path / "w.svg")
    assert "Layer 1 weights as 8×8 images" in texts  # the shape from the model's data set
    assert sum(t.startswith("neuron ") for t in texts) == 6  # one image per hidden neuron


def test_weights_of_a_model_that_is_not_an_image(tmp_path, models):
    result = run_cli("plot", "weights", str(models["moons"]), "--image-shape", "3", "3", cwd=tmp_path)
    assert result.returncode == 1 and "does not match the network's 2 inputs" in result.stderr


# -- after training, errors, the missing extra ----------------------------------------------


def test_train_plot_writes_the_curve_and_the_boundary(models):
    for name in ("curve.png", "boundary.png"):
        assert_not_blank(models["plots"] / name)


def test_wrong_suffix_or_missing_file(tmp_path):
    result = run_cli("plot", "network", "--preset", "note", "--out", "net.gif", cwd=tmp_path)
    assert result.returncode == 1 and ".png, .svg, .pdf" in result.stderr
    assert not (tmp_path / "net.gif").exists()
    result = run_cli("plot", "curve", "missing.json", cwd=tmp_path)
    assert result.returncode == 1 and "missing.json" in result.stderr


def test_missing_matplotlib_gives_a_one_line_hint_and_exit_3(tmp_path):
    fake = tmp_path / "fake"
    (fake / "matplotlib").mkdir(parents=True)
    (fake / "matplotlib" / "__init__.py").write_text("raise ImportError('matplotlib hidden by the test')\n")
    env = dict(os.environ, PYTHONPATH=str(fake), PYTHONIOENCODING="utf-8")
    result = subprocess.run(
        backprop_command() + ["plot", "network", "--preset", "note"],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60,
    )
    assert result.returncode == 3
    assert result.stderr.strip().count("\n") == 0
    assert "pip install 'backprop[plot]'" in result.stderr
    assert not (tmp_path / "network.png").exists()


# -- PDF, and the pictures in grey -------------------------------------------------------------


def test_pdf_by_the_suffix_with_the_requested_size(tmp_path, models):
    _ok(run_cli("plot", "curve", str(models["moons"]), "--out", "p.pdf", "--size", "6x3in", cwd=tmp_path))
    data = (tmp_path / "p.pdf").read_bytes()
    assert data[:5] == b"%PDF-" and data.rstrip().endswith(b"%%EOF")
    box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    assert box and (float(box.group(1)), float(box.group(2))) == (432.0, 216.0)  # 6 × 3 in
    assert len(data) > 5000  # drawn, not an empty page


def _reads_in_grey(pixels):
    """Printed in grey, the two classes' regions and markers still differ."""
    grey = pixels @ [0.299, 0.587, 0.114]

    def level(hex_colour):
        rgb = [int(hex_colour[k: k + 2], 16) / 255 for k in (1, 3, 5)]
        return float(np.dot(rgb, [0.299, 0.587, 0.114]))

    assert abs(level(BLUE) - level(ORANGE)) > 0.3  # the markers
    # the plane: class 0 and class 1 regions are two clearly different greys (the
    # white margins aside), each a large part of the picture
    counts, edges = np.histogram(grey[grey < 0.93], bins=20, range=(0, 1))
    peaks = sorted(np.argsort(counts)[-2:])
    assert edges[peaks[1]] - edges[peaks[0]] >= 0.15, counts
    assert min(counts[peaks]) > 0.1 * grey.size, counts
