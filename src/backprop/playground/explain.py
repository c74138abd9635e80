"""The note's equations for one neuron or one weight, with the session's numbers.

Every value shown is one the core computed, recorded by the same trace the ``explain``
command uses (``backprop.explain.trace.record``: ``Network.backpropagate`` for one
sample, its z, a, δ and change matrices, then ``core.update``), and
``Network.gradients`` for the next batch; the strings only write out which numbers
went in. Symbols follow the note: w_ji^(l) is
the weight from neuron i of layer l − 1 to neuron j of layer l, the bias being the
weight of the bias node (value 1), the last column of W^(l).
"""

from __future__ import annotations

import numpy as np

from ..explain.expr import format_number
from ..explain.trace import record
from .session import Session
from .settings import RequestError

__all__ = ["explain_neuron", "explain_weight"]

# Terms written out in a sum before it is shortened with "…".
MAX_TERMS = 6

_DERIVATIVE = {
    "sigmoid": "a(1 − a)",
    "tanh": "1 − a²",
    "relu": "1 if a > 0 else 0",
    "leaky_relu": "1 if a > 0 else 0.01",
    "identity": "1",
}
_FUNCTION = {"sigmoid": "σ", "tanh": "tanh", "relu": "relu", "leaky_relu": "leaky_relu", "identity": "id", "softmax": "softmax"}


def _n(v: float) -> str:
    return format_number(v, 6)


def _sym(name: str, j, i=None, l=None) -> str:
    wide = any(isinstance(k, int) and k >= 10 for k in (j, i))
    idx = f"{j}" if i is None else (f"{j},{i}" if wide else f"{j}{i}")
    return f"{name}_{idx}" + ("" if l is None else f"^({l})")


def _sum(terms: list[str]) -> str:
    if len(terms) > MAX_TERMS:
        terms = terms[: MAX_TERMS - 1] + ["…", terms[-1]]
    return " + ".join(terms)


def _line(formula: str, numbers: str, value, eq: str = "", note: str = "") -> dict:
    """One equation: its symbols, the numbers that went in, the core's value."""
    value = None if value is None or not np.isfinite(value) else float(value)
    return {"formula": formula, "numbers": numbers, "value": value, "eq": eq, "note": note}


def _sample(session: Session, sample) -> int:
    m = len(session.X)
    if sample is None:
        return int(session.next_batch()[0])
    if isinstance(sample, bool) or not isinstance(sample, int) or not 0 <= sample < m:
        raise RequestError(f"sample must be an integer from 0 to {m - 1}; got {sample!r}")
    return sample


def _record(session: Session, s: int):
    """One recorded step on sample ``s`` (the network itself is not changed)."""
    with np.errstate(all="ignore"):
        return record(session.net, session.X[s], session.T[s], session.settings.learning_rate)


def _check_layer(session: Session, layer, low: int) -> int:
    L = session.net.L
    if isinstance(layer, bool) or not isinstance(layer, int) or not low <= layer <= L:
        raise RequestError(f"layer must be an integer from {low} to {L}; got {layer!r}")
    return layer


