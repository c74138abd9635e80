"""The fast epoch runner against the straightforward loop of the training contract:
``opt.step(net.weights, net._gradients(X[idx], T[idx]))`` for each batch ``idx``."""

from __future__ import annotations

import numpy as np
import pytest

from backprop import Network
from backprop.fast import epoch_runner
from backprop.optimizers import Optimizer, get_optimizer

CASES = [
    # sizes, hidden activation, output activation, cost, batch size, samples
    ([2, 2, 2], "sigmoid", None, "quadratic", 1, 9),  # per sample on Python floats
    ([2, 3, 2], "sigmoid", None, "binary_cross_entropy", 1, 9),  # the same, δ^(L) = a − T
    ([2, 3, 1], "sigmoid", None, "quadratic", 4, 11),  # last batch of 3
    ([5, 9, 4], "sigmoid", None, "quadratic", 1, 13),  # per sample, numpy calls
    ([6, 12, 3], "sigmoid", None, "quadratic", 20, 50),  # large batches, last of 10
    ([5, 7, 3], "tanh", "softmax", "cross_entropy", 4, 23),
    ([5, 7, 3], "relu", "sigmoid", "binary_cross_entropy", 3, 22),
    ([5, 7, 4, 3], "leaky_relu", "identity", "quadratic", 5, 23),
    ([4, 6, 6, 2], "sigmoid", "sigmoid", "binary_cross_entropy", 1, 12),
    ([6, 8, 3], "identity", "tanh", "quadratic", 7, 30),
    # the wide path (batches of more than 16, samples as columns)
    ([5, 9, 7, 3], "sigmoid", None, "quadratic", 24, 61),  # last batch of 13
    ([4, 6, 6, 2], "sigmoid", "sigmoid", "binary_cross_entropy", 20, 45),
    ([3, 2], "sigmoid", None, "quadratic", 17, 40),  # one layer
]

TOLERANCE = {np.float64: 1e-12, np.float32: 1e-5}


def _data(sizes, m, dtype, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, sizes[0])).astype(dtype)
    T = rng.uniform(0.05, 0.95, size=(m, sizes[-1])).astype(dtype)
    return X, T


def _reference_epoch(net, opt, X, T, order, batch_size):
    for start in range(0, len(order), batch_size):
        idx = order[start : start + batch_size]
        opt.step(net.weights, net._gradients(X[idx], T[idx]))


def _max_difference(a, b):
    return max(float(np.max(np.abs(x - y))) for x, y in zip(a.weights, b.weights))


def _networks(sizes, act, out, cost, dtype):
    """Two networks with the same weights in separate arrays (``Network.copy`` shares
    them: the comparison would then be of one set of weights with itself)."""
    net = Network(sizes, seed=3, dtype=dtype, activation=act, output_activation=out, cost=cost)
    twin = Network(sizes, seed=3, dtype=dtype, activation=act, output_activation=out, cost=cost)
    assert not any(np.shares_memory(W, V) for W, V in zip(net.weights, twin.weights))
    assert _max_difference(net, twin) == 0.0
    return net, twin


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("sizes, act, out, cost, batch_size, m", CASES)
def test_numpy_runner_equals_the_straightforward_loop(sizes, act, out, cost, batch_size, m, dtype):
    X, T = _data(sizes, m, dtype)
    ref, fast = _networks(sizes, act, out, cost, dtype)
    opt_ref = get_optimizer("sgd", learning_rate=0.4)
    opt_fast = get_optimizer("sgd", learning_rate=0.4)
    run = epoch_runner(fast, opt_fast, X, T, batch_size, use_numba=False)
    assert run.path == "numpy"
    rng = np.random.default_rng(1)
    for _ in range(3):  # three epochs, each in its own order
        order = rng.permutation(m)
        _reference_epoch(ref, opt_ref, X, T, order, batch_size)
        run(order)
    assert _max_difference(ref, fast) <= TOLERANCE[dtype]
    assert all(W.dtype == dtype for W in fast.weights)


