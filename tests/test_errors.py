"""Bad input gives a ValueError that names what was expected, and changes nothing."""

import numpy as np
import pytest

from backprop import Network


@pytest.fixture
def net():
    return Network([2, 2, 2], seed=0)


def unchanged(net, before):
    return all(np.array_equal(a, b) for a, b in zip(net.weights, before))


@pytest.mark.parametrize(
    "sizes, message",
    [
        ([2], "at least an input and an output"),
        ([], "at least an input and an output"),
        ([2, 0, 2], "layer 1 size must be a positive integer"),
        ([2, -1], "layer 1 size must be a positive integer"),
        ([2, 2.5], "positive integer"),
        (["2", 2], "positive integer"),
        ([True, 2], "positive integer"),
        (5, "list of layer sizes"),
    ],
)
def test_bad_sizes(sizes, message):
    with pytest.raises(ValueError, match=message):
        Network(sizes)


@pytest.mark.parametrize(
    "call",
    [
        lambda n: n.predict([0.1, 0.2, 0.3]),
        lambda n: n.step([0.1, 0.2, 0.3], [0.1, 0.2]),
        lambda n: n.gradients(np.zeros((4, 3)), np.zeros((4, 2))),
    ],
)
def test_wrong_number_of_features(net, call):
    before = [W.copy() for W in net.weights]
    with pytest.raises(ValueError, match=r"input has 3 features, the network expects 2 \(sizes \[2, 2, 2\]\)"):
        call(net)
    assert unchanged(net, before)


def test_wrong_number_of_targets(net):
    before = [W.copy() for W in net.weights]
    with pytest.raises(ValueError, match=r"target has 1 values, the network expects 2"):
        net.step([0.1, 0.2], [0.3])
    assert unchanged(net, before)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_values(net, bad):
    before = [W.copy() for W in net.weights]
    with pytest.raises(ValueError, match="every value must be finite"):
        net.step([0.1, bad], [0.3, 0.4])
    with pytest.raises(ValueError, match="target contains"):
        net.step([0.1, 0.2], [bad, 0.4])
    with pytest.raises(ValueError, match=r"sample 1, column 0"):
        net.fit([[0.1, 0.2], [bad, 0.1]], [[0.3, 0.4], [0.3, 0.4]], epochs=1)
    assert unchanged(net, before)


def test_empty_batch(net):
    with pytest.raises(ValueError, match="empty batch"):
        net.predict(np.zeros((0, 2)))
    with pytest.raises(ValueError, match="empty batch"):
        net.fit(np.zeros((0, 2)), np.zeros((0, 2)), epochs=1)


def test_mismatched_sample_counts(net):
    with pytest.raises(ValueError, match="input has 3 samples but target has 2"):
        net.step(np.zeros((3, 2)), np.zeros((2, 2)))


def test_wrong_dimensions_and_non_numbers(net):
    with pytest.raises(ValueError, match=r"shape \(2,\) or a batch of shape \(m, 2\)"):
        net.predict(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="must be numbers"):
        net.predict(["a", "b"])


@pytest.mark.parametrize(
    "weights, message",
    [
        ([np.zeros((2, 3)), np.zeros((2, 4))], r"W\^\(2\) has shape \(2, 4\), but W\^\(1\) has 2 rows"),
        ([np.zeros(3)], r"W\^\(1\) must be a matrix of shape"),
        ([np.zeros((2, 1))], r"W\^\(1\) must be a matrix"),
        ([], "at least one matrix"),
        ([np.array([[0.0, np.nan]])], "not finite"),
    ],
)
def test_bad_weights(weights, message):
    with pytest.raises(ValueError, match=message):
        Network.from_weights(weights)


@pytest.mark.parametrize("rate", [0, -0.5, np.nan, "fast"])
def test_bad_learning_rate(net, rate):
    before = [W.copy() for W in net.weights]
    with pytest.raises(ValueError, match="learning rate must be a positive"):
        net.step([0.1, 0.2], [0.3, 0.4], learning_rate=rate)
    assert unchanged(net, before)


def test_bad_training_settings(net):
    X, T = np.zeros((4, 2)), np.zeros((4, 2))
    with pytest.raises(ValueError, match="epochs must be a positive integer"):
        net.fit(X, T, epochs=0)
    with pytest.raises(ValueError, match="batch size must be a positive integer"):
        net.fit(X, T, epochs=1, batch_size=0)


def test_unknown_names():
    with pytest.raises(ValueError, match="unknown activation 'sigmod'; expected one of sigmoid"):
        Network([2, 2], activation="sigmod")
    with pytest.raises(ValueError, match="unknown cost"):
        Network([2, 2], cost="hinge")
    with pytest.raises(ValueError, match="output layer only"):
        Network([2, 3, 2], activation="softmax")


def test_bad_dtype():
    with pytest.raises(ValueError, match="float32 or float64"):
        Network([2, 2], dtype=np.int32)


@pytest.mark.parametrize("cost", ["binary_cross_entropy", "cross_entropy"])
@pytest.mark.parametrize("output", ["tanh", "identity", "relu", "leaky_relu"])
def test_cross_entropy_needs_probabilities_as_outputs(cost, output):
    with pytest.raises(ValueError, match=rf"cost '{cost}' takes logarithms.*not '{output}'"):
        Network([2, 3, 2], seed=0, output_activation=output, cost=cost)


@pytest.mark.parametrize(
    "cost, output", [("cross_entropy", "softmax"), ("binary_cross_entropy", "sigmoid")]
)
def test_a_cross_entropy_cost_picks_its_own_output_activation_when_none_is_given(cost, output):
    net = Network([2, 3, 2], seed=0, activation="relu", cost=cost)
    assert [f.name for f in net.activations] == ["relu", output]
    # Sigmoid hidden layers already give probabilities: the output keeps sigmoid.
    assert Network([2, 3, 2], seed=0, cost=cost).activations[-1].name == "sigmoid"


def test_an_input_too_large_for_float32_is_refused_not_turned_into_inf():
    net = Network([2, 2, 2], seed=0, dtype=np.float32)
    with pytest.raises(ValueError, match=r"input contains inf at feature 1"):
        net.predict([0.5, 1e300])


def test_float32_data_for_a_float32_network_is_not_copied():
    net = Network([2, 2, 2], seed=0, dtype=np.float32)
    X = np.ones((4, 2), dtype=np.float32)
    assert net._batch(X, "input")[0] is X
