"""The training loop: batches, shuffling, per-epoch history, callbacks.

It returns data and never prints. One epoch's steps are ``_run_epoch(net, opt, X, T,
order, batch_size)``, the plain reference loop; ``train`` runs exactly those steps
through ``backprop.fast.epoch_runner``, with no allocations per step.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from . import core
from .callbacks import Callback, TrainingDiverged
from .fast import epoch_runner
from .metrics import accuracy, is_classification_target
from .optimizers import Optimizer, get_optimizer
from .validation import check_positive_int

if TYPE_CHECKING:
    from .network import Network

__all__ = ["History", "train", "train_until_close", "TrainingDiverged"]

_SERIES = ("epochs", "cost", "accuracy", "val_cost", "val_accuracy", "learning_rate", "seconds")


@dataclass
class History:
    """What happened in training, one entry per epoch run.

    ``epochs[e]`` is the epoch's number (1, 2, …); ``cost[e]`` the cost C over the whole
    training set after that epoch, ``accuracy[e]`` the fraction classified right (empty
    when the targets are not classes); ``val_cost``/``val_accuracy`` the same on the
    validation data (empty without it); ``learning_rate[e]`` the rate γ the epoch
    used (schedules change it); ``seconds[e]`` the wall-clock time since the
    start. ``stopped_early``/``stop_reason`` say why training ended before the last
    epoch; ``best_epoch`` is the epoch whose weights early stopping kept. ``settings``
    holds the training settings (learning rate, batch size, optimiser config, …).
    """

    epochs: list[int] = field(default_factory=list)
    cost: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    val_cost: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    learning_rate: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    stopped_early: bool = False
    stop_reason: str | None = None
    best_epoch: int | None = None
    settings: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.cost)

    def to_dict(self) -> dict:
        """A JSON-ready dict; a cost that was NaN or infinite becomes ``None``."""

        def finite(v):
            return float(v) if math.isfinite(v) else None

        d: dict[str, Any] = {"epochs": [int(e) for e in self.epochs]}
        for name in _SERIES[1:]:
            d[name] = [finite(v) for v in getattr(self, name)]
        d.update(
            stopped_early=bool(self.stopped_early),
            stop_reason=self.stop_reason,
            best_epoch=self.best_epoch,
            settings=dict(self.settings),
        )
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "History":
        """The inverse of ``to_dict``; unknown keys are ignored, ``None`` becomes NaN."""
        if not isinstance(d, dict):
            raise ValueError(f"a history must be a dict like History.to_dict() gives; got {type(d).__name__}")
        h = cls()
        try:
            h.epochs = [int(e) for e in d.get("epochs", [])]
            for name in _SERIES[1:]:
                setattr(h, name, [math.nan if v is None else float(v) for v in d.get(name, [])])
        except (TypeError, ValueError):
            raise ValueError("a history's series must be lists of numbers") from None
        lengths = {name: len(getattr(h, name)) for name in _SERIES if getattr(h, name)}
        if len(set(lengths.values())) > 1:
            raise ValueError(f"a history's series must have one entry per epoch; got lengths {lengths}")
        h.stopped_early = bool(d.get("stopped_early", False))
        reason = d.get("stop_reason")
        if reason is not None and not isinstance(reason, str):
            raise ValueError(f"a history's stop_reason must be text or null; got {reason!r:.60}")
        h.stop_reason = reason
        best = d.get("best_epoch")
        if best is not None and (isinstance(best, bool) or not isinstance(best, int)):
            raise ValueError(f"a history's best_epoch must be an epoch number or null; got {best!r:.60}")
        h.best_epoch = best
        settings = d.get("settings") or {}
        if not isinstance(settings, dict):
            raise ValueError(f"a history's settings must be a dict; got {type(settings).__name__}")
        h.settings = dict(settings)
        return h


def _run_epoch(net: "Network", opt: Optimizer, X: np.ndarray, T: np.ndarray, order: np.ndarray, batch_size: int) -> None:
    """One epoch: a step for each batch of ``batch_size`` sample indices of ``order``.

    The plain reference loop; ``train`` runs the same steps through
    ``backprop.fast.epoch_runner``, which is tested against this function.

    Each step computes every change matrix dC/dW^(l) from the current weights, then the
    optimiser changes the weights (for plain gradient descent W ← W − γ dC/dW).
    """
    for start in range(0, len(order), batch_size):
        idx = order[start : start + batch_size]
        opt.step(net.weights, net._gradients(X[idx], T[idx]))


# Rows per forward pass when the loop measures a whole data set: about 2 MiB of
# activations in float64, whatever the data's size.
_MEASURE_VALUES = 2**18


def _measure(net: "Network", X: np.ndarray, T: np.ndarray, classes: bool) -> tuple[float, float | None]:
    """Cost and accuracy over (X, T) by the core's forward pass, in chunks of rows so
    that measuring a large data set never holds all its activations at once. The
    chunks' means are weighted by their rows (one chunk: the batch's own mean)."""
    rows = max(1, _MEASURE_VALUES // sum(net.sizes))
    costs, accuracies, counts = [], [], []
    for start in range(0, len(X), rows):
        x, t = X[start : start + rows], T[start : start + rows]
        _, values = core.forward(net.weights, x, net.activations)
        costs.append(net.cost_function(values[-1], t))
        accuracies.append(accuracy(values[-1], t) if classes else 0.0)
        counts.append(len(x))
    if len(counts) == 1:
        return costs[0], (accuracies[0] if classes else None)
    cost = float(np.average(costs, weights=counts))
    return cost, (float(np.average(accuracies, weights=counts)) if classes else None)


def _finite(weights: Sequence[np.ndarray]) -> bool:
    return all(np.all(np.isfinite(W)) for W in weights)


def train(
    net: "Network",
    X,
    T,
    epochs: int,
    learning_rate: float | None = None,
    batch_size: int = 1,
    shuffle: bool = True,
    seed: int | None = None,
    optimizer: str | Optimizer = "sgd",
    optimizer_options: dict | None = None,
    validation: tuple | None = None,
    callbacks: Sequence[Callback] = (),
) -> History:
    """Train ``net`` in place by mini-batch gradient descent; return the ``History``.

    ``batch_size=1`` is the note's per-sample training, ``batch_size=len(X)`` full
    batch. With ``shuffle`` the samples are visited in a new random order each epoch
    (seeded by ``seed``). ``optimizer`` is a name (with ``optimizer_options`` passed to
    ``get_optimizer(optimizer, learning_rate=..., **optimizer_options)``) or an
    ``Optimizer``. ``learning_rate=None`` takes the optimiser's own default: the note's
    γ = 0.5 for ``sgd``, ``momentum`` and ``nesterov``, 0.001 for ``adam``.
    ``validation=(Xv, Tv)`` adds ``val_cost``/``val_accuracy``.
    ``callbacks`` see ``backprop.callbacks``.

    If the cost or a weight stops being a finite number, the weights are put back to
    those at the end of the last finite epoch, and ``TrainingDiverged`` is raised with
    the history (``error.history``) recording the reason.
    """
    X, _ = net._batch(X, "input")
    T, _ = net._batch(T, "target")
    if len(X) != len(T):
        raise ValueError(f"input has {len(X)} samples but target has {len(T)}; they must match")
    epochs = check_positive_int(epochs, "epochs")
    batch_size = check_positive_int(batch_size, "batch size")
    if validation is not None:
        try:
            Xv, Tv = validation
        except (TypeError, ValueError):
            raise ValueError("validation must be a pair (X_validation, T_validation)") from None
        Xv, Tv, _ = net._pair(Xv, Tv)
    callbacks = list(callbacks)
    for cb in callbacks:
        monitor = getattr(cb, "monitor", None)
        if validation is None and isinstance(monitor, str) and monitor.startswith("val_"):
            raise ValueError(
                f"{type(cb).__name__} monitors {monitor!r} but there is no validation data; "
                f"pass validation=(X_validation, T_validation)"
            )
    if isinstance(optimizer, Optimizer):
        if optimizer_options or learning_rate is not None:
            raise ValueError(
                "learning_rate and optimizer_options only apply when the optimizer is given "
                "by name; set them on the Optimizer object instead"
            )
        opt = optimizer
    else:
        rate = {} if learning_rate is None else {"learning_rate": learning_rate}
        opt = get_optimizer(optimizer, **rate, **(optimizer_options or {}))
    classes = is_classification_target(T)

    history = History()
    history.settings = {
        "epochs": epochs,
        "learning_rate": float(opt.learning_rate),
        "batch_size": batch_size,
        "shuffle": bool(shuffle),
        "seed": seed,
        "optimizer": opt.config(),
        "samples": len(X),
        "validation_samples": 0 if validation is None else len(Xv),
    }
    rng = np.random.default_rng(seed)
    m = len(X)
    for cb in callbacks:
        cb.on_train_begin(net, history, epochs)
    # The epoch runner does what ``_run_epoch`` does, into buffers allocated once here
    # (compiled with numba for the note's network when it is installed).
    run_epoch = epoch_runner(net, opt, X, T, batch_size)
    last_finite = [np.empty_like(W) for W in net.weights]  # to restore on divergence
    start_time = time.perf_counter()
    try:
        for epoch in range(epochs):
            for saved, W in zip(last_finite, net.weights):
                np.copyto(saved, W)
            opt.begin_epoch(epoch)
            order = rng.permutation(m) if shuffle else np.arange(m)
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                run_epoch(order)
                cost, acc = _measure(net, X, T, classes)
            history.epochs.append(epoch + 1)
            history.learning_rate.append(float(opt.current_learning_rate))
            history.cost.append(cost)
            if classes:
                history.accuracy.append(acc)
            if not (math.isfinite(cost) and _finite(net.weights)):
                for W, saved in zip(net.weights, last_finite):
                    W[...] = saved
                what = f"cost became {cost}" if not math.isfinite(cost) else "a weight stopped being finite"
                history.stopped_early = True
                kept = f"the end of epoch {epoch}" if epoch else "their initial values"
                history.stop_reason = (
                    f"diverged: {what} in epoch {epoch + 1}; weights restored to {kept}; "
                    f"try a smaller learning rate"
                )
                history.seconds.append(time.perf_counter() - start_time)
                raise TrainingDiverged(history.stop_reason, history)
            if validation is not None:
                with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                    val_cost, val_acc = _measure(net, Xv, Tv, classes)
                history.val_cost.append(val_cost)
                if classes:
                    history.val_accuracy.append(val_acc)
            history.seconds.append(time.perf_counter() - start_time)
            stop = None
            for cb in callbacks:
                request = cb.on_epoch_end(epoch, history, net)
                if request and stop is None:
                    stop = request
            if stop:
                history.stopped_early = epoch + 1 < epochs
                history.stop_reason = stop if isinstance(stop, str) else "stopped by a callback"
                break
    finally:
        for cb in callbacks:
            cb.on_train_end(history, net)
    return history


def train_until_close(
    net: "Network",
    x,
    t,
    tolerance: float = 0.01,
    learning_rate: float = 0.5,
    max_steps: int = 100_000,
) -> list[float]:
    """Repeat the note's step on one sample (or batch) until every output is within
    ``tolerance`` of its target; return the cost before each step taken.

    Raises ``RuntimeError`` if ``max_steps`` steps do not get there.
    """
    X, T, _ = net._pair(x, t)
    max_steps = check_positive_int(max_steps, "max steps")
    if not tolerance > 0:
        raise ValueError(f"tolerance must be a positive number; got {tolerance!r}")
    costs: list[float] = []
    while not np.all(np.abs(net.predict(X) - T) < tolerance):
        if len(costs) >= max_steps:
            raise RuntimeError(
                f"outputs not within {tolerance} of the targets after {max_steps} steps"
            )
        costs.append(net.step(X, T, learning_rate))
    return costs
