"""Every activation × cost combination that makes sense, against central differences.

Combinations checked: each hidden activation (sigmoid, tanh, relu, leaky_relu,
identity) × each output pair

- quadratic cost with any output activation (sigmoid, tanh, relu, leaky_relu,
  identity, softmax): C = ½ Σ (a − T)² is defined for any real outputs;
- binary cross-entropy with a sigmoid output (δ^(L) = a^(L) − T);
- categorical cross-entropy with a softmax output (δ^(L) = a^(L) − T).

Excluded, and why:

- softmax as a hidden activation: it is output-only (``Network`` refuses it);
- binary cross-entropy with tanh, relu, leaky_relu or identity outputs: ln a and
  ln(1 − a) need 0 < a < 1, which those outputs do not keep;
- binary cross-entropy with softmax, and cross-entropy with sigmoid or any other
  output: cross-entropy −Σ T ln a is a cost only when the outputs are a probability
  distribution (softmax); BCE treats each output as its own probability, which a
  softmax row (coupled to sum to 1) is not meant to be.

Shapes are drawn from seeded generators (one to three hidden layers, and none); all
in float64; relative error ‖analytic − numeric‖ / max(‖·‖) < 1e-6 per change matrix.
"""

import numpy as np
import pytest

from backprop import Network
from backprop.activations import ACTIVATIONS, get_activation
from backprop.core import output_delta
from backprop.costs import get_cost
from backprop.initializers import INITIALIZERS, get_initializer, initial_weights
from conftest import central_differences

HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu", "identity"]
OUTPUT_COST = [(f, "quadratic") for f in ["sigmoid", "tanh", "relu", "leaky_relu", "identity", "softmax"]] + [
    ("sigmoid", "binary_cross_entropy"),
    ("softmax", "cross_entropy"),
]
EPS = 1e-4  # central-difference step, as in conftest


def test_the_lists_cover_every_registered_activation():
    assert set(HIDDEN) | {"softmax"} == set(ACTIVATIONS.names())
    assert [n for n in ACTIVATIONS.names() if get_activation(n).output_only] == ["softmax"]


def relative_error(a, b):
    return np.linalg.norm(a - b) / max(np.linalg.norm(a), np.linalg.norm(b), 1e-300)


def random_shape(rng):
    depth = rng.integers(0, 4)  # hidden layers
    return [int(n) for n in rng.integers(1, 6, size=depth + 2)]


def targets(rng, cost, m, n):
    if cost == "cross_entropy":
        return np.eye(n)[rng.integers(0, n, size=m)]  # one-hot rows
    if cost == "binary_cross_entropy":
        return rng.integers(0, 2, size=(m, n)).astype(float)
    return rng.uniform(0, 1, size=(m, n))


def away_from_kinks(net, X):
    """True if no weighted sum z is within 10 ε of 0, where relu's slope jumps."""
    from backprop import core

    sums, _ = core.forward(net.weights, X, net.activations)
    return all(np.min(np.abs(z)) > 10 * EPS for z in sums)


def network_and_data(seed, hidden, output, cost):
    """A seeded random network and batch, redrawn until no z sits on a relu kink and
    no change matrix is zero."""
    rng = np.random.default_rng(seed)
    for _ in range(100):
        sizes = random_shape(rng)
        if output == "softmax" and sizes[-1] == 1:
            sizes[-1] = 3  # a softmax of one output is constantly 1
        net = Network(
            sizes,
            seed=int(rng.integers(2**31)),
            activation=hidden,
            output_activation=output,
            cost=cost,
            initializer="xavier",
        )
        for W in net.weights:  # nonzero biases, so the bias column is checked too
            W[:, -1] = rng.normal(scale=0.5, size=W.shape[0])
        m = int(rng.integers(1, 5))
        X = rng.normal(size=(m, sizes[0]))
        T = targets(rng, cost, m, sizes[-1])
        # Dead relu units can zero a whole change matrix, which would check nothing.
        if away_from_kinks(net, X) and all(np.any(g != 0) for g in net.gradients(X, T)):
            return net, X, T
    raise AssertionError("no draw without a relu kink or a zero change matrix")  # pragma: no cover


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("output, cost", OUTPUT_COST, ids=[f"{o}-{c}" for o, c in OUTPUT_COST])
@pytest.mark.parametrize("hidden", HIDDEN)
def test_change_matrices_match_central_differences(hidden, output, cost, seed):
    net, X, T = network_and_data(1000 * seed + 7 * HIDDEN.index(hidden) + OUTPUT_COST.index((output, cost)), hidden, output, cost)
    assert net.weights[0].dtype == np.float64
    analytic = net.gradients(X, T)
    numeric = central_differences(net, X, T, eps=EPS)
    for l, (g, n) in enumerate(zip(analytic, numeric), start=1):
        assert relative_error(g, n) < 1e-6, f"dC/dW^({l}) for sizes {net.sizes}"


