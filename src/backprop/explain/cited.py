"""The step-by-step example the note cites (its reference [1]), told apart and named.

Its figures are checked against the explanation in the tests; here are only its
names in the note's symbols, and why its biases are not comparable after a step
(it never updates them).
"""

from __future__ import annotations

import numpy as np

from .expr import Lit
from .notation import Part, m
from .trace import Trace

__all__ = ["is_cited_example", "cited_example_parts"]


def is_cited_example(t: Trace) -> bool:
    """The trace starts from the cited example's weights, input, target and γ."""
    from ..examples import MAZUR

    W = t.steps[0].weights_before
    return (t.sizes == [2, 2, 2] and t.learning_rate == MAZUR.learning_rate
            and all(f.name == "sigmoid" for f in t.activations)
            and t.cost_function.name == "quadratic"
            and np.array_equal(t.x, MAZUR.x) and np.array_equal(t.t, MAZUR.t)
            and all(np.array_equal(W[k], np.array(MAZUR.weights[k])) for k in range(2)))


def cited_example_parts() -> tuple[list[Part], str]:
    """Prose naming the cited example's quantities in the note's symbols, and a caveat."""
    nbsp = "\u00a0"  # keeps each "name = symbol" on one line of text

    def same(plain: str, tex: str) -> Lit:
        return m(plain.replace(" ", nbsp), tex)

    def w(j: int, i: int, l: int) -> tuple[str, str]:
        return f"w_{j}{i}^({l})", f"w_{{{j}{i}}}^{{({l})}}"

    pairs = [("out_h1", "\\mathrm{out}_{h1}", "a_0^(1)", "a_{0}^{(1)}"),
             ("out_h2", "\\mathrm{out}_{h2}", "a_1^(1)", "a_{1}^{(1)}"),
             ("out_o1", "\\mathrm{out}_{o1}", "a_0^(2)", "a_{0}^{(2)}"),
             ("out_o2", "\\mathrm{out}_{o2}", "a_1^(2)", "a_{1}^{(2)}"),
             ("E_total", "E_{\\mathrm{total}}", "C", "C")]
    positions = [(0, 0, 1), (0, 1, 1), (1, 0, 1), (1, 1, 1), (0, 0, 2), (0, 1, 2), (1, 0, 2), (1, 1, 2)]
    pairs += [(f"w{k + 1}", f"w_{k + 1}", *w(*p)) for k, p in enumerate(positions)]
    pairs += [(f"b{l}", f"b_{l}", f"{w(0, 2, l)[0]} = {w(1, 2, l)[0]}",
               f"{w(0, 2, l)[1]} = {w(1, 2, l)[1]}") for l in (1, 2)]
    parts: list[Part] = ["This is the step-by-step example the note cites (its reference [1]). "
                         "Its names in the note's symbols: "]
    for k, (theirs, theirs_tex, ours, ours_tex) in enumerate(pairs):
        parts.append(same(f"{theirs} = {ours}", f"{theirs_tex} = {ours_tex}"))
        parts.append(", " if k < len(pairs) - 1 else " (b1, b2 are the biases).")
    caveat = ("Its published figures appear below. It never updates its biases, so after "
              "the step only the updated weights w1 … w8 and the figures before the update "
              "are comparable with its own: here every weight changes, the biases too, as "
              "in the note.")
    return parts, caveat
