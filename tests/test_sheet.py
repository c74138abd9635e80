"""``backprop sheet``: the note's spreadsheet, every number a live formula.

The LibreOffice tests write sheets through the command line with NO cached values,
have LibreOffice (headless, fresh profile, recalculation on load forced) recalculate
and save them, and compare every recalculated cell with the core to 1e-12. They are
skipped when ``soffice`` is not installed (``.ci/run`` installs it).
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile

import numpy as np
import pytest

import backprop
from backprop.sheet import layout
from backprop.sheet.libreoffice import recalculate, soffice

openpyxl = pytest.importorskip("openpyxl")
pytest.importorskip("odf")

NOTE_STEPS = 10
SMALL = dict(sizes=[3, 4, 2], seed=1, x=[0.2, 0.6, 0.9], t=[0.25, 0.75])
EDITED_X0 = 0.77


def small_network():
    return backprop.Network(SMALL["sizes"], seed=SMALL["seed"])


def expected(net, x, t, steps, gamma=0.5):
    """Every quantity the sheet holds, from the core, keyed as ``Layout.refs``."""
    net = net.copy()
    out = {}
    for step in range(1, steps + 1):
        r = net.backpropagate(x, t)
        out[("C", step)] = r.cost
        for l in range(1, net.L + 1):
            for j, v in enumerate(r.z[l - 1][0]):
                out[("z", step, l, j)] = v
            for j, v in enumerate(r.a[l][0]):
                out[("a", step, l, j)] = v
            for j, v in enumerate(r.deltas[l - 1][0]):
                out[("delta", step, l, j)] = v
            for (j, i), v in np.ndenumerate(r.change_matrices[l - 1]):
                out[("dC/dW", step, l, j, i)] = v
        net.step(x, t, gamma)
        for l in range(1, net.L + 1):
            for (j, i), v in np.ndenumerate(net.weights[l - 1]):
                out[("W_new", step, l, j, i)] = v
    return out


def compare(workbook_path, g, want):
    ws = openpyxl.load_workbook(workbook_path, data_only=True).active
    worst = 0.0
    for key, value in want.items():
        got = ws[g.refs[key]].value
        assert isinstance(got, (int, float)), (key, g.refs[key], got)
        worst = max(worst, abs(got - value))
        assert abs(got - value) <= 1e-12, (key, got, value)
    return worst


# -- without LibreOffice -------------------------------------------------------------

def test_every_quantity_is_a_labelled_formula_and_the_inputs_are_plain_cells():
    net = backprop.NOTE.network()
    g = layout(net, backprop.NOTE.x, backprop.NOTE.t, 0.5, steps=2)
    cells = {f"{k}": v for k, v in g.cells.items()}
    assert cells  # the grid is not empty
    by_ref = {}
    for (row, col), cell in g.cells.items():
        by_ref[(row, col)] = cell
    want = expected(net, backprop.NOTE.x, backprop.NOTE.t, 2)
    assert set(want) <= set(g.refs)
    for key in want:
        col_letters, row_digits = re.match(r"([A-Z]+)(\d+)", g.refs[key]).groups()
        row, col = int(row_digits) - 1, ord(col_letters) - 65
        cell = by_ref[(row, col)]
        assert cell.kind == "formula" and str(cell.value).startswith("="), key
        label = by_ref[(row, col - 1)]
        assert label.kind == "label"
    for key in [("gamma",), ("x", 0), ("x", 1), ("T", 0), ("T", 1), ("W", 1, 1, 0, 2)]:
        col_letters, row_digits = re.match(r"([A-Z]+)(\d+)", g.refs[key]).groups()
        assert by_ref[(int(row_digits) - 1, ord(col_letters) - 65)].kind == "input"
    labels = {c.value for c in g.cells.values() if c.kind == "label"}
    assert {"a_0^(0)", "T_1", "w_02^(1)", "z_0^(1)", "δ_1^(1)", "dC/dw_12^(2)", "C, eq. (5)"} <= labels
    # the formulas are the note's: a = σ(z), δ^(L) = (a − T) a(1 − a), w − γ dC/dw
    a = g.refs[("a", 1, 2, 0)]
    assert g.cells[_rc(g.refs[("delta", 1, 2, 0)])].value == f"=({a}-{g.refs[('T', 0)]})*{a}*(1-{a})"
    z = g.refs[("z", 1, 1, 0)]
    assert g.cells[_rc(g.refs[("a", 1, 1, 0)])].value == f"=1/(1+EXP(-{z}))"
    # step 2 starts from step 1's updated weights
    assert g.refs[("W", 2, 1, 0, 0)] == g.refs[("W_new", 1, 1, 0, 0)]


def _rc(address):
    col_letters, row_digits = re.match(r"([A-Z]+)(\d+)", address).groups()
    return int(row_digits) - 1, ord(col_letters) - 65


def test_files_hold_no_cached_values(cli, tmp_path):
    ods, xlsx = tmp_path / "n.ods", tmp_path / "n.xlsx"
    for path in (ods, xlsx):
        result = cli("sheet", "--out", str(path), "--steps", "2")
        assert result.returncode == 0, result.stderr
        assert f"wrote {path}" in result.stdout
    content = zipfile.ZipFile(ods).read("content.xml").decode()
    formula_cells = re.findall(r"<table:table-cell[^>]*table:formula=[^>]*>", content)
    assert len(formula_cells) > 50
    assert not [c for c in formula_cells if "office:value" in c]
    sheet = zipfile.ZipFile(xlsx).read("xl/worksheets/sheet1.xml").decode()
    assert sheet.count("<f>") > 50 and "<v>" not in re.sub(r"<c [^>]*><v>[^<]*</v></c>", "", sheet)
    ws = openpyxl.load_workbook(xlsx, data_only=True).active
    g = layout(backprop.NOTE.network(), backprop.NOTE.x, backprop.NOTE.t, 0.5, 2)
    assert ws[g.refs[("C", 1)]].value is None  # nothing cached to be read instead of computed


def test_other_activations_and_costs_are_refused_clearly(cli):
    net = backprop.Network([2, 2], activation="softmax", cost="cross_entropy")
    with pytest.raises(ValueError, match="formulas for the activations"):
        layout(net, [0.1, 0.2], [1.0, 0.0])
    net = backprop.Network([2, 2], cost="binary_cross_entropy")
    with pytest.raises(ValueError, match="quadratic cost"):
        layout(net, [0.1, 0.2], [1.0, 0.0])
    with pytest.raises(ValueError, match="at most 2000 weights"):
        layout(backprop.Network([64, 64, 10]), np.zeros(64), np.zeros(10))
    result = cli("sheet", "--out", "x.csv")
    assert result.returncode == 1 and "must end in .ods or .xlsx" in result.stderr


def test_a_missing_extra_gives_a_one_line_hint(tmp_path):
    code = (
        "import sys; sys.modules['openpyxl'] = None\n"
        "from backprop.cli import main\n"
        f"sys.exit(main(['sheet', '--out', {str(tmp_path / 'a.xlsx')!r}]))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 3
    assert result.stderr.strip().count("\n") == 0
    assert "pip install 'backprop[sheet]'" in result.stderr


# -- recalculated by LibreOffice -------------------------------------------------------

needs_libreoffice = pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) not installed")


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    """Three sheets written by the command line, recalculated in one LibreOffice run."""
    from conftest import run_cli

    d = tmp_path_factory.mktemp("sheets")
    note = d / "note.ods"
    small = d / "small.xlsx"
    x, t = ",".join(map(str, SMALL["x"])), ",".join(map(str, SMALL["t"]))
    for args in (["--out", str(note), "--steps", str(NOTE_STEPS)],
                 ["--out", str(small), "--sizes", "3,4,2", "--seed", "1", "--input", x,
                  "--target", t, "--steps", "3"]):
        result = run_cli("sheet", *args)
        assert result.returncode == 0, result.stderr
    # a user edits an input cell: a_0^(0) of the small network
    g_small = layout(small_network(), SMALL["x"], SMALL["t"], 0.5, 3)
    wb = openpyxl.load_workbook(small)
    wb.active[g_small.refs[("x", 0)]] = EDITED_X0
    edited = d / "edited.xlsx"
    wb.save(edited)
    outputs = recalculate([note, small, edited], d / "recalculated")
    return dict(zip(["note", "small", "edited"], outputs))


@needs_libreoffice
def test_libreoffice_reproduces_the_note_network_over_ten_steps(recalculated):
    net = backprop.NOTE.network()
    g = layout(net, backprop.NOTE.x, backprop.NOTE.t, 0.5, NOTE_STEPS)
    want = expected(net, backprop.NOTE.x, backprop.NOTE.t, NOTE_STEPS)
    assert len(want) == NOTE_STEPS * (1 + 4 + 4 + 4 + 12 + 12)
    compare(recalculated["note"], g, want)
    ws = openpyxl.load_workbook(recalculated["note"], data_only=True).active
    costs = [ws[g.refs[("C", k)]].value for k in range(1, NOTE_STEPS + 1)]
    assert costs == sorted(costs, reverse=True)  # the falling cost


@needs_libreoffice
def test_libreoffice_reproduces_a_3_4_2_network(recalculated):
    g = layout(small_network(), SMALL["x"], SMALL["t"], 0.5, 3)
    compare(recalculated["small"], g, expected(small_network(), SMALL["x"], SMALL["t"], 3))


@needs_libreoffice
def test_an_edited_input_is_recomputed_by_libreoffice(recalculated):
    x = list(SMALL["x"])
    x[0] = EDITED_X0
    g = layout(small_network(), x, SMALL["t"], 0.5, 3)
    want = expected(small_network(), x, SMALL["t"], 3)
    compare(recalculated["edited"], g, want)
    before = expected(small_network(), SMALL["x"], SMALL["t"], 3)
    assert abs(want[("C", 3)] - before[("C", 3)]) > 1e-6  # the edit did change the result
