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

from typing import Callable

import numpy as np

from .. import activations as _act
from .. import costs as _costs
from ..core import output_delta
from ..optimizers import GradientDescent, Optimizer

__all__ = ["NumpyEpoch", "plain_learning_rate"]


def plain_learning_rate(optimizer: Optimizer) -> float | None:
    """γ if ``optimizer`` is the note's plain W ← W − γ dC/dW for this epoch, else None.

    Only the exact ``GradientDescent`` class without weight decay qualifies; any other
    optimiser is run through its own ``step``.
    """
    if type(optimizer) is not GradientDescent:
        return None
    if getattr(optimizer, "weight_decay", 0.0) != 0.0:
        return None
    # With a schedule the rate of the epoch just begun (optimisers with schedules).
    rate = getattr(optimizer, "current_learning_rate", optimizer.learning_rate)
    return float(rate)


# -- activations in place: a = f(z) written into ``out`` ------------------------------


def _sigmoid_into(z: np.ndarray, out: np.ndarray) -> None:
    # The same operations as activations._sigmoid, in the same order.
    np.multiply(z, 0.5, out=out)
    np.tanh(out, out=out)
    out += 1.0
    out *= 0.5
    info = np.finfo(out.dtype)
    np.clip(out, info.tiny, 1.0 - info.epsneg, out=out)


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
    np.multiply(g, 1.0, out=g)


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
    """δ^(L) written into ``d``: dC/da^(L) ⊙ f'(z^(L)), or a^(L) − T for matching pairs."""
    if cost.matching_activation is not None and cost.matching_activation == f.name:

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


class NumpyEpoch:
    """``run(order)``: one epoch of steps over the rows ``order`` of (X, T), in batches."""

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
        # a^(0) … a^(L), δ^(1) … δ^(L), f'(z) scratch, change matrices dC/dW^(l).
        self._a = [np.empty((bs, n), dt) for n in sizes]
        self._t = np.empty((bs, sizes[-1]), dt)
        self._delta = [np.empty((bs, n), dt) for n in sizes[1:]]
        self._tmp = [np.empty((bs, n), dt) for n in sizes[1:]]
        self.change_matrices = [np.empty((n, p + 1), dt) for p, n in zip(sizes[:-1], sizes[1:])]
        self._views: dict[int, tuple] = {}
        fs = net.activations
        self._forward = [_forward_into(f) for f in fs]
        self._backward = [_backward_into(f) for f in fs]
        self._output = _output_delta_into(fs[-1], net.cost_function)
        self.L = L

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

    def _check_order(self, order) -> np.ndarray:
        order = np.asarray(order)
        if order.ndim != 1 or (order.size and order.dtype.kind not in "iu"):
            raise ValueError(f"order must be a 1-D array of sample indices; got shape {order.shape}")
        if order.size and (order.min() < 0 or order.max() >= len(self.X)):
            raise ValueError(f"sample indices must be in 0 … {len(self.X) - 1}")
        return order

    def __call__(self, order: np.ndarray) -> None:
        self.run(order)

    def run(self, order: np.ndarray) -> None:
        net, opt = self.net, self.optimizer
        order = self._check_order(order)
        m = len(order)
        weights = net.weights  # read each epoch: Network.step replaces the list
        blocks = [W[:, :-1] for W in weights]
        biases = [W[:, -1] for W in weights]
        grads = self.change_matrices
        grad_blocks = [G[:, :-1] for G in grads]
        grad_biases = [G[:, -1] for G in grads]
        rate = plain_learning_rate(opt)
        X, T, L = self.X, self.T, self.L
        forward, backward, output = self._forward, self._backward, self._output
        bs = self.batch_size
        layers = range(L)
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
                z += biases[l]
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
                if r == 1:
                    np.multiply(d.T, a[l], out=grad_blocks[l])  # the outer product δ Aᵀ
                    np.copyto(grad_biases[l], d[0])
                else:
                    np.matmul(d.T, a[l], out=grad_blocks[l])
                    np.sum(d, axis=0, out=grad_biases[l])
            for W, G in zip(weights, grads):
                W -= G  # W ← W − γ dC/dW
