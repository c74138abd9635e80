"""``backprop export``: a saved model as ONNX, a PyTorch state_dict and plain JSON, run as a user runs it."""

import json

import numpy as np
import pytest

from backprop import Network
from backprop.modelfile import load_model, save_model
from backprop.preprocessing import get_scaler


@pytest.fixture
def model_file(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 4)) * 10 + 5  # raw inputs far from [0, 1]: the scaler matters
    scaler = get_scaler("standard").fit(X)
    net = Network([4, 6, 3], seed=0, activation="tanh", output_activation="softmax", cost="cross_entropy")
    path = tmp_path / "model.json"
    save_model(path, net, scaler=scaler, labels=["a", "b", "c"])
    return path, X


def test_export_onnx_runs_on_raw_inputs(cli, model_file, tmp_path):
    pytest.importorskip("onnx")
    ort = pytest.importorskip("onnxruntime")
    path, X = model_file
    out = tmp_path / "model.onnx"
    result = cli("export", str(path), "--format", "onnx", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "standard input scaler is the graph's first nodes (Sub, Div)" in result.stderr
    session = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    expected = load_model(path).predict(X)
    np.testing.assert_allclose(session.run(None, {"input": X})[0], expected, rtol=0, atol=1e-12)
    from backprop.interop import from_onnx

    net, scaler = from_onnx(out, with_scaler=True)
    assert scaler.kind == "standard" and net.cost_function.name == "cross_entropy"
    np.testing.assert_allclose(net.predict(scaler.transform(X)), expected, rtol=0, atol=1e-15)
    with pytest.raises(ValueError, match="with_scaler=True"):
        from_onnx(out)


def test_export_torch_state_dict(cli, model_file, tmp_path):
    torch = pytest.importorskip("torch")
    path, X = model_file
    out = tmp_path / "model.pt"
    result = cli("export", str(path), "--format", "torch", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "folded into the first Linear layer" in result.stderr
    # the printed recipe rebuilds the module
    code = result.stdout.split("module = ", 1)[1].splitlines()[0]
    assert code.startswith("nn.Sequential(nn.Linear(4, 6, dtype=torch.float64), nn.Tanh()")
    module = eval(code, {"nn": torch.nn, "torch": torch})
    module.load_state_dict(torch.load(out, weights_only=True))
    with torch.no_grad():
        y = module(torch.from_numpy(X)).numpy()
    np.testing.assert_allclose(y, load_model(path).predict(X), rtol=0, atol=1e-12)


def test_export_json_layers(cli, model_file, tmp_path):
    path, X = model_file
    out = tmp_path / "layers.json"
    result = cli("export", str(path), "--format", "json", "--out", str(out))
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text())
    assert data["format"] == "backprop-layers" and data["labels"] == ["a", "b", "c"]
    assert [layer["activation"] for layer in data["layers"]] == ["tanh", "softmax"]
    # evaluate it by hand, as a reader in another language would
    a = (X - np.array(data["scaler"]["offset"])) / np.array(data["scaler"]["scale"])
    a = np.tanh(a @ np.array(data["layers"][0]["weight"]).T + data["layers"][0]["bias"])
    z = a @ np.array(data["layers"][1]["weight"]).T + data["layers"][1]["bias"]
    e = np.exp(z - z.max(axis=1, keepdims=True))
    np.testing.assert_allclose(e / e.sum(axis=1, keepdims=True), load_model(path).predict(X), atol=1e-12)
    from backprop.interop import from_json

    net = from_json(out)
    np.testing.assert_array_equal(net.weights[1], load_model(path).network.weights[1])
    # hidden layers that disagree cannot be one Network: an error, not the first one's name
    data["sizes"] = [4, 6, 6, 3]
    data["layers"].insert(1, {"weight": np.eye(6).tolist(), "bias": [0.0] * 6, "activation": "relu"})
    with pytest.raises(ValueError, match="layer 2 uses 'relu' but layer 1 uses 'tanh'"):
        from_json(data)


def test_export_errors(cli, tmp_path):
    result = cli("export", str(tmp_path / "missing.json"), "--format", "json", "--out", str(tmp_path / "x.json"))
    assert result.returncode == 1 and "backprop export: error:" in result.stderr
    result = cli("export", str(tmp_path / "m.json"), "--format", "json", "--out", str(tmp_path / "m.json"))
    assert result.returncode == 1 and "is the model file itself" in result.stderr
    result = cli("export", "m.json", "--format", "tflite", "--out", "x")
    assert result.returncode == 2 and "invalid choice" in result.stderr


def test_missing_extra_exits_3_with_an_install_hint(model_file, tmp_path, capsys):
    import sys

    from backprop.cli import main

    path, _ = model_file
    saved = sys.modules.get("onnx")
    sys.modules["onnx"] = None  # as if onnx were not installed
    try:
        status = main(["export", str(path), "--format", "onnx", "--out", str(tmp_path / "m.onnx")])
    finally:
        if saved is None:
            del sys.modules["onnx"]
        else:
            sys.modules["onnx"] = saved
    assert status == 3
    assert "pip install 'backprop[onnx]'" in capsys.readouterr().err
