"""The training loop: batches, shuffling, history, validation, optimiser options."""

import json
import math

import numpy as np
import pytest

from backprop import Network
from backprop.callbacks import StopAtTarget, TrainingDiverged
from backprop.training import History, _run_epoch, train

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR_T = np.array([[0], [1], [1], [0]], dtype=float)


def blobs(m=40, seed=0):
    """Two separable clouds, one-hot targets with two columns."""
    rng = np.random.default_rng(seed)
    y = np.arange(m) % 2
    X = rng.normal(size=(m, 2)) * 0.3 + np.where(y[:, None] == 1, 1.0, -1.0)
    return X, np.eye(2)[y], y


def test_per_sample_training_is_the_notes_step_repeated():
    X, T, _ = blobs(6)
    a, b = Network([2, 3, 2], seed=3), Network([2, 3, 2], seed=3)
    history = train(a, X, T, epochs=2, learning_rate=0.7, batch_size=1, shuffle=False)
    for _ in range(2):
        for x, t in zip(X, T):
            b.step(x, t, 0.7)
    # train runs the steps through the fast epoch runner: the same math, summed in
    # another order, so equal to rounding.
    for Wa, Wb in zip(a.weights, b.weights):
        np.testing.assert_allclose(Wa, Wb, rtol=0, atol=1e-12)
    assert history.epochs == [1, 2]
    assert history.cost[-1] == a.cost(X, T)


def test_full_batch_is_one_step_per_epoch_on_the_mean_gradient():
    X, T, _ = blobs(10)
    a, b = Network([2, 4, 2], seed=1), Network([2, 4, 2], seed=1)
    train(a, X, T, epochs=3, batch_size=len(X), shuffle=True, seed=5)
    for _ in range(3):
        b.step(X, T, 0.5)
    for Wa, Wb in zip(a.weights, b.weights):
        np.testing.assert_allclose(Wa, Wb, rtol=0, atol=1e-12)


def test_run_epoch_visits_batches_in_the_given_order():
    X, T, _ = blobs(5)
    a, b = Network([2, 2, 2], seed=2), Network([2, 2, 2], seed=2)
    from backprop.optimizers import get_optimizer

    _run_epoch(a, get_optimizer("sgd", learning_rate=0.5), X, T, np.array([4, 2, 0, 1, 3]), 2)
    for idx in ([4, 2], [0, 1], [3]):
        b.step(X[idx], T[idx], 0.5)
    for Wa, Wb in zip(a.weights, b.weights):
        np.testing.assert_array_equal(Wa, Wb)


def test_shuffling_is_seeded():
    X, T, _ = blobs(20)
    runs = []
    for seed in (1, 1, 2):
        net = Network([2, 3, 2], seed=0)
        train(net, X, T, epochs=2, batch_size=3, seed=seed)
        runs.append(net.weights[0].copy())
    np.testing.assert_array_equal(runs[0], runs[1])
    assert not np.array_equal(runs[0], runs[2])


def test_history_records_training_and_validation_numbers():
    X, T, y = blobs(40)
    Xv, Tv, yv = blobs(20, seed=1)
    net = Network([2, 4, 2], seed=0)
    h = train(net, X, T, epochs=5, learning_rate=2, batch_size=4, seed=0, validation=(Xv, Tv))
    assert h.epochs == [1, 2, 3, 4, 5] and len(h) == 5
    for series in (h.cost, h.accuracy, h.val_cost, h.val_accuracy, h.seconds, h.learning_rate):
        assert len(series) == 5
    assert h.cost[-1] == net.cost(X, T)
    assert h.val_cost[-1] == net.cost(Xv, Tv)
    assert h.accuracy[-1] == np.mean(np.argmax(net.predict(X), axis=1) == y)
    assert h.val_accuracy[-1] == np.mean(np.argmax(net.predict(Xv), axis=1) == yv)
    assert h.accuracy[-1] == 1.0
    assert h.settings["batch_size"] == 4 and h.settings["optimizer"]["name"] == "sgd"
    assert h.settings["samples"] == 40 and h.settings["validation_samples"] == 20
    assert not h.stopped_early and h.stop_reason is None


