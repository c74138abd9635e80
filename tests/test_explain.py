"""``backprop explain`` and ``backprop.explain``: golden files, every number checked.

The golden files in tests/golden/ were written by the command line:

    backprop explain > tests/golden/explain_note.txt
    backprop explain --format markdown > tests/golden/explain_note.md
    backprop explain --preset mazur --precision 9 > tests/golden/explain_mazur.txt
    backprop explain --preset mazur --precision 9 --format markdown > tests/golden/explain_mazur.md

and are compared exactly. Every number in them is parsed back and compared with what
the core computes (``Network.backpropagate``, ``Network.step``), independently of the
explanation's own trace.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

import backprop
from backprop.explain.expr import format_number

GOLDEN = Path(__file__).parent / "golden"
NUMBER = re.compile(r"-?\d+\.\d+(?:e[+-]\d+)?")
CASES = {
    "note": (backprop.NOTE, 6, []),
    "mazur": (backprop.MAZUR, 9, ["--preset", "mazur", "--precision", "9"]),
}


def core_values(example) -> dict[tuple, float]:
    """Every quantity of one step, from the core, keyed (name, layer, indices)."""
    net = example.network()
    x, t = example.x, example.t
    r = net.backpropagate(x, t)
    out: dict[tuple, float] = {("gamma", None, ()): example.learning_rate, ("C", None, ()): r.cost}
    L = net.L
    for l in range(1, L + 1):
        W = net.weights[l - 1]
        for idx, v in np.ndenumerate(W):
            out[("W", l, idx)] = v
        for idx, v in np.ndenumerate(r.change_matrices[l - 1]):
            out[("dC/dW", l, idx)] = v
        for j, v in enumerate(r.z[l - 1][0]):
            out[("z", l, (j,))] = v
        for j, v in enumerate(r.deltas[l - 1][0]):
            out[("delta", l, (j,))] = v
        a = r.a[l][0]
        for j, v in enumerate(a * (1 - a)):  # σ' through a, the note's a(1 − a)
            out[("f'", l, (j,))] = v
        if l < L:
            for j, v in enumerate(r.deltas[l][0] @ net.weights[l][:, :-1]):
                out[("wT delta", l, (j,))] = v
    for l in range(L + 1):
        for j, v in enumerate(r.a[l][0]):
            out[("a", l, (j,))] = v
    for j, v in enumerate(t):
        out[("T", None, (j,))] = v
    for j, v in enumerate(r.a[L][0] - t):
        out[("dC/da", L, (j,))] = v
    net.step(x, t, example.learning_rate)
    for l in range(1, L + 1):
        for idx, v in np.ndenumerate(net.weights[l - 1]):
            out[("W_new", l, idx)] = v
    out[("final C", None, ())] = net.cost(x, t)
    return out


def equations(text: str) -> dict[str, list[str]]:
    """Each text equation's symbol → its joined lines, in order (a symbol may repeat)."""
    out: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        m = re.match(r"^  (?:\(\d+\) )?(\S+) = ", line)
        if m:
            current = m.group(1)
            out.setdefault(current, []).append(line)
        elif current and re.match(r"^\s{4,}\S", line):
            out[current][-1] += " " + line.strip()
        else:
            current = None
    return out


def last_number(equation: str) -> float:
    return float(NUMBER.findall(equation)[-1])


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("fmt, suffix", [("text", "txt"), ("markdown", "md")])
def test_golden_files_are_reproduced_exactly(name, fmt, suffix):
    example, precision, _ = CASES[name]
    e = backprop.explain(example.network(), example.x, example.t, example.learning_rate)
    produced = e.text(precision) if fmt == "text" else e.markdown(precision)
    assert produced == (GOLDEN / f"explain_{name}.{suffix}").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", CASES)
