"""Small text renderers shared by the commands."""

from __future__ import annotations

import numpy as np


def number(value: float, precision: int = 6) -> str:
    return f"{value:.{precision}f}"


def vector(values, precision: int = 6) -> str:
    """(0.100000, 0.900000)"""
    return "(" + ", ".join(number(v, precision) for v in np.ravel(values)) + ")"


def matrix(M, indent: int = 4, precision: int = 6) -> str:
    """Rows of a matrix, aligned, one per line, each behind ``indent`` spaces."""
    M = np.atleast_2d(M)
    cells = [[f"{v:.{precision}f}" for v in row] for row in M]
    width = max(len(c) for row in cells for c in row)
    pad = " " * indent
    return "\n".join(pad + "[ " + "  ".join(c.rjust(width) for c in row) + " ]" for row in cells)
