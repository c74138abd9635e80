"""backprop.interop and ONNX: backprop → ONNX → onnxruntime (same outputs) → backprop."""

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

from backprop import Network  # noqa: E402
from backprop.interop import from_onnx, to_onnx  # noqa: E402

HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu", "identity"]
OUTPUT = HIDDEN + ["softmax"]
TOLERANCE = {np.float32: 1e-6, np.float64: 1e-12}


def run(path, X):
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(["output"], {"input": X})[0]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("output", OUTPUT)
@pytest.mark.parametrize("hidden", HIDDEN)
def test_round_trip_through_onnxruntime(tmp_path, hidden, output, dtype):
    net = Network([3, 5, 4, 2], seed=0, dtype=dtype, activation=hidden, output_activation=output)
    X = np.random.default_rng(7).normal(scale=2.0, size=(64, 3)).astype(dtype)
    path = tmp_path / "net.onnx"
    to_onnx(net, path)
    y = run(path, X)
    assert y.dtype == dtype
    np.testing.assert_allclose(y, net.predict(X), rtol=0, atol=TOLERANCE[dtype])
    back = from_onnx(path)
    assert back.dtype == dtype and back.sizes == net.sizes
    assert [f.name for f in back.activations] == [f.name for f in net.activations]
    assert back.cost_function.name == net.cost_function.name
    for W, W_back in zip(net.weights, back.weights):
        np.testing.assert_array_equal(W, W_back)


def test_the_graph_is_gemm_and_activation_nodes():
    import backprop

    model = to_onnx(Network.from_weights(backprop.NOTE.weights))
    assert [n.op_type for n in model.graph.node] == ["Gemm", "Sigmoid", "Gemm", "Sigmoid"]
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    out = session.run(None, {"input": np.array([[0.1, 0.9]])})[0]
    np.testing.assert_allclose(out[0], [0.873557, 0.625202], atol=1e-6)


def test_matmul_add_graphs_as_other_exporters_write_them():
    helper, numpy_helper, TP = onnx.helper, onnx.numpy_helper, onnx.TensorProto
    rng = np.random.default_rng(0)
    W1, b1, W2 = rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=(4, 2))
    nodes = [
        helper.make_node("MatMul", ["x", "W1"], ["h"]),
        helper.make_node("Add", ["h", "b1"], ["z"]),
        helper.make_node("Relu", ["z"], ["a"]),
        helper.make_node("MatMul", ["a", "W2"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes,
        "mlp",
        [helper.make_tensor_value_info("x", TP.DOUBLE, ["n", 3])],
        [helper.make_tensor_value_info("y", TP.DOUBLE, ["n", 2])],
        initializer=[numpy_helper.from_array(a, name) for a, name in [(W1, "W1"), (b1, "b1"), (W2, "W2")]],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    net = from_onnx(model)
    assert net.sizes == [3, 4, 2] and net.activations[0].name == "relu" and net.activations[1].name == "identity"
    X = rng.normal(size=(10, 3))
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    np.testing.assert_allclose(net.predict(X), session.run(None, {"x": X})[0], atol=1e-12)


def test_unsupported_node_is_named():
    helper, numpy_helper, TP = onnx.helper, onnx.numpy_helper, onnx.TensorProto
    nodes = [
        helper.make_node("Gemm", ["x", "W", "b"], ["z"], transB=1),
        helper.make_node("Elu", ["z"], ["y"], name="elu1"),
    ]
    graph = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info("x", TP.FLOAT, ["n", 2])],
        [helper.make_tensor_value_info("y", TP.FLOAT, ["n", 2])],
        initializer=[
            numpy_helper.from_array(np.eye(2, dtype=np.float32), "W"),
            numpy_helper.from_array(np.zeros(2, dtype=np.float32), "b"),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    with pytest.raises(ValueError, match=r"node 1 \(Elu 'elu1'\) is not supported"):
        from_onnx(model)


def test_start_from_an_onnx_network_then_train_and_export_again(tmp_path):
    # A network trained elsewhere (float32, as most exporters write), imported as the
    # initial weights, trained on with the note's backpropagation, then run again in onnxruntime.
    rng = np.random.default_rng(3)
    source = Network([2, 6, 1], seed=5, dtype=np.float32, activation="tanh", output_activation="sigmoid")
    to_onnx(source, tmp_path / "elsewhere.onnx")
    net = from_onnx(tmp_path / "elsewhere.onnx")
    assert net.dtype == np.float32 and net.cost_function.name == "quadratic"
    X = rng.normal(size=(80, 2)).astype(np.float32)
    T = (X[:, :1] * X[:, 1:] > 0).astype(np.float32)
    np.testing.assert_allclose(net.predict(X), run(tmp_path / "elsewhere.onnx", X), atol=1e-6)
    before = net.cost(X, T)
    net.fit(X, T, epochs=30, learning_rate=0.5, batch_size=8, seed=0)
    assert net.cost(X, T) < before
    assert not np.array_equal(net.weights[0], source.weights[0])
    to_onnx(net, tmp_path / "trained.onnx")
    np.testing.assert_allclose(run(tmp_path / "trained.onnx", X), net.predict(X), rtol=0, atol=1e-6)


def test_gemm_attributes_and_a_bias_row():
    # Gemm(x, B, C) = alpha x B + beta C with B not transposed and C a (1, n) row
    helper, numpy_helper, TP = onnx.helper, onnx.numpy_helper, onnx.TensorProto
    rng = np.random.default_rng(1)
    B, C = rng.normal(size=(3, 4)), rng.normal(size=(1, 4))
    nodes = [helper.make_node("Gemm", ["x", "B", "C"], ["z"], alpha=0.5, beta=2.0), helper.make_node("Tanh", ["z"], ["y"])]
    graph = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info("x", TP.DOUBLE, ["n", 3])],
        [helper.make_tensor_value_info("y", TP.DOUBLE, ["n", 4])],
        initializer=[numpy_helper.from_array(B, "B"), numpy_helper.from_array(C, "C")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    net = from_onnx(model)
    X = rng.normal(size=(10, 3))
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    np.testing.assert_allclose(net.predict(X), session.run(None, {"x": X})[0], rtol=0, atol=1e-12)


def test_a_scaler_of_another_width_is_refused():
    from backprop.preprocessing import get_scaler

    scaler = get_scaler("minmax").fit(np.arange(6.0).reshape(2, 3))
    with pytest.raises(ValueError, match="the scaler has 3 features, the network expects 2"):
        to_onnx(Network([2, 2, 1]), scaler=scaler)
