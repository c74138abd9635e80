"""The layout as an OpenDocument spreadsheet (.ods, odfpy), with a line chart of the cost.

Formulas are translated to OpenFormula (``of:=1/(1+EXP(-[.B12]))``) and written
without cached values (no ``office:value`` on a formula cell), so LibreOffice must
calculate every one when it opens the file. The chart is an embedded chart object
that reads the cost table's cells (``Steps.I4:Steps.I13``), so it follows the formulas.
"""

from __future__ import annotations

import re
from pathlib import Path

from .._extras import require
from .layout import Layout, column_name

__all__ = ["write_ods", "open_formula"]

_REF = re.compile(r"\$?[A-Z]{1,3}\$?[0-9]+")


def open_formula(formula: str) -> str:
    """``=B3*(1-B3)`` → ``of:=[.B3]*(1-[.B3])``; argument separators become ``;``."""
    body = _REF.sub(lambda m: f"[.{m.group(0)}]", formula[1:])
    return "of:=" + body.replace(",", ";")


def write_ods(path: Path, g: Layout, title: str = "Steps") -> None:
    require("odf", "sheet", "writing an .ods spreadsheet")
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TableCellProperties, TableColumnProperties, TextProperties
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    editable = Style(name="editable", family="table-cell")
    editable.addElement(TableCellProperties(backgroundcolor="#fff2cc"))
    doc.automaticstyles.addElement(editable)
    bold = Style(name="title", family="table-cell")
    bold.addElement(TextProperties(fontweight="bold"))
    doc.automaticstyles.addElement(bold)
    wide = Style(name="wide", family="table-column")
    wide.addElement(TableColumnProperties(columnwidth="3.2cm"))
    doc.automaticstyles.addElement(wide)

    chart_row = g.cost_rows[1] + 2  # two rows below the cost table, as in the .xlsx
    table = Table(name=title)
    table.addElement(TableColumn(numbercolumnsrepeated=g.n_cols, stylename=wide))
    for r in range(max(g.n_rows, chart_row + 1)):
        row = TableRow()
        for c in range(g.n_cols):
            cell = g.cells.get((r, c))
            if (r, c) == (chart_row, g.cost_column):
                row.addElement(_chart_cell(doc, g, title))
            elif cell is None:
                row.addElement(TableCell())
            elif cell.kind == "formula":
                row.addElement(TableCell(formula=open_formula(str(cell.value))))
            elif isinstance(cell.value, float):
                kw = {"stylename": editable} if cell.kind == "input" else {}
                tc = TableCell(valuetype="float", value=repr(cell.value), **kw)
                tc.addElement(P(text=repr(cell.value)))
                row.addElement(tc)
            else:
                kw = {"stylename": bold} if cell.kind == "title" else {}
                tc = TableCell(valuetype="string", **kw)
                tc.addElement(P(text=str(cell.value)))
                row.addElement(tc)
        table.addElement(row)
    doc.spreadsheet.addElement(table)
    doc.save(str(path))


def _chart_cell(doc, g: Layout, table: str):
    """A cell holding a line chart of C per step, read from the cost table's cells."""
    from odf import chart as ch
    from odf.draw import Frame, Object
    from odf.opendocument import OpenDocumentChart
    from odf.table import TableCell
    from odf.text import P

    first, last = g.cost_rows
    steps_col, cost_col = column_name(g.cost_column), column_name(g.cost_column + 1)
    steps = f"{table}.{steps_col}{first + 1}:{table}.{steps_col}{last + 1}"
    costs = f"{table}.{cost_col}{first + 1}:{table}.{cost_col}{last + 1}"

    def titled(element, text: str):
        title = ch.Title()
        title.addElement(P(text=text))
        element.addElement(title)
        return element

    sub = OpenDocumentChart()
    chart = titled(ch.Chart(attributes={"class": "chart:line"}, width="14cm", height="8cm"),
                   "The cost C, step by step")
    sub.chart.addElement(chart)
    area = ch.PlotArea(cellrangeaddress=costs)
    chart.addElement(area)
    x_axis = titled(ch.Axis(dimension="x", name="primary-x"), "step")
    x_axis.addElement(ch.Categories(cellrangeaddress=steps))
    area.addElement(x_axis)
    area.addElement(titled(ch.Axis(dimension="y", name="primary-y"), "C"))
    area.addElement(ch.Series(valuescellrangeaddress=costs,
                              labelcelladdress=f"{table}.{cost_col}{first}",
                              attributes={"class": "chart:line"}))
    frame = Frame(width="14cm", height="8cm", x="0cm", y="0cm")
    frame.addElement(Object(href=doc.addObject(sub),
                            notifyonupdateofranges=f"{steps} {costs}"))
    cell = TableCell()
    cell.addElement(frame)
    return cell