def test_accuracy_is_not_recorded_for_regression_targets():
    X = np.linspace(0, 1, 8).reshape(-1, 1)
    net = Network([1, 3, 1], seed=0)
    h = train(net, X, 0.2 + 0.5 * X, epochs=3)
    assert len(h.cost) == 3 and h.accuracy == [] and h.val_cost == []


def test_one_output_neuron_accuracy_uses_threshold_one_half():
    net = Network([2, 3, 1], seed=0, initializer="xavier")
    h = train(net, XOR_X, XOR_T, epochs=2, batch_size=4)
    assert h.accuracy[-1] == np.mean((net.predict(XOR_X) >= 0.5) == (XOR_T == 1))


def test_xor_is_learned_from_at_least_95_of_100_seeds():
    learned = 0
    for seed in range(100):
        net = Network([2, 3, 1], seed=seed, initializer="xavier")
        h = train(net, XOR_X, XOR_T, epochs=3000, learning_rate=10, batch_size=4,
                  callbacks=[StopAtTarget(0.01, "cost")])
        classes_right = np.array_equal(net.predict(XOR_X) >= 0.5, XOR_T == 1)
        learned += bool(classes_right and h.cost[-1] <= 0.01)
    assert learned >= 95


def test_optimizer_options_reach_the_optimizer():
    X, T, _ = blobs(10)
    plain, decayed = Network([2, 3, 2], seed=0), Network([2, 3, 2], seed=0)
    train(plain, X, T, epochs=1, shuffle=False)
    h = train(decayed, X, T, epochs=1, shuffle=False, optimizer_options={"weight_decay": 0.1})
    assert h.settings["optimizer"]["weight_decay"] == 0.1
    assert not np.array_equal(plain.weights[0], decayed.weights[0])
    # the bias column is not decayed, but the bias changes differ because the weights do
    with pytest.raises(ValueError, match="does not take"):
        train(decayed, X, T, epochs=1, optimizer_options={"nonsense": 1})


def test_fit_passes_the_new_keywords_through():
    X, T, _ = blobs(20)
    Xv, Tv, _ = blobs(10, seed=1)
    net = Network([2, 3, 2], seed=0)
    h = net.fit(X, T, 50, learning_rate=0.01, optimizer="adam", validation=(Xv, Tv),
                batch_size=5, seed=0, callbacks=[StopAtTarget(1.0, "val_accuracy")])
    assert h.settings["optimizer"]["name"] == "adam"
    assert h.val_accuracy[-1] == 1.0 and h.stop_reason.startswith("target reached")


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"epochs": 0}, "epochs must be a positive integer"),
        ({"epochs": 1, "batch_size": 0}, "batch size must be a positive integer"),
        ({"epochs": 1, "validation": np.zeros((3, 2))}, "validation must be a pair"),
        ({"epochs": 1, "validation": (np.zeros((3, 3)), np.zeros((3, 2)))}, "input has 3 features"),
        ({"epochs": 1, "optimizer": "rmsprop"}, "unknown optimizer 'rmsprop'"),
    ],
)
def test_bad_arguments_are_value_errors(kwargs, message):
    X, T, _ = blobs(6)
    net = Network([2, 2, 2], seed=0)
    before = [W.copy() for W in net.weights]
    with pytest.raises(ValueError, match=message):
        train(net, X, T, **kwargs)
    for W, B in zip(net.weights, before):
        np.testing.assert_array_equal(W, B)