@pytest.mark.parametrize("output, cost", [("softmax", "cross_entropy"), ("sigmoid", "binary_cross_entropy")])
def test_matching_pairs_give_delta_a_minus_t_exactly(output, cost):
    rng = np.random.default_rng(5)
    net = Network([4, 6, 3], seed=1, activation="relu", output_activation=output, cost=cost)
    X = rng.normal(size=(7, 4))
    T = targets(rng, cost, 7, 3)
    result = net.backpropagate(X, T)
    a_L = result.a[-1]
    # The combined δ^(L) = a^(L) − T, bit for bit.
    np.testing.assert_array_equal(result.deltas[-1], a_L - T)
    np.testing.assert_array_equal(output_delta(a_L, T, get_activation(output), get_cost(cost)), a_L - T)
    # It is the chain rule dC/da^(L) through f'(z^(L)), with the factors cancelled.
    f, C = get_activation(output), get_cost(cost)
    chained = f.backward(a_L, C.derivative(a_L, T))
    np.testing.assert_allclose(chained, a_L - T, rtol=0, atol=1e-12)


def test_softmax_cross_entropy_hand_example():
    # z = (0, ln 2, ln 3): softmax = (1/6, 2/6, 3/6); T = (0, 1, 0) → δ = (1/6, −4/6, 3/6).
    net = Network.from_weights(
        [np.array([[0.0, 0.0], [0.0, np.log(2)], [0.0, np.log(3)]])],
        output_activation="softmax",
        cost="cross_entropy",
    )
    result = net.backpropagate([[1.0]], [[0.0, 1.0, 0.0]])
    np.testing.assert_allclose(result.a[-1][0], [1 / 6, 2 / 6, 3 / 6], rtol=1e-15)
    np.testing.assert_allclose(result.deltas[-1][0], [1 / 6, -4 / 6, 3 / 6], rtol=1e-14)
    assert result.cost == pytest.approx(np.log(3), rel=1e-15)  # −ln(2/6)


# -- initialisers ----------------------------------------------------------------------

N_OUT, N_IN = 300, 500  # 150 000 weights: the sample variance is within ~0.4 % (1σ)


@pytest.mark.parametrize("name", INITIALIZERS.names())
def test_initializers_are_seeded(name):
    a = initial_weights([5, 7, 3], name, seed=11)
    b = initial_weights([5, 7, 3], name, seed=11)
    c = initial_weights([5, 7, 3], name, seed=12)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(a[0], c[0])
    assert [W.shape for W in a] == [(7, 6), (3, 8)]
    # Networks built with the same seed get the same weights.
    n1, n2 = Network([5, 7, 3], seed=3, initializer=name), Network([5, 7, 3], seed=3, initializer=name)
    for x, y in zip(n1.weights, n2.weights):
        np.testing.assert_array_equal(x, y)


def test_uniform_initializer_bounds_and_variance():
    W = get_initializer("uniform")(N_OUT, N_IN, np.random.default_rng(0))
    assert W.shape == (N_OUT, N_IN + 1)
    assert W.min() >= -0.5 and W.max() < 0.5
    assert W.min() < -0.49 and W.max() > 0.49
    # U(−0.5, 0.5): mean 0, variance 1/12; the biases are drawn the same way.
    assert abs(W.mean()) < 0.005
    assert W.var() == pytest.approx(1 / 12, rel=0.02)
    assert np.any(W[:, -1] != 0)


def test_xavier_initializer_bounds_and_variance():
    W = get_initializer("xavier")(N_OUT, N_IN, np.random.default_rng(1))
    r = np.sqrt(6 / (N_IN + N_OUT))
    weights = W[:, :-1]
    assert np.all(W[:, -1] == 0)  # biases start at zero
    assert weights.min() >= -r and weights.max() <= r
    assert weights.min() < -0.99 * r and weights.max() > 0.99 * r
    assert abs(weights.mean()) < 0.01 * r
    # U(−r, r) has variance r²/3 = 2 / (n_in + n_out).
    assert weights.var() == pytest.approx(2 / (N_IN + N_OUT), rel=0.02)


def test_he_initializer_variance():
    W = get_initializer("he")(N_OUT, N_IN, np.random.default_rng(2))
    weights = W[:, :-1]
    assert np.all(W[:, -1] == 0)
    std = np.sqrt(2 / N_IN)
    assert abs(weights.mean()) < 0.02 * std
    assert weights.var() == pytest.approx(2 / N_IN, rel=0.02)  # N(0, 2 / n_in)
    # Normal, not uniform: about 4.55 % of draws lie beyond 2σ.
    assert np.mean(np.abs(weights) > 2 * std) == pytest.approx(0.0455, abs=0.005)
