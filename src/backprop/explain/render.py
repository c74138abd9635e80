"""Renderers: the explanation's blocks as terminal text, Markdown or LaTeX.

Text is aligned and wrapped at ``width`` columns (80), breaking long formulas only
at the break marks of ``expr`` (before a + or after a comma). Markdown uses ``$…$``
and ``$$…$$`` math that GitHub and Jupyter render (rows end with ``\\cr``, which both
read, where a ``\\\\`` could be eaten as an escaped backslash). LaTeX is a complete
document for ``pdflatex`` or ``lualatex`` with amsmath.
"""

from __future__ import annotations

import textwrap

from .document import Block, Equation, Heading, Note, Prose
from .expr import BREAK, Expr, Mat, Style, text_rows

__all__ = ["to_text", "to_markdown", "to_latex"]

INDENT = "  "


# -- text ---------------------------------------------------------------------------

def _plain(parts, s: Style) -> str:
    return "".join(p if isinstance(p, str) else p.text(s).replace(BREAK, "") for p in parts)


def _wrap_pieces(text: str, first: str, cont: str, width: int) -> list[str]:
    """Pack the pieces of ``text`` (split at break marks) into lines of ``width``."""
    pieces = text.split(BREAK)
    lines: list[str] = []
    line = first + pieces[0]
    for piece in pieces[1:]:
        if len(line) + len(piece) > width and line.strip():
            lines.append(line.rstrip())
            line = cont + piece.lstrip()
        else:
            line += piece
    lines.append(line.rstrip())
    return lines


def _equation_text(eq: Equation, s: Style, width: int) -> list[str]:
    tag = f"({eq.tag})" if eq.tag else ""
    gutter = INDENT + (tag + " " if tag else "")
    lhs = eq.lhs.text(s).replace(BREAK, "")
    head = gutter + lhs + " = "
    # continuation lines start "= " under the first "=", or a little in if lhs is long
    eq_col = len(head) - 2 if len(head) <= 28 else len(INDENT) + 4
    if not any(isinstance(item, Mat) for item in eq.chain):
        one_line = head + " = ".join(item.text(s).replace(BREAK, "") for item in eq.chain)
        if len(one_line) <= width:
            return [one_line]
    lines: list[str] = []
    for k, item in enumerate(eq.chain):
        first = head if k == 0 else " " * eq_col + "= "
        if isinstance(item, Mat):
            rows = text_rows(item, s)
            lines.append(first + rows[0])
            lines.extend(" " * len(first) + r for r in rows[1:])
        else:
            lines.extend(_wrap_pieces(item.text(s), first, " " * (len(first) + 2), width))
    return lines


def to_text(blocks: list[Block], s: Style, width: int = 80) -> str:
    out: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            title = _plain(b.parts, s)
            if out:
                out.append("")
            if b.level == 1:
                out += [title, "=" * len(title)]
            elif b.level == 2:
                out += [title, "-" * len(title)]
            else:
                out.append(title)
        elif isinstance(b, Prose):
            out += textwrap.wrap(_plain(b.parts, s), width, initial_indent=INDENT,
                                 subsequent_indent=INDENT, break_on_hyphens=False)
        elif isinstance(b, Note):
            out += textwrap.wrap(_plain(b.parts, s), width, initial_indent=INDENT + "Note: ",
                                 subsequent_indent=INDENT + "      ", break_on_hyphens=False)
        elif isinstance(b, Equation):
            out += _equation_text(b, s, width)
    return "\n".join(out) + "\n"


# -- Markdown -----------------------------------------------------------------------

def _tex(e: Expr, s: Style) -> str:
    return e.latex(s).replace(BREAK, "")


def _inline_md(parts, s: Style) -> str:
    return "".join(p if isinstance(p, str) else f"${_tex(p, s)}$" for p in parts)


def _aligned(eq: Equation, s: Style, newline: str) -> str:
    rows = [f"{_tex(eq.lhs, s)} &= {_tex(eq.chain[0], s)}"]
    rows += [f"&= {_tex(item, s)}" for item in eq.chain[1:]]
    return f" {newline}\n".join(rows)


def to_markdown(blocks: list[Block], s: Style) -> str:
    s = Style(s.precision, "\\cr")
    out: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            out.append("#" * b.level + " " + _inline_md(b.parts, s))
        elif isinstance(b, Prose):
            out.append(_inline_md(b.parts, s))
        elif isinstance(b, Note):
            out.append("> **Note.** " + _inline_md(b.parts, s))
        elif isinstance(b, Equation):
            body = _aligned(b, s, "\\cr")
            if b.tag:
                body += f" \\qquad ({b.tag})"
            out.append("$$\n\\begin{aligned}\n" + body + "\n\\end{aligned}\n$$")
    return "\n\n".join(out) + "\n"


# -- LaTeX --------------------------------------------------------------------------

_ESCAPES = {
    "\\": "\\textbackslash{}", "&": "\\&", "%": "\\%", "$": "\\$", "#": "\\#", "_": "\\_",
    "{": "\\{", "}": "\\}", "~": "\\textasciitilde{}", "^": "\\textasciicircum{}",
    "×": "$\\times$", "–": "--", "—": "---", "′": "'", "…": "\\dots{}",
}


def _escape(text: str) -> str:
    return "".join(_ESCAPES.get(c, c) for c in text)


def _inline_tex(parts, s: Style) -> str:
    return "".join(_escape(p) if isinstance(p, str) else f"${_tex(p, s)}$" for p in parts)


_SECTIONS = {1: "section*", 2: "subsection*", 3: "subsubsection*"}


def to_latex(blocks: list[Block], s: Style) -> str:
    s = Style(s.precision, "\\\\")
    out = [
        "\\documentclass{article}",
        "\\usepackage{amsmath}",
        "\\usepackage[margin=2cm]{geometry}",
        "\\setcounter{MaxMatrixCols}{20}",
        "\\begin{document}",
    ]
    for b in blocks:
        if isinstance(b, Heading):
            out.append(f"\\{_SECTIONS[b.level]}{{{_inline_tex(b.parts, s)}}}")
        elif isinstance(b, Prose):
            out.append(_inline_tex(b.parts, s) + "\n")
        elif isinstance(b, Note):
            out.append("\\textbf{Note.} " + _inline_tex(b.parts, s) + "\n")
        elif isinstance(b, Equation):
            tag = f"\\tag{{{b.tag}}}" if b.tag else ""
            out.append("\\begin{equation*}\\begin{aligned}\n" + _aligned(b, s, "\\\\")
                       + "\n\\end{aligned}" + tag + "\\end{equation*}")
    out.append("\\end{document}")
    return "\n".join(out) + "\n"
