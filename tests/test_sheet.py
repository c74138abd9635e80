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
import backprop.sheet
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
    by_ref = g.cells
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


@pytest.mark.parametrize("module, suffix", [("openpyxl", "xlsx"), ("odf", "ods")])
def test_a_missing_extra_gives_a_one_line_hint(tmp_path, module, suffix):
    code = (
        f"import sys; sys.modules[{module!r}] = None\n"
        "from backprop.cli import main\n"
        f"sys.exit(main(['sheet', '--out', {str(tmp_path / ('a.' + suffix))!r}]))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 3
    assert result.stderr.strip().count("\n") == 0
    assert "pip install 'backprop[sheet]'" in result.stderr
    assert not (tmp_path / f"a.{suffix}").exists()


# -- recalculated by LibreOffice -------------------------------------------------------

needs_libreoffice = pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) not installed")


def edit_ods_cell(path, out, address, value: float) -> None:
    """Change one plain number cell of an .ods file, as a user editing it would."""
    import xml.etree.ElementTree as ET

    ns = {"table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
          "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
          "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0"}
    with zipfile.ZipFile(path) as z:
        members = {name: z.read(name) for name in z.namelist()}
    content = members["content.xml"].decode()
    for prefix, uri in re.findall(r'xmlns:([\w-]+)="([^"]+)"', content):
        ET.register_namespace(prefix, uri)
    root = ET.fromstring(content)
    row, col = _rc(address)
    table = root.find(".//table:table", ns)
    cell = table.findall("table:table-row", ns)[row].findall("table:table-cell", ns)[col]
    assert cell.get(f"{{{ns['office']}}}value-type") == "float", address  # an input cell
    cell.set(f"{{{ns['office']}}}value", repr(value))
    cell.find("text:p", ns).text = repr(value)
    members["content.xml"] = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    with zipfile.ZipFile(out, "w") as z:
        # the mimetype first and stored, as ODF requires
        z.writestr(zipfile.ZipInfo("mimetype"), members.pop("mimetype"))
        for name, data in members.items():
            z.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)


FILES = ["note.ods", "note.xlsx", "small.ods", "small.xlsx", "edited.ods", "edited.xlsx"]


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    """Sheets written by the command line in both formats, recalculated in one
    LibreOffice run (a fresh profile, recalculation on load forced)."""
    from conftest import run_cli

    d = tmp_path_factory.mktemp("sheets")
    x, t = ",".join(map(str, SMALL["x"])), ",".join(map(str, SMALL["t"]))
    for suffix in ("ods", "xlsx"):
        for args in (["--out", str(d / f"note.{suffix}"), "--steps", str(NOTE_STEPS)],
                     ["--out", str(d / f"small.{suffix}"), "--sizes", "3,4,2", "--seed", "1",
                      "--input", x, "--target", t, "--steps", "3"]):
            result = run_cli("sheet", *args)
            assert result.returncode == 0, result.stderr
    # a user edits an input cell, a_0^(0) of the small network, in each format
    g_small = layout(small_network(), SMALL["x"], SMALL["t"], 0.5, 3)
    wb = openpyxl.load_workbook(d / "small.xlsx")
    wb.active[g_small.refs[("x", 0)]] = EDITED_X0
    wb.save(d / "edited.xlsx")
    edit_ods_cell(d / "small.ods", d / "edited.ods", g_small.refs[("x", 0)], EDITED_X0)
    outputs = recalculate([d / name for name in FILES], d / "recalculated")
    return {name: out for name, out in zip(FILES, outputs)}


needs_libreoffice_both = pytest.mark.parametrize("suffix", ["ods", "xlsx"])


