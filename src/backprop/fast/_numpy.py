"""One epoch of the note's training steps in numpy, into buffers allocated once.

Each step is exactly ``opt.step(net.weights, net._gradients(X[idx], T[idx]))``: the
forward pass, eqs. (1)–(4), z^(l) = a^(l-1) W^(l)[:, :-1]ᵀ + W^(l)[:, -1] (the bias
column added, no column of ones), the δ's from l = L down to 1, every change matrix
δ^(l) A^(l-1) (mean over the batch), and only then the optimiser's update. The same
numpy operations as ``backprop.core`` are used, in the same order, but written into
preallocated arrays (``out=``), so for the note's sigmoid, quadratic cost and plain
gradient descent no array is allocated per step.

Activations, costs and optimisers with no in-place form here are still supported:
their functions are called as the core calls them (they allocate) and the result is
copied into the buffer.
"""

from __future__ import annotations

import functools
import math
from operator import mul
from typing import Callable

import numpy as np

from .. import activations as _act
from .. import costs as _costs
from ..core import output_delta
from ..optimizers import GradientDescent, Optimizer

__all__ = ["NumpyEpoch", "plain_learning_rate", "is_note_network"]


def _matching(f: _act.Activation, cost: _costs.Cost) -> bool:
    """True if δ^(L) = a^(L) − T for this output activation and cost (core.output_delta)."""
    return cost.matching_activation is not None and cost.matching_activation == f.name


def is_note_network(net) -> bool:
    """The note's network: the core's sigmoid in every layer (not a subclass that could
    change its backward), and the quadratic cost or one with δ^(L) = a^(L) − T."""
    fs = net.activations
    if not all(f.function is _act._sigmoid and type(f) is _act.Activation for f in fs):
        return False
    cost = net.cost_function
    return cost.derivative is _costs._quadratic_derivative or _matching(fs[-1], cost)


def plain_learning_rate(optimizer: Optimizer) -> float | None:
    """γ if ``optimizer`` is the note's plain W ← W − γ dC/dW for this epoch, else None.

    Only the exact ``GradientDescent`` class without weight decay qualifies; any other
    optimiser is run through its own ``step``.
    """
    if type(optimizer) is not GradientDescent or optimizer.weight_decay != 0.0:
        return None
    return float(optimizer.current_learning_rate)  # with a schedule, the epoch's γ


# -- activations in place: a = f(z) written into ``out`` ------------------------------


def _sigmoid_into(z: np.ndarray, out: np.ndarray) -> None:
    # activations._sigmoid's operations, in the same order (so the same numbers), but
    # written into ``out``: the core's function allocates its result, once per layer
    # per step, which the hot loop must not.
    np.multiply(z, 0.5, out=out)
    np.tanh(out, out=out)
    out += 1.0
    out *= 0.5
    np.clip(out, *_act.sigmoid_bounds(out.dtype), out=out)


def _tanh_into(z, out):
    np.tanh(z, out=out)


def _relu_into(z, out):
    np.maximum(z, 0.0, out=out)


def _identity_into(z, out):
    np.copyto(out, z)


_FORWARD_INTO: dict[Callable, Callable] = {
    _act._sigmoid: _sigmoid_into,
    np.tanh: _tanh_into,
    _act._relu: _relu_into,
    _act._identity: _identity_into,
}


# -- f'(z) through a, multiplied into g in place: g ← g ⊙ f'(z) -----------------------


def _sigmoid_backward(a, g, tmp):
    # a (1 − a), the note's practical derivative, then the Hadamard product.
    np.subtract(1.0, a, out=tmp)
    np.multiply(a, tmp, out=tmp)
    np.multiply(g, tmp, out=g)


def _tanh_backward(a, g, tmp):
    np.multiply(a, a, out=tmp)
    np.subtract(1.0, tmp, out=tmp)
    np.multiply(g, tmp, out=g)


def _relu_backward(a, g, tmp):
    np.greater(a, 0, out=tmp)
    np.multiply(g, tmp, out=g)


