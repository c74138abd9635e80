"""The note's training step as BLAS calls made from compiled code (numba + scipy's BLAS).

The same step as ``backprop.core`` and the numpy runner, for the note's network (sigmoid
layers, the quadratic cost or binary cross-entropy) and plain gradient descent, laid
out as the note writes it, samples as columns:

* forward, eqs. (1)–(4): z^(l) = W^(l) [a^(l-1); 1], each hidden a^(l) kept in a
  buffer whose last row is the bias node's ones, so every W^(l) enters one product
  whole; for l = 1 the gathered input rows are used as they are and the bias column
  is written into z^(1) before the product adds W^(1)[:, :-1] xᵀ to it;
* the δ's of the cost (5): δ^(L) = (a^(L) − T) ⊙ a^(L)(1 − a^(L)) (or a^(L) − T for
  binary cross-entropy), δ^(l) = (W^(l+1)[:, :-1]ᵀ δ^(l+1)) ⊙ a^(l)(1 − a^(l)), all
  from the weights before the step, with γ/r applied once to δ^(L) (every δ^(l) is
  linear in it);
* only then, layer by layer, W^(l) ← W^(l) − γ dC/dW^(l) = W^(l) − (γ/r) δ^(l) [A^(l-1), 1]:
  one GEMM with β = 1 that adds the change matrix into W^(l) as it computes it, so no
  change matrix is stored and W is not read a second time.

What numpy cannot do and this does: call GEMM with α and β (the update above, and
z/2 or −z straight out of the product), with leading dimensions (W^(1)[:, :-1] in
place), from compiled code (0.1 µs a call instead of numpy's ~1 µs), with the
element-wise work fused into one pass per layer.

The sigmoid, σ(z) = (1 + tanh(z/2)) / 2 = 1 / (1 + e^(−z)), is kept inside (0, 1) as
``activations.sigmoid`` keeps it. Two drivers share the kernels below:

* :func:`run_epoch` (small batches): the whole epoch compiled; the product gives −z
  (α = −1) and σ = 1 / (1 + e^(−z)) is computed per element with the C library's
  ``exp`` (faster than its ``tanh``);
* :class:`WideSteps` (many activations per step): a Python loop over the batches,
  a handful of calls a step; the product gives z/2 (α = ½, exact), numpy's
  vectorised ``tanh`` (several times faster than the C library's, per element) turns
  it into t, and one compiled pass makes (1 + t) / 2.

The exponential form agrees with the core's tanh form to rounding, and the sums are
BLAS's, so this path agrees with the numpy path to rounding (1e-12 in float64,
tested), not bit for bit.

The BLAS is scipy's (``scipy.linalg.cython_blas``, the interface numba's own
``np.dot`` uses); this module imports numba and scipy and is imported only when both
are wanted.
"""

from __future__ import annotations

import math

import numba
import numpy as np
from llvmlite import ir
from numba import types
from numba.extending import get_cython_function_address, intrinsic

from ..activations import sigmoid_bounds

__all__ = ["run_epoch", "WideSteps", "blas_signature_ok", "work_arrays", "flat_buffers"]


def blas_signature_ok() -> bool:
    """scipy's dgemm/sgemm take Fortran's arguments by pointer, with 32-bit ints."""
    from scipy.linalg import cython_blas

    for name in ("dgemm", "sgemm"):
        text = repr(cython_blas.__pyx_capi__[name])
        if "void (char *, char *, int *, int *, int *," not in text:
            return False
    return True


def work_arrays(dtype) -> tuple:
    """What a GEMM call passes: the routine's address for the dtype (an argument, not
    a global, so the compiled code can be cached: addresses change between
    processes), and its arguments by pointer: 6 ints, 2 characters, α and β."""
    name = "dgemm" if np.dtype(dtype) == np.float64 else "sgemm"
    address = np.array([get_cython_function_address("scipy.linalg.cython_blas", name)], np.int64)
    return address, np.zeros(6, np.int32), np.zeros(2, np.uint8), np.zeros(2, dtype)