@needs_libreoffice
@needs_libreoffice_both
def test_libreoffice_reproduces_the_note_network_over_ten_steps(recalculated, suffix):
    net = backprop.NOTE.network()
    g = layout(net, backprop.NOTE.x, backprop.NOTE.t, 0.5, NOTE_STEPS)
    want = expected(net, backprop.NOTE.x, backprop.NOTE.t, NOTE_STEPS)
    assert len(want) == NOTE_STEPS * (1 + 4 + 4 + 4 + 12 + 12)
    compare(recalculated[f"note.{suffix}"], g, want)
    ws = openpyxl.load_workbook(recalculated[f"note.{suffix}"], data_only=True).active
    costs = [ws[g.refs[("C", k)]].value for k in range(1, NOTE_STEPS + 1)]
    assert costs == sorted(costs, reverse=True)  # the falling cost


@needs_libreoffice
@needs_libreoffice_both
def test_libreoffice_reproduces_a_3_4_2_network(recalculated, suffix):
    g = layout(small_network(), SMALL["x"], SMALL["t"], 0.5, 3)
    compare(recalculated[f"small.{suffix}"], g, expected(small_network(), SMALL["x"], SMALL["t"], 3))


@needs_libreoffice
@needs_libreoffice_both
def test_an_edited_input_is_recomputed_by_libreoffice(recalculated, suffix):
    x = list(SMALL["x"])
    x[0] = EDITED_X0
    g = layout(small_network(), x, SMALL["t"], 0.5, 3)
    want = expected(small_network(), x, SMALL["t"], 3)
    compare(recalculated[f"edited.{suffix}"], g, want)
    ws = openpyxl.load_workbook(recalculated[f"edited.{suffix}"], data_only=True).active
    assert ws[g.refs[("x", 0)]].value == EDITED_X0
    before = expected(small_network(), SMALL["x"], SMALL["t"], 3)
    assert abs(want[("C", 3)] - before[("C", 3)]) > 1e-6  # the edit did change the result


def _chart_ranges(xlsx_path) -> list[str]:
    with zipfile.ZipFile(xlsx_path) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 1, charts
        xml = z.read(charts[0]).decode()
    return [r.replace("'", "").replace("$", "") for r in re.findall(r"<(?:c:)?f>([^<]*)</(?:c:)?f>", xml)]


def _cost_ranges(g) -> list[str]:
    """The series name ("C"), the step numbers and the costs of the cost table."""
    first, last = g.cost_rows
    steps = g.cells[(first, g.cost_column)].value
    assert steps == 1.0 and g.cells[(first - 1, g.cost_column + 1)].value == "C"
    from backprop.sheet.layout import column_name

    s, c = column_name(g.cost_column), column_name(g.cost_column + 1)
    return [f"Steps!{c}{first}", f"Steps!{s}{first + 1}:{s}{last + 1}",
            f"Steps!{c}{first + 1}:{c}{last + 1}"]


def test_the_xlsx_chart_reads_every_step_of_the_cost(tmp_path):
    path = tmp_path / "c.xlsx"
    g = backprop.sheet.write_sheet(path, backprop.NOTE.network(), backprop.NOTE.x,
                                   backprop.NOTE.t, 0.5, steps=4)
    assert sorted(_chart_ranges(path)) == sorted(_cost_ranges(g))


@needs_libreoffice
@needs_libreoffice_both
def test_libreoffice_draws_the_cost_chart_from_the_formulas(recalculated, suffix):
    """LibreOffice reads the chart of either format and fills it with its computed costs."""
    g = layout(backprop.NOTE.network(), backprop.NOTE.x, backprop.NOTE.t, 0.5, NOTE_STEPS)
    out = recalculated[f"note.{suffix}"]
    assert sorted(_chart_ranges(out)) == sorted(_cost_ranges(g))
    with zipfile.ZipFile(out) as z:
        xml = z.read(next(n for n in z.namelist() if n.startswith("xl/charts/chart"))).decode()
    cached = [float(v) for v in re.findall(r"<c:v>([^<]*)</c:v>", xml) if re.fullmatch(r"[0-9.eE+-]+", v)]
    want = expected(backprop.NOTE.network(), backprop.NOTE.x, backprop.NOTE.t, NOTE_STEPS)
    costs = [want[("C", k)] for k in range(1, NOTE_STEPS + 1)]
    assert np.allclose(cached[-NOTE_STEPS:], costs, rtol=0, atol=1e-12)
