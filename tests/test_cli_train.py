"""``backprop train``, ``evaluate`` and ``predict``, run as a user runs them."""

import json
import time
from pathlib import Path

import numpy as np
import pytest

from conftest import run_cli

TRAIN = ["train", "--data", "digits", "--layers", "64", "30", "10", "--epochs", "30",
         "--learning-rate", "3", "--batch-size", "10", "--seed", "1"]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """The issue's command, once: a sigmoid [64, 30, 10] network, quadratic cost."""
    folder = tmp_path_factory.mktemp("model")
    model = folder / "model.json"
    start = time.perf_counter()
    result = run_cli(*TRAIN, "--out", str(model), "--json")
    seconds = time.perf_counter() - start
    assert result.returncode == 0, result.stderr
    print(f"\nbackprop train on digits (30 epochs, [64, 30, 10]): {seconds:.1f} s wall clock")
    return model, json.loads(result.stdout), result.stderr


def test_digits_reaches_96_percent_test_accuracy_through_the_cli(trained):
    model, summary, stderr = trained
    assert summary["test"]["accuracy"] >= 0.96
    assert summary["samples"] == {"train": 1438, "validation": 0, "test": 359}  # 20 % held out
    assert summary["sizes"] == [64, 30, 10] and summary["activations"] == ["sigmoid", "sigmoid"]
    assert summary["cost_function"] == "quadratic" and summary["epochs_run"] == 30
    assert summary["model"] == str(model) and model.exists()
    # progress per epoch on stderr, stdout only the JSON
    assert "epoch  1/30" in stderr and "epoch 30/30" in stderr


def test_train_text_output_and_quiet(tmp_path, cli):
    result = cli("train", "--data", "xor", "--hidden", "3", "--epochs", "3", "--test-fraction", "0",
                 "--seed", "0", "--quiet")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "trained Network(sizes=[2, 3, 1]" in result.stdout and "train " in result.stdout
    assert "test " not in result.stdout


