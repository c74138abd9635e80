"""backprop.interop and PyTorch: backprop → torch.nn.Sequential → backprop, same outputs."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
nn = torch.nn

from backprop import Network  # noqa: E402
from backprop.interop import from_torch, to_torch  # noqa: E402

HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu", "identity"]
OUTPUT = HIDDEN + ["softmax"]
# float32: 1e-6 as the issue asks; float64: 1e-12.
TOLERANCE = {np.float32: 1e-6, np.float64: 1e-12}


def random_inputs(dtype, n=3, m=64):
    return np.random.default_rng(7).normal(scale=2.0, size=(m, n)).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("output", OUTPUT)
@pytest.mark.parametrize("hidden", HIDDEN)
def test_round_trip_through_pytorch(hidden, output, dtype):
    net = Network([3, 5, 4, 2], seed=0, dtype=dtype, activation=hidden, output_activation=output)
    X = random_inputs(dtype)
    module = to_torch(net)
    assert len(module) == 6 and isinstance(module[0], nn.Linear)
    with torch.no_grad():
        y = module(torch.from_numpy(X)).numpy()
    assert y.dtype == dtype
    np.testing.assert_allclose(y, net.predict(X), rtol=0, atol=TOLERANCE[dtype])
    back = from_torch(module)
    assert back.dtype == dtype and back.sizes == net.sizes
    assert [f.name for f in back.activations] == [f.name for f in net.activations]
    for W, W_back in zip(net.weights, back.weights):
        np.testing.assert_array_equal(W, W_back)
    np.testing.assert_allclose(back.predict(X), y, rtol=0, atol=TOLERANCE[dtype])


def test_layout_weight_and_bias_are_the_notes_columns():
    import backprop

    net = Network.from_weights(backprop.NOTE.weights)
    module = to_torch(net)
    np.testing.assert_array_equal(module[0].weight.detach().numpy(), [[0.1, 0.2], [0.4, 0.5]])
    np.testing.assert_array_equal(module[0].bias.detach().numpy(), [0.3, 0.6])
    x = torch.tensor([0.1, 0.9], dtype=torch.float64)
    np.testing.assert_allclose(module(x).detach().numpy(), [0.873557, 0.625202], atol=1e-6)


def test_from_a_hand_written_sequential_then_train():
    torch.manual_seed(0)
    module = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 1, bias=False))
    net = from_torch(module)
    assert net.dtype == np.float32 and net.sizes == [2, 8, 8, 1]
    assert net.activations[-1].name == "identity" and net.cost_function.name == "quadratic"
    np.testing.assert_array_equal(net.weights[-1][:, -1], 0.0)  # no bias → bias 0
    X = random_inputs(np.float32, n=2)
    with torch.no_grad():
        np.testing.assert_allclose(net.predict(X), module(torch.from_numpy(X)).numpy(), atol=1e-6)
    # a network trained elsewhere, trained on here
    T = np.sin(X[:, :1])
    before = net.cost(X, T)
    net.fit(X, T, epochs=5, learning_rate=0.05, batch_size=8, seed=0)
    assert net.cost(X, T) < before


def test_softmax_output_defaults_to_cross_entropy():
    module = nn.Sequential(nn.Linear(4, 3), nn.Softmax(dim=-1))
    assert from_torch(module).cost_function.name == "cross_entropy"
    assert from_torch(module, cost="quadratic").cost_function.name == "quadratic"


@pytest.mark.parametrize(
    "layers, message",
    [
        (lambda: [nn.Linear(2, 3), nn.ReLU(), nn.Dropout(0.5), nn.Linear(3, 1)], r"layer 2 \(Dropout\) is not supported"),
        (lambda: [nn.Linear(2, 3), nn.GELU(), nn.Linear(3, 1)], r"layer 1 \(GELU\) is not supported"),
        (lambda: [nn.Linear(2, 3), nn.LeakyReLU(0.2), nn.Linear(3, 1)], r"layer 1 \(LeakyReLU\) has negative_slope 0.2"),
        (lambda: [nn.Linear(2, 3), nn.ReLU(), nn.Sigmoid()], r"layer 2 \(Sigmoid\) must follow a Linear"),
        (lambda: [nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 3), nn.Tanh(), nn.Linear(3, 1)], r"layer 3 .* uses 'tanh' but layer 1 uses 'relu'"),
        (lambda: [nn.Linear(2, 3), nn.Linear(4, 1)], r"W\^\(2\) has shape"),
    ],
)
def test_unsupported_layers_are_named(layers, message):
    with pytest.raises(ValueError, match=message):
        from_torch(nn.Sequential(*layers()))


def test_only_a_sequential():
    with pytest.raises(ValueError, match="torch.nn.Sequential.*got Linear"):
        from_torch(nn.Linear(2, 2))


def test_trained_in_pytorch_then_trained_on_with_backprop():
    # Start from a network PyTorch trained (float64, softmax + cross-entropy), go on with backprop.
    torch.manual_seed(1)
    rng = np.random.default_rng(2)
    X = rng.normal(size=(90, 2))
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0).astype(int)  # three classes
    module = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 3)).double()
    optimizer = torch.optim.SGD(module.parameters(), lr=0.5)
    for _ in range(20):
        optimizer.zero_grad()
        nn.functional.cross_entropy(module(torch.from_numpy(X)), torch.from_numpy(y)).backward()
        optimizer.step()
    net = from_torch(nn.Sequential(*module, nn.Softmax(dim=-1)))
    assert net.dtype == np.float64 and net.cost_function.name == "cross_entropy"
    with torch.no_grad():
        torch_proba = torch.softmax(module(torch.from_numpy(X)), dim=-1).numpy()
    np.testing.assert_allclose(net.predict(X), torch_proba, rtol=0, atol=1e-12)
    T = np.eye(3)[y]
    # the same cost as PyTorch's cross-entropy, then lower after training on here
    with torch.no_grad():
        torch_cost = float(nn.functional.cross_entropy(module(torch.from_numpy(X)), torch.from_numpy(y)))
    assert net.cost(X, T) == pytest.approx(torch_cost, rel=1e-10)
    net.fit(X, T, epochs=20, learning_rate=0.5, batch_size=10, seed=0)
    assert net.cost(X, T) < torch_cost


def test_a_scaler_of_another_width_is_refused():
    from backprop.preprocessing import get_scaler

    scaler = get_scaler("standard").fit(np.arange(6.0).reshape(2, 3))
    with pytest.raises(ValueError, match="the scaler has 3 features, the network expects 2"):
        to_torch(Network([2, 2, 1]), scaler=scaler)
