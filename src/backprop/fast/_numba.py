"""The compiled epoch (numba): the note's sigmoid network, quadratic cost, plain SGD.

The same steps as ``backprop.core`` and the numpy runner, written as loops over the
neurons so that a whole epoch runs without returning to the interpreter: for each
batch, the forward pass, eqs. (1)–(4), the δ's from l = L down to 1, every change
matrix δ^(l) A^(l-1) (mean over the batch), and only then W^(l) ← W^(l) − γ dC/dW^(l)
for every l. Sums are taken in a different order than BLAS takes them (numba may
reassociate them to use vector instructions), so results agree with the numpy path to
rounding, not bit for bit.

This module imports numba; ``backprop.fast`` imports it only when numba is wanted.
"""

from __future__ import annotations

import math

import numba

from ..activations import sigmoid_bounds

__all__ = ["run_epoch"]

# Reassociation lets LLVM vectorise the dot products; no assumptions about NaN or inf.
_FLAGS = {"reassoc", "contract"}


@numba.njit(cache=True, fastmath=_FLAGS)
def _sigmoid(z, half, one, tiny, top):
    # σ(z) = (1 + tanh(z/2)) / 2, kept inside (0, 1) as activations.sigmoid does.
    a = (math.tanh(z * half) + one) * half
    if a < tiny:
        return tiny
    if a > top:
        return top
    return a


@numba.njit(cache=True, fastmath=_FLAGS)
def _epoch(Ws, X, T, order, batch_size, rate, As, Ds, Gs, matching, half, one, tiny, top):
    """One epoch. Ws: W^(1) … W^(L); As: a^(0) … a^(L) buffers; Ds: δ buffers; Gs: dC/dW."""
    L = len(Ws)
    m = order.shape[0]
    n0 = X.shape[1]
    nL = T.shape[1]
    zero = half - half
    for start in range(0, m, batch_size):
        r = min(batch_size, m - start)
        A0 = As[0]
        for s in range(r):
            i = order[start + s]
            for k in range(n0):
                A0[s, k] = X[i, k]
        # Forward pass: a^(l) = σ(a^(l-1) W^(l)[:, :-1]ᵀ + W^(l)[:, -1]).
        for l in range(L):
            W = Ws[l]
            a_in = As[l]
            a_out = As[l + 1]
            n_out = W.shape[0]
            n_in = W.shape[1] - 1
            for s in range(r):
                for j in range(n_out):
                    acc = zero
                    for k in range(n_in):
                        acc += a_in[s, k] * W[j, k]
                    a_out[s, j] = _sigmoid(acc + W[j, n_in], half, one, tiny, top)
        # δ^(L) = (a − T) ⊙ a(1 − a) (quadratic cost), or a − T (binary cross-entropy).
        aL = As[L]
        dL = Ds[L - 1]
        for s in range(r):
            i = order[start + s]
            for j in range(nL):
                a = aL[s, j]
                d = a - T[i, j]
                if not matching:
                    d = d * (a * (one - a))
                dL[s, j] = d
        rr = zero  # r in the weights' dtype (an int would promote float32 to float64)
        for _ in range(r):
            rr += one
        for l in range(L - 1, -1, -1):  # Ws[l] is the note's W^(l+1)
            W = Ws[l]
            D = Ds[l]
            a_in = As[l]
            G = Gs[l]
            n_out = W.shape[0]
            n_in = W.shape[1] - 1
            # Change matrix δ^(l+1) A^(l), the mean over the batch; bias column Σ_s δ.
            for j in range(n_out):
                for k in range(n_in + 1):
                    G[j, k] = zero
                for s in range(r):
                    d = D[s, j]
                    for k in range(n_in):
                        G[j, k] += d * a_in[s, k]
                    G[j, n_in] += d
                if r > 1:
                    for k in range(n_in + 1):
                        G[j, k] = G[j, k] / rr
            # δ^(l) = a^(l)(1 − a^(l)) ⊙ δ^(l+1) W^(l+1)[:, :-1] (weights before the step).
            if l > 0:
                D_prev = Ds[l - 1]
                for s in range(r):
                    for k in range(n_in):
                        D_prev[s, k] = zero
                    for j in range(n_out):
                        d = D[s, j]
                        for k in range(n_in):
                            D_prev[s, k] += d * W[j, k]
                    for k in range(n_in):
                        a = a_in[s, k]
                        D_prev[s, k] = D_prev[s, k] * (a * (one - a))
        # Every change matrix exists; only now does any weight change.
        for l in range(L):
            W = Ws[l]
            G = Gs[l]
            for j in range(W.shape[0]):
                for k in range(W.shape[1]):
                    W[j, k] -= rate * G[j, k]


def run_epoch(weights, X, T, order, batch_size, rate, As, Ds, Gs, matching: bool) -> None:
    """Call the compiled epoch; the scalars are cast to the weights' dtype first."""
    dt = weights[0].dtype.type
    tiny, top = sigmoid_bounds(weights[0].dtype)
    _epoch(
        tuple(weights),
        X,
        T,
        order,
        batch_size,
        dt(rate),
        tuple(As),
        tuple(Ds),
        tuple(Gs),
        matching,
        dt(0.5),
        dt(1.0),
        tiny,
        top,
    )
