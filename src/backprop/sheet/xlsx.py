"""The layout as an .xlsx workbook (openpyxl), with a line chart of the cost per step.

Formula cells are written without cached values, so a program that opens the file
must calculate them (LibreOffice and Excel do on load).
"""

from __future__ import annotations

from pathlib import Path

from .._extras import require
from .layout import Layout, column_name

__all__ = ["write_xlsx"]


def write_xlsx(path: Path, g: Layout, title: str = "Steps") -> None:
    openpyxl = require("openpyxl", "sheet", "writing an .xlsx spreadsheet")
    from openpyxl.chart import LineChart, Reference
    from openpyxl.styles import Font, PatternFill

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    editable = PatternFill("solid", fgColor="FFF2CC")
    bold = Font(bold=True)
    for (row, col), cell in sorted(g.cells.items()):
        target = ws.cell(row=row + 1, column=col + 1, value=cell.value)
        if cell.kind == "input":
            target.fill = editable
        elif cell.kind == "title":
            target.font = bold
    for col in range(g.n_cols):
        ws.column_dimensions[column_name(col)].width = 14 if col % 2 == 0 else 20
    first, last = g.cost_rows  # 0-based rows of steps 1 … N; openpyxl counts from 1
    chart = LineChart()
    chart.title = "The cost C, step by step"
    chart.x_axis.title = "step"
    chart.y_axis.title = "C"
    # the header "C" (the row above step 1) names the series; then C of steps 1 … N
    chart.add_data(Reference(ws, min_col=g.cost_column + 2, min_row=first, max_row=last + 1),
                   titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=g.cost_column + 1, min_row=first + 1,
                                   max_row=last + 1))
    ws.add_chart(chart, f"{column_name(g.cost_column)}{last + 3}")
    wb.save(path)
