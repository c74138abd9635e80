"""Model files: round trips bit for bit, atomic writes, clear errors for bad files."""

import json
import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from backprop import Network
from backprop.modelfile import FORMAT, VERSION, load_model, save_model
from backprop.preprocessing import get_scaler
from backprop.training import train


def trained(seed=0, **kw):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(30, 4)) * 10 + 5
    y = (X[:, 0] > 5).astype(int) + (X[:, 1] > 5).astype(int)
    scaler = get_scaler("standard").fit(X)
    net = Network([4, 5, 3], seed=seed, **kw)
    h = train(net, scaler.transform(X), np.eye(3)[y], epochs=3, batch_size=5, seed=seed,
              validation=(scaler.transform(X[:5]), np.eye(3)[y[:5]]))
    return net, scaler, h, X


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"dtype": np.float32},
        {"activation": "relu", "output_activation": "softmax", "cost": "cross_entropy", "initializer": "he"},
        {"activation": "tanh", "output_activation": "sigmoid", "cost": "binary_cross_entropy", "initializer": "xavier"},
    ],
)
def test_save_load_predict_is_identical_bit_for_bit(tmp_path, options):
    net, scaler, h, X = trained(**options)
    path = save_model(tmp_path / "m.json", net, scaler=scaler, labels=["a", "b", "c"], history=h,
                      metadata={"data": {"name": "test"}, "seed": 0})
    model = load_model(path)
    assert model.network.sizes == net.sizes and model.network.dtype == net.dtype
    assert [f.name for f in model.network.activations] == [f.name for f in net.activations]
    assert model.network.cost_function.name == net.cost_function.name
    assert model.network.initializer == net.initializer
    for W, V in zip(model.network.weights, net.weights):
        assert W.dtype == V.dtype
        np.testing.assert_array_equal(W, V)
    expected = net.predict(scaler.transform(X))
    got = model.predict(X)
    assert got.dtype == expected.dtype and got.tobytes() == expected.tobytes()
    assert model.labels == ["a", "b", "c"]
    assert model.class_labels(X[:2]) == [["a", "b", "c"][k] for k in np.argmax(expected[:2], axis=1)]
    assert model.history == h
    assert model.optimizer == h.settings["optimizer"]
    assert model.metadata["seed"] == 0 and model.metadata["data"] == {"name": "test"}
    assert model.metadata["backprop_version"] and model.metadata["date"]


def test_the_file_is_documented_json(tmp_path):
    net, scaler, h, _ = trained()
    save_model(tmp_path / "m.json", net, scaler=scaler, history=h)
    d = json.loads((tmp_path / "m.json").read_text())
    assert d["format"] == FORMAT and d["version"] == VERSION == 1
    assert d["network"]["sizes"] == [4, 5, 3]
    assert d["network"]["activations"] == ["sigmoid", "sigmoid"]
    assert d["network"]["cost"] == "quadratic" and d["network"]["dtype"] == "float64"
    assert np.array(d["network"]["weights"][0]).shape == (5, 4 + 1)  # W^(1), bias last
    assert d["scaler"] == scaler.to_dict() and d["history"] == h.to_dict()
    assert d["optimizer"]["name"] == "sgd" and d["labels"] is None


def test_a_model_without_extras_loads(tmp_path):
    net = Network([2, 2, 2], seed=1)
    model = load_model(save_model(tmp_path / "plain.json", net))
    assert model.scaler is None and model.history is None and model.labels is None
    np.testing.assert_array_equal(model.predict([0.1, 0.9]), net.predict([0.1, 0.9]))


def good_file(tmp_path):
    path = tmp_path / "m.json"
    save_model(path, Network([2, 3, 2], seed=1))
    return path


def rewrite(path, change):
    d = json.loads(path.read_text())
    change(d)
    path.write_text(json.dumps(d))


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]), "not valid JSON .truncated or corrupted"),
        (lambda p: p.write_bytes(b""), "is empty"),
        (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe"), "not a backprop model file"),
        (lambda p: p.write_text('{"hello": "world"}'), "not a backprop model file .format None"),
        (lambda p: p.write_text("[1, 2, 3]"), "not a backprop model file"),
        (lambda p: rewrite(p, lambda d: d.update(version=2)), "format version 2, newer than this backprop reads"),
        (lambda p: rewrite(p, lambda d: d.update(version="1")), "invalid format version"),
        (lambda p: rewrite(p, lambda d: d.pop("network")), "no 'network' entry"),
        (lambda p: rewrite(p, lambda d: d["network"]["weights"][0][0].__setitem__(0, 0.123)), "corrupted: its weights do not match"),
        (lambda p: rewrite(p, lambda d: d["network"]["weights"][0].pop()), "corrupted|do not fit|shape"),
        (lambda p: rewrite(p, lambda d: d["network"].update(sizes=[2, 4, 2])), "do not match the weights"),
        (lambda p: rewrite(p, lambda d: d["network"].update(cost="hinge")), "unknown cost 'hinge'"),
        (lambda p: rewrite(p, lambda d: d["network"].update(activations=["sigmoid"])), "do not fit together"),
        (lambda p: rewrite(p, lambda d: d["network"].update(activations=[[], "sigmoid"])), "activations must be names"),
        (lambda p: rewrite(p, lambda d: d.update(history={"best_epoch": []})), "best_epoch must be an epoch number"),
        (lambda p: rewrite(p, lambda d: d.update(history={"settings": 5})), "settings must be a dict"),
        (lambda p: rewrite(p, lambda d: d.update(history="yes")), "a history must be a dict"),
        (lambda p: rewrite(p, lambda d: d.update(scaler={"kind": "minmax", "offset": [0.0]})), "lacks 'scale'"),
    ],
)
def test_bad_files_give_clear_errors(tmp_path, damage, message):
    path = good_file(tmp_path)
    damage(path)
    with pytest.raises(ValueError, match=message):
        load_model(path)


