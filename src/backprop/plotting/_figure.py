"""Figures without pyplot: a size, an Agg canvas, and saving by the file's suffix.

matplotlib is imported here only inside functions, through ``backprop._extras.require``,
so ``import backprop.plotting`` works without it and a missing extra gives a one-line hint.
"""

from __future__ import annotations

import re
from pathlib import Path

from .._extras import require

__all__ = ["FORMATS", "new_figure", "resolve_size", "save_figure", "parse_length", "parse_size", "class_style"]

# Output formats, chosen by the file's suffix; PNG when there is none.
FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}

DEFAULT_DPI = 100

# Class colours and markers that stay apart in grey: the colours step through
# lightness (dark blue, light orange, mid green, …), the markers and hatches differ too.
CLASS_COLORS = ["#1b3a6b", "#f2a541", "#3f8f5f", "#c8553d", "#8a6fb0", "#9ad1d4", "#5c4033", "#e6d75a", "#444444", "#e88fb4"]
CLASS_MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*", "h", "<"]
CLASS_HATCHES = ["", "//", "\\\\", "xx", "..", "++", "oo", "--", "||", "**"]


def class_style(k: int) -> tuple[str, str, str]:
    """(colour, marker, hatch) of class ``k``; they cycle after ten classes."""
    i = k % len(CLASS_COLORS)
    return CLASS_COLORS[i], CLASS_MARKERS[i], CLASS_HATCHES[i]


def _matplotlib(purpose: str):
    return require("matplotlib", "plot", purpose)


def new_figure(size: tuple[float, float], dpi: float = DEFAULT_DPI, purpose: str = "plotting"):
    """A ``Figure`` of ``size`` inches on an Agg canvas (no pyplot, no global state)."""
    _matplotlib(purpose)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    width, height = _check_size(size)
    dpi = _check_dpi(dpi)
    fig = Figure(figsize=(width, height), dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def save_figure(fig, out) -> Path:
    """Write ``fig`` to ``out``: PNG, SVG or PDF by the suffix (PNG when there is none).

    The image is exactly the figure's size: width × dpi pixels for PNG, width × 72
    points for SVG and PDF. SVG keeps text as text (``svg.fonttype = 'none'``) and PDF
    embeds TrueType fonts, so labels stay searchable. No dates are written, so the
    same figure gives the same file.
    """
    mpl = _matplotlib("saving a picture")
    path = output_path(out)
    fmt = FORMATS[path.suffix.lower()]
    metadata = {"png": {"Software": None}, "svg": {"Date": None}, "pdf": {"CreationDate": None}}[fmt]
    with mpl.rc_context({"svg.fonttype": "none", "pdf.fonttype": 42, "svg.hashsalt": "backprop"}):
        fig.savefig(path, format=fmt, dpi=fig.dpi, metadata=metadata)
    return path


def resolve_size(size, default: tuple[float, float]) -> tuple[float, float]:
    """``size`` with its missing parts (``None``) taken from ``default``, in inches."""
    if size is None:
        return default
    try:
        width, height = size
    except (TypeError, ValueError):
        raise ValueError(f"size must be (width, height) in inches; got {size!r}") from None
    return (default[0] if width is None else width, default[1] if height is None else height)


def output_path(out) -> Path:
    """The file a picture goes to: ``out``, with ``.png`` added when it has no suffix.

    Raises ``ValueError`` for a suffix other than .png, .svg, .pdf or a missing directory.
    """
    path = Path(out)
    suffix = path.suffix.lower()
    if suffix == "":
        path = path.with_suffix(".png")
    elif suffix not in FORMATS:
        raise ValueError(
            f"cannot write a picture as {path.suffix!r}; use a file name ending in "
            f"{', '.join(FORMATS)}"
        )
    if not path.parent.exists():
        raise ValueError(f"the directory {str(path.parent)!r} for {str(path)!r} does not exist")
    return path


def _check_size(size) -> tuple[float, float]:
    try:
        width, height = (float(v) for v in size)
    except (TypeError, ValueError):
        raise ValueError(f"size must be (width, height) in inches; got {size!r}") from None
    if not (width > 0 and height > 0) or width > 100 or height > 100:
        raise ValueError(f"size must be two positive numbers of inches up to 100; got {size!r}")
    return width, height


def _check_dpi(dpi) -> float:
    try:
        value = float(dpi)
    except (TypeError, ValueError):
        raise ValueError(f"dpi must be a positive number; got {dpi!r}") from None
    if not 10 <= value <= 1200:
        raise ValueError(f"dpi must be between 10 and 1200; got {dpi!r}")
    return value


_LENGTH = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*(px|in)?\s*$", re.IGNORECASE)


def parse_length(text: str, dpi: float = DEFAULT_DPI) -> float:
    """A length in inches from ``"800"`` / ``"800px"`` (pixels at ``dpi``) or ``"8in"``."""
    match = _LENGTH.match(str(text))
    if not match:
        raise ValueError(f"a length must be a number of pixels (800, 800px) or inches (8in); got {text!r}")
    value = float(match.group(1))
    unit = (match.group(2) or "px").lower()
    return value if unit == "in" else value / float(dpi)


def parse_size(text: str, dpi: float = DEFAULT_DPI) -> tuple[float, float]:
    """A (width, height) in inches from ``"800x600"`` (pixels) or ``"8x6in"``."""
    match = re.match(r"^\s*([\d.]+)\s*[x×,]\s*([\d.]+)\s*(px|in)?\s*$", str(text), re.IGNORECASE)
    if not match:
        raise ValueError(f"a size must be WIDTHxHEIGHT in pixels (800x600) or inches (8x6in); got {text!r}")
    unit = match.group(3) or "px"
    return parse_length(match.group(1) + unit, dpi), parse_length(match.group(2) + unit, dpi)
