"""Fast epochs: the training loop's inner loop without per-step allocations.

``epoch_runner(net, optimizer, X, T, batch_size)`` returns ``run(order)``, which does
one epoch of steps over the sample indices ``order``, in batches of ``batch_size`` in
that order, each step exactly ::

    optimizer.step(net.weights, net._gradients(X[idx], T[idx]))

(every change matrix computed from the weights before the step, then the update).
Buffers are allocated once, when the runner is made; ``run`` changes ``net.weights``
in place.

Two paths compute it:

* numpy (always): the core's own operations written into preallocated arrays. For the
  note's sigmoid and quadratic cost with plain gradient descent it allocates nothing
  per step; other activations, costs and optimisers are called as the core calls them.
* numba (``pip install 'backprop[fast]'``): the whole epoch compiled, used
  automatically for the configuration it supports (sigmoid in every layer, the
  quadratic cost or binary cross-entropy, plain ``sgd`` without weight decay, float32
  or float64, small networks or small batches, where it beats BLAS calls). Its sums
  are taken in another order, so it agrees with the numpy path to rounding (1e-12 in
  float64), not bit for bit. Set the environment variable ``BACKPROP_NO_NUMBA=1`` to
  never use it.

``run.path`` says which path a runner takes ("numpy" or "numba").
"""

from __future__ import annotations

import os

import numpy as np

from ..optimizers import Optimizer
from ..validation import check_positive_int
from ._numpy import NumpyEpoch, is_note_network, plain_learning_rate

__all__ = ["epoch_runner", "numba_available", "NUMBA_LIMIT"]

#: The compiled path is chosen when batch_size × (number of weights) is at most this;
#: above it the numpy path's BLAS calls are as fast or faster (measured, see
#: docs/performance.md).
NUMBA_LIMIT = 50_000


def numba_available() -> bool:
    """True if numba can be imported and ``BACKPROP_NO_NUMBA`` is not set."""
    if os.environ.get("BACKPROP_NO_NUMBA", "").strip() not in ("", "0"):
        return False
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True


def _numba_supports(net, optimizer: Optimizer, batch_size: int, check_size: bool = True) -> bool:
    if not is_note_network(net) or plain_learning_rate(optimizer) is None:
        return False
    n_weights = sum(W.size for W in net.weights)
    return not check_size or batch_size * n_weights <= NUMBA_LIMIT


class NumbaEpoch(NumpyEpoch):
    """The compiled epoch, for the configuration ``_numba_supports`` accepts.

    Falls back to the numpy steps for an epoch in which the optimiser is no longer
    plain gradient descent or the weights are not contiguous arrays of the dtype.
    """

    path = "numba"

    def __init__(self, *args):
        super().__init__(*args)
        from . import _numba

        self._kernel = _numba.run_epoch

    def run(self, order: np.ndarray) -> None:
        rate = plain_learning_rate(self.optimizer)
        weights = self.net.weights
        ok = all(W.flags.c_contiguous and W.flags.writeable and W.dtype == self.dtype for W in weights)
        if rate is None or not ok:
            return super().run(order)
        order = np.ascontiguousarray(self._check_order(order), dtype=np.int64)
        self._kernel(
            weights, self.X, self.T, order, self.batch_size, rate,
            self._a, self._delta, self.change_matrices, self._matching,
        )  # fmt: skip


def epoch_runner(net, optimizer: Optimizer, X, T, batch_size: int, *, use_numba: bool | None = None):
    """Return ``run(order)``: one epoch of training steps over the rows ``order``.

    ``X`` (m, n0) and ``T`` (m, nL) are taken as the network's dtype (copied only if
    they are not already C-contiguous arrays of it). ``use_numba``: None chooses
    automatically, False forces numpy, True requires the compiled path (ValueError if
    the configuration is not supported; MissingExtraError if numba is absent).
    """
    dtype = net.dtype
    X = np.ascontiguousarray(X, dtype=dtype)
    T = np.ascontiguousarray(T, dtype=dtype)
    sizes = net.sizes
    if X.ndim != 2 or X.shape[1] != sizes[0]:
        raise ValueError(f"input must have shape (m, {sizes[0]}) for sizes {sizes}; got {X.shape}")
    if T.ndim != 2 or T.shape[1] != sizes[-1]:
        raise ValueError(f"target must have shape (m, {sizes[-1]}) for sizes {sizes}; got {T.shape}")
    if len(X) != len(T) or len(X) == 0:
        raise ValueError(f"input has {len(X)} samples but target has {len(T)}; they must match")
    batch_size = check_positive_int(batch_size, "batch size")
    if use_numba is None:
        use_numba = numba_available() and _numba_supports(net, optimizer, batch_size)
    elif use_numba:
        from .._extras import require

        require("numba", "fast", "the compiled training path")
        if not _numba_supports(net, optimizer, batch_size, check_size=False):
            raise ValueError(
                "the compiled path supports sigmoid layers, the quadratic cost or binary "
                "cross-entropy and plain sgd without weight decay; got {net!r}, {optimizer!r}, batch size {batch_size}"
            )
    cls = NumbaEpoch if use_numba else NumpyEpoch
    return cls(net, optimizer, X, T, batch_size)