def _identity_backward(a, g, tmp):
    pass  # f'(z) = 1: g is already g ⊙ f'(z)


_BACKWARD_INTO: dict[Callable, Callable] = {
    _act._sigmoid_derivative: _sigmoid_backward,
    _act._tanh_derivative: _tanh_backward,
    _act._relu_derivative: _relu_backward,
    _act._identity_derivative: _identity_backward,
}


def _forward_into(f: _act.Activation) -> Callable:
    special = _FORWARD_INTO.get(f.function)
    if special is not None:
        return special

    def generic(z, out):
        np.copyto(out, f.function(z))

    return generic


def _backward_into(f: _act.Activation) -> Callable:
    if type(f) is _act.Activation and f.derivative in _BACKWARD_INTO:
        return _BACKWARD_INTO[f.derivative]

    def generic(a, g, tmp):
        np.copyto(g, f.backward(a, g))

    return generic


def _output_delta_into(f: _act.Activation, cost: _costs.Cost) -> Callable:
    """δ^(L) written into ``d``: dC/da^(L) ⊙ f'(z^(L)), or a^(L) − T for matching pairs.

    ``core.output_delta`` in place (it allocates its result) for the pairs that have an
    in-place form; any other pair calls it and copies the result in.
    """
    if _matching(f, cost):

        def matching(a, t, d, tmp):
            np.subtract(a, t, out=d)

        return matching
    if cost.derivative is _costs._quadratic_derivative:
        backward = _backward_into(f)

        def quadratic(a, t, d, tmp):
            np.subtract(a, t, out=d)  # dC/da = a − T for C = ½ Σ (a − T)², eq. (5)
            backward(a, d, tmp)

        return quadratic

    def generic(a, t, d, tmp):
        np.copyto(d, output_delta(a, t, f, cost))

    return generic


#: The per-sample steps of float64 sigmoid networks with at most this many weights run
#: on Python floats (about 0.2 µs a weight) instead of numpy calls (about 1 µs each, some
#: 30 calls a step whatever the size).
SCALAR_LIMIT = 64

#: Batches of at most this many rows get their constants as arrays of the operands'
#: shape (numpy's fastest path for small arrays).
SMALL_BATCH = 16