@intrinsic
def _call13(typingctx, address, p0, p1, p2, p3, p4, p5, p6, p7, p8, p9, p10, p11, p12):
    """Call the C function at ``address`` with 13 pointer arguments (given as ints)."""
    sig = types.void(address, p0, p1, p2, p3, p4, p5, p6, p7, p8, p9, p10, p11, p12)

    def codegen(context, builder, signature, args):
        i8p = ir.IntType(8).as_pointer()
        fnty = ir.FunctionType(ir.VoidType(), [i8p] * 13)
        fn = builder.inttoptr(args[0], fnty.as_pointer())
        builder.call(fn, [builder.inttoptr(a, i8p) for a in args[1:]])
        return context.get_dummy_value()

    return sig, codegen


# -- GEMM on row-major arrays --------------------------------------------------------


@numba.njit(cache=True)
def gemm(alpha, A, B, beta, C, ta, tb, fn, ints, chars, scal):
    """C ← α op(A) op(B) + β C for row-major 2-D arrays, each row contiguous, the rows
    possibly further apart (e.g. W[:, :-1], whose rows are W's); op(X) is Xᵀ when
    ``ta``/``tb``. Callers here pass only such arrays (the buffers and the weights,
    which the runner checks are C-contiguous).

    Fortran's GEMM is column-major: it is asked for Cᵀ = op(B)ᵀ op(A)ᵀ, which is C in
    row-major memory.
    """
    M, N = C.shape
    K = A.shape[0] if ta else A.shape[1]
    item = C.itemsize
    chars[0] = 84 if tb else 78  # 'T' or 'N'
    chars[1] = 84 if ta else 78
    ints[0] = N
    ints[1] = M
    ints[2] = K
    ints[3] = max(B.strides[0] // item, B.shape[1], 1)
    ints[4] = max(A.strides[0] // item, A.shape[1], 1)
    ints[5] = max(C.strides[0] // item, N, 1)
    scal[0] = alpha
    scal[1] = beta
    c, i, s = chars.ctypes.data, ints.ctypes.data, scal.ctypes.data
    _call13(
        fn[0], c, c + 1, i, i + 4, i + 8, s, B.ctypes.data, i + 12, A.ctypes.data, i + 16,
        s + item, C.ctypes.data, i + 20,
    )  # fmt: skip


# -- element-wise kernels, one pass each ----------------------------------------------
# Written so that NaN passes through (a NaN weight must still show as a NaN cost): the
# clip is "x if not x < tiny", not min/max, which would turn NaN into a bound.


@numba.njit(cache=True, inline="always")
def _clip(a, tiny, top):
    if a < tiny:
        return tiny
    if a > top:
        return top
    return a


@numba.njit(cache=True)
def fill_bias(z, w_last, alpha):
    """z[j, :] = α b_j: the bias column, before the product adds α W[:, :-1] xᵀ."""
    n, r = z.shape
    for j in range(n):
        v = alpha * w_last[j]
        for i in range(r):
            z[j, i] = v


@numba.njit(cache=True)
def finish_tanh(z, tiny, top):
    """a = (1 + tanh(z/2)) / 2 in place, where z holds tanh(z/2); kept inside (0, 1)."""
    one, half = z.dtype.type(1.0), z.dtype.type(0.5)
    n, r = z.shape
    for j in range(n):
        for i in range(r):
            z[j, i] = _clip((z[j, i] + one) * half, tiny, top)


@numba.njit(cache=True)
def sigmoid_of_minus(z, tiny, top):
    """a = 1 / (1 + e^(−z)) in place, where z holds −z (the exponential per element)."""
    one = z.dtype.type(1.0)
    n, r = z.shape
    for j in range(n):
        for i in range(r):
            z[j, i] = _clip(one / (one + math.exp(z[j, i])), tiny, top)


@numba.njit(cache=True)
def output_delta(a, t_rows, d, gamma, matching):
    """δ^(L) × γ/r: (a − T) ⊙ a(1 − a), or a − T when the cost matches the sigmoid.
    ``a`` and ``d`` are (n_L, r), samples as columns; the targets are rows (r, n_L)."""
    one = a.dtype.type(1.0)
    n, r = a.shape
    for j in range(n):
        for i in range(r):
            v = a[j, i]
            e = v - t_rows[i, j]
            if not matching:
                e = e * (v * (one - v))
            d[j, i] = e * gamma


@numba.njit(cache=True)
def times_sigmoid_derivative(d, a):
    """δ ← δ ⊙ a(1 − a), the note's σ'(z) through a."""
    one = d.dtype.type(1.0)
    n, r = d.shape
    for j in range(n):
        for i in range(r):
            v = a[j, i]
            d[j, i] = d[j, i] * (v * (one - v))


@numba.njit(cache=True, fastmath={"reassoc", "contract"})
def subtract_row_sums(W, d):
    """W[:, -1] ← W[:, -1] − Σ_s δ_s: the bias column's change, Σ over the batch."""
    n, r = d.shape
    last = W.shape[1] - 1
    for j in range(n):
        s = d.dtype.type(0.0)
        for i in range(r):
            s += d[j, i]
        W[j, last] -= s


@numba.njit(cache=True)
def set_ones(a):
    """The bias node: the last row of a hidden layer's buffer holds ones."""
    one = a.dtype.type(1.0)
    last = a.shape[0] - 1
    for i in range(a.shape[1]):
        a[last, i] = one


# -- the step's two halves ------------------------------------------------------------


@numba.njit(cache=True)
def _layer_buffer(flat, rows, r):
    return flat[: rows * r].reshape((rows, r))


@numba.njit(cache=True)
def deltas_and_upper_updates(Ws, acts_flat, deltas_flat, t_rows, r, gamma, matching, fn, ints, chars, scal):
    """Every δ from the weights before the step, then W^(l) ← W^(l) − (γ/r) δ^(l)
    [A^(l-1), 1] for l = L … 2 (one GEMM with β = 1 each). ``acts_flat[l]`` holds
    a^(l+1) (samples as columns, hidden layers with their row of ones). W^(1)'s
    update, :func:`update_first`, comes after: it needs the inputs, and done last it
    leaves W^(1) in the cache for the next step's first product."""
    L = len(Ws)
    one = t_rows.dtype.type(1.0)
    zero = t_rows.dtype.type(0.0)
    nL = Ws[L - 1].shape[0]
    output_delta(_layer_buffer(acts_flat[L - 1], nL, r), t_rows, _layer_buffer(deltas_flat[L - 1], nL, r), gamma, matching)
    for l in range(L - 2, -1, -1):  # δ^(l+1) = W^(l+2)[:, :-1]ᵀ δ^(l+2) ⊙ a(1 − a)
        n = Ws[l].shape[0]
        d = _layer_buffer(deltas_flat[l], n, r)
        d_next = _layer_buffer(deltas_flat[l + 1], Ws[l + 1].shape[0], r)
        gemm(one, Ws[l + 1][:, :n], d_next, zero, d, True, False, fn, ints, chars, scal)
        times_sigmoid_derivative(d, _layer_buffer(acts_flat[l], n + 1, r)[:n])
    # Every δ exists: only now does a weight change.
    for l in range(L - 1, 0, -1):
        W = Ws[l]
        d = _layer_buffer(deltas_flat[l], W.shape[0], r)
        a_prev = _layer_buffer(acts_flat[l - 1], W.shape[1], r)
        gemm(-one, d, a_prev, one, W, False, True, fn, ints, chars, scal)


@numba.njit(cache=True)
def update_first(W, x, deltas_flat, r, fn, ints, chars, scal):
    """W^(1) ← W^(1) − (γ/r) δ^(1) [x, 1]: the product added into W^(1)[:, :-1] (β = 1),
    the bias column minus Σ_s δ_s."""
    one = x.dtype.type(1.0)
    d = _layer_buffer(deltas_flat[0], W.shape[0], r)
    gemm(-one, d, x, one, W[:, : W.shape[1] - 1], False, False, fn, ints, chars, scal)
    subtract_row_sums(W, d)


@numba.njit(cache=True)
def _gather(X, order, start, r, x):
    n0 = X.shape[1]
    for s in range(r):
        i = order[start + s]
        for k in range(n0):
            x[s, k] = X[i, k]


@numba.njit(cache=True)
def _first_layer(W, x, z, alpha, fn, ints, chars, scal):
    """α z^(1) = α (W^(1)[:, :-1] xᵀ + b), the inputs x as rows."""
    fill_bias(z, W[:, W.shape[1] - 1], alpha)
    gemm(alpha, W[:, : W.shape[1] - 1], x, z.dtype.type(1.0), z, False, True, fn, ints, chars, scal)


@numba.njit(cache=True)
def _next_layer(W, a_prev, z, alpha, fn, ints, chars, scal):
    """α z^(l) = α W^(l) [a^(l-1); 1], the bias node's row of ones written first."""
    set_ones(a_prev)
    gemm(alpha, W, a_prev, z.dtype.type(0.0), z, False, False, fn, ints, chars, scal)


@numba.njit(cache=True)
def _epoch(Ws, X, T, order, batch_size, rate, x_flat, t_flat, acts_flat, deltas_flat, matching, tiny, top, fn, ints, chars, scal):
    L = len(Ws)
    m = order.shape[0]
    n0 = X.shape[1]
    nL = T.shape[1]
    one = X.dtype.type(1.0)
    for start in range(0, m, batch_size):
        r = min(batch_size, m - start)
        x = x_flat[: r * n0].reshape((r, n0))
        t_rows = t_flat[: r * nL].reshape((r, nL))
        _gather(X, order, start, r, x)
        _gather(T, order, start, r, t_rows)
        # forward: −z^(l) from the product (α = −1), then a = 1 / (1 + e^(−z))
        for l in range(L):
            n = Ws[l].shape[0]
            z = _layer_buffer(acts_flat[l], n, r)  # a hidden layer's row of ones comes after
            if l == 0:
                _first_layer(Ws[0], x, z, -one, fn, ints, chars, scal)
            else:
                a_prev = _layer_buffer(acts_flat[l - 1], Ws[l - 1].shape[0] + 1, r)
                _next_layer(Ws[l], a_prev, z, -one, fn, ints, chars, scal)
            sigmoid_of_minus(z, tiny, top)
        gamma = rate / X.dtype.type(r)
        deltas_and_upper_updates(Ws, acts_flat, deltas_flat, t_rows, r, gamma, matching, fn, ints, chars, scal)
        update_first(Ws[0], x, deltas_flat, r, fn, ints, chars, scal)


def flat_buffers(sizes, bs, dtype):
    hidden = sizes[1:-1]
    acts = tuple(np.empty((n + 1) * bs, dtype) for n in hidden) + (np.empty(sizes[-1] * bs, dtype),)
    deltas = tuple(np.empty(n * bs, dtype) for n in sizes[1:])
    return np.empty(sizes[0] * bs, dtype), np.empty(sizes[-1] * bs, dtype), acts, deltas


def run_epoch(weights, X, T, order, batch_size, rate, buffers, matching, work) -> None:
    """One epoch, compiled whole (small batches: the exponential per element)."""
    dt = X.dtype
    tiny, top = sigmoid_bounds(dt)
    x_flat, t_flat, acts, deltas = buffers
    _epoch(
        tuple(weights), X, T, order, batch_size, dt.type(rate), x_flat, t_flat, acts, deltas,
        matching, tiny, top, *work,
    )  # fmt: skip


class WideSteps:
    """The step for batches with many activations: numpy's vectorised ``tanh`` between
    compiled segments.

    Per step: for each layer one compiled call (the product, after the previous
    layer's finishing pass) and one numpy call (the transcendental); one compiled
    call for every δ and the updates of W^(L) … W^(2); the next batch gathered
    (``np.take``) into the other of two input buffers; then W^(1)'s update, last, so
    that W^(1) and the next inputs are in the cache for the next step's first product.
    """

    def __init__(self, sizes, batch_size, dtype):
        self.sizes = list(sizes)
        self.dtype = np.dtype(dtype)
        self.buffers = flat_buffers(self.sizes, batch_size, self.dtype)
        # the second input and target buffers (the next batch's, gathered early)
        self.spare = (np.empty_like(self.buffers[0]), np.empty_like(self.buffers[1]))
        self.work = work_arrays(self.dtype)
        self._views: dict[int, tuple] = {}
        self._inputs: dict[tuple, tuple] = {}

    def _layers(self, r):
        """z^(l) and the full a^(l) buffers (with the row of ones) for a batch of r."""
        views = self._views.get(r)
        if views is None:
            _, _, acts, _ = self.buffers
            L = len(self.sizes) - 1
            zs, a_full = [], []
            for l, n in enumerate(self.sizes[1:]):
                rows = n + 1 if l < L - 1 else n
                full = acts[l][: rows * r].reshape(rows, r)
                a_full.append(full)
                zs.append(full[:n])
            views = (zs, a_full)
            self._views[r] = views
        return views

    def _batch_inputs(self, which, r):
        key = (which, r)
        views = self._inputs.get(key)
        if views is None:
            x_flat, t_flat = self.buffers[:2] if which == 0 else self.spare
            n0, nL = self.sizes[0], self.sizes[-1]
            views = (x_flat[: r * n0].reshape(r, n0), t_flat[: r * nL].reshape(r, nL))
            self._inputs[key] = views
        return views

    def run(self, weights, X, T, order, batch_size, rate, matching) -> None:
        take, tanh = np.take, np.tanh
        dt = self.dtype
        tiny, top = sigmoid_bounds(dt)
        Ws = tuple(weights)
        _, _, acts, deltas = self.buffers
        fn, ints, chars, scal = self.work
        alpha = dt.type(0.5)  # z/2 from the product, then numpy's tanh, then (1 + t) / 2
        L = len(Ws)
        m = len(order)
        if m == 0:
            return
        which = 0
        idx = order[:batch_size]
        x, t_rows = self._batch_inputs(which, len(idx))
        take(X, idx, axis=0, out=x, mode="clip")  # indices checked by the runner
        take(T, idx, axis=0, out=t_rows, mode="clip")
        for start in range(0, m, batch_size):
            r = min(batch_size, m - start)
            zs, a_full = self._layers(r)
            _first_layer(Ws[0], x, zs[0], alpha, fn, ints, chars, scal)
            tanh(zs[0], out=zs[0])
            for l in range(1, L):
                finish_tanh(zs[l - 1], tiny, top)
                _next_layer(Ws[l], a_full[l - 1], zs[l], alpha, fn, ints, chars, scal)
                tanh(zs[l], out=zs[l])
            finish_tanh(zs[L - 1], tiny, top)
            gamma = dt.type(rate / r)
            deltas_and_upper_updates(Ws, acts, deltas, t_rows, r, gamma, matching, fn, ints, chars, scal)
            x_now = x
            nxt = start + batch_size
            if nxt < m:  # the next batch, into the other buffers (this x is still needed)
                idx = order[nxt : nxt + batch_size]
                which = 1 - which
                x, t_rows = self._batch_inputs(which, len(idx))
                take(X, idx, axis=0, out=x, mode="clip")
                take(T, idx, axis=0, out=t_rows, mode="clip")
            update_first(Ws[0], x_now, deltas, r, fn, ints, chars, scal)