class _HalfStep(Optimizer):
    """A non-plain optimiser: W ← W − γ/2 dC/dW, so the runner must call its step."""

    name = "half"

    def step(self, weights, change_matrices):
        for W, dW in zip(weights, change_matrices):
            W -= 0.5 * self.learning_rate * dW


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_other_optimizers_get_the_change_matrices(dtype):
    sizes, m, batch_size = [3, 5, 2], 17, 4
    X, T = _data(sizes, m, dtype)
    ref, fast = _networks(sizes, "sigmoid", None, "quadratic", dtype)
    run = epoch_runner(fast, _HalfStep(0.8), X, T, batch_size)
    order = np.random.default_rng(2).permutation(m)
    _reference_epoch(ref, _HalfStep(0.8), X, T, order, batch_size)
    run(order)
    assert run.path == "numpy"
    assert _max_difference(ref, fast) <= TOLERANCE[dtype]


def test_runner_follows_weights_replaced_between_epochs():
    sizes, m = [2, 3, 2], 8
    X, T = _data(sizes, m, np.float64)
    ref, fast = _networks(sizes, "sigmoid", None, "quadratic", np.float64)
    opt_ref, opt_fast = get_optimizer("sgd", learning_rate=0.5), get_optimizer("sgd", learning_rate=0.5)
    run = epoch_runner(fast, opt_fast, X, T, 3)
    order = np.arange(m)
    for net in (ref, fast):
        net.step(X[:2], T[:2], 0.5)  # Network.step puts new arrays in net.weights
    _reference_epoch(ref, opt_ref, X, T, order, 3)
    run(order)
    assert _max_difference(ref, fast) <= 1e-12


@pytest.mark.parametrize("batch_size", [1, 8, 32])
def test_no_allocations_per_step_for_the_notes_network(batch_size):
    import tracemalloc

    sizes, m = [40, 320, 30], 96  # one z^(1) of a batch of 8 is 20 KiB, dC/dW^(1) 105 KiB
    X, T = _data(sizes, m, np.float64)
    net = Network(sizes, seed=0)
    run = epoch_runner(net, get_optimizer("sgd", learning_rate=0.5), X, T, batch_size, use_numba=False)
    order = np.random.default_rng(0).permutation(m)
    run(order)
    tracemalloc.start()
    try:
        run(order)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Only Python's small objects (views, the epoch's indices as a list of ints: under
    # 64 bytes a sample), never a batch's array or a matrix.
    assert peak < 4096 + 64 * m


def test_bad_input_is_refused():
    net = Network([2, 2, 1], seed=0)
    opt = get_optimizer("sgd")
    X, T = np.zeros((4, 2)), np.zeros((4, 1))
    with pytest.raises(ValueError, match="batch size"):
        epoch_runner(net, opt, X, T, 0)
    with pytest.raises(ValueError, match=r"shape \(m, 2\)"):
        epoch_runner(net, opt, np.zeros((4, 3)), T, 1)
    with pytest.raises(ValueError, match="samples"):
        epoch_runner(net, opt, X, np.zeros((3, 1)), 1)
    run = epoch_runner(net, opt, X, T, 2)
    with pytest.raises(ValueError, match="sample indices"):
        run(np.array([0, 4]))
    too_big = epoch_runner(net, opt, X, T, 10)  # a batch of all 4 samples: fine
    too_big(np.arange(4))
    with pytest.raises(ValueError, match="at most 4"):
        too_big(np.arange(8) % 4)


# -- the compiled path, only where numba is installed ----------------------------------

NUMBA_CASES = [
    ([2, 2, 2], "quadratic", 1, 40),
    ([2, 3, 1], "quadratic", 1, 40),
    ([5, 9, 4, 3], "quadratic", 4, 41),
    ([20, 16, 10], "quadratic", 10, 95),
    ([6, 8, 3], "binary_cross_entropy", 3, 31),
]


