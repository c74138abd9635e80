"""The explanation's content, in the note's order, as a list of blocks.

``build(trace, limits)`` writes what a recorded trace holds as headings, prose and
equations (trees of ``expr`` nodes holding the core's numbers). The renderers in
``render`` turn the same blocks into text, Markdown or LaTeX, so the formats cannot
disagree. Nothing here computes a value of the network: every number is read from the
trace (see ``trace.py``).

Order, per step (the note's): A^(0) and T; the weighted sums and a^(1) (eqs. 1-2);
a^(2) (eqs. 3-4); each later layer; the cost (5); δ^(L) with its Hadamard product and
dC/dW^(L) = δ^(L) A^(L-1); each δ^(l) and dC/dW^(l) down to l = 1; the updated weights.
The correct forms are printed where the note has misprints (docs/notation.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

import numpy as np

from .expr import ELLIPSIS, Add, Deriv, Expr, Group, Mul, Num, Op, Pow, Sym
from .notation import (
    HADAMARD,
    HALF,
    ONE,
    A_,
    C,
    Part,
    T_,
    W_,
    a_,
    d_,
    f_call,
    f_prime,
    m,
    mat,
    minus,
    pick,
    shown,
    sym_vec,
    vec,
    w_,
    z_,
)
from .cited import cited_example_parts, is_cited_example
from .trace import StepRecord, Trace

__all__ = ["Limits", "Heading", "Prose", "Note", "Equation", "build"]



@dataclass(frozen=True)
class Limits:
    """How much is written out before a summary takes over.

    ``values``: entries of a vector; ``columns`` / ``rows``: of a matrix; ``neurons``:
    per-neuron equations in a layer; ``entries``: change-matrix and update entries
    written out one by one (larger matrices are shown as matrices only).
    """

    values: int = 10
    columns: int = 6
    rows: int = 8
    neurons: int = 6
    entries: int = 12


@dataclass(frozen=True)
class Heading:
    level: int
    parts: tuple[Part, ...]


@dataclass(frozen=True)
class Prose:
    parts: tuple[Part, ...]


@dataclass(frozen=True)
class Note:
    """Something was left out or the note has a misprint here: always shown."""

    parts: tuple[Part, ...]


@dataclass(frozen=True)
class Equation:
    """``lhs = chain[0] = chain[1] = …``, optionally numbered as in the note."""

    lhs: Expr
    chain: tuple[Expr, ...]
    tag: str | None = None


Block = Union[Heading, Prose, Note, Equation]


class _Writer:
    def __init__(self, trace: Trace, lim: Limits) -> None:
        self.t = trace
        self.lim = lim
        self.blocks: list[Block] = []
        self.names = [f.name for f in trace.activations]

    def add(self, block: Block) -> None:
        self.blocks.append(block)

    def heading(self, level: int, *parts: Part) -> None:
        self.add(Heading(level, parts))

    def prose(self, *parts: Part) -> None:
        self.add(Prose(parts))

    def note(self, *parts: Part) -> None:
        self.add(Note(parts))

    def eq(self, lhs: Expr, *chain: Expr, tag: str | None = None) -> None:
        self.add(Equation(lhs, tuple(chain), tag))

    def vector_note(self, symbol: Expr, n: int, limit: int, bias: bool = False) -> None:
        """Say so when a vector of ``n`` values (plus the bias node's 1) is cut short."""
        if n > limit:
            shown_values = len(pick(n, limit)) - 1 + bias  # pick's gap is not a value
            self.note(symbol, f" has {n + bias} values; {shown_values} are shown "
                      "(the JSON format has every value).")

    def matrix_note(self, symbol: Expr, shape: tuple[int, int]) -> None:
        r, c = shape
        if r > self.lim.rows or c > self.lim.columns:
            rs = len(pick(r, self.lim.rows)) - (r > self.lim.rows)
            cs = len(pick(c, self.lim.columns)) - (c > self.lim.columns)
            self.note(symbol, f" is {r} × {c}; {rs} rows and {cs} columns are shown "
                      "(the JSON format has every entry).")

    # -- the whole explanation -----------------------------------------------------

    def build(self) -> list[Block]:
        t = self.t
        L = t.L
        n_steps = len(t.steps)
        self.heading(1, f"Backpropagation, step by step: the network {t.sizes}")
        self.preamble()
        if is_cited_example(t):
            names, caveat = cited_example_parts()
            self.prose(*names)
            self.note(caveat)
        self.prose("The weights at the start (row j of ", W_(1), " belongs to end neuron j, "
                   "column i to start neuron i, the last column to the bias node of value 1):")
        for l in range(1, L + 1):
            self.matrix(W_(l), t.steps[0].weights_before[l - 1])
        for step in t.steps:
            self.step(step, n_steps)
        self.heading(2, "After the last step" if n_steps > 1 else "After the step")
        self.prose("The cost with the updated weights, the same input and target:")
        self.eq(C, Num(t.final_cost))
        return self.blocks

    def preamble(self) -> None:
        t = self.t
        hidden, output = self.names[0], self.names[-1]
        if hidden == "sigmoid" and output == "sigmoid":
            self.prose("Activation: ", m("σ(z) = 1/(1 + e^−z)", "\\sigma(z) = 1/(1 + e^{-z})"),
                       " in every layer, with ",
                       m("σ′(z) = σ(z)(1 − σ(z))", "\\sigma'(z) = \\sigma(z)(1 - \\sigma(z))"), ".")
            self.note("The note prints ", m("σ(x) = 1/(1 − e^−x)", "\\sigma(x) = 1/(1 - e^{-x})"),
                      "; that is a misprint, the sigmoid is ",
                      m("1/(1 + e^−x)", "1/(1 + e^{-x})"), ".")
        else:
            acts = ", ".join(self.names)
            self.prose(f"Activations, layers 1 to {t.L}: {acts}.")
        cost = t.cost_function
        if cost.name == "quadratic":
            self.prose("Cost: the note's quadratic cost, eq. (5), ",
                       m(f"C = ½ Σ_j (a_j^({t.L}) − T_j)²",
                         f"C = \\tfrac{{1}}{{2}} \\sum_j (a_j^{{({t.L})}} - T_j)^2"),
                       ". Learning rate: ", m("γ", "\\gamma"), " = ", Num(t.learning_rate), ".")
        else:
            self.prose(f"Cost: {cost.name}. Learning rate: ", m("γ", "\\gamma"), " = ",
                       Num(t.learning_rate), ".")
        if len(t.steps) > 1:
            self.prose(f"{len(t.steps)} consecutive steps on the same input and target; "
                       "each step starts from the weights the step before it updated.")

    def matrix(self, symbol: Expr, M: np.ndarray) -> None:
        self.matrix_note(symbol, M.shape)
        self.eq(symbol, mat(M, self.lim.rows, self.lim.columns))

    def step(self, s: StepRecord, n_steps: int) -> None:
        t, L = self.t, self.t.L
        title = f"Step {s.number} of {n_steps}" if n_steps > 1 else "The step"
        self.heading(2, title)
        if s.number > 1:
            self.prose(f"The weights are the updated weights of step {s.number - 1}.")
        # A^(0) and T
        self.heading(3, "The input and the target")
        n0 = t.sizes[0]
        self.vector_note(A_(0), n0, self.lim.values, bias=True)
        self.eq(A_(0), sym_vec(n0, lambda i: a_(i, 0), self.lim.values, bias=True),
                vec(s.a(0), self.lim.values, bias=True))
        nL = t.sizes[-1]
        self.vector_note(T_(), nL, self.lim.values)
        self.eq(T_(), sym_vec(nL, T_, self.lim.values), vec(t.t, self.lim.values))
        for l in range(1, L + 1):
            self.layer(s, l)
        self.cost(s)
        for l in range(L, 0, -1):
            self.delta(s, l)
            self.change(s, l)
        self.update(s)

    # -- forward ---------------------------------------------------------------------

    def layer(self, s: StepRecord, l: int) -> None:
        t, lim = self.t, self.lim
        name = self.names[l - 1]
        eqs = {1: " (the note's eqs. (1)–(2))", 2: " (the note's eqs. (3)–(4))"}.get(l, "")
        self.heading(3, f"Layer {l}: ", a_(None, l), " = ", f_call(name, Mul((A_(l - 1), W_(l, True)))), eqs)
        if l == 1:
            self.note("The note writes ", m("σ(A^(0) W^(1))", "\\sigma(A^{(0)} W^{(1)})"),
                      "; with row j of ", W_(1), " belonging to end neuron j the product needs "
                      "the transpose, ", W_(1, True), ".")
        note_tags = t.sizes[l - 1] == 2 and t.sizes[l] == 2 and l <= 2 and name == "sigmoid"
        if l == 1 and note_tags:
            self.note("The note's first sum for ", a_(0, 1), ", before eq. (1), adds ",
                      w_(1, 2, 1), "; that is a misprint, the bias of neuron 0 is ", w_(0, 2, 1),
                      ", as eq. (1) has it.")
        n_in, n_out = t.sizes[l - 1], t.sizes[l]
        W = s.weights_before[l - 1]
        a_prev, z, a = s.a(l - 1), s.z(l), s.a(l)
        js = pick(n_out, lim.neurons)
        ins = pick(n_in, lim.neurons)
        if n_out > lim.neurons:
            self.note(f"Layer {l} has {n_out} neurons; the equations of neurons {shown(js)} "
                      "are written out, the vector ", a_(None, l), " below has the others.")
        if n_in > lim.neurons:
            self.note(f"Layer {l - 1} has {n_in} neurons; the sums show the terms of neurons "
                      f"{shown(ins)} and the bias.")
        if name == "softmax":
            self.prose("softmax mixes the layer: ",
                       m("a_j = e^z_j / Σ_k e^z_k", "a_j = e^{z_j} / \\sum_k e^{z_k}"), ".")
        for j in js:
            if j is None:
                continue
            sym_terms: list[Expr] = []
            num_terms: list[Expr] = []
            for i in ins:
                if i is None:
                    sym_terms.append(ELLIPSIS)
                    num_terms.append(ELLIPSIS)
                else:
                    sym_terms.append(Mul((w_(j, i, l), a_(i, l - 1))))
                    num_terms.append(Mul((Num(W[j, i]), Num(a_prev[i])), dot=True))
            sym_terms.append(w_(j, n_in, l))
            num_terms.append(Num(W[j, n_in]))
            tag = str(2 * (l - 1) + j + 1) if note_tags else None
            if name == "softmax":
                self.eq(z_(j, l), Add.of(*sym_terms), Add.of(*num_terms), Num(z[j]))
                self.eq(a_(j, l), Num(a[j]))
            else:
                self.eq(a_(j, l), f_call(name, Add.of(*sym_terms)),
                        f_call(name, Add.of(*num_terms)), f_call(name, Num(z[j])), Num(a[j]), tag=tag)
        if l < t.L:
            self.vector_note(A_(l), n_out, lim.values, bias=True)
            self.eq(A_(l), sym_vec(n_out, lambda k: a_(k, l), lim.values, bias=True),
                    vec(a, lim.values, bias=True))
        else:
            self.vector_note(a_(None, l), n_out, lim.values)
            self.eq(a_(None, l), vec(a, lim.values))

    # -- cost --------------------------------------------------------------------------

    def cost(self, s: StepRecord) -> None:
        t, L = self.t, self.t.L
        if t.cost_function.name != "quadratic":
            self.heading(3, f"The cost ({t.cost_function.name})")
            self.eq(C, Num(s.cost))
            return
        self.heading(3, "The cost, eq. (5)")
        nL = t.sizes[-1]
        js = pick(nL, self.lim.neurons)
        if nL > self.lim.neurons:
            self.note(f"The output layer has {nL} neurons; the terms of neurons {shown(js)} are shown.")
        aL = s.a(L)
        sym = [ELLIPSIS if j is None else Mul((HALF, Pow(Group(minus(a_(j, L), T_(j)))))) for j in js]
        num = [ELLIPSIS if j is None else Mul((HALF, Pow(Group(minus(Num(aL[j]), Num(t.t[j])))))) for j in js]
        self.eq(C, Add.of(*sym), Add.of(*num), Num(s.cost), tag="5" if L == 2 else None)

    # -- backward ----------------------------------------------------------------------

    def delta(self, s: StepRecord, l: int) -> None:
        t, lim, L = self.t, self.lim, self.t.L
        name = self.names[l - 1]
        n = t.sizes[l]
        js = pick(n, lim.neurons)
        dl = s.delta(l)
        dprime = t.derivative(s, l)
        if l == L:
            self.heading(3, "The output layer: ", d_(None, l), " and ", Deriv(W_(l)))
            matching = t.cost_function.matching_activation == name
            if matching:
                self.prose(f"With {name} and {t.cost_function.name} the factors cancel:")
                self.eq(d_(None, l), minus(a_(None, l), T_()), vec(dl, lim.values))
                self.vector_note(d_(None, l), n, lim.values)
                return
            err = t.output_error(s)
            if t.cost_function.name == "quadratic":
                err_sym: Expr = Group(minus(a_(None, l), T_()))
            else:
                err_sym = Deriv(a_(None, l))
            if dprime is None:  # softmax without its matching cost
                self.prose("The core applies the softmax Jacobian to ", Deriv(a_(None, l)), ":")
                self.eq(d_(None, l), vec(dl, lim.values))
                return
            self.eq(d_(None, l), Op(err_sym, *HADAMARD, f_prime(name, a_(None, l), z_(None, l))),
                    Op(vec(err, lim.values), *HADAMARD, vec(dprime, lim.values)), vec(dl, lim.values))
            self.vector_note(d_(None, l), n, lim.values)
            self.prose(m("⊙", "\\odot"), " is the Hadamard product, element by element: the note's ",
                       m(f"D^({l}) c", f"D^{{({l})}} c"), " without building the diagonal matrix ",
                       m(f"D^({l})", f"D^{{({l})}}"), ".")
            for j in js:
                if j is None:
                    continue
                if t.cost_function.name == "quadratic":
                    e_sym: Expr = Group(minus(a_(j, l), T_(j)))
                else:
                    e_sym = Deriv(a_(j, l))
                self.eq(d_(j, l), Mul((e_sym, f_prime(name, a_(j, l), z_(j, l)))),
                        Mul((Num(err[j]), Num(dprime[j])), dot=True), Num(dl[j]))
            if n > lim.neurons:
                self.note(f"Written out for neurons {shown(js)} of {n}.")
            return
        # hidden layer
        self.heading(3, f"Layer {l}: ", d_(None, l), " and ", Deriv(W_(l)))
        back = t.backpropagated_error(s, l)
        w_next = Sym("w", "w", (), l + 1, transposed=True)
        if dprime is None:
            self.eq(d_(None, l), vec(dl, lim.values))
            return
        self.eq(d_(None, l), Op(f_prime(name, a_(None, l), z_(None, l)), *HADAMARD, Mul((w_next, d_(None, l + 1)))),
                Op(vec(dprime, lim.values), *HADAMARD, vec(back, lim.values)), vec(dl, lim.values))
        self.vector_note(d_(None, l), n, lim.values)
        self.prose(Sym("w", "w", (), l + 1), " is ", W_(l + 1), " without its bias column (the bias "
                   "node has no incoming weights), so entry j of ", Mul((w_next, d_(None, l + 1))),
                   " is ", m(f"Σ_k w_kj^({l + 1}) δ_k^({l + 1})",
                             f"\\sum_k w_{{kj}}^{{({l + 1})}} \\delta_k^{{({l + 1})}}"), ".")
        if l == 1 and t.sizes == [2, 2, 2] and name == "sigmoid":
            self.note("The note prints ", m("δ^(1) = D^(1) w^(2) δ^(2)", "\\delta^{(1)} = D^{(1)} w^{(2)} \\delta^{(2)}"),
                      " without the transpose, repeats ", m("a_0^(1)(1 − a_0^(1))", "a_0^{(1)}(1 - a_0^{(1)})"),
                      " in ", m("D^(1)", "D^{(1)}"), ", and mixes the indices of ", Deriv(w_(1, 1, 1)),
                      "; the forms below are the correct ones.")
        n_next = t.sizes[l + 1]
        ks = pick(n_next, lim.neurons)
        W_next = s.weights_before[l]
        d_next = s.delta(l + 1)
        for j in js:
            if j is None:
                continue
            sym_terms = [ELLIPSIS if k is None else Mul((w_(k, j, l + 1), d_(k, l + 1))) for k in ks]
            num_terms = [ELLIPSIS if k is None else Mul((Num(W_next[k, j]), Num(d_next[k])), dot=True)
                         for k in ks]
            self.eq(d_(j, l), Mul((f_prime(name, a_(j, l), z_(j, l)), Group(Add.of(*sym_terms)))),
                    Mul((Num(dprime[j]), Group(Add.of(*num_terms))), dot=True),
                    Mul((Num(dprime[j]), Num(back[j])), dot=True), Num(dl[j]))
        if n > lim.neurons or n_next > lim.neurons:
            self.note(f"Written out for neurons {shown(js)} of {n}"
                      + (f", with the terms of neurons {shown(ks)} of layer {l + 1}." if n_next > lim.neurons else "."))

    def change(self, s: StepRecord, l: int) -> None:
        t, lim = self.t, self.lim
        G = s.change(l)
        n_out, n_in = t.sizes[l], t.sizes[l - 1]
        dW = Deriv(W_(l))
        self.prose("The change matrix ", dW, " = ", Mul((d_(None, l), A_(l - 1))),
                   ", an outer product: entry (j, i) is ",
                   m(f"δ_j^({l}) a_i^({l - 1})", f"\\delta_j^{{({l})}} a_i^{{({l - 1})}}"),
                   ", the bias column ", m(f"δ_j^({l})·1", f"\\delta_j^{{({l})}} \\cdot 1"), ".")
        if G.size <= lim.entries:
            a_prev, dl = s.a(l - 1), s.delta(l)
            for j in range(n_out):
                for i in range(n_in + 1):
                    if i < n_in:
                        self.eq(Deriv(w_(j, i, l)), Mul((d_(j, l), a_(i, l - 1))),
                                Mul((Num(dl[j]), Num(a_prev[i])), dot=True), Num(G[j, i]))
                    else:
                        self.eq(Deriv(w_(j, i, l)), Mul((d_(j, l), ONE), dot=True), Num(G[j, i]))
        self.matrix(dW, G)

    def update(self, s: StepRecord) -> None:
        t, lim = self.t, self.lim
        self.heading(3, "The updated weights")
        self.prose("Every change matrix above was computed before any weight changed; now "
                   "every weight changes at once, ",
                   m("W^(l) ← W^(l) − γ dC/dW^(l)",
                     "W^{(l)} \\leftarrow W^{(l)} - \\gamma \\frac{dC}{dW^{(l)}}"),
                   ", with ", m("γ", "\\gamma"), " = ", Num(s.learning_rate), ":")
        for l in range(1, t.L + 1):
            W, G, Wn = s.weights_before[l - 1], s.change(l), s.weights_after[l - 1]
            if W.size <= lim.entries:
                for j in range(W.shape[0]):
                    for i in range(W.shape[1]):
                        self.eq(w_(j, i, l), minus(Num(W[j, i]), Mul((Num(s.learning_rate), Num(G[j, i])), dot=True)),
                                Num(Wn[j, i]))
            self.matrix(W_(l), Wn)


def build(trace: Trace, limits: Limits | None = None) -> list[Block]:
    """The blocks of the explanation of ``trace``, in the note's order."""
    return _Writer(trace, limits or Limits()).build()
