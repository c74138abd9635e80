"""``explain(net, x, t)``: one or more backpropagation steps, laid out in the note's notation.

The ``Explanation`` holds a recorded trace (what the core computed, see ``trace.py``)
and writes it as text, Markdown, LaTeX or a JSON-ready dict.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..network import Network
from . import render
from .document import Limits, build
from .expr import Style
from .trace import StepRecord, Trace, record

__all__ = ["Explanation", "explain"]


class Explanation:
    """The explanation of recorded steps; ``.text()``, ``.markdown()``, ``.latex()``,
    ``.to_dict()``. In Jupyter it renders as Markdown with math."""

    def __init__(self, trace: Trace, limits: Limits | None = None) -> None:
        self.trace = trace
        self.limits = limits or Limits()
        self._blocks = build(trace, self.limits)

    def text(self, precision: int = 6, width: int = 80) -> str:
        """Terminal text, aligned, wrapped at ``width`` columns."""
        return render.to_text(self._blocks, _style(precision), width)

    def markdown(self, precision: int = 6) -> str:
        """Markdown with ``$…$`` / ``$$…$$`` math (GitHub, Jupyter)."""
        return render.to_markdown(self._blocks, _style(precision))

    def latex(self, precision: int = 6) -> str:
        """A complete LaTeX document."""
        return render.to_latex(self._blocks, _style(precision))

    def _repr_markdown_(self) -> str:
        return self.markdown()

    def __str__(self) -> str:
        return self.text()

    def to_dict(self) -> dict[str, Any]:
        """Every quantity, at full precision, with its symbol, layer and indices.

        ``steps[k]["quantities"]`` is a list of ``{"name", "symbol", "layer",
        "indices", "value"}`` in the order of the explanation. Names: ``W`` (weights
        before the step), ``a``, ``z``, ``T``, ``C``, ``dC/da`` (the output error),
        ``f'`` (the activation's derivative through a), ``wT delta`` (the
        back-propagated sum of a hidden δ), ``delta``, ``dC/dW`` and ``W_new``.
        """
        t = self.trace
        return {
            "sizes": list(t.sizes),
            "activations": [f.name for f in t.activations],
            "cost_function": t.cost_function.name,
            "learning_rate": float(t.learning_rate),
            "input": [float(v) for v in t.x],
            "target": [float(v) for v in t.t],
            "steps": [{"step": s.number, "cost": s.cost, "quantities": _quantities(t, s)}
                      for s in t.steps],
            "final_cost": float(t.final_cost),
        }


def _style(precision: int) -> Style:
    if isinstance(precision, bool) or not isinstance(precision, (int, np.integer)) or not 0 <= precision <= 17:
        raise ValueError(f"precision must be an integer from 0 to 17; got {precision!r}")
    return Style(int(precision))


def _q(name: str, symbol: str, layer: int | None, indices: tuple, value) -> dict[str, Any]:
    return {"name": name, "symbol": symbol, "layer": layer, "indices": list(indices),
            "value": float(value)}


def _sub(idx: tuple) -> str:
    parts = [str(i) for i in idx]
    return ("," if any(len(p) > 1 for p in parts) else "").join(parts)


def _vector(out, name, base, l, values) -> None:
    for j, v in enumerate(values):
        sym = f"{base}_{j}" + (f"^({l})" if l is not None else "")
        out.append(_q(name, sym, l, (j,), v))


def _matrix(out, name, base, l, M) -> None:
    for (j, i), v in np.ndenumerate(M):
        out.append(_q(name, f"{base}_{_sub((j, i))}^({l})", l, (j, i), v))


def _quantities(t: Trace, s: StepRecord) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    L = t.L
    for l in range(1, L + 1):
        _matrix(out, "W", "w", l, s.weights_before[l - 1])
    _vector(out, "a", "a", 0, s.a(0))
    _vector(out, "T", "T", None, t.t)
    for l in range(1, L + 1):
        _vector(out, "z", "z", l, s.z(l))
        _vector(out, "a", "a", l, s.a(l))
    out.append(_q("C", "C", None, (), s.cost))
    _vector(out, "dC/da", f"dC/da", L, t.output_error(s))
    for l in range(L, 0, -1):
        d = t.derivative(s, l)
        if d is not None:
            _vector(out, "f'", "f'", l, d)
        if l < L:
            _vector(out, "wT delta", "(wᵀδ)", l, t.backpropagated_error(s, l))
        _vector(out, "delta", "δ", l, s.delta(l))
        _matrix(out, "dC/dW", "dC/dw", l, s.change(l))
    for l in range(1, L + 1):
        _matrix(out, "W_new", "w", l, s.weights_after[l - 1])
    out.append(_q("gamma", "γ", None, (), s.learning_rate))
    return out


def explain(net: Network, x, t, learning_rate: float = 0.5, steps: int = 1,
            limits: Limits | None = None) -> Explanation:
    """Explain ``steps`` backpropagation steps of ``net`` on one sample ``x`` with target ``t``.

    The steps are run by the core on a copy of ``net`` (``net`` is not changed) and
    recorded; the ``Explanation`` writes what was recorded in the note's notation and
    order: A^(0), eqs. (1)–(4), the cost (5), the δ's, the change matrices δ^(l) A^(l-1)
    and the updated weights W^(l) − γ dC/dW^(l).

    >>> import backprop
    >>> e = backprop.explain(backprop.NOTE.network(), backprop.NOTE.x, backprop.NOTE.t)
    >>> round(e.to_dict()["steps"][0]["cost"], 6)
    0.189842
    """
    return Explanation(record(net, x, t, learning_rate, steps), limits)
