"""Fast epochs: the training loop's inner loop without per-step allocations.

``epoch_runner(net, optimizer, X, T, batch_size)`` returns ``run(order)``, which does
one epoch of steps over the sample indices ``order``, in batches of ``batch_size`` in
that order, each step exactly ::

    optimizer.step(net.weights, net._gradients(X[idx], T[idx]))

(every change matrix computed from the weights before the step, then the update).
Buffers are allocated once, when the runner is made; ``run`` changes ``net.weights``
in place.

Three paths compute it:

* numpy (always): the core's own operations written into preallocated arrays. For the
  note's sigmoid and quadratic cost with plain gradient descent it allocates nothing
  per step; other activations, costs and optimisers are called as the core calls them.
* "numba" (``pip install 'backprop[fast]'``): the whole epoch compiled as loops over
  the neurons (backprop.fast._numba), for the note's tiny networks, where even a BLAS
  call's fixed cost counts (batch × weights ≤ ``LOOPS_LIMIT``; without scipy, up to
  ``NUMBA_LIMIT``).
* "numba+blas" (``backprop[fast]``, which brings numba and scipy): the step as GEMM
  calls made from compiled code, the update added into W by the product itself, the
  element-wise work fused (backprop.fast._blas), for everything larger.

The compiled paths are used automatically for the configuration they support (sigmoid
in every layer, the quadratic cost or binary cross-entropy, plain ``sgd`` without
weight decay, float32 or float64). Their sums are taken in another order, so they
agree with the numpy path to rounding (1e-12 in float64, tested), not bit for bit. Set
the environment variable ``BACKPROP_NO_NUMBA=1`` to never use them.

``run.path`` says which path a runner takes ("numpy", "numba" or "numba+blas").
"""

from __future__ import annotations

import functools
import os

import numpy as np

from ..optimizers import Optimizer
from ..validation import check_positive_int
from ._numpy import NumpyEpoch, is_note_network, plain_learning_rate

__all__ = ["epoch_runner", "numba_available", "blas_available", "NUMBA_LIMIT", "LOOPS_LIMIT", "WIDE_ACTIVATIONS"]

#: Without scipy's BLAS, the compiled loops are chosen when batch_size × (number of
#: weights) is at most this; above it the numpy path's BLAS calls are as fast or faster.
NUMBA_LIMIT = 50_000

#: With scipy's BLAS, the compiled loops are chosen up to this batch_size × (number of
#: weights) (the note's tiny networks, where even a BLAS call's fixed cost counts), and
#: the compiled BLAS path above it (measured, see docs/performance.md).
LOOPS_LIMIT = 2_000


def numba_available() -> bool:
    """True if numba can be imported and ``BACKPROP_NO_NUMBA`` is not set."""
    if os.environ.get("BACKPROP_NO_NUMBA", "").strip() not in ("", "0"):
        return False
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True


@functools.cache
def _scipy_blas() -> bool:
    try:
        from . import _blas
    except ImportError:  # scipy missing
        return False
    return _blas.blas_signature_ok()


def blas_available() -> bool:
    """True if the compiled BLAS path can run: numba (not disabled) and scipy's BLAS."""
    return numba_available() and _scipy_blas()


def _numba_supports(net, optimizer: Optimizer) -> bool:
    return is_note_network(net) and plain_learning_rate(optimizer) is not None


def _compiled_path(net, batch_size: int, blas: bool, required: bool) -> str | None:
    """"numba", "numba+blas", or None (numpy) for a supported configuration."""
    work = batch_size * sum(W.size for W in net.weights)
    fits_int32 = max(max(net.sizes) + 1, batch_size) < 2**31  # BLAS's int arguments
    if blas and work > LOOPS_LIMIT and fits_int32:
        return "numba+blas"
    if work <= NUMBA_LIMIT or required:
        return "numba"
    return None


class _CompiledEpoch(NumpyEpoch):
    """A compiled epoch for the configuration ``_numba_supports`` accepts.

    Falls back to the numpy steps for an epoch in which the optimiser is no longer
    plain gradient descent or the weights are not contiguous arrays of the dtype.
    """

    def run(self, order: np.ndarray) -> None:
        rate = plain_learning_rate(self.optimizer)
        weights = self.net.weights
        ok = all(W.flags.c_contiguous and W.flags.writeable and W.dtype == self.dtype for W in weights)
        if rate is None or not ok:
            return super().run(order)
        order = np.ascontiguousarray(self._check_order(order), dtype=np.int64)
        self._run_compiled(weights, order, rate)


class NumbaEpoch(_CompiledEpoch):
    """The compiled loops over the neurons (backprop.fast._numba)."""

    path = "numba"

    def __init__(self, *args):
        super().__init__(*args)
        from . import _numba

        self._kernel = _numba.run_epoch

    def _run_compiled(self, weights, order, rate) -> None:
        self._kernel(
            weights, self.X, self.T, order, self.batch_size, rate,
            self._a, self._delta, self.change_matrices, self._matching,
        )  # fmt: skip


#: The compiled BLAS path computes σ's exponential per element (the whole epoch
#: compiled) up to this many activations a step (batch × neurons), and with numpy's
#: vectorised tanh/exp between compiled segments above it.
WIDE_ACTIVATIONS = 3200


class BlasEpoch(_CompiledEpoch):
    """The note's step as BLAS calls from compiled code (backprop.fast._blas)."""

    path = "numba+blas"

    def __init__(self, *args):
        super().__init__(*args)
        from . import _blas

        self._blas = _blas
        sizes, bs = self.sizes, self._bs
        if bs * sum(sizes[1:]) > WIDE_ACTIVATIONS:
            self._wide = _blas.WideSteps(sizes, bs, self.dtype)
        else:
            self._wide = None
            self._buffers = _blas.flat_buffers(sizes, bs, self.dtype)
            self._work = _blas.work_arrays(self.dtype)

    def _run_compiled(self, weights, order, rate) -> None:
        if self._wide is not None:
            self._wide.run(weights, self.X, self.T, order, self.batch_size, rate, self._matching)
        else:
            self._blas.run_epoch(
                weights, self.X, self.T, order, self.batch_size, rate, self._buffers, self._matching, self._work
            )


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
    path = None
    if use_numba is None:
        if numba_available() and _numba_supports(net, optimizer):
            path = _compiled_path(net, batch_size, blas_available(), required=False)
    elif use_numba:
        from .._extras import require

        require("numba", "fast", "the compiled training path")
        if not _numba_supports(net, optimizer):
            raise ValueError(
                "the compiled path supports sigmoid layers, the quadratic cost or binary "
                f"cross-entropy and plain sgd without weight decay; got {net!r}, {optimizer!r}"
            )
        path = _compiled_path(net, batch_size, _scipy_blas(), required=True)
    cls = {None: NumpyEpoch, "numba": NumbaEpoch, "numba+blas": BlasEpoch}[path]
    return cls(net, optimizer, X, T, batch_size)