class NumpyEpoch:
    """``run(order)``: one epoch of steps over the rows ``order`` of (X, T), in batches."""

    path = "numpy"

    def __init__(self, net, optimizer: Optimizer, X: np.ndarray, T: np.ndarray, batch_size: int):
        self.net = net
        self.optimizer = optimizer
        self.dtype = net.dtype
        self.X = X
        self.T = T
        self.batch_size = batch_size
        sizes = net.sizes
        self.sizes = sizes
        L = len(sizes) - 1
        bs = min(batch_size, len(X))
        dt = self.dtype
        self._bs = bs
        self._ones = np.ones(bs, dt)
        self._views: dict[int, tuple] = {}
        fs = net.activations
        self._forward = [_forward_into(f) for f in fs]
        self._backward = [_backward_into(f) for f in fs]
        self._output = _output_delta_into(fs[-1], net.cost_function)
        self.L = L
        self._matching = _matching(fs[-1], net.cost_function)
        self._note_network = is_note_network(net)
        # Tiny float64 networks, one sample a step: Python floats beat numpy's per-call cost.
        self._scalar = (
            self._note_network and bs == 1 and dt == np.float64
            and sum(W.size for W in net.weights) <= SCALAR_LIMIT
        )  # fmt: skip
        self._consts: dict = {}

    # Buffers are made on first use, so a runner holds only what its path needs.

    @functools.cached_property
    def _a(self) -> list[np.ndarray]:
        """a^(0) … a^(L) of one batch, samples as rows."""
        return [np.empty((self._bs, n), self.dtype) for n in self.sizes]

    @functools.cached_property
    def _t(self) -> np.ndarray:
        return np.empty((self._bs, self.sizes[-1]), self.dtype)

    @functools.cached_property
    def _delta(self) -> list[np.ndarray]:
        return [np.empty((self._bs, n), self.dtype) for n in self.sizes[1:]]

    @functools.cached_property
    def _tmp(self) -> list[np.ndarray]:
        """f'(z) scratch per layer; also the forward pass's bias rows (f'(z) comes later)."""
        return [np.empty((self._bs, n), self.dtype) for n in self.sizes[1:]]

    @functools.cached_property
    def change_matrices(self) -> list[np.ndarray]:
        """dC/dW^(l) for every layer, all at once: what an optimiser's ``step`` takes."""
        return [np.empty((n, p + 1), self.dtype) for p, n in zip(self.sizes[:-1], self.sizes[1:])]

    def _batch_views(self, r: int) -> tuple:
        """The first r rows of every buffer (the last batch of an epoch may be shorter)."""
        views = self._views.get(r)
        if views is None:
            views = (
                [a[:r] for a in self._a],
                self._t[:r],
                [d[:r] for d in self._delta],
                [t[:r] for t in self._tmp],
            )
            self._views[r] = views
        return views

    def _note_sgd(self, order: np.ndarray, rate: float, weights: list[np.ndarray]) -> None:
        """The note's network (sigmoid layers, quadratic cost or binary cross-entropy)
        with plain gradient descent, batches of at most ``SMALL_BATCH`` rows (larger
        ones take :meth:`_note_sgd_wide`): the batched steps of :meth:`run` with fewer
        numpy calls.

        The sigmoid's clip is written as maximum then minimum (what np.clip computes),
        constants are arrays of the operands' shape (numpy's fastest path), and γ/r
        is applied once, to δ^(L): every δ^(l) is linear in δ^(L), so each carries the
        factor and γ dC/dW^(l) = (γ/r) Σ_s δ_s A_s comes out of one product.
        """
        mul, add, sub, tanh = np.multiply, np.add, np.subtract, np.tanh
        maximum, minimum, matmul, copyto, take = np.maximum, np.minimum, np.matmul, np.copyto, np.take
        L, X, T, bs = self.L, self.X, self.T, self.batch_size
        ones = self._ones
        blocks = [W[:, :-1] for W in weights]
        blocks_t = [B.T for B in blocks]
        biases = [W[:, -1] for W in weights]
        grads = self._change_views
        change = [G[:, :-1] for G in grads]
        change_bias = [G[:, -1] for G in grads]
        matching = self._matching
        hidden = range(L - 2, -1, -1)
        layers = range(L)
        per_sample = bs == 1
        m = len(order)
        for start in range(0, m, bs):
            if per_sample:
                i = int(order[start])
                r = 1
                x, t = X[i : i + 1], T[i : i + 1]
                a_all, _, delta, tmp = self._batch_views(1)
                const, gamma = self._note_const(1, rate)
            else:
                idx = order[start : start + bs]
                r = len(idx)
                a_all, t, delta, tmp = self._batch_views(r)
                x = a_all[0]
                take(X, idx, axis=0, out=x, mode="clip")  # indices checked in run()
                take(T, idx, axis=0, out=t, mode="clip")
                const, gamma = self._note_const(r, rate)
            a_in = x
            acts = a_all[1:]
            for l in layers:  # a^(l) = σ(a^(l-1) W^(l)[:, :-1]ᵀ + W^(l)[:, -1]), eqs. (1)–(4)
                half, one, tiny, top = const[l]
                a, b = acts[l], tmp[l]  # tmp[l] holds the bias rows until f'(z) is needed
                matmul(a_in, blocks_t[l], a)
                # + the bias column as rows (a broadcast operand would make numpy
                # allocate a buffer; copyto does not)
                copyto(b, biases[l])
                add(a, b, a)
                mul(a, half, a)  # σ(z) = (1 + tanh(z/2)) / 2, as activations.sigmoid
                tanh(a, a)
                add(a, one, a)
                mul(a, half, a)
                maximum(a, tiny, out=a)
                minimum(a, top, out=a)
                a_in = a
            d, u, aL = delta[L - 1], tmp[L - 1], acts[L - 1]
            sub(aL, t, d)  # δ^(L) = (a − T) ⊙ a(1 − a), or a − T for cross-entropy
            if not matching:
                sub(const[L - 1][1], aL, u)
                mul(aL, u, u)
                mul(d, u, d)
            mul(d, gamma, d)  # × γ/r
            for l in hidden:  # δ^(l) from δ^(l+1) and the weights before the step
                d, u, a = delta[l], tmp[l], acts[l]
                matmul(delta[l + 1], blocks[l + 1], d)
                sub(const[l][1], a, u)
                mul(a, u, u)
                mul(d, u, d)
            for l in layers:  # (γ/r) δᵀ A^(l-1), bias column (γ/r) Σ_s δ_s
                a = x if l == 0 else acts[l - 1]
                # (one change matrix at a time: it reads δ's and a's, never a weight,
                # so it is the one of the weights before the step; see _note_sgd_wide)
                matmul(delta[l].T, a, change[l])
                if per_sample:
                    copyto(change_bias[l], delta[l][0])
                else:
                    matmul(ones[:r], delta[l], change_bias[l])  # Σ_s δ_s
                sub(weights[l], grads[l], weights[l])  # W ← W − γ dC/dW

    @functools.cached_property
    def _wide_buffers(self) -> tuple:
        """Flat buffers of the wide path (viewed as (rows, r) for a batch of r)."""
        dt, bs, sizes = self.dtype, self._bs, self.sizes
        hidden = sizes[1:-1]
        x = np.empty(bs * sizes[0], dt)
        # the targets as gathered and as columns; δ^(L) as rows
        t = np.empty(bs * sizes[-1] * 3, dt)
        # a^(l)ᵀ with a last row of ones for every hidden layer (the bias node), a^(L)ᵀ
        acts = [np.empty((n + 1) * bs, dt) for n in hidden] + [np.empty(sizes[-1] * bs, dt)]
        deltas = [np.empty(n * bs, dt) for n in sizes[1:]]
        scratch = np.empty(max(sizes[1:]) * bs, dt)
        return x, t, acts, deltas, scratch

    @functools.cached_property
    def _change_views(self) -> list[np.ndarray]:
        """For plain gradient descent: the change matrix of each layer as a view of one
        scratch array the size of the largest (they are used one at a time)."""
        sizes = self.sizes
        flat = np.empty(max(n * (p + 1) for p, n in zip(sizes[:-1], sizes[1:])), self.dtype)
        return [flat[: n * (p + 1)].reshape(n, p + 1) for p, n in zip(sizes[:-1], sizes[1:])]

    def _wide_views(self, r: int) -> tuple:
        key = ("wide", r)
        views = self._views.get(key)
        if views is None:
            x, t, acts, deltas, scratch = self._wide_buffers
            sizes = self.sizes
            hidden = sizes[1:-1]
            views = (
                x[: r * sizes[0]].reshape(r, sizes[0]),
                t[: r * sizes[-1]].reshape(r, sizes[-1]),
                t[r * sizes[-1] : 2 * r * sizes[-1]].reshape(sizes[-1], r),
                t[-r * sizes[-1] :].reshape(r, sizes[-1]),
                [b[: (n + 1) * r].reshape(n + 1, r) for b, n in zip(acts, hidden)]
                + [acts[-1][: sizes[-1] * r].reshape(sizes[-1], r)],
                [b[: n * r].reshape(n, r) for b, n in zip(deltas, sizes[1:])],
                [scratch[: n * r].reshape(n, r) for n in sizes[1:]],
                self._change_views,
            )
            self._views[key] = views
        return views

    def _note_sgd_wide(self, order: np.ndarray, rate: float, weights: list[np.ndarray]) -> None:
        """The note's network with plain gradient descent and large batches (more than
        ``SMALL_BATCH`` rows), laid out for BLAS: samples as columns.

        The same steps as :meth:`_note_sgd`, transposed: z^(l)ᵀ = W^(l) [a^(l-1)ᵀ; 1],
        the note's own form, eq. (1)–(2). Each hidden layer's a^(l)ᵀ is written into a
        buffer whose last row holds ones (written once, never a copy of the batch), so
        W^(l) is used whole and contiguous and the bias needs no pass of its own; for
        the first layer the input rows are used as gathered and the bias column added.
        δ^(l)ᵀ = W^(l+1)[:, :-1]ᵀ δ^(l+1)ᵀ ⊙ a(1 − a), all δ's from the weights before
        the step; then, layer by layer, the change (γ/r) δ^(l)ᵀ [A^(l-1), 1] into one
        scratch matrix and W^(l) ← W^(l) − that. A change matrix reads only δ's and
        a's, never a weight, so every one is still the one of the weights before the
        step, while only one exists at a time.
        """
        mul, add, sub, tanh, clip = np.multiply, np.add, np.subtract, np.tanh, np.clip
        matmul, copyto, take = np.matmul, np.copyto, np.take
        L, X, T, bs = self.L, self.X, self.T, self.batch_size
        dt = self.dtype
        tiny, top = _act.sigmoid_bounds(dt)
        half, one = dt.type(0.5), dt.type(1.0)
        ones = self._ones
        first_block, first_bias = weights[0][:, :-1], weights[0][:, -1:]
        blocks_t = [W[:, :-1].T for W in weights]
        matching = self._matching
        few_outputs = self.sizes[-1] <= 32
        hidden = range(L - 2, -1, -1)
        layers = range(L)
        m = len(order)
        filled = None
        for start in range(0, m, bs):
            idx = order[start : start + bs]
            r = len(idx)
            x, t_rows, t, d_rows, acts, delta, scratch, change = self._wide_views(r)
            if filled != r:  # the bias node's row of ones (the views of another r share memory)
                for a in acts[:-1]:
                    a[-1] = 1.0
                filled = r
            gamma = dt.type(rate / r)
            take(X, idx, axis=0, out=x, mode="clip")  # indices checked in run()
            take(T, idx, axis=0, out=t_rows, mode="clip")
            copyto(t, t_rows.T)  # (an operand transposed in sub would be buffered)
            # z^(1)ᵀ = W^(1)[:, :-1] xᵀ + the bias column (copied to columns, then added)
            z = acts[0][:-1] if L > 1 else acts[0]
            matmul(first_block, x.T, z)
            b = scratch[0]
            copyto(b, first_bias)
            add(z, b, z)
            for l in layers:  # a^(l) = σ(z^(l)) = (1 + tanh(z/2)) / 2, kept inside (0, 1)
                if l > 0:
                    z = acts[l][:-1] if l < L - 1 else acts[l]
                    matmul(weights[l], acts[l - 1], z)  # W^(l) [a^(l-1)ᵀ; 1]
                mul(z, half, z)
                tanh(z, z)
                add(z, one, z)
                mul(z, half, z)
                clip(z, tiny, top, out=z)
            aL, d, u = acts[L - 1], delta[L - 1], scratch[L - 1]
            sub(aL, t, d)  # δ^(L) = (a − T) ⊙ a(1 − a), or a − T for cross-entropy
            if not matching:
                sub(one, aL, u)
                mul(aL, u, u)
                mul(d, u, d)
            mul(d, gamma, d)  # × γ/r
            for l in hidden:  # δ^(l) from δ^(l+1) and the weights before the step
                d, u, a = delta[l], scratch[l], acts[l][:-1]
                matmul(blocks_t[l + 1], delta[l + 1], d)
                sub(one, a, u)
                mul(a, u, u)
                mul(d, u, d)
            G = change[0]  # (γ/r) δ^(1)ᵀ [x, 1]: the bias column is Σ_s δ_s
            matmul(delta[0], x, G[:, :-1])
            matmul(delta[0], ones[:r], G[:, -1])
            sub(weights[0], G, weights[0])
            for l in range(1, L):  # (γ/r) δ^(l)ᵀ [A^(l-1), 1] in one product
                G = change[l]
                if l == L - 1 and few_outputs:  # OpenBLAS is ~2× faster with δ^(L) as rows here
                    copyto(d_rows, delta[l].T)
                    matmul(d_rows.T, acts[l - 1].T, G)
                else:
                    matmul(delta[l], acts[l - 1].T, G)
                sub(weights[l], G, weights[l])

    def _note_const(self, r: int, rate: float) -> tuple:
        """Per layer (½, 1, tiny, 1 − ε), and γ/r for δ^(L), as arrays of r rows
        (r ≤ ``SMALL_BATCH``: numpy's fastest path where a call's overhead counts)."""
        key = (r, rate)
        found = self._consts.get(key)
        if found is None:
            dt = self.dtype
            values = (0.5, 1.0, *_act.sigmoid_bounds(dt))
            const = [tuple(np.full((r, n), v, dt) for v in values) for n in self.sizes[1:]]
            found = (const, np.full((r, self.sizes[-1]), rate / r, dt))
            if len(self._consts) > 8:
                self._consts.clear()
            self._consts[key] = found
        return found

    def _per_sample_scalar(self, order: np.ndarray, rate: float, weights: list[np.ndarray]) -> None:
        """The note's regime for tiny float64 networks, on Python floats.

        The same arithmetic as the core, weight by weight: z_j = Σ_i a_i w_ji + w_jn,
        a_j = (1 + tanh(z_j / 2)) / 2 kept inside (0, 1), δ^(L) = (a − T) ⊙ a(1 − a),
        δ_i^(l) = a_i(1 − a_i) Σ_j δ_j^(l+1) w_ji^(l+1), and after all δ's,
        w_ji ← w_ji − γ (δ_j a_i). The weights are read into lists at the start of the
        epoch and written back at its end.
        """
        tanh = math.tanh
        tiny, top = (float(b) for b in _act.sigmoid_bounds(np.float64))
        matching = self._matching
        W = [M.tolist() for M in weights]  # W[l][j] is row j of the note's W^(l+1)
        L = len(W)
        X, T = self.X, self.T
        hidden = range(L - 2, -1, -1)
        for i in order.tolist():
            a_in = X[i].tolist()
            acts = [a_in]
            for rows in W:  # the forward pass, eqs. (1)–(4)
                a_out = []
                for row in rows:
                    z = sum(map(mul, row, a_in)) + row[-1]
                    a = (tanh(z * 0.5) + 1.0) * 0.5
                    a_out.append(tiny if a < tiny else top if a > top else a)
                acts.append(a_out)
                a_in = a_out
            if matching:
                d = [a - t for a, t in zip(a_in, T[i].tolist())]
            else:
                d = [(a - t) * (a * (1.0 - a)) for a, t in zip(a_in, T[i].tolist())]
            deltas = [d] * L
            for l in hidden:  # δ^(l+1) from δ^(l+2) and the weights before the step
                rows = W[l + 1]
                d = [
                    sum(map(mul, d, column)) * (a * (1.0 - a))
                    for column, a in zip(zip(*rows), acts[l + 1])
                ]
                deltas[l] = d
            for rows, d, a_prev in zip(W, deltas, acts):  # every δ exists: update
                for row, dj in zip(rows, d):
                    for k, a in enumerate(a_prev):
                        row[k] -= rate * (dj * a)
                    row[-1] -= rate * dj
        for M, rows in zip(weights, W):
            M[...] = rows

    def _check_order(self, order) -> np.ndarray:
        order = np.asarray(order)
        if order.ndim != 1 or (order.size and order.dtype.kind not in "iu"):
            raise ValueError(f"order must be a 1-D array of sample indices; got shape {order.shape}")
        if order.size and (order.min() < 0 or order.max() >= len(self.X)):
            raise ValueError(f"sample indices must be in 0 … {len(self.X) - 1}")
        if min(self.batch_size, len(order)) > self._bs:
            # The buffers hold min(batch_size, m) rows.
            raise ValueError(
                f"a batch of {min(self.batch_size, len(order))} indices is more than the "
                f"{len(self.X)} samples; use a batch size of at most {len(self.X)}"
            )
        return order

    def __call__(self, order: np.ndarray) -> None:
        self.run(order)

    def run(self, order: np.ndarray) -> None:
        net, opt = self.net, self.optimizer
        order = self._check_order(order)
        m = len(order)
        weights = net.weights  # read each epoch: Network.step replaces the list
        rate = plain_learning_rate(opt)
        X, T, L = self.X, self.T, self.L
        forward, backward, output = self._forward, self._backward, self._output
        bs = self.batch_size
        if rate is not None and self._scalar:
            return self._per_sample_scalar(order, rate, weights)
        if rate is not None and self._note_network:
            if self._bs > SMALL_BATCH:
                return self._note_sgd_wide(order, rate, weights)
            return self._note_sgd(order, rate, weights)
        blocks = [W[:, :-1] for W in weights]
        biases = [W[:, -1] for W in weights]
        grads = self.change_matrices
        grad_blocks = [G[:, :-1] for G in grads]
        grad_biases = [G[:, -1] for G in grads]
        layers = range(L)
        bias_copy = [np.empty(n, self.dtype) for n in self.sizes[1:]]
        for start in range(0, m, bs):
            idx = order[start : start + bs]
            r = len(idx)
            a, t, delta, tmp = self._batch_views(r)
            # mode="clip" avoids take's buffered copy; the indices were checked above.
            np.take(X, idx, axis=0, out=a[0], mode="clip")
            np.take(T, idx, axis=0, out=t, mode="clip")
            # Forward pass, eqs. (1)–(4): a^(l) = f(a^(l-1) W^(l)[:, :-1]ᵀ + W^(l)[:, -1]).
            for l in layers:
                z = delta[l]  # δ^(l+1)'s buffer holds z^(l+1) until δ^(l+1) is computed
                np.matmul(a[l], blocks[l].T, out=z)
                # + the bias column, copied to rows first: numpy allocates a buffer when
                # an operand is broadcast, but not when copying one.
                np.copyto(bias_copy[l], biases[l])
                np.copyto(tmp[l], bias_copy[l])  # tmp[l] is free until f'(z) is needed
                np.add(z, tmp[l], out=z)
                forward[l](z, a[l + 1])
            # Backpropagation: δ^(L), then δ^(l) = f'(z^(l)) ⊙ δ^(l+1) W^(l+1)[:, :-1],
            # all from the weights before the step. (weights[l] is the note's W^(l+1).)
            output(a[L], t, delta[L - 1], tmp[L - 1])
            for l in range(L - 2, -1, -1):
                np.matmul(delta[l + 1], blocks[l + 1], out=delta[l])
                backward[l](a[l + 1], delta[l], tmp[l])
            if rate is None:
                # Change matrices δ^(l+1) A^(l), the mean over the batch, as the core
                # computes them; then the optimiser's step.
                for l in layers:
                    np.matmul(delta[l].T, a[l], out=grad_blocks[l])
                    np.sum(delta[l], axis=0, out=grad_biases[l])
                    grads[l] /= r
                opt.step(weights, grads)
                continue
            # Plain gradient descent: γ dC/dW^(l) = (γ/r) Σ_s δ_s A_s, with γ/r applied
            # to the small δ's instead of the change matrices (the same numbers, to
            # rounding); every matrix is computed before any weight changes.
            scale = rate / r
            for l in layers:
                d = delta[l]
                d *= scale
                np.matmul(d.T, a[l], out=grad_blocks[l])
                np.matmul(self._ones[:r], d, out=grad_biases[l])  # Σ_s δ_s
            for W, G in zip(weights, grads):
                W -= G  # W ← W − γ dC/dW
