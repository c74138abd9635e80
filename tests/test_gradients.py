"""The change matrices against central differences, batches against single samples."""

import numpy as np
import pytest

from backprop import Network
from conftest import central_differences

SHAPES = [
    [1, 1],
    [3, 5, 2],
    [4, 3, 3, 2],
    [2, 4, 3, 5, 3, 2],  # deeper than 4 layers
    [5, 120, 3],  # wider than 100 neurons
    [6, 7, 1],
]


def relative_error(a, b):
    """‖a − b‖ / max(‖a‖, ‖b‖), per change matrix: the usual gradient-check measure,
    which does not blow up on entries that are zero up to rounding."""
    return np.linalg.norm(a - b) / max(np.linalg.norm(a), np.linalg.norm(b), 1e-300)


@pytest.mark.parametrize("sizes", SHAPES, ids=str)
def test_change_matrices_match_central_differences(sizes):
    rng = np.random.default_rng(sum(sizes))
    net = Network(sizes, seed=len(sizes))
    x = rng.uniform(-1, 1, size=(3, sizes[0]))
    t = rng.uniform(0, 1, size=(3, sizes[-1]))
    analytic = net.gradients(x, t)
    numeric = central_differences(net, x, t)
    for l, (g, n) in enumerate(zip(analytic, numeric), start=1):
        assert g.shape == net.weights[l - 1].shape
        assert relative_error(g, n) < 1e-6, f"dC/dW^({l})"


def test_central_difference_check_can_fail():
    # A wrong gradient (the bias column zeroed) must be caught by the same check.
    net = Network([2, 3, 2], seed=0)
    x, t = np.array([[0.3, -0.2]]), np.array([[0.1, 0.9]])
    wrong = net.gradients(x, t)[0].copy()
    wrong[:, -1] = 0
    assert relative_error(wrong, central_differences(net, x, t)[0]) > 1e-3


@pytest.mark.parametrize("sizes", [[2, 2, 2], [4, 6, 5, 3]], ids=str)
def test_batch_gradient_is_mean_of_per_sample_gradients(sizes):
    rng = np.random.default_rng(7)
    net = Network(sizes, seed=3)
    X = rng.normal(size=(9, sizes[0]))
    T = rng.uniform(size=(9, sizes[-1]))
    batch = net.gradients(X, T)
    singles = [net.gradients(x, t) for x, t in zip(X, T)]
    for l in range(net.L):
        mean = np.mean([g[l] for g in singles], axis=0)
        np.testing.assert_allclose(batch[l], mean, rtol=0, atol=1e-12)
    assert net.cost(X, T) == pytest.approx(np.mean([net.cost(x, t) for x, t in zip(X, T)]), abs=1e-12)


def test_step_uses_the_weights_before_the_step_for_every_layer():
    rng = np.random.default_rng(1)
    net = Network([3, 4, 4, 2], seed=5)
    X, T = rng.normal(size=(5, 3)), rng.uniform(size=(5, 2))
    before = [W.copy() for W in net.weights]
    changes = net.gradients(X, T)
    cost = net.cost(X, T)
    assert net.step(X, T, learning_rate=0.3) == cost
    for W_after, W_before, dW in zip(net.weights, before, changes):
        np.testing.assert_array_equal(W_after, W_before - 0.3 * dW)
    # Updating layer by layer, each from already-changed weights, gives other numbers:
    # the test above would notice if the step did that.
    sequential = Network.from_weights(before)
    for l in reversed(range(sequential.L)):
        sequential.weights[l] = sequential.weights[l] - 0.3 * sequential.gradients(X, T)[l]
    assert not np.allclose(sequential.weights[0], net.weights[0], rtol=0, atol=1e-15)


def test_single_sample_and_batch_of_one_agree():
    net = Network([3, 2, 2], seed=2)
    x, t = np.array([0.2, 0.5, -0.1]), np.array([0.3, 0.6])
    a_single = net.forward(x)
    a_batch = net.forward(x[None, :])
    assert [a.ndim for a in a_single] == [1, 1, 1]
    for s, b in zip(a_single, a_batch):
        np.testing.assert_array_equal(s, b[0])
    for g1, g2 in zip(net.gradients(x, t), net.gradients(x[None], t[None])):
        np.testing.assert_array_equal(g1, g2)