def _compare_compiled(sizes, cost, batch_size, m, dtype, path):
    X, T = _data(sizes, m, dtype)
    plain, compiled = _networks(sizes, "sigmoid", None, cost, dtype)
    run_numpy = epoch_runner(plain, get_optimizer("sgd", learning_rate=0.5), X, T, batch_size, use_numba=False)
    run_compiled = epoch_runner(compiled, get_optimizer("sgd", learning_rate=0.5), X, T, batch_size, use_numba=True)
    assert run_compiled.path == path
    rng = np.random.default_rng(4)
    for _ in range(3):
        order = rng.permutation(m)
        run_numpy(order)
        run_compiled(order)
    assert _max_difference(plain, compiled) <= TOLERANCE[dtype]
    assert _max_difference(plain, Network(sizes, seed=3, dtype=dtype)) > 100 * TOLERANCE[dtype]  # it learned
    assert all(W.dtype == dtype and W.flags.c_contiguous for W in compiled.weights)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("sizes, cost, batch_size, m", NUMBA_CASES)
def test_compiled_loops_equal_the_numpy_runner(sizes, cost, batch_size, m, dtype, monkeypatch):
    pytest.importorskip("numba")
    from backprop import fast

    monkeypatch.setattr(fast, "LOOPS_LIMIT", 10**9)
    _compare_compiled(sizes, cost, batch_size, m, dtype, "numba")


BLAS_CASES = NUMBA_CASES + [
    ([5, 9, 7, 3], "quadratic", 24, 61),  # last batch of 13
    ([3, 2], "quadratic", 17, 40),  # one layer
    ([30, 40, 20, 5], "binary_cross_entropy", 32, 70),  # last batch of 6
]


