"""The layout as an OpenDocument spreadsheet (.ods, odfpy).

Formulas are translated to OpenFormula (``of:=1/(1+EXP(-[.B12]))``) and written
without cached values (no ``office:value`` on a formula cell), so LibreOffice must
calculate every one when it opens the file.
"""

from __future__ import annotations

import re
from pathlib import Path

from .._extras import require
from .layout import Layout

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

    table = Table(name=title)
    table.addElement(TableColumn(numbercolumnsrepeated=g.n_cols, stylename=wide))
    for r in range(g.n_rows):
        row = TableRow()
        for c in range(g.n_cols):
            cell = g.cells.get((r, c))
            if cell is None:
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