def test_the_command_line_prints_the_golden_text(cli, name):
    _, _, args = CASES[name]
    result = cli("explain", *args)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (GOLDEN / f"explain_{name}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("suffix", ["txt", "md"])
def test_every_number_in_the_golden_files_is_a_core_value(name, suffix):
    example, precision, _ = CASES[name]
    printed = {format_number(v, precision) for v in core_values(example).values()}
    text = (GOLDEN / f"explain_{name}.{suffix}").read_text(encoding="utf-8")
    numbers = NUMBER.findall(text)
    assert len(numbers) > 100
    strays = sorted(set(numbers) - printed)
    assert not strays, f"numbers not computed by the core: {strays}"


@pytest.mark.parametrize("name", CASES)
def test_each_equation_ends_in_the_core_value_of_its_symbol(name):
    example, precision, _ = CASES[name]
    core = core_values(example)
    eqs = equations((GOLDEN / f"explain_{name}.txt").read_text(encoding="utf-8"))
    tol = 0.5 * 10.0**-precision * (1 + 1e-9)
    checked = 0
    for l in (1, 2):
        for j in (0, 1):
            assert abs(last_number(eqs[f"a_{j}^({l})"][0]) - core[("a", l, (j,))]) <= tol
            assert abs(last_number(eqs[f"δ_{j}^({l})"][0]) - core[("delta", l, (j,))]) <= tol
            for i in (0, 1, 2):
                dw = eqs[f"dC/dw_{j}{i}^({l})"][0]
                assert abs(last_number(dw) - core[("dC/dW", l, (j, i))]) <= tol
                # the updated weight: w = w_before − γ·dC/dw = w_after
                new = eqs[f"w_{j}{i}^({l})"][0]
                assert abs(last_number(new) - core[("W_new", l, (j, i))]) <= tol
                checked += 4
    costs = eqs["C"]
    assert abs(last_number(costs[0]) - core[("C", None, ())]) <= tol
    assert abs(last_number(costs[-1]) - core[("final C", None, ())]) <= tol
    assert checked == 48


def test_the_cited_examples_published_figures_appear():
    eqs = equations((GOLDEN / "explain_mazur.txt").read_text(encoding="utf-8"))
    published = {  # DESIGN.md / docs/notation.md: out_h1, out_h2, out_o1, out_o2, E
        "a_0^(1)": "0.593269992", "a_1^(1)": "0.596884378",
        "a_0^(2)": "0.75136507", "a_1^(2)": "0.772928465",
    }
    for symbol, figure in published.items():
        value = last_number(eqs[symbol][0])
        assert f"{value:.{len(figure) - 2}f}" == figure
    assert f"{last_number(eqs['C'][0]):.9f}" == "0.298371109"
    after = ["0.149780716", "0.19956143", "0.24975114", "0.29950229",  # w1..w4: W^(1)
             "0.35891648", "0.408666186", "0.511301270", "0.561370121"]  # w5..w8: W^(2)
    positions = [(1, 0, 0), (1, 0, 1), (1, 1, 0), (1, 1, 1), (2, 0, 0), (2, 0, 1), (2, 1, 0), (2, 1, 1)]
    for figure, (l, j, i) in zip(after, positions):
        value = last_number(eqs[f"w_{j}{i}^({l})"][0])
        assert f"{value:.{len(figure) - 2}f}" == figure
    # its intermediate figures: net_o1, ∂E/∂out_o1, ∂out_o1/∂net_o1, ∂E/∂w5, and for w1
    # ∂E/∂out_h1 (the back-propagated sum), ∂out_h1/∂net_h1 and ∂E/∂w1
    text = (GOLDEN / "explain_mazur.txt").read_text(encoding="utf-8")
    for figure in ["1.105905967", "0.741365070", "0.186815602", "0.082167041",
                   "0.036350306", "0.241300709", "0.000438568"]:
        assert figure in text, figure
    # its names in the note's symbols, and why its biases are not comparable after the step
    flat = " ".join(text.replace("\u00a0", " ").split())
    assert "out_h1 = a_0^(1)" in flat and "w5 = w_00^(2)" in flat and "E_total = C" in flat
    assert "It never updates its biases" in flat
    assert "the step-by-step example the note cites" not in (GOLDEN / "explain_note.txt").read_text()


def test_the_note_example_reads_at_80_columns():
    text = (GOLDEN / "explain_note.txt").read_text(encoding="utf-8")
    assert max(len(line) for line in text.splitlines()) <= 80
    # the note's order: A^(0), eqs. (1)-(4), cost (5), δ^(2), dC/dW^(2), δ^(1), dC/dW^(1), update
    marks = ["A^(0) =", "(1) a_0^(1)", "(2) a_1^(1)", "(3) a_0^(2)", "(4) a_1^(2)", "(5) C =",
             "δ^(2) = (a^(2) − T) ⊙", "dC/dW^(2) = [", "δ^(1) =", "dC/dW^(1) = [",
             "The updated weights", "W^(2) = ["]
    position = 0
    for mark in marks:
        position = text.index(mark, position)
    # the correct forms where the note has misprints
    assert "1/(1 + e^−z)" in text
    assert "δ_1^(1) = a_1^(1)(1 − a_1^(1))(w_01^(2) δ_0^(2) + w_11^(2) δ_1^(2))" in text
    assert "A^(0) W^(1)ᵀ" in text
    flat = " ".join(text.split())
    assert "adds w_12^(1); that is a misprint, the bias of neuron 0 is w_02^(1)" in flat


def test_json_every_quantity_equals_the_core(cli):
    result = cli("explain", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    core = core_values(backprop.NOTE)
    assert data["sizes"] == [2, 2, 2] and data["learning_rate"] == 0.5
    (step,) = data["steps"]
    seen = set()
    for q in step["quantities"]:
        assert {"name", "symbol", "layer", "indices", "value"} <= q.keys()
        key = (q["name"], q["layer"], tuple(q["indices"]))
        assert abs(q["value"] - core[key]) <= 1e-15, (q, core[key])
        seen.add(key)
    assert seen == set(core) - {("final C", None, ())}
    assert abs(data["final_cost"] - core[("final C", None, ())]) <= 1e-15
    symbols = {q["symbol"] for q in step["quantities"]}
    assert {"w_02^(1)", "a_1^(2)", "δ_0^(1)", "dC/dw_12^(2)", "C", "T_1"} <= symbols


def test_several_steps_follow_the_core():
    net = backprop.NOTE.network()
    e = backprop.explain(net, backprop.NOTE.x, backprop.NOTE.t, steps=10)
    assert net.weights[0][0, 0] == 0.10  # the caller's network is not changed
    d = e.to_dict()
    reference = backprop.NOTE.network()
    for k in range(10):
        assert d["steps"][k]["cost"] == reference.step(backprop.NOTE.x, backprop.NOTE.t)
    assert d["final_cost"] == reference.cost(backprop.NOTE.x, backprop.NOTE.t)
    text = e.text()
    assert "Step 10 of 10" in text and "The weights are the updated weights of step 9." in text


def test_a_big_network_is_summarised_with_a_note_never_silently():
    net = backprop.Network([64, 30, 10], seed=0)
    x, t = np.linspace(0, 1, 64), np.eye(10)[3]
    e = backprop.explain(net, x, t)
    text = e.text()
    assert "…" in text and "⋮" in text
    flat = " ".join(text.split())
    assert "Layer 1 has 30 neurons; the equations of neurons 0–3 and 29 are written out" in flat
    assert "W^(1) is 30 × 65; 7 rows and 5 columns are shown" in flat
    assert "A^(0) has 65 values; 10 are shown" in flat
    # the count is the count printed: a_0 … a_7, a_63 and the bias node's 1
    shown = re.search(r"A\^\(0\) = \((.*?)\) = \((.*?)\)", flat)
    assert len([v for v in shown.group(2).split(", ") if v != "…"]) == 10
    for line in text.splitlines():
        assert len(line) <= 100
    assert len(e.to_dict()["steps"][0]["quantities"]) > 30 * 65 + 10 * 31
    md = e.markdown()
    assert "\\dots" in md and "> **Note.**" in md


def test_markdown_and_latex_forms():
    e = backprop.explain(backprop.NOTE.network(), backprop.NOTE.x, backprop.NOTE.t)
    md = e._repr_markdown_()
    assert md == e.markdown()
    assert "$$\n\\begin{aligned}" in md and "\\odot" in md and "\\\\" not in md
    tex = e.latex()
    assert tex.startswith("\\documentclass{article}") and tex.rstrip().endswith("\\end{document}")
    assert "\\tag{1}" in tex and tex.count("\\begin{equation*}") == tex.count("\\end{equation*}")


def test_other_activations_are_explained():
    net = backprop.Network([3, 4, 2], seed=2, activation="tanh", output_activation="sigmoid",
                           cost="binary_cross_entropy")
    e = backprop.explain(net, [0.1, 0.2, 0.3], [1.0, 0.0])
    text = " ".join(e.text().split())
    assert "tanh(" in text and "(1 − (a_0^(1))²)" in text and "the factors cancel" in text
    r = net.backpropagate([0.1, 0.2, 0.3], [1.0, 0.0])
    deltas = [q for q in e.to_dict()["steps"][0]["quantities"] if q["name"] == "delta"]
    assert deltas[0]["value"] == r.deltas[1][0][0]


@pytest.mark.parametrize("suffix", ["json", "npz"])
def test_weights_file_with_input_and_target(cli, tmp_path, suffix):
    path = tmp_path / f"w.{suffix}"
    weights = [np.array(W) for W in backprop.NOTE.weights]
    if suffix == "json":
        path.write_text(json.dumps([W.tolist() for W in weights]))
    else:
        np.savez(path, W1=weights[0], W2=weights[1])
    result = cli("explain", "--weights", str(path), "--input", "0.1, 0.9", "--target", "0.3 0.4")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (GOLDEN / "explain_note.txt").read_text(encoding="utf-8")


def test_command_line_errors_are_one_line(cli, tmp_path):
    path = tmp_path / "w.json"
    path.write_text(json.dumps([W for W in backprop.NOTE.weights]))
    result = cli("explain", "--weights", str(path))
    assert result.returncode == 1 and "needs --input and --target" in result.stderr
    result = cli("explain", "--weights", str(path), "--input", "0.1,x", "--target", "0.3,0.4")
    assert result.returncode == 1 and "--input must be numbers" in result.stderr
    result = cli("explain", "--weights", str(path), "--input", "0.1,0.2,0.3", "--target", "0.3,0.4")
    assert result.returncode == 1 and "input has 3 features" in result.stderr
    result = cli("explain", "--steps", "0")
    assert result.returncode == 1 and "steps must be a positive integer" in result.stderr
    assert all("Traceback" not in r for r in [result.stderr])


def test_model_file(cli, tmp_path):
    modelfile = pytest.importorskip("backprop.modelfile", reason="modelfile not available")
    path = tmp_path / "m.json"
    modelfile.save_model(path, backprop.NOTE.network())
    result = cli("explain", "--model", str(path), "--input", "0.1,0.9", "--target", "0.3,0.4")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (GOLDEN / "explain_note.txt").read_text(encoding="utf-8")


def test_model_file_with_a_scaler_scales_the_input(cli, tmp_path):
    modelfile = pytest.importorskip("backprop.modelfile", reason="modelfile not available")
    preprocessing = pytest.importorskip("backprop.preprocessing", reason="preprocessing not available")
    scaler = preprocessing.get_scaler("minmax").fit(np.array([[0.0, 0.0], [2.0, 4.0]]))
    path = tmp_path / "m.json"
    modelfile.save_model(path, backprop.NOTE.network(), scaler=scaler)
    result = cli("explain", "--model", str(path), "--input", "0.2,3.6", "--target", "0.3,0.4",
                 "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["input"] == pytest.approx([0.1, 0.9], abs=1e-15)


def test_the_command_line_shows_several_steps(cli):
    result = cli("explain", "--steps", "3", "--format", "json")
    assert result.returncode == 0, result.stderr
    steps = json.loads(result.stdout)["steps"]
    reference = backprop.NOTE.network()
    assert [s["step"] for s in steps] == [1, 2, 3]
    for s in steps:
        assert s["cost"] == reference.step(backprop.NOTE.x, backprop.NOTE.t)
    text = cli("explain", "--steps", "3").stdout
    assert "Step 3 of 3" in text and "The weights are the updated weights of step 2." in text
    assert max(len(line) for line in text.splitlines()) <= 80


# What GitHub's math (MathJax 3) renders; a macro outside this list may show as red text.
GITHUB_MACROS = {"begin", "end", "cdot", "cr", "delta", "frac", "tfrac", "gamma", "sigma",
                 "leftarrow", "mathsf", "mathrm", "odot", "qquad", "sum", "dots", "vdots",
                 "cdots", "ddots", "tanh", "operatorname", "times"}


def _markdown_cases():
    yield "note", (GOLDEN / "explain_note.md").read_text(encoding="utf-8")
    yield "mazur", (GOLDEN / "explain_mazur.md").read_text(encoding="utf-8")
    big = backprop.Network([64, 30, 10], seed=0)
    yield "big", backprop.explain(big, np.linspace(0, 1, 64), np.eye(10)[3]).markdown()
    tanh = backprop.Network([3, 4, 2], seed=2, activation="tanh", output_activation="sigmoid",
                            cost="binary_cross_entropy")
    yield "tanh", backprop.explain(tanh, [0.1, 0.2, 0.3], [1.0, 0.0]).markdown()


def test_markdown_math_is_what_github_renders():
    for name, md in _markdown_cases():
        blocks = re.findall(r"^\$\$\n(.*?)\n\$\$$", md, flags=re.S | re.M)
        assert blocks, name
        prose = re.sub(r"^\$\$\n.*?\n\$\$$", "", md, flags=re.S | re.M)
        for line in prose.splitlines():
            assert line.count("$") % 2 == 0, (name, line)
            pieces = line.split("$")
            for k in range(1, len(pieces) - 1, 2):
                span = pieces[k]
                # GitHub needs no space just inside the dollars, and no letter or digit
                # just outside them
                assert span and span == span.strip(), (name, span)
                assert not re.match(r"\w", pieces[k + 1][:1] or " "), (name, line)
                assert not re.match(r"\w", pieces[k - 1][-1:] or " "), (name, line)
        macros = set(re.findall(r"\\([A-Za-z]+)", md))
        assert macros <= GITHUB_MACROS, (name, macros - GITHUB_MACROS)
        assert "\\\\" not in md  # a row break GitHub's Markdown could eat: \\cr is used


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed")
@pytest.mark.parametrize("name", ["note", "mazur"])
def test_the_latex_compiles(cli, tmp_path, name):
    result = cli("explain", "--preset", name, "--format", "latex")
    assert result.returncode == 0, result.stderr
    (tmp_path / "e.tex").write_text(result.stdout, encoding="utf-8")
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "e.tex"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-2000:]
    assert (tmp_path / "e.pdf").read_bytes()[:5] == b"%PDF-"


def test_a_random_network_of_given_sizes(cli):
    """--sizes/--seed as for ``backprop sheet``: the same network, input and target."""
    result = cli("explain", "--sizes", "3,4,2", "--seed", "1", "--input", "0.2,0.6,0.9",
                 "--target", "0.25,0.75", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    net = backprop.Network([3, 4, 2], seed=1)
    r = net.backpropagate([0.2, 0.6, 0.9], [0.25, 0.75])
    assert data["sizes"] == [3, 4, 2] and data["steps"][0]["cost"] == r.cost
    first_w = data["steps"][0]["quantities"][0]
    assert first_w["symbol"] == "w_00^(1)" and first_w["value"] == net.weights[0][0, 0]
