"""The note's spreadsheet, for any small network: every number a live formula.

``write_sheet(path, net, x, t, learning_rate, steps)`` writes an .ods (odfpy) or an
.xlsx (openpyxl), each with a chart of the cost per step, in which the input, the target, γ and the
initial weights are plain cells to edit and every weighted sum, activation, cost, δ,
change-matrix entry and updated weight is a formula labelled in the note's notation
(``layout.py``). ``libreoffice.recalculate`` has LibreOffice recalculate such a file.
"""

from __future__ import annotations

from pathlib import Path

from ..network import Network
from .layout import Layout, layout

__all__ = ["write_sheet", "layout", "Layout", "FORMATS"]

FORMATS = (".ods", ".xlsx")


def write_sheet(path, net: Network, x, t, learning_rate: float = 0.5, steps: int = 1) -> Layout:
    """Write the spreadsheet of ``steps`` steps of ``net`` on (x, t); returns its layout."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"the spreadsheet file must end in .ods or .xlsx; got {path.name!r}")
    g = layout(net, x, t, learning_rate, steps)
    if suffix == ".ods":
        from .ods import write_ods

        write_ods(path, g)
    else:
        from .xlsx import write_xlsx

        write_xlsx(path, g)
    return g