def _check_index(name: str, value, n: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < n:
        raise RequestError(f"{name} must be an integer from 0 to {n - 1} ({what}); got {value!r}")
    return value


def _header(session: Session, s: int) -> dict:
    return {"sample": s, "input": session.X[s].tolist(), "target": session.T[s].tolist()}


def explain_neuron(session: Session, layer, j, sample=None) -> dict:
    """Neuron j of layer l: z_j^(l) = Σ_i w_ji^(l) a_i^(l−1) + bias, a = f(z), δ_j^(l)."""
    net = session.net
    l = _check_layer(session, layer, 0)
    sizes = net.sizes
    has_bias = l < net.L
    j = _check_index("j", j, sizes[l] + (1 if has_bias else 0), f"the neurons of layer {l}" + (", the last the bias node" if has_bias else ""))
    s = _sample(session, sample)
    trace = _record(session, s)
    step = trace.steps[0]
    p = step.result
    out = {"kind": "neuron", "layer": l, "j": j, **_header(session, s)}
    a_sym = _sym("a", j, l=l)
    lines: list[dict] = []
    if j == sizes[l]:
        out["symbol"] = f"bias node of layer {l}"
        lines.append(_line(f"A^({l}) = (a^({l}), 1)", "", 1.0, note="the bias node always has the value 1"))
        lines.append(_line(
            f"its weights w_j{sizes[l]}^({l + 1})", "", None,
            note=f"the biases of layer {l + 1}: " + ", ".join(_n(v) for v in net.weights[l][:, -1]),
        ))
        out["lines"] = lines
        return out
    out["symbol"] = a_sym
    if l == 0:
        lines.append(_line(f"{a_sym} = x_{j}", "", p.a[0][0, j], note=f"input feature {j} of the sample"))
        out["lines"] = lines
        return out
    W = net.weights[l - 1]
    a_prev = p.a[l - 1][0]
    n_prev = sizes[l - 1]
    terms = [f"{_n(W[j, i])}×{_n(a_prev[i])}" for i in range(n_prev)] + [_n(W[j, n_prev])]
    z = p.z[l - 1][0, j]
    a = p.a[l][0, j]
    f = net.activations[l - 1]
    fname = _FUNCTION.get(f.name, f.name)
    lines.append(_line(
        f"z_{j}^({l}) = Σ_i {_sym('w', j, 'i', l)} a_i^({l - 1}) + {_sym('w', j, n_prev, l)}",
        _sum(terms), z, "(1)–(4)",
    ))
    lines.append(_line(f"{a_sym} = {fname}(z_{j}^({l}))", f"{fname}({_n(z)})", a, "(1)–(4)"))
    delta = p.deltas[l - 1][0, j]
    d_sym = _sym("δ", j, l=l)
    if l == net.L:
        t = session.T[s, j]
        cost = net.cost_function
        if cost.matching_activation == f.name:
            lines.append(_line(f"{d_sym} = {a_sym} − T_{j}", f"{_n(a)} − {_n(t)}", delta))
        elif cost.name == "quadratic" and f.name == "sigmoid":
            lines.append(_line(
                f"{d_sym} = ({a_sym} − T_{j}) {a_sym}(1 − {a_sym})",
                f"({_n(a)} − {_n(t)}) × {_n(a)} × (1 − {_n(a)})", delta,
            ))
        else:
            lines.append(_line(f"{d_sym} = dC/d{a_sym} · f'(z_{j}^({l}))", "", delta))
        lines.append(_line(f"C = {cost.description or cost.name}", "", p.cost, "(5)" if cost.name == "quadratic" else "", note="the cost of this sample"))
    else:
        W_next = net.weights[l]
        d_next = p.deltas[l][0]
        fprime = trace.derivative(step, l)[j]
        terms = [f"{_n(W_next[k, j])}×{_n(d_next[k])}" for k in range(sizes[l + 1])]
        lines.append(_line(
            f"{d_sym} = f'(z_{j}^({l})) Σ_k {_sym('w', 'k', j, l + 1)} δ_k^({l + 1}),  f' = {_DERIVATIVE.get(f.name, f.name + chr(39))}",
            f"{_n(fprime)} × ({_sum(terms)})", delta,
        ))
    out["lines"] = lines
    return out


def explain_weight(session: Session, layer, j, i, sample=None) -> dict:
    """w_ji^(l): its value, dC/dw_ji^(l) = δ_j^(l) a_i^(l−1), and w ← w − γ dC/dw."""
    net = session.net
    l = _check_layer(session, layer, 1)
    sizes = net.sizes
    j = _check_index("j", j, sizes[l], f"the neurons of layer {l}")
    i = _check_index("i", i, sizes[l - 1] + 1, f"the neurons of layer {l - 1}, the last the bias node")
    s = _sample(session, sample)
    step = _record(session, s).steps[0]
    p = step.result
    gamma = session.settings.learning_rate
    w = net.weights[l - 1][j, i]
    bias = i == sizes[l - 1]
    w_sym = _sym("w", j, i, l)
    d_sym = _sym("δ", j, l=l)
    delta = p.deltas[l - 1][0, j]
    grad = p.change_matrices[l - 1][j, i]
    start = f"the bias node of layer {l - 1}" if bias else f"neuron {i} of layer {l - 1}"
    lines = [
        _line(w_sym, "", w, note=f"from {start} to neuron {j} of layer {l}" + (" (the bias of that neuron)" if bias else "")),
    ]
    if bias:
        lines.append(_line(f"dC/d{w_sym} = {d_sym} · 1", f"{_n(delta)} × 1", grad))
    else:
        a = p.a[l - 1][0, i]
        lines.append(_line(f"dC/d{w_sym} = {d_sym} {_sym('a', i, l=l - 1)}", f"{_n(delta)} × {_n(a)}", grad))
    lines.append(_line(f"{w_sym} ← {w_sym} − γ dC/d{w_sym}", f"{_n(w)} − {_n(gamma)} × {_n(grad)}", step.weights_after[l - 1][j, i]))
    batch = session.next_batch()
    if len(batch) > 1:
        with np.errstate(all="ignore"):
            g = net.gradients(session.X[batch], session.T[batch])[l - 1][j, i]
            # The next step itself, on a copy: Network.step on the next batch.
            after = net.copy()
            after.step(session.X[batch], session.T[batch], gamma)
        lines.append(_line(
            f"dC/d{w_sym}, mean over the next batch of {len(batch)} samples", "", g,
            note="what the next step uses",
        ))
        lines.append(_line(f"{w_sym} after the next step", f"{_n(w)} − {_n(gamma)} × {_n(g)}", after.weights[l - 1][j, i]))
    return {"kind": "weight", "layer": l, "j": j, "i": i, "symbol": w_sym, "lines": lines, **_header(session, s)}
