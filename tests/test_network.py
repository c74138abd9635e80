"""Construction, seeds, dtypes and the sigmoid's range."""

import warnings

import numpy as np

from backprop import Network
from backprop.activations import sigmoid, sigmoid_bounds


def test_sigmoid_value_and_range():
    assert sigmoid(np.array([0.0]))[0] == 0.5
    z = np.array([-1e4, -745.0, -40.0, -1.0, 1.0, 40.0, 745.0, 1e4])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for dtype in (np.float64, np.float32):
            a = sigmoid(z.astype(dtype))
            assert a.dtype == dtype
            assert np.all((a > 0) & (a < 1))
            assert np.all(a * (1 - a) > 0)
    np.testing.assert_allclose(sigmoid(np.array([-2.0, 2.0])), 1 / (1 + np.exp([2.0, -2.0])), atol=1e-16)
    for dtype in (np.float64, np.float32):  # saturated: exactly the bounds every path clips to
        tiny, top = sigmoid_bounds(dtype)
        assert tiny.dtype == dtype and 0 < tiny < top < 1 and np.nextafter(top, dtype(2)) == 1
        assert list(sigmoid(np.array([-1e4, 1e4], dtype))) == [tiny, top]


def test_network_outputs_stay_inside_zero_one_for_huge_sums():
    net = Network.from_weights([np.array([[1e4, 0.0], [-1e4, 0.0]])])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = net.predict([1.0])
        net.step([1.0], [0.5, 0.5])
    assert np.all((a > 0) & (a < 1))


def test_same_seed_same_weights_on_any_machine():
    a, b = Network([3, 4, 2], seed=42), Network([3, 4, 2], seed=42)
    for Wa, Wb in zip(a.weights, b.weights):
        np.testing.assert_array_equal(Wa, Wb)
    assert not np.array_equal(Network([3, 4, 2], seed=43).weights[0], a.weights[0])
    # PCG64 with a fixed seed is the same stream everywhere: pin the first numbers.
    W1 = Network([2, 2, 2], seed=0).weights[0]
    expected = np.random.default_rng(0).uniform(-0.5, 0.5, size=(2, 3))
    np.testing.assert_array_equal(W1, expected)
    np.testing.assert_allclose(W1[0, 0], 0.1369616873214543, rtol=0, atol=1e-15)


def test_shapes_follow_the_note_layout():
    net = Network([4, 3, 2], seed=0)
    assert net.sizes == [4, 3, 2]
    assert net.L == 2
    assert [W.shape for W in net.weights] == [(3, 5), (2, 4)]


def test_float32_on_request():
    net = Network([3, 4, 2], seed=1, dtype=np.float32)
    assert all(W.dtype == np.float32 for W in net.weights)
    x = np.array([0.1, 0.2, 0.3])
    assert net.predict(x).dtype == np.float32
    assert all(g.dtype == np.float32 for g in net.gradients(x, [0.5, 0.5]))
    net64 = Network([3, 4, 2], seed=1)
    np.testing.assert_allclose(net.predict(x), net64.predict(x), atol=1e-6)


def test_from_weights_copies_and_infers_dtype():
    W1 = np.zeros((2, 3), dtype=np.float32)
    W2 = np.zeros((1, 3), dtype=np.float32)
    net = Network.from_weights([W1, W2])
    assert net.dtype == np.float32 and net.sizes == [2, 2, 1]
    W1[0, 0] = 5
    assert net.weights[0][0, 0] == 0


def test_fit_learns_and_returns_history():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    T = np.array([[0], [1], [1], [0]], dtype=float)
    net = Network([2, 3, 1], seed=3)
    history = net.fit(X, T, epochs=3000, learning_rate=2.0, batch_size=4, seed=0)
    assert len(history.cost) == 3000
    assert history.cost[-1] < history.cost[0]
    assert np.all(np.abs(net.predict(X) - T) < 0.2)


def test_fit_is_reproducible_with_a_seed():
    X = np.random.default_rng(0).normal(size=(20, 3))
    T = np.random.default_rng(1).uniform(size=(20, 2))
    runs = []
    for _ in range(2):
        net = Network([3, 4, 2], seed=9)
        net.fit(X, T, epochs=5, batch_size=3, seed=11)
        runs.append(net.weights)
    for a, b in zip(*runs):
        np.testing.assert_array_equal(a, b)


def test_per_sample_fit_equals_repeated_steps_without_shuffle():
    X = np.array([[0.1, 0.9], [0.5, 0.2]])
    T = np.array([[0.3, 0.4], [0.6, 0.1]])
    a, b = Network([2, 2, 2], seed=4), Network([2, 2, 2], seed=4)
    a.fit(X, T, epochs=2, batch_size=1, shuffle=False)
    for _ in range(2):
        for x, t in zip(X, T):
            b.step(x, t)
    for Wa, Wb in zip(a.weights, b.weights):
        np.testing.assert_allclose(Wa, Wb, rtol=0, atol=1e-15)


def test_repr_names_the_network():
    assert repr(Network([2, 2, 2])) == (
        "Network(sizes=[2, 2, 2], activation=sigmoid, cost=quadratic, dtype=float64)"
    )


def test_from_weights_and_copy_never_share_arrays():
    W = [np.array([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]), np.array([[0.7, 0.8, 0.9]])]
    net = Network.from_weights(W)
    twin = net.copy()
    for a, b, c in zip(W, net.weights, twin.weights):
        assert not np.shares_memory(a, b) and not np.shares_memory(b, c)
    twin.step([0.1, 0.9], [0.3])
    np.testing.assert_array_equal(net.weights[1], W[1])  # the original is untouched
    assert not np.array_equal(twin.weights[1], W[1])
