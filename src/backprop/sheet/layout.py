"""The spreadsheet's cells: where each of the note's quantities goes, and its formula.

``layout(net, x, t, learning_rate, steps)`` returns a ``Layout``: a grid of cells,
each a label (the note's notation, e.g. ``a_0^(1)``), a plain number (an input, a
target, γ, an initial weight: the cells a user edits) or a formula in Excel's A1
syntax (``=1/(1+EXP(-B12))``). The writers (``ods.py``, ``xlsx.py``) only translate
it. The formulas are the note's equations, cell by cell:

* z_j^(l) = Σ_i w_ji^(l) a_i^(l-1) + w_jn^(l) and a_j^(l) = σ(z_j^(l)), eqs. (1)–(4);
* C = Σ_j ½(a_j^(L) − T_j)², eq. (5);
* δ_j^(L) = (a_j^(L) − T_j) a_j^(L)(1 − a_j^(L));
  δ_j^(l) = a_j^(l)(1 − a_j^(l)) Σ_k w_kj^(l+1) δ_k^(l+1);
* dC/dw_ji^(l) = δ_j^(l) a_i^(l-1), the bias column δ_j^(l)·1;
* w_ji^(l) ← w_ji^(l) − γ dC/dw_ji^(l), every change computed from the step's weights.

Step k+1 reads its weights from step k's updated weights, so changing one input
recomputes every step.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..explain.trace import check_steps, one_sample
from ..network import Network
from ..validation import check_learning_rate

__all__ = ["Cell", "Layout", "layout", "column_name", "MAX_WEIGHTS", "MAX_CELLS"]

# "Any small network": beyond these a spreadsheet is no longer something to read.
MAX_WEIGHTS = 2_000
MAX_CELLS = 200_000

# a = f(z) and f'(z) through a, as spreadsheet formulas (the note's σ and σ' = a(1 − a))
ACTIVATION_FORMULAS = {
    "sigmoid": ("1/(1+EXP(-{z}))", "{a}*(1-{a})", "σ"),
    "tanh": ("TANH({z})", "(1-{a}^2)", "tanh"),
    "identity": ("{z}", "1", "id"),
    "relu": ("MAX({z},0)", "IF({a}>0,1,0)", "ReLU"),
    "leaky_relu": ("IF({z}>0,{z},0.01*{z})", "IF({a}>0,1,0.01)", "LReLU"),
}


@dataclass(frozen=True)
class Cell:
    """A label (str), a plain number (float) or a formula (str starting with '=')."""

    value: str | float
    kind: str  # "label", "title", "input" (a cell to edit), "number", "formula"


def column_name(col: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    name = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        name = chr(65 + rem) + name
    return name


def ref(row: int, col: int) -> str:
    return f"{column_name(col)}{row + 1}"


@dataclass
class Layout:
    """The grid (``cells[(row, col)]``), where each quantity is (``refs``) and the cost
    table for the chart. ``refs`` keys: ``("gamma",)``, ``("x", i)``, ``("T", j)``,
    ``("W", step, l, j, i)`` (weights at the start of ``step``), ``("z", step, l, j)``,
    ``("a", step, l, j)``, ``("C", step)``, ``("delta", step, l, j)``,
    ``("dC/dW", step, l, j, i)``, ``("W_new", step, l, j, i)``; steps count from 1."""

    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    refs: dict[tuple, str] = field(default_factory=dict)
    cost_rows: tuple[int, int] = (0, 0)  # first and last row of the cost table
    cost_column: int = 0  # the column of the step numbers; the costs are in the next
    n_rows: int = 0
    n_cols: int = 0

    def put(self, row: int, col: int, value, kind: str, key: tuple | None = None) -> str:
        self.cells[(row, col)] = Cell(value, kind)
        self.n_rows = max(self.n_rows, row + 1)
        self.n_cols = max(self.n_cols, col + 1)
        address = ref(row, col)
        if key is not None:
            self.refs[key] = address
        return address


def _sub(*idx: int) -> str:
    parts = [str(i) for i in idx]
    return ("," if any(len(p) > 1 for p in parts) else "").join(parts)


def check_network(net: Network) -> None:
    """Refuse what the formulas do not cover, with a reason."""
    names = [f.name for f in net.activations]
    for name in names:
        if name not in ACTIVATION_FORMULAS:
            raise ValueError(
                f"the spreadsheet has formulas for the activations "
                f"{', '.join(ACTIVATION_FORMULAS)}; this network uses {name!r}"
            )
    if net.cost_function.name != "quadratic":
        raise ValueError(
            "the spreadsheet has formulas for the note's quadratic cost, eq. (5), only; "
            f"this network uses {net.cost_function.name!r}"
        )
    n_weights = sum(W.size for W in net.weights)
    if n_weights > MAX_WEIGHTS:
        raise ValueError(
            f"the network {net.sizes} has {n_weights} weights; a spreadsheet is written "
            f"for small networks of at most {MAX_WEIGHTS} weights"
        )


def layout(net: Network, x, t, learning_rate: float = 0.5, steps: int = 1) -> Layout:
    """The cells of ``steps`` training steps of ``net`` on one sample (x, t)."""
    check_network(net)
    learning_rate = check_learning_rate(learning_rate)
    steps = check_steps(steps)
    X, T = one_sample(net, x, t, "a spreadsheet")
    x, t = X[0], T[0]
    sizes, L = net.sizes, net.L
    per_step = sum(3 * sizes[l] + 2 * W.size for l, W in enumerate(net.weights, start=1))
    if per_step * steps > MAX_CELLS:
        raise ValueError(f"{steps} steps of the network {sizes} need about {per_step * steps} "
                         f"cells; at most {MAX_CELLS} are written")
    g = Layout()
    names = [f.name for f in net.activations]
    row = 0
    g.put(row, 0, f"Backpropagation, the note's way: the network {sizes}, {steps} step(s). "
          "Edit the input cells (γ, a^(0), T, the initial weights); every other number is a "
          "formula.", "title")
    row += 2
    gamma = g.put(row, 1, float(learning_rate), "input", ("gamma",))
    g.put(row, 0, "γ (learning rate)", "label")
    row += 1
    for i, v in enumerate(x):
        g.put(row, 2 * i, f"a_{i}^(0)", "label")
        g.put(row, 2 * i + 1, float(v), "input", ("x", i))
    row += 1
    for j, v in enumerate(t):
        g.put(row, 2 * j, f"T_{j}", "label")
        g.put(row, 2 * j + 1, float(v), "input", ("T", j))
    row += 2

    def weight_block(title: str, step: int, key: str, formula=None) -> int:
        nonlocal row
        for l in range(1, L + 1):
            W = net.weights[l - 1]
            g.put(row, 0, title.format(l=l), "title")
            row += 1
            for j in range(W.shape[0]):
                for i in range(W.shape[1]):
                    g.put(row, 2 * i, f"w_{_sub(j, i)}^({l})", "label")
                    if formula is None:
                        g.put(row, 2 * i + 1, float(W[j, i]), "input", (key, step, l, j, i))
                    else:
                        g.put(row, 2 * i + 1, formula(l, j, i), "formula", (key, step, l, j, i))
                row += 1
        return row

    weight_block("Initial weights W^({l}): row j = end neuron j, the last column = the bias "
                 "node's weights", 1, "W")
    for step in range(1, steps + 1):
        row += 1
        g.put(row, 0, f"Step {step}", "title")
        row += 1
        w = lambda l, j, i, s=step: g.refs[("W", s, l, j, i)]  # noqa: E731
        a_ref = lambda l, j, s=step: g.refs[("x", j)] if l == 0 else g.refs[("a", s, l, j)]  # noqa: E731
        g.put(row, 0, "Forward pass, eqs. (1)-(4): z^(l) = A^(l-1) W^(l)ᵀ, a^(l) = σ(z^(l))", "title")
        row += 1
        for l in range(1, L + 1):
            act, _, fname = ACTIVATION_FORMULAS[names[l - 1]]
            n_in = sizes[l - 1]
            for j in range(sizes[l]):
                terms = [f"{w(l, j, i)}*{a_ref(l - 1, i)}" for i in range(n_in)] + [w(l, j, n_in)]
                z = g.put(row, 1, "=" + "+".join(terms), "formula", ("z", step, l, j))
                g.put(row, 0, f"z_{j}^({l})", "label")
                g.put(row, 2, f"a_{j}^({l}) = {fname}(z_{j}^({l}))", "label")
                g.put(row, 3, "=" + act.format(z=z), "formula", ("a", step, l, j))
                row += 1
        terms = [f"0.5*({a_ref(L, j)}-{g.refs[('T', j)]})^2" for j in range(sizes[L])]
        g.put(row, 0, "C, eq. (5)", "label")
        g.put(row, 1, "=" + "+".join(terms), "formula", ("C", step))
        row += 1
        g.put(row, 0, "Backpropagation: δ^(L) = (a^(L) − T) ⊙ a^(L)(1 − a^(L)), "
              "δ^(l) = a^(l)(1 − a^(l)) ⊙ w^(l+1)ᵀ δ^(l+1)", "title")
        row += 1
        for l in range(L, 0, -1):
            _, deriv, _ = ACTIVATION_FORMULAS[names[l - 1]]
            for j in range(sizes[l]):
                a = a_ref(l, j)
                if l == L:
                    body = f"({a}-{g.refs[('T', j)]})*{deriv.format(a=a)}"
                else:
                    back = "+".join(f"{w(l + 1, k, j)}*{g.refs[('delta', step, l + 1, k)]}"
                                    for k in range(sizes[l + 1]))
                    body = f"{deriv.format(a=a)}*({back})"
                g.put(row, 0, f"δ_{j}^({l})", "label")
                g.put(row, 1, "=" + body, "formula", ("delta", step, l, j))
                row += 1
        for l in range(L, 0, -1):
            g.put(row, 0, f"dC/dW^({l}) = δ^({l}) A^({l - 1}): entry (j, i) = δ_j^({l}) a_i^({l - 1}), "
                  f"bias column δ_j^({l})·1", "title")
            row += 1
            n_in = sizes[l - 1]
            for j in range(sizes[l]):
                d = g.refs[("delta", step, l, j)]
                for i in range(n_in + 1):
                    g.put(row, 2 * i, f"dC/dw_{_sub(j, i)}^({l})", "label")
                    body = f"{d}*{a_ref(l - 1, i)}" if i < n_in else d
                    g.put(row, 2 * i + 1, "=" + body, "formula", ("dC/dW", step, l, j, i))
                row += 1

        def updated(l: int, j: int, i: int, s: int = step) -> str:
            return f"={g.refs[('W', s, l, j, i)]}-{gamma}*{g.refs[('dC/dW', s, l, j, i)]}"

        weight_block("Updated weights W^({l}) ← W^({l}) − γ dC/dW^({l}), step " + str(step)
                     + " (every change above was computed first)", step, "W_new", updated)
        # the next step starts from these weights
        for key, address in list(g.refs.items()):
            if key[0] == "W_new" and key[1] == step:
                g.refs[("W", step + 1) + key[2:]] = address
    # the cost table, for the chart: one row per step, C before that step's update
    col = g.n_cols + 1
    top = 2
    g.put(top, col, "step", "label")
    g.put(top, col + 1, "C", "label")
    for step in range(1, steps + 1):
        g.put(top + step, col, float(step), "number")
        g.put(top + step, col + 1, "=" + g.refs[("C", step)], "formula")
    g.cost_rows = (top + 1, top + steps)
    g.cost_column = col
    for key in [k for k in g.refs if k[0] == "W" and k[1] == steps + 1]:
        del g.refs[key]
    return g