@pytest.mark.parametrize("driver", ["whole epoch", "wide steps"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("sizes, cost, batch_size, m", BLAS_CASES)
def test_compiled_blas_equals_the_numpy_runner(sizes, cost, batch_size, m, dtype, driver, monkeypatch):
    """Both drivers of the BLAS path (the whole epoch compiled with the exponential
    per element; numpy's tanh/exp between compiled segments), float32 (tanh form) and
    float64 (exponential form), against the numpy runner over three epochs."""
    pytest.importorskip("numba")
    pytest.importorskip("scipy.linalg.cython_blas")
    from backprop import fast

    monkeypatch.setattr(fast, "LOOPS_LIMIT", 0)
    monkeypatch.setattr(fast, "WIDE_ACTIVATIONS", 10**9 if driver == "whole epoch" else 0)
    _compare_compiled(sizes, cost, batch_size, m, dtype, "numba+blas")


@pytest.mark.parametrize("driver", ["whole epoch", "wide steps"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_compiled_blas_keeps_nan_and_saturates_like_the_core(dtype, driver, monkeypatch):
    """A NaN weight must stay visible (the clip into (0, 1) must not turn NaN into a
    bound), and huge weights saturate σ to the core's bounds without warnings (e^(−z)
    overflows to inf in the exponential form)."""
    import warnings

    pytest.importorskip("numba")
    pytest.importorskip("scipy.linalg.cython_blas")
    from backprop import fast

    monkeypatch.setattr(fast, "LOOPS_LIMIT", 0)
    monkeypatch.setattr(fast, "WIDE_ACTIVATIONS", 10**9 if driver == "whole epoch" else 0)
    sizes, m = [4, 5, 3], 12
    X, T = _data(sizes, m, dtype)
    plain, compiled = _networks(sizes, "sigmoid", None, "quadratic", dtype)
    for net in (plain, compiled):
        net.weights[0][:] *= 1e4  # |z| in the thousands: σ = tiny or 1 − ε
    run_numpy = epoch_runner(plain, get_optimizer("sgd"), X, T, 4, use_numba=False)
    run_compiled = epoch_runner(compiled, get_optimizer("sgd"), X, T, 4, use_numba=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run_numpy(np.arange(m))
        run_compiled(np.arange(m))
    assert _max_difference(plain, compiled) <= TOLERANCE[dtype] * 1e4
    compiled.weights[1][0, 0] = np.nan
    run_compiled(np.arange(m))
    assert np.isnan(compiled.weights[1]).any()
    assert np.isnan(compiled.predict(X)).any()


def _nrt_counter():
    """numba's count of its runtime allocations (each array it makes counts one, as
    does each record it makes for an array passed in from Python)."""
    pytest.importorskip("numba")
    pytest.importorskip("scipy.linalg.cython_blas")
    nrt = pytest.importorskip("numba.core.runtime._nrt_python")
    if not hasattr(nrt, "memsys_enable_stats"):
        pytest.skip("this numba does not count its allocations")
    return nrt


def test_compiled_blas_epoch_allocates_nothing_per_step(monkeypatch):
    """The whole compiled epoch makes the same allocations (numba's records for the
    arrays passed in) for an epoch of 2 steps and one of 12: none per step."""
    nrt = _nrt_counter()
    from backprop import fast

    monkeypatch.setattr(fast, "LOOPS_LIMIT", 0)
    monkeypatch.setattr(fast, "WIDE_ACTIVATIONS", 10**9)
    sizes = [40, 32, 30]
    X, T = _data(sizes, 96, np.float64)
    run = epoch_runner(Network(sizes, seed=0), get_optimizer("sgd"), X, T, 8)
    assert run.path == "numba+blas" and run._wide is None
    was_enabled = nrt.memsys_stats_enabled()
    nrt.memsys_enable_stats()
    try:
        counts = []
        for m in (16, 96):  # 2 steps, then 12
            run(np.arange(m))
            before = nrt.memsys_get_stats_alloc()
            run(np.arange(m))
            counts.append(nrt.memsys_get_stats_alloc() - before)
    finally:
        if not was_enabled:
            nrt.memsys_disable_stats()
    assert counts[0] == counts[1]


def test_compiled_blas_wide_steps_allocate_no_array_per_step():
    """The wide steps' compiled segments, run 1 and 6 times from compiled code on the
    same arrays, make the same allocations (none of their own); their numpy calls
    (gathers into the buffers, tanh in place) allocate no array (tracemalloc)."""
    import tracemalloc

    import numba

    from backprop.fast import _blas

    nrt = _nrt_counter()
    sizes, r, dt = [40, 32, 30], 32, np.dtype(np.float64)
    X, T = _data(sizes, 96, dt)
    net = Network(sizes, seed=0)
    steps = _blas.WideSteps(sizes, r, dt)
    x, t_rows = steps._batch_inputs(0, r)
    x[:], t_rows[:] = X[:r], T[:r]
    zs, a_full = steps._layers(r)
    _, _, acts, deltas = steps.buffers
    Ws = tuple(net.weights)
    tiny, top = (dt.type(0.1), dt.type(0.9))

    @numba.njit
    def segments(k, Ws, x, z0, z1, a0, acts, deltas, t_rows, tiny, top, fn, ints, chars, scal):
        for _ in range(k):
            _blas._first_layer(Ws[0], x, z0, 0.5, fn, ints, chars, scal)
            _blas.finish_tanh(z0, tiny, top)
            _blas._next_layer(Ws[1], a0, z1, 0.5, fn, ints, chars, scal)
            _blas.finish_tanh(z1, tiny, top)
            _blas.deltas_and_upper_updates(Ws, acts, deltas, t_rows, 32, 1e-3, False, fn, ints, chars, scal)
            _blas.update_first(Ws[0], x, deltas, 32, fn, ints, chars, scal)

    args = (Ws, x, zs[0], zs[1], a_full[0], acts, deltas, t_rows, tiny, top, *steps.work)
    segments(1, *args)  # compile
    was_enabled = nrt.memsys_stats_enabled()
    nrt.memsys_enable_stats()
    try:
        counts = []
        for k in (1, 6):
            before = nrt.memsys_get_stats_alloc()
            segments(k, *args)
            counts.append(nrt.memsys_get_stats_alloc() - before)
    finally:
        if not was_enabled:
            nrt.memsys_disable_stats()
    assert counts[0] == counts[1]
    order = np.random.default_rng(0).permutation(96)
    steps.run(net.weights, X, T, order, r, 0.5, False)
    tracemalloc.start()
    try:
        steps.run(net.weights, X, T, order, r, 0.5, False)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4096  # Python's small objects only; one batch's x is 10 KiB, z^(1) 8 KiB


def test_compiled_paths_are_chosen_automatically_and_can_be_disabled(monkeypatch):
    pytest.importorskip("numba")
    from backprop import fast

    monkeypatch.delenv("BACKPROP_NO_NUMBA", raising=False)
    net = Network([2, 2, 2], seed=0)
    X, T = np.zeros((4, 2)), np.zeros((4, 2))
    assert epoch_runner(net, get_optimizer("sgd"), X, T, 1).path == "numba"
    # Not the supported configuration: numpy.
    assert epoch_runner(net, _HalfStep(), X, T, 1).path == "numpy"
    tanh_net = Network([2, 2, 2], seed=0, activation="tanh")
    assert epoch_runner(tanh_net, get_optimizer("sgd"), X, T, 1).path == "numpy"
    big = Network([30, 40, 10], seed=0)
    Xb, Tb = np.zeros((64, 30)), np.zeros((64, 10))
    if fast.blas_available():
        assert epoch_runner(big, get_optimizer("sgd"), Xb, Tb, 10).path == "numba+blas"
    monkeypatch.setattr(fast, "_scipy_blas", lambda: False)  # numba without scipy
    assert epoch_runner(big, get_optimizer("sgd"), Xb, Tb, 10).path == "numba"
    assert epoch_runner(big, get_optimizer("sgd"), Xb, Tb, 64).path == "numpy"
    assert epoch_runner(big, get_optimizer("sgd"), Xb, Tb, 64, use_numba=True).path == "numba"
    monkeypatch.setenv("BACKPROP_NO_NUMBA", "1")
    assert epoch_runner(net, get_optimizer("sgd"), X, T, 1).path == "numpy"
    assert epoch_runner(big, get_optimizer("sgd"), Xb, Tb, 10).path == "numpy"


def test_plain_sgd_holds_one_change_matrix_at_a_time():
    """Memory of an epoch for the note's network with plain SGD and a wide batch: the
    batch's buffers and one scratch the size of the largest W^(l), not every change
    matrix at once (each is applied as soon as it is computed, after all δ's)."""
    import tracemalloc

    sizes, m, r = [40, 320, 30], 96, 32
    X, T = _data(sizes, m, np.float64)
    net = Network(sizes, seed=0)
    opt = get_optimizer("sgd", learning_rate=0.5)
    order = np.random.default_rng(0).permutation(m)
    epoch_runner(Network(sizes, seed=0), opt, X, T, r, use_numba=False)(order)  # imports, caches
    tracemalloc.start()
    try:
        epoch_runner(net, opt, X, T, r, use_numba=False)(order)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    n0, n1, n2 = sizes
    batch = r * (n0 + 3 * n2 + (n1 + 1) + n2 + (n1 + n2) + n1)  # x, targets/δ rows, a's, δ's, scratch
    largest = n1 * (n0 + 1)
    all_changes = n1 * (n0 + 1) + n2 * (n1 + 1)
    bound = 8 * (batch + largest) + 16384
    # The bound tells the two apart: holding every change matrix would exceed it.
    assert bound < 8 * (batch + all_changes)
    assert peak < bound


def test_a_sigmoid_with_its_own_backward_takes_the_general_path():
    """The specialised loops hard-code σ' = a(1 − a); an Activation subclass that
    keeps the sigmoid but changes its backward must be run through its own methods."""
    from backprop.activations import Activation, sigmoid

    class Doubled(Activation):
        def backward(self, a, grad):
            return 2.0 * super().backward(a, grad)

    doubled = Doubled("doubled_sigmoid", sigmoid.function, sigmoid.derivative)
    sizes, m, batch_size = [3, 4, 2], 12, 4
    X, T = _data(sizes, m, np.float64)
    ref, fast = _networks(sizes, doubled, None, "quadratic", np.float64)
    run = epoch_runner(fast, get_optimizer("sgd", learning_rate=0.5), X, T, batch_size, use_numba=False)
    order = np.random.default_rng(5).permutation(m)
    _reference_epoch(ref, get_optimizer("sgd", learning_rate=0.5), X, T, order, batch_size)
    run(order)
    assert _max_difference(ref, fast) <= 1e-12