def test_evaluate_uses_the_recorded_test_split(trained, cli):
    model, summary, _ = trained
    result = cli("evaluate", str(model), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["part"] == "test split" and report["samples"] == 359
    assert report["accuracy"] == summary["test"]["accuracy"]
    assert report["cost"] == summary["test"]["cost"]
    C = np.array(report["confusion_matrix"])
    assert C.shape == (10, 10) and C.sum() == 359
    assert np.trace(C) / C.sum() == report["accuracy"]
    text = cli("evaluate", str(model))
    assert text.returncode == 0 and "confusion matrix" in text.stdout and "accuracy  0.9" in text.stdout
    everything = json.loads(cli("evaluate", str(model), "--all", "--json").stdout)
    assert everything["part"] == "all samples" and everything["samples"] == 1797


def test_predict_matches_the_python_api_bit_for_bit(trained, cli, tmp_path):
    from backprop.datasets import load_dataset
    from backprop.modelfile import load_model

    model_path, _, _ = trained
    X = load_dataset("digits").X[:25]
    inputs = tmp_path / "inputs.csv"
    inputs.write_text("\n".join(",".join(repr(float(v)) for v in row) for row in X) + "\n")
    model = load_model(model_path)
    expected = model.predict(X)

    out = tmp_path / "out.csv"
    result = cli("predict", str(model_path), "--input", str(inputs), "--output", str(out))
    assert result.returncode == 0, result.stderr
    lines = out.read_text().splitlines()
    assert lines[0].startswith("class,label,output_0") and len(lines) == 26
    got = np.array([[float(v) for v in line.split(",")[2:]] for line in lines[1:]])
    assert got.tobytes() == expected.tobytes()
    assert [int(line.split(",")[0]) for line in lines[1:]] == list(np.argmax(expected, axis=1))

    result = cli("predict", str(model_path), "--input", str(inputs), "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)["predictions"]
    assert np.array([r["outputs"] for r in rows]).tobytes() == expected.tobytes()
    assert [r["label"] for r in rows] == model.class_labels(X)


def test_options_of_issue_5_and_early_stopping(tmp_path, cli):
    model = tmp_path / "m.json"
    result = cli("train", "--data", "moons", "--hidden", "10", "--activation", "tanh",
                 "--output-activation", "sigmoid", "--cost", "binary-cross-entropy",
                 "--initializer", "xavier", "--optimizer", "momentum", "--momentum", "0.8",
                 "--weight-decay", "0.0001", "--schedule", "step:5:0.5", "--epochs", "200",
                 "--early-stopping", "3", "--seed", "2", "--quiet", "--json", "--out", str(model))
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["optimizer"]["name"] == "momentum" and summary["optimizer"]["momentum"] == 0.8
    assert summary["samples"]["validation"] > 0 and summary["validation"]["accuracy"] > 0.5
    assert summary["stopped_early"] and summary["stop_reason"].startswith("early stopping")
    assert summary["best_epoch"] == summary["epochs_run"] - 3
    # the network reported and saved is the best epoch's, not the last one's
    from backprop.modelfile import load_model

    history = load_model(model).history
    assert history.best_epoch == summary["best_epoch"] and history.val_cost[-1] > min(history.val_cost)
    assert summary["validation"]["cost"] == pytest.approx(min(history.val_cost), rel=1e-12)
    assert summary["validation"]["cost"] == pytest.approx(history.val_cost[summary["best_epoch"] - 1], rel=1e-12)
    evaluated = json.loads(cli("evaluate", str(model), "--json").stdout)
    assert evaluated["accuracy"] == summary["test"]["accuracy"]


def test_train_and_evaluate_a_csv_file_with_text_labels(tmp_path, cli):
    rng = np.random.default_rng(0)
    rows = ["width,height,kind"]
    for i in range(60):
        kind = ["cat", "dog", "eel"][i % 3]
        centre = {"cat": (1, 1), "dog": (5, 1), "eel": (3, 6)}[kind]
        x, y = rng.normal(centre, 0.5)
        rows.append(f"{x},{y},{kind}")
    data = tmp_path / "animals.csv"
    data.write_text("\n".join(rows) + "\n")
    model = tmp_path / "animals.json"
    result = cli("train", "--data", "animals.csv", "--hidden", "6", "--epochs", "100", "--learning-rate", "2",
                 "--seed", "0", "--quiet", "--json", "--out", str(model), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["sizes"] == [2, 6, 3] and summary["test"]["accuracy"] == 1.0
    # from another folder: the model recorded the file's absolute path and its split
    report = json.loads(cli("evaluate", str(model), "--json", cwd=tmp_path.parent).stdout)
    assert report["labels"] == ["cat", "dog", "eel"] and report["part"] == "test split"
    assert report["samples"] == summary["samples"]["test"] and report["accuracy"] == 1.0
    # other data with only some of the classes is numbered as the model numbers them
    (tmp_path / "eels.csv").write_text("width,height,kind\n3,6,eel\n3.2,5.9,eel\n")
    report = json.loads(cli("evaluate", str(model), "--data", str(tmp_path / "eels.csv"), "--json").stdout)
    assert report["confusion_matrix"][2] == [0, 0, 2]


@pytest.mark.parametrize(
    "args, message",
    [
        (["train", "--data", "digits", "--layers", "63", "30", "10"], "data set 'digits' has 64 features"),
        (["train", "--data", "digits", "--layers", "64", "30", "9"], "has 10 target column"),
        (["train", "--data", "nope"], "unknown data set 'nope'"),
        (["train", "--data", "moons", "--cost", "hinge"], "unknown cost 'hinge'"),
        (["train", "--data", "moons", "--activation", "swish"],
         "unknown activation 'swish'; expected one of sigmoid, tanh, relu, leaky_relu, identity, softmax"),
        (["train", "--data", "moons", "--output-activation", "swish"], "unknown activation 'swish'; expected one of"),
        (["train", "--data", "moons", "--activation", "softmax"], "is for the output layer only"),
        (["train", "--data", "moons", "--optimizer", "adamw"], "unknown optimizer 'adamw'; expected one of sgd, momentum"),
        (["train", "--data", "moons", "--initializer", "zeros"], "unknown initializer 'zeros'; expected one of"),
        (["train", "--data", "moons", "--layers", "2"], "--layers needs at least the input and output sizes"),
        (["train", "--data", "moons", "--data-option", "bogus=1"], "no option 'bogus'"),
        (["train", "--data", "moons", "--data-option", "bogus"], "written KEY=VALUE"),
        (["train", "--data", "moons", "--epochs", "0"], "epochs must be a positive integer"),
        (["train", "--data", "moons", "--learning-rate", "-1"], "learning rate must be a positive"),
        (["train", "--data", "moons", "--test-fraction", "1.5"], "test fraction must be a number"),
        (["train", "--data", "moons", "--early-stopping", "3", "--validation-fraction", "0"], "needs a validation split"),
        (["train", "--data", "moons", "--momentum", "0.9"], "does not take momentum"),
        (["train", "--data", "digits", "--hidden", "30", "--activation", "relu", "--output-activation",
          "identity", "--learning-rate", "50", "--epochs", "5"], "diverged: cost became"),
        (["train", "--data", "digits", "--epochs", "500", "--out", "no/such/folder/m.json"],
         "--out no/such/folder/m.json: folder no/such/folder does not exist"),
        (["train", "--data", "digits", "--epochs", "500", "--out", "."], "--out . is a folder; give a file name"),
        (["evaluate", "missing.json"], "does not exist"),
    ],
)
def test_bad_arguments_give_one_line_errors(cli, tmp_path, args, message):
    result = cli(*args, "--quiet" if args[0] == "train" else "--json", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert message in result.stderr


def test_names_take_the_registries_aliases(cli):
    result = cli("train", "--data", "moons", "--hidden", "4", "--activation", "leaky-relu",
                 "--output-activation", "sigmoid", "--cost", "binary-cross-entropy", "--initializer",
                 "kaiming", "--epochs", "1", "--seed", "0", "--quiet", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["activations"] == ["leaky_relu", "sigmoid"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--layers", "64", "x", "10"], "argument --layers: 'x' is not a layer size; sizes are whole numbers ≥ 1"),
        (["--hidden", "0"], "argument --hidden: '0' is not a layer size"),
        (["--epochs", "many"], "argument --epochs: invalid int value: 'many'"),
        (["--scale", "log"], "argument --scale: invalid choice: 'log'"),
    ],
)
def test_argument_syntax_errors_end_with_a_line_naming_the_flag(cli, args, message):
    result = cli("train", "--data", "digits", *args)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert message in result.stderr.strip().splitlines()[-1]


def test_predict_errors(trained, cli, tmp_path):
    model, _, _ = trained
    bad = tmp_path / "bad.csv"
    bad.write_text("1,2\n3,4\n")
    result = cli("predict", str(model), "--input", str(bad))
    assert result.returncode == 1 and "has 2 columns; the model expects 64" in result.stderr
    bad.write_text("1," * 63 + "1\n" + "1," * 63 + "x\n")
    result = cli("predict", str(model), "--input", str(bad))
    assert result.returncode == 1 and "Traceback" not in result.stderr and "line 2" in result.stderr
    broken = tmp_path / "broken.json"
    broken.write_text(model.read_text()[:500])
    result = cli("predict", str(broken), "--input", str(bad))
    assert result.returncode == 1 and "not valid JSON" in result.stderr


def test_plot_option(trained, cli, tmp_path):
    pytest.importorskip("matplotlib")
    result = cli("train", "--data", "moons", "--epochs", "2", "--quiet", "--json", "--plot", str(tmp_path / "plots"))
    assert result.returncode == 0, result.stderr
    plots = json.loads(result.stdout)["plots"]
    assert sorted(Path(p).name for p in plots) == ["boundary.png", "curve.png"]
    assert all(Path(p).parent == tmp_path / "plots" and Path(p).stat().st_size > 0 for p in plots)


def test_regression_from_a_csv_file(tmp_path, cli):
    x = np.linspace(0, 1, 40)
    (tmp_path / "curve.csv").write_text("x,y\n" + "".join(f"{a!r},{0.2 + 0.5 * a * a!r}\n" for a in x.tolist()))
    model = tmp_path / "curve.json"
    result = cli("train", "--data", "curve.csv", "--data-option", "targets=values", "--hidden", "5",
                 "--epochs", "20", "--seed", "0", "--quiet", "--json", "--out", str(model), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert "accuracy" not in summary["test"] and summary["test"]["cost"] < 0.05
    report = json.loads(cli("evaluate", str(model), "--json").stdout)
    assert report["cost"] == summary["test"]["cost"] and "confusion_matrix" not in report
    (tmp_path / "new.csv").write_text("0.5\n1.0\n")
    out = cli("predict", str(model), "--input", str(tmp_path / "new.csv"))
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0] == "output_0" and len(out.stdout.splitlines()) == 3


def test_evaluate_a_model_without_recorded_data_needs_data(tmp_path, cli):
    from backprop import Network
    from backprop.modelfile import save_model

    save_model(tmp_path / "bare.json", Network([2, 3, 1], seed=0))
    result = cli("evaluate", str(tmp_path / "bare.json"))
    assert result.returncode == 1 and "give --data NAME" in result.stderr
    result = cli("evaluate", str(tmp_path / "bare.json"), "--data", "xor", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["samples"] == 4
    result = cli("evaluate", str(tmp_path / "bare.json"), "--data", "iris")
    assert result.returncode == 1 and "has 4 features and 3 target column(s); the model expects 2 and 1" in result.stderr


ISSUE_5 = ["train", "--data", "digits", "--layers", "64", "100", "10", "--activation", "relu",
           "--output-activation", "softmax", "--cost", "cross-entropy", "--optimizer", "adam",
           "--learning-rate", "0.001", "--epochs", "50", "--batch-size", "32", "--seed", "1"]


def test_the_command_of_issue_5_runs_as_written(cli, tmp_path):
    """Issue 5's command, word for word (plus --out/--json).

    It gets 97.8 % on the CLI's split of seed 1 (7 errors in 359). On that split the
    recipe gives 97.5-98.9 % over network seeds 0-7 (mean 98.3 %), and scikit-learn's
    default MLPClassifier (pixels / 16) 98.1-98.9 % for random_state 0-2 (mean 98.5 %).
    Over the CLI's splits of seeds 0-7 the command gets 96.4-98.9 % (mean 97.6 %) and
    scikit-learn 96.1-99.7 % (mean 97.9 %). Other defaults do not close the gap: dividing
    by 16, He or Xavier initialisation, weight decay 1e-4, or standardising with He move
    the mean by under 0.3 % (one sample); standardising with the note's uniform weights
    lowers it to 96.3 %. So the floor here is 97 %; the issue's 98.5 % is asserted on the
    split quoted for it in tests/test_digits_adam.py.
    """
    model = tmp_path / "adam.json"
    result = cli(*ISSUE_5, "--out", str(model), "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["activations"] == ["relu", "softmax"] and summary["cost_function"] == "cross_entropy"
    assert summary["optimizer"]["name"] == "adam" and summary["optimizer"]["learning_rate"] == 0.001
    assert summary["epochs_run"] == 50 and summary["samples"]["test"] == 359
    assert summary["test"]["accuracy"] >= 0.97
    assert "epoch 50/50" in result.stderr
    report = json.loads(cli("evaluate", str(model), "--json").stdout)
    assert report["accuracy"] == summary["test"]["accuracy"] and report["cost"] == summary["test"]["cost"]


def test_the_notes_single_sample_is_not_scaled_away(cli, tmp_path):
    """A scaler fitted to one sample maps every input to 0; by default the note's example
    trains on its own input (0.1, 0.9)."""
    from backprop.modelfile import load_model

    model = tmp_path / "note.json"
    result = cli("train", "--data", "note", "--epochs", "3", "--seed", "0", "--quiet", "--json", "--out", str(model))
    assert result.returncode == 0, result.stderr
    loaded = load_model(model)
    assert loaded.metadata["data"]["scale"] == "none"
    np.testing.assert_array_equal(loaded.transform([[0.1, 0.9]]), [[0.1, 0.9]])
    iris = cli("train", "--data", "iris", "--epochs", "1", "--seed", "0", "--quiet", "--out", str(model))
    assert iris.returncode == 0 and load_model(model).metadata["data"]["scale"] == "minmax"


@pytest.mark.parametrize(
    "content, message",
    [
        ('{"format": "backprop-model", "version": 99}', "format version 99, newer than this backprop reads (up to 1); upgrade backprop"),
        ('{"model_type": "keras", "layers": []}', "is not a backprop model file (format None, expected 'backprop-model')"),
        ('{"format": "backprop-model", "version": 1, "network": {"sizes": [2, 2', "not valid JSON (truncated or corrupted?)"),
        ("", "is empty"),
    ],
)
def test_evaluate_and_predict_refuse_bad_model_files_in_one_line(cli, tmp_path, content, message):
    model = tmp_path / "model.json"
    model.write_text(content)
    (tmp_path / "in.csv").write_text("0.1,0.9\n")
    for args in (["evaluate", str(model), "--data", "xor"], ["predict", str(model), "--input", str(tmp_path / "in.csv")]):
        result = cli(*args)
        assert result.returncode == 1 and result.stdout == ""
        assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr, result.stderr
