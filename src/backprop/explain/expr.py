"""Formulas as small trees, written out as plain text or as LaTeX.

An explanation writes each equation once, as a tree of these nodes (symbols, numbers,
sums, products, σ(…), vectors, matrices), and the renderers turn the same tree into
terminal text (``a_0^(1) = σ(w_00^(1) a_0^(0) + …)``) or LaTeX
(``a_{0}^{(1)} = \\sigma(w_{00}^{(1)} a_{0}^{(0)} + \\dots)``), so the formats cannot
disagree. Numbers are stored at full precision and rounded only when written.

Sums, products and vectors mark the places where a long line may be broken (``BREAK``
in the output); the renderers break there, text and LaTeX at the same marks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

__all__ = [
    "BREAK",
    "Style",
    "Expr",
    "Sym",
    "Deriv",
    "Num",
    "Lit",
    "Add",
    "Mul",
    "Group",
    "Call",
    "Pow",
    "Frac",
    "Op",
    "Vec",
    "Mat",
    "ELLIPSIS",
    "format_number",
    "text",
    "latex",
    "text_rows",
]

BREAK = "\x00"  # where a long line may be broken

ATOM, POWER, PRODUCT, SUM = 4, 3, 2, 1


@dataclass(frozen=True)
class Style:
    """How to write numbers and LaTeX row ends: ``precision`` decimals; ``newline``
    ends a row of a LaTeX matrix (``\\\\`` in LaTeX, ``\\cr`` in Markdown, where
    GitHub would read ``\\\\`` as an escaped backslash)."""

    precision: int = 6
    newline: str = "\\\\"


def format_number(value: float, precision: int) -> str:
    """``value`` with ``precision`` decimals; scientific when that would hide it.

    A nonzero value that would round to 0.000000 (or one of 10⁸ or more) is written
    as 1.234568e-09, so no number is printed as zero when it is not.
    """
    v = float(value)
    if v == 0.0:
        return f"{0.0:.{precision}f}"
    if not math.isfinite(v):
        return str(v)
    if abs(v) < 0.5 * 10.0**-precision or abs(v) >= 1e8:
        return f"{v:.{precision}e}"
    return f"{v:.{precision}f}"


class Expr:
    """A node of a formula."""

    prec = ATOM

    def text(self, s: Style) -> str:
        raise NotImplementedError

    def latex(self, s: Style) -> str:
        raise NotImplementedError

    def negative(self) -> bool:
        """True if the written form starts with a minus sign."""
        return False


def _indices(sub: tuple[int, ...]) -> str:
    """The note writes w_01; with an index of 10 or more, w_10,3 keeps them apart."""
    parts = [str(i) for i in sub]
    return ("," if any(len(p) > 1 for p in parts) else "").join(parts)


@dataclass(frozen=True)
class Sym(Expr):
    """A symbol: ``base`` with lower indices ``sub`` and upper layer ``(layer)``.

    ``vector`` writes ``\\vec{…}`` in LaTeX (the note's vectors a^(l), A^(l));
    ``transposed`` appends ᵀ; ``prefix`` is a text written before the base (the d of
    dC/dw).
    """

    base: str
    latex_base: str
    sub: tuple[int, ...] = ()
    layer: int | None = None
    vector: bool = False
    transposed: bool = False

    def text(self, s: Style) -> str:
        out = self.base
        if self.sub:
            out += "_" + _indices(self.sub)
        if self.layer is not None:
            out += f"^({self.layer})"
        if self.transposed:
            out += "ᵀ"
        return out

    def latex(self, s: Style) -> str:
        out = f"\\vec{{{self.latex_base}}}" if self.vector else self.latex_base
        if self.sub:
            out += "_{" + _indices(self.sub) + "}"
        sup = [f"({self.layer})"] if self.layer is not None else []
        if self.transposed:
            sup.append("\\mathsf{T}")
        if sup:
            out += "^{" + "".join(sup) + "}"
        return out


@dataclass(frozen=True)
class Deriv(Expr):
    """dC/d(symbol), the note's notation for a derivative of the cost."""

    of: Sym
    numerator: str = "C"

    def text(self, s: Style) -> str:
        return f"d{self.numerator}/d{self.of.text(s)}"

    def latex(self, s: Style) -> str:
        return f"\\frac{{d{self.numerator}}}{{d{self.of.latex(s)}}}"


@dataclass(frozen=True)
class Num(Expr):
    """A number, kept at full precision, rounded when written."""

    value: float

    @property
    def prec(self) -> int:  # type: ignore[override]
        return SUM if self.negative() else ATOM

    def negative(self) -> bool:
        return float(self.value) < 0

    def text(self, s: Style) -> str:
        return format_number(self.value, s.precision)

    def latex(self, s: Style) -> str:
        out = format_number(self.value, s.precision)
        if "e" in out:
            mantissa, exponent = out.split("e")
            out = f"{mantissa} \\cdot 10^{{{int(exponent)}}}"
        return out


@dataclass(frozen=True)
class Lit(Expr):
    """A literal written as given: ``1``, ``½``, ``γ``, ``…``."""

    plain: str
    tex: str | None = None

    def text(self, s: Style) -> str:
        return self.plain

    def latex(self, s: Style) -> str:
        return self.plain if self.tex is None else self.tex

    def negative(self) -> bool:
        return self.plain.startswith("-")


ELLIPSIS = Lit("…", "\\dots")


def _wrap(child: Expr, need: bool, s: Style, tex: bool) -> str:
    inner = child.latex(s) if tex else child.text(s)
    return f"({inner})" if need else inner


@dataclass(frozen=True)
class Add(Expr):
    """A sum of terms, each with its sign: ``[("+", x), ("−", y)]``."""

    terms: tuple[tuple[str, Expr], ...]
    prec = SUM

    @staticmethod
    def of(*items: Expr | tuple[str, Expr]) -> "Add":
        terms = tuple(item if isinstance(item, tuple) else ("+", item) for item in items)
        return Add(terms)

    def negative(self) -> bool:
        sign, first = self.terms[0]
        return sign != "+" or first.negative()

    def _write(self, s: Style, tex: bool) -> str:
        out = []
        for k, (sign, term) in enumerate(self.terms):
            need = term.prec <= SUM and (k > 0 or sign != "+")
            body = _wrap(term, need, s, tex)
            if k == 0:
                out.append(("-" if tex else "−") + body if sign != "+" else body)
            else:
                op = ("+" if sign == "+" else "-") if tex else ("+" if sign == "+" else "−")
                out.append(f"{BREAK} {op} {body}")
        return "".join(out)

    def text(self, s: Style) -> str:
        return self._write(s, False)

    def latex(self, s: Style) -> str:
        return self._write(s, True)


@dataclass(frozen=True)
class Mul(Expr):
    """A product. ``dot`` writes ``·`` (``\\cdot``) between numbers; without it the
    factors stand side by side, as the note writes w_00^(1) a_0^(0)."""

    factors: tuple[Expr, ...]
    dot: bool = False
    prec = PRODUCT

    def negative(self) -> bool:
        return self.factors[0].negative()

    def _write(self, s: Style, tex: bool) -> str:
        out = ""
        for k, f in enumerate(self.factors):
            # a negative number is always parenthesised: (-0.1)·0.9, never + -0.1·0.9
            need = f.prec < PRODUCT
            body = _wrap(f, need, s, tex)
            if k == 0:
                out = body
            elif self.dot:
                out += (" \\cdot " if tex else "·") + body
            elif tex:
                out += " " + body
            else:  # the note's a_0^(1)(1 − a_0^(1)): no space before a parenthesis
                out += ("" if body.startswith("(") else " ") + body
        return out

    def text(self, s: Style) -> str:
        return self._write(s, False)

    def latex(self, s: Style) -> str:
        return self._write(s, True)


@dataclass(frozen=True)
class Group(Expr):
    """Parentheses the note writes, e.g. (1 − a_0^(1))."""

    inner: Expr

    def text(self, s: Style) -> str:
        return f"({self.inner.text(s)})"

    def latex(self, s: Style) -> str:
        return f"({self.inner.latex(s)})"


@dataclass(frozen=True)
class Call(Expr):
    """A function applied to an argument: σ(…), tanh(…)."""

    name: str
    latex_name: str
    arg: Expr

    def text(self, s: Style) -> str:
        return f"{self.name}({self.arg.text(s)})"

    def latex(self, s: Style) -> str:
        return f"{self.latex_name}({self.arg.latex(s)})"


_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


@dataclass(frozen=True)
class Pow(Expr):
    """A power with a small integer exponent: (…)²."""

    base: Expr
    exponent: int = 2
    prec = POWER

    def _need(self) -> bool:
        return self.base.prec < ATOM or (isinstance(self.base, Sym) and self.base.layer is not None)

    def text(self, s: Style) -> str:
        return _wrap(self.base, self._need(), s, False) + str(self.exponent).translate(_SUPERSCRIPTS)

    def latex(self, s: Style) -> str:
        return _wrap(self.base, self._need(), s, True) + f"^{{{self.exponent}}}"


@dataclass(frozen=True)
class Frac(Expr):
    """A quotient: a/b in text, \\frac{a}{b} in LaTeX."""

    num: Expr
    den: Expr
    prec = PRODUCT

    def text(self, s: Style) -> str:
        return _wrap(self.num, self.num.prec < PRODUCT, s, False) + "/" + _wrap(
            self.den, self.den.prec < ATOM, s, False
        )

    def latex(self, s: Style) -> str:
        return f"\\frac{{{self.num.latex(s)}}}{{{self.den.latex(s)}}}"


@dataclass(frozen=True)
class Op(Expr):
    """A binary operator such as the Hadamard product ⊙."""

    left: Expr
    op: str
    latex_op: str
    right: Expr
    prec: int = PRODUCT  # type: ignore[misc]

    def _write(self, s: Style, tex: bool) -> str:
        left = _wrap(self.left, self.left.prec < self.prec, s, tex)
        right = _wrap(self.right, self.right.prec <= self.prec and self.right.prec < ATOM, s, tex)
        return f"{left} {self.latex_op if tex else self.op} {right}"

    def text(self, s: Style) -> str:
        return self._write(s, False)

    def latex(self, s: Style) -> str:
        return self._write(s, True)


@dataclass(frozen=True)
class Vec(Expr):
    """A row of values, (x, y, 1); in LaTeX a pmatrix, as the note writes A^(0)."""

    items: tuple[Expr, ...]

    def text(self, s: Style) -> str:
        return "(" + f",{BREAK} ".join(item.text(s) for item in self.items) + ")"

    def latex(self, s: Style) -> str:
        return "\\begin{pmatrix} " + f" &{BREAK} ".join(i.latex(s) for i in self.items) + " \\end{pmatrix}"


@dataclass(frozen=True)
class Mat(Expr):
    """A matrix, one row per line in text, a pmatrix in LaTeX. ``None`` entries are
    rows or columns left out, written ⋯ / ⋮."""

    rows: tuple[tuple[Expr | None, ...] | None, ...]
    width: int = field(default=0, compare=False)

    def text(self, s: Style) -> str:  # one-line form; equations use text_rows
        return "\n".join(text_rows(self, s))

    def latex(self, s: Style) -> str:
        n_cols = max(len(r) for r in self.rows if r is not None)
        lines = []
        for row in self.rows:
            if row is None:
                lines.append(" & ".join(["\\vdots"] * n_cols))
            else:
                lines.append(" & ".join("\\cdots" if c is None else c.latex(s) for c in row))
        return "\\begin{pmatrix} " + f" {s.newline} ".join(lines) + " \\end{pmatrix}"


def text_rows(m: Mat, s: Style) -> list[str]:
    """The rows of a matrix as aligned text lines: [ 0.100000  0.200000 ]."""
    n_cols = max(len(r) for r in m.rows if r is not None)
    cells = []
    for row in m.rows:
        if row is None:
            cells.append(["⋮"] * n_cols)
        else:
            cells.append(["⋯" if c is None else c.text(s) for c in row])
    widths = [max(len(r[k]) for r in cells) for k in range(n_cols)]
    return ["[ " + "  ".join(c.rjust(w) for c, w in zip(r, widths)) + " ]" for r in cells]


def text(e: Expr, s: Style) -> str:
    """The text form without break marks."""
    return e.text(s).replace(BREAK, "")


def latex(e: Expr, s: Style) -> str:
    """The LaTeX form without break marks."""
    return e.latex(s).replace(BREAK, "")
