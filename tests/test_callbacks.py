"""Callbacks: progress, stop on a target, divergence, early stopping with best weights."""

import numpy as np
import pytest

from backprop import Network
from backprop.callbacks import (
    Callback,
    DivergenceGuard,
    EarlyStopping,
    Progress,
    StopAtTarget,
    TrainingDiverged,
)
from backprop.training import train


def data(m=40, seed=0, noise=0.3):
    rng = np.random.default_rng(seed)
    y = np.arange(m) % 2
    X = rng.normal(size=(m, 2)) * noise + np.where(y[:, None] == 1, 1.0, -1.0)
    return X, np.eye(2)[y]


class Recorder(Callback):
    def __init__(self):
        self.calls = []

    def on_train_begin(self, net, history, epochs):
        self.calls.append(("begin", epochs))

    def on_epoch_end(self, epoch, history, net):
        self.calls.append(("epoch", epoch, len(history.cost)))

    def on_train_end(self, history, net):
        self.calls.append(("end", len(history)))


def test_the_protocol_is_called_in_order():
    X, T = data()
    rec = Recorder()
    train(Network([2, 2, 2], seed=0), X, T, epochs=3, callbacks=[rec])
    assert rec.calls == [("begin", 3), ("epoch", 0, 1), ("epoch", 1, 2), ("epoch", 2, 3), ("end", 3)]


def test_progress_reports_lines_through_the_given_function():
    X, T = data()
    Xv, Tv = data(10, seed=1)
    lines = []
    train(Network([2, 2, 2], seed=0), X, T, epochs=5, validation=(Xv, Tv),
          callbacks=[Progress(lines.append, every=2)])
    assert [line.split()[1] for line in lines] == ["2/5", "4/5", "5/5"]
    assert all(w in lines[-1] for w in ("cost", "accuracy", "val_cost", "val_accuracy"))
    with pytest.raises(ValueError, match="every must be a positive integer"):
        Progress(print, every=0)


def test_stop_at_target_cost_and_accuracy():
    X, T = data()
    h = train(Network([2, 3, 2], seed=0), X, T, epochs=500, learning_rate=0.1,
              callbacks=[StopAtTarget(0.05)])
    assert h.cost[-1] <= 0.05 < min(h.cost[:-1])
    assert h.stopped_early and h.stop_reason.startswith("target reached: cost")
    h = train(Network([2, 3, 2], seed=0), X, T, epochs=500, callbacks=[StopAtTarget(1.0, "accuracy")])
    assert h.accuracy[-1] == 1.0 and all(a < 1.0 for a in h.accuracy[:-1])
    with pytest.raises(ValueError, match="unknown monitor"):
        StopAtTarget(0.1, "loss")


def test_monitoring_validation_without_validation_data_is_an_error():
    X, T = data()
    with pytest.raises(ValueError, match="no validation data"):
        train(Network([2, 2, 2], seed=0), X, T, epochs=2, callbacks=[EarlyStopping(3)])


def test_divergence_guard_restores_the_best_weights_and_raises():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    T = X @ [[1.0], [2.0]]
    net = Network([2, 3, 1], seed=0, activation="tanh", output_activation="identity")
    saved = {}

    class Keep(Callback):  # the weights after each epoch, to compare with the restored ones
        def on_epoch_end(self, epoch, history, net):
            saved[history.epochs[-1]] = [W.copy() for W in net.weights]

    # this rate first lowers the cost (0.085 after epoch 4), then it jumps to 2.04
    guard = DivergenceGuard(factor=10)
    with pytest.raises(TrainingDiverged, match="diverged: cost") as info:
        train(net, X, T, epochs=15, learning_rate=1.0, batch_size=40, callbacks=[Keep(), guard])
    h = info.value.history
    assert h.stopped_early and h.stop_reason == str(info.value)
    best = guard.best_epoch
    assert best == 4 and len(h) == 7
    assert h.cost[best - 1] == min(h.cost)
    for W, B in zip(net.weights, saved[best]):
        np.testing.assert_array_equal(W, B)


def noisy_overfitting_problem():
    """Few noisy training samples, a big network: validation cost rises after a while."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(16, 2))
    y = (X[:, 0] + 0.8 * rng.normal(size=16) > 0).astype(int)
    Xv = rng.normal(size=(200, 2))
    yv = (Xv[:, 0] > 0).astype(int)
    return X, np.eye(2)[y], Xv, np.eye(2)[yv]


def test_early_stopping_stops_and_restores_the_best_validation_weights():
    X, T, Xv, Tv = noisy_overfitting_problem()
    net = Network([2, 30, 2], seed=0, initializer="xavier")
    snapshots = {}

    class Keep(Callback):
        def on_epoch_end(self, epoch, history, net):
            snapshots[history.epochs[-1]] = [W.copy() for W in net.weights]

    stopper = EarlyStopping(patience=20, monitor="val_cost")
    h = train(net, X, T, epochs=3000, learning_rate=3, batch_size=4, seed=0,
              validation=(Xv, Tv), callbacks=[Keep(), stopper])
    assert h.stopped_early and h.stop_reason.startswith("early stopping")
    best = h.best_epoch
    assert h.val_cost[best - 1] == min(h.val_cost)
    assert len(h) == best + 20  # patience epochs without improvement after the best
    for W, B in zip(net.weights, snapshots[best]):
        np.testing.assert_array_equal(W, B)
    assert net.cost(Xv, Tv) == h.val_cost[best - 1]


def test_early_stopping_on_accuracy_and_min_delta():
    X, T, Xv, Tv = noisy_overfitting_problem()
    net = Network([2, 8, 2], seed=0)
    h = train(net, X, T, epochs=300, learning_rate=2, validation=(Xv, Tv),
              callbacks=[EarlyStopping(patience=5, min_delta=0.5, monitor="val_accuracy")])
    # no accuracy can improve by more than 0.5 after the first epoch
    assert len(h) == 6 and h.best_epoch == 1
    with pytest.raises(ValueError, match="patience"):
        EarlyStopping(0)
    with pytest.raises(ValueError, match="min_delta"):
        EarlyStopping(3, min_delta=-1)