def test_missing_file_and_bad_targets(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        load_model(tmp_path / "nothing.json")
    with pytest.raises(ValueError, match="is a folder"):
        save_model(tmp_path, Network([2, 2]))
    with pytest.raises(ValueError, match="does not exist"):
        save_model(tmp_path / "no" / "m.json", Network([2, 2]))
    with pytest.raises(ValueError, match="JSON-ready"):
        save_model(tmp_path / "m.json", Network([2, 2]), metadata={"x": object()})
    diverged = Network([2, 2, 1])
    diverged.weights[1][0, 0] = np.nan
    with pytest.raises(ValueError, match=r"W\^\(2\) contains a value that is not finite; refusing to save"):
        save_model(tmp_path / "m.json", diverged)
    assert not (tmp_path / "m.json").exists()


def test_a_failed_write_never_replaces_the_good_file(tmp_path, monkeypatch):
    import backprop.modelfile as modelfile

    path = good_file(tmp_path)
    before = path.read_bytes()

    def half_then_crash(f, data, chunk=1 << 20):
        f.write(data[: len(data) // 2])
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(modelfile, "_write_chunks", half_then_crash)
    with pytest.raises(OSError, match=r"cannot save the model to .*m\.json: disk full \(simulated\) \(a file already there is unchanged\)"):
        save_model(path, Network([2, 3, 2], seed=2))
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["m.json"]  # the temporary file was removed


def test_a_save_killed_mid_write_never_replaces_the_good_file(tmp_path):
    """A process is killed (SIGKILL, no clean-up possible) halfway through writing the bytes
    of a new model over a good one: the good file is still there, whole and unchanged."""
    if not hasattr(signal, "SIGKILL"):
        pytest.skip("needs SIGKILL")
    path = tmp_path / "model.json"
    old = Network([30, 20, 10], seed=1)
    save_model(path, old)
    before = path.read_bytes()
    script = textwrap.dedent(
        f"""
        import os, signal
        import backprop.modelfile as modelfile
        from backprop import Network

        def half_then_killed(f, data, chunk=1 << 20):
            f.write(data[: len(data) // 2])
            f.flush()
            os.kill(os.getpid(), signal.SIGKILL)

        modelfile._write_chunks = half_then_killed
        modelfile.save_model({str(path)!r}, Network([30, 20, 10], seed=2))
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    # the kill did land mid-write: a half-written temporary file is left behind ...
    leftovers = [p for p in tmp_path.iterdir() if p.name != "model.json"]
    assert len(leftovers) == 1 and leftovers[0].name.endswith(".tmp")
    assert 0 < leftovers[0].stat().st_size < len(before)
    # ... and the good file was never touched
    assert path.read_bytes() == before
    model = load_model(path)
    X = np.random.default_rng(0).normal(size=(5, 30))
    assert model.predict(X).tobytes() == old.predict(X).tobytes()


def _every_choice():
    """Every hidden × output activation with the quadratic cost, and the cross-entropies
    with the outputs they are meant for; optimisers, initialisers, schedules, weight decay
    and dtypes taken in turn, so every name of every registry is saved at least once."""
    from backprop.activations import ACTIVATIONS
    from backprop.initializers import INITIALIZERS
    from backprop.optimizers import OPTIMIZERS

    hidden = [name for name in ACTIVATIONS.names() if name != "softmax"]
    combos = [(h, o, "quadratic") for h in hidden for o in ACTIVATIONS.names()]
    combos += [(h, "sigmoid", "binary_cross_entropy") for h in hidden]
    combos += [(h, "softmax", "cross_entropy") for h in hidden]
    optimizers, initializers = OPTIMIZERS.names(), INITIALIZERS.names()
    schedules = [None, "step:1:0.5", "exponential:0.9"]
    return [
        pytest.param(h, o, c, optimizers[i % len(optimizers)], initializers[i % len(initializers)],
                     schedules[i % len(schedules)], [0.0, 1e-3][i % 2], ["float64", "float32"][(i // 2) % 2],
                     id=f"{h}-{o}-{c}-{optimizers[i % len(optimizers)]}")
        for i, (h, o, c) in enumerate(combos)
    ]


@pytest.mark.parametrize("hidden, output, cost, optimizer, initializer, schedule, decay, dtype", _every_choice())
def test_every_choice_saves_loads_and_predicts_identically(tmp_path, hidden, output, cost, optimizer,
                                                           initializer, schedule, decay, dtype):
    from backprop.optimizers import get_optimizer
    from backprop.schedules import parse_schedule

    rng = np.random.default_rng(0)
    X = rng.normal(size=(24, 3)) * 4 + 1
    T = np.eye(3)[rng.integers(0, 3, size=24)]
    scaler = get_scaler("standard").fit(X)
    net = Network([3, 5, 4, 3], seed=1, activation=hidden, output_activation=output, cost=cost,
                  initializer=initializer, dtype=np.dtype(dtype))
    options = {"weight_decay": decay, "schedule": None if schedule is None else parse_schedule(schedule)}
    h = train(net, scaler.transform(X), T, epochs=2, learning_rate=0.01, batch_size=8, seed=0,
              optimizer=optimizer, optimizer_options=options)
    path = save_model(tmp_path / "m.json", net, scaler=scaler, labels=["a", "b", "c"], history=h)
    d = json.loads(path.read_text())
    assert d["network"]["activations"] == [hidden, hidden, output] and d["network"]["cost"] == cost
    assert d["network"]["initializer"] == initializer and d["optimizer"]["name"] == optimizer

    model = load_model(path)
    assert [f.name for f in model.network.activations] == [hidden, hidden, output]
    assert model.network.cost_function.name == cost and model.network.dtype == np.dtype(dtype)
    got, expected = model.predict(X), net.predict(scaler.transform(X))
    assert got.dtype == expected.dtype and got.tobytes() == expected.tobytes()
    assert model.network.cost(scaler.transform(X), T) == net.cost(scaler.transform(X), T)
    assert get_optimizer(model.optimizer).config() == h.settings["optimizer"]


def test_a_model_file_written_before_issue_5_still_loads_and_predicts_the_same():
    """tests/golden/model_issue3.json was written by the code of commit 536583f (issue 3,
    before issue 5's activations, costs and optimisers) with
    ``backprop train --data iris --hidden 5 --epochs 20 --seed 3 --learning-rate 1
    --validation-fraction 0.1 --out model_issue3.json``; the predictions file holds that
    code's ``load_model(...).predict(X)`` for every 15th iris sample."""
    from pathlib import Path

    golden = Path(__file__).parent / "golden"
    model = load_model(golden / "model_issue3.json")
    expected = json.loads((golden / "model_issue3_predictions.json").read_text())
    got = model.predict(np.array(expected["inputs"]))
    assert got.tobytes() == np.array(expected["outputs"]).tobytes()
    assert model.labels == ["setosa", "versicolor", "virginica"] and model.scaler.kind == "minmax"
    assert model.history.val_cost and model.metadata["data"]["name"] == "iris"


def test_evaluate_reproduces_the_test_split_numbers_an_issue_3_file_recorded(cli):
    from pathlib import Path

    path = Path(__file__).parent / "golden" / "model_issue3.json"
    result = cli("evaluate", str(path), "--json")
    assert result.returncode == 0, result.stderr
    report, recorded = json.loads(result.stdout), load_model(path).metadata["test"]
    assert report["part"] == "test split" and report["samples"] == recorded["samples"] == 30
    assert report["cost"] == recorded["cost"] and report["accuracy"] == recorded["accuracy"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_saved_files_get_ordinary_permissions_and_keep_those_of_the_file_they_replace(tmp_path):
    old_umask = os.umask(0o022)
    try:
        path = save_model(tmp_path / "new.json", Network([2, 2], seed=0))
        assert path.stat().st_mode & 0o777 == 0o644  # like any new file, not mkstemp's 0o600
        os.chmod(path, 0o640)
        save_model(path, Network([2, 2], seed=1))
        assert path.stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(old_umask)
    assert os.listdir(tmp_path) == ["new.json"]


def _entries(d, path=()):
    """Paths to every entry of a model dict (lists of numbers count as one entry)."""
    if isinstance(d, dict):
        for key, value in d.items():
            yield path + (key,)
            yield from _entries(value, path + (key,))
    elif isinstance(d, list) and d and not isinstance(d[0], (int, float)):
        for i, value in enumerate(d[:2]):
            yield path + (i,)
            yield from _entries(value, path + (i,))


def test_any_entry_of_the_wrong_kind_is_a_value_error_never_a_crash(tmp_path):
    from backprop.modelfile import model_from_dict

    net, scaler, h, _ = trained()
    good = json.loads(save_model(tmp_path / "m.json", net, scaler=scaler, labels=["a", "b", "c"],
                                 history=h).read_text())
    model_from_dict(good)
    tried = 0
    for path in _entries(good):
        for bad in (None, 5, "x", [], {}, [1, "a"], True, -1, [[1, 2], [3]], float("nan")):
            d = json.loads(json.dumps(good))
            parent = d
            for key in path[:-1]:
                parent = parent[key]
            parent[path[-1]] = bad
            try:
                model_from_dict(d)
            except ValueError:
                pass
            tried += 1
    assert tried > 300
