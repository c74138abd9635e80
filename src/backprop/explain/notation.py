"""The note's symbols as ``expr`` nodes, and how much of a long vector or matrix is shown.

``a_(j, l)`` is a_j^(l), ``w_(j, i, l)`` is w_ji^(l), ``d_(j, l)`` is δ_j^(l), and so on;
``f_prime`` writes an activation's derivative through a, as the note writes
σ' = a(1 − a). ``pick`` chooses the entries written out when there are too many
(the first ones, a gap, the last one); the explanation says so in a note.
"""

from __future__ import annotations

from typing import Sequence, Union

import numpy as np

from .expr import ELLIPSIS, Add, Call, Expr, Group, Lit, Mat, Mul, Num, Pow, Sym, Vec

Part = Union[str, Expr]

# -- symbols in the note's notation ------------------------------------------------

def a_(j: int | None, l: int) -> Sym:
    return Sym("a", "a", () if j is None else (j,), l)


def A_(l: int) -> Sym:
    return Sym("A", "A", (), l)


def w_(j: int, i: int, l: int) -> Sym:
    return Sym("w", "w", (j, i), l)


def W_(l: int, transposed: bool = False) -> Sym:
    return Sym("W", "W", (), l, transposed=transposed)


def T_(j: int | None = None) -> Sym:
    return Sym("T", "T", () if j is None else (j,))


def z_(j: int | None, l: int) -> Sym:
    return Sym("z", "z", () if j is None else (j,), l)


def d_(j: int | None, l: int) -> Sym:
    return Sym("δ", "\\delta", () if j is None else (j,), l)


C = Sym("C", "C")
GAMMA = Lit("γ", "\\gamma")
ONE = Lit("1")
HALF = Lit("½", "\\tfrac{1}{2}")
HADAMARD = ("⊙", "\\odot")


def m(plain: str, tex: str) -> Lit:
    """A piece of math inside prose: written as is in text, as ``$tex$`` elsewhere."""
    return Lit(plain, tex)


def minus(x: Expr, y: Expr) -> Add:
    return Add.of(x, ("−", y))


_NAMES = {
    "sigmoid": ("σ", "\\sigma"),
    "tanh": ("tanh", "\\tanh"),
    "relu": ("ReLU", "\\operatorname{ReLU}"),
    "leaky_relu": ("LReLU", "\\operatorname{LReLU}"),
    "identity": ("id", "\\operatorname{id}"),
    "softmax": ("softmax", "\\operatorname{softmax}"),
}


def f_call(name: str, arg: Expr) -> Call:
    plain, tex = _NAMES.get(name, (name, f"\\operatorname{{{name}}}"))
    return Call(plain, tex, arg)


def f_prime(name: str, a: Sym, z: Sym) -> Expr:
    """f'(z) written through a = f(z), as the note writes σ' = a(1 − a)."""
    if name == "sigmoid":
        return Mul((a, Group(minus(ONE, a))))
    if name == "tanh":
        return Group(minus(ONE, Pow(a)))
    plain, tex = _NAMES.get(name, (name, f"\\operatorname{{{name}}}"))
    return Call(plain + "′", tex + "'", z)


# -- choosing what to write out ------------------------------------------------------

def pick(n: int, limit: int) -> list[int | None]:
    """All indices 0 … n−1 if n ≤ limit, else the first limit−2, None (a gap), the last."""
    if n <= limit:
        return list(range(n))
    return list(range(limit - 2)) + [None, n - 1]


def shown(picked: list[int | None]) -> str:
    """'0–3 and 9' for a pick with a gap."""
    idx = [i for i in picked if i is not None]
    head = idx[:-1]
    return f"{head[0]}–{head[-1]} and {idx[-1]}" if len(head) > 1 else ", ".join(map(str, idx))


def vec(values: Sequence[float], limit: int, bias: bool = False) -> Vec:
    items: list[Expr] = [ELLIPSIS if k is None else Num(values[k]) for k in pick(len(values), limit)]
    if bias:
        items.append(ONE)
    return Vec(tuple(items))


def sym_vec(n: int, make, limit: int, bias: bool = False) -> Vec:
    items: list[Expr] = [ELLIPSIS if k is None else make(k) for k in pick(n, limit)]
    if bias:
        items.append(ONE)
    return Vec(tuple(items))


def mat(M: np.ndarray, max_rows: int, max_columns: int) -> Mat:
    rows = pick(M.shape[0], max_rows)
    cols = pick(M.shape[1], max_columns)
    out = []
    for r in rows:
        if r is None:
            out.append(None)
        else:
            out.append(tuple(None if c is None else Num(M[r, c]) for c in cols))
    return Mat(tuple(out))