def test_nan_cost_stops_with_the_last_finite_weights():
    X = np.array([[1e3, -1e3], [2e3, 1e3]])
    T = np.array([[1e6], [-1e6]])
    net = Network([2, 3, 1], seed=1, activation="relu", output_activation="identity")
    with pytest.raises(TrainingDiverged, match="diverged: cost became") as info:
        train(net, X, T, epochs=100, learning_rate=10)
    h = info.value.history
    assert h.stopped_early and "weights restored" in h.stop_reason
    assert all(np.all(np.isfinite(W)) for W in net.weights)
    assert not math.isfinite(h.cost[-1]) and math.isfinite(h.cost[-2])
    json.dumps(h.to_dict(), allow_nan=False)  # a NaN cost is written as null


def test_history_round_trips_through_json():
    X, T, _ = blobs(10)
    Xv, Tv, _ = blobs(6, seed=2)
    h = train(Network([2, 3, 2], seed=0), X, T, epochs=3, validation=(Xv, Tv), seed=1)
    h.best_epoch = 2
    again = History.from_dict(json.loads(json.dumps(h.to_dict())))
    assert again == h
    with pytest.raises(ValueError, match="one entry per epoch"):
        History.from_dict({"epochs": [1, 2], "cost": [0.5]})
    with pytest.raises(ValueError, match="must be a dict"):
        History.from_dict([1, 2])


def test_learning_rate_defaults_to_the_optimizers_own():
    """No learning rate given: the note's γ = 0.5 for sgd, Adam's 0.001 for adam."""
    from backprop import Network

    X = np.array([[0.1, 0.9], [0.5, 0.2]])
    T = np.array([[0.3, 0.4], [0.6, 0.1]])
    for name, rate in [("sgd", 0.5), ("momentum", 0.5), ("adam", 0.001)]:
        history = Network([2, 2, 2], seed=0).fit(X, T, 1, optimizer=name, batch_size=2)
        assert history.settings["learning_rate"] == rate
        assert history.learning_rate == [rate]


def test_learning_rate_with_an_optimizer_object_is_refused():
    from backprop import Network
    from backprop.optimizers import get_optimizer

    net = Network([2, 2, 2], seed=0)
    with pytest.raises(ValueError, match="set them on the Optimizer object"):
        net.fit([[0.1, 0.9]], [[0.3, 0.4]], 1, learning_rate=0.1, optimizer=get_optimizer("adam"))


def test_the_epoch_cost_is_measured_in_chunks_with_the_same_result(monkeypatch):
    """A large data set is measured a few rows at a time (bounded memory); the
    weighted chunk means equal the whole set's cost and accuracy."""
    import backprop.training as training

    X, T, _ = blobs(50)
    net = Network([2, 3, 2], seed=2)
    whole = training._measure(net, X, T, True)
    monkeypatch.setattr(training, "_MEASURE_VALUES", 7 * sum(net.sizes))  # 7 rows a chunk
    chunked = training._measure(net, X, T, True)
    assert chunked[0] == pytest.approx(net.cost(X, T), rel=1e-12)
    assert chunked[0] == pytest.approx(whole[0], rel=1e-12)
    assert chunked[1] == pytest.approx(whole[1], rel=1e-12)


def test_train_holds_no_copy_of_the_data():
    """Memory that one epoch of ``train`` allocates above the data and the network stays
    far below the data's own size (a copy of the inputs, or all the activations of the
    epoch's measurement at once, would exceed it). Run with
    ``pytest tests/test_training.py -k copy_of_the_data -s`` to see the figure."""
    import tracemalloc

    rng = np.random.default_rng(0)
    X = rng.random((6000, 784), dtype=np.float32)  # 18 MiB
    T = np.eye(10, dtype=np.float32)[rng.integers(0, 10, len(X))]
    net = Network([784, 64, 10], seed=1, dtype=np.float32)
    train(net, X[:300], T[:300], epochs=1, batch_size=100, seed=0)  # imports, compiles
    tracemalloc.start()
    try:
        train(net, X, T, epochs=1, batch_size=100, seed=0)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    print(f"train: {peak / 2**20:.2f} MiB above {X.nbytes / 2**20:.1f} MiB of inputs")
    assert peak < X.nbytes / 4
