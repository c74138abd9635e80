"""Callbacks: code the training loop runs around each epoch.

A callback is any object with these methods (subclass ``Callback`` to get no-op
defaults):

* ``on_train_begin(net, history, epochs)``: before the first epoch;
* ``on_epoch_end(epoch, history, net)``: after epoch ``epoch`` (0, 1, …), when the
  history already holds that epoch's numbers. Returning a true value asks the loop to
  stop; a string return value is recorded as ``history.stop_reason``;
* ``on_train_end(history, net)``: after the last epoch (also after a stop).

The library never prints: ``Progress`` hands each line to a function the caller gives
(the command line prints it to stderr).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Callable

import numpy as np

from .validation import check_positive_int

if TYPE_CHECKING:
    from .network import Network
    from .training import History

__all__ = [
    "Callback",
    "Progress",
    "StopAtTarget",
    "EarlyStopping",
    "DivergenceGuard",
    "TrainingDiverged",
    "MONITORS",
    "format_epoch",
]

# The per-epoch numbers a callback can watch, and whether smaller is better.
MONITORS = {"cost": True, "val_cost": True, "accuracy": False, "val_accuracy": False}


class TrainingDiverged(RuntimeError):
    """The cost or the weights stopped being finite numbers, or the cost blew up.

    ``history`` holds the epochs run so far; the network's weights are left at the
    last state where everything was finite.
    """

    def __init__(self, message: str, history: "History | None" = None) -> None:
        super().__init__(message)
        self.history = history


def _check_monitor(monitor: str) -> str:
    if monitor not in MONITORS:
        raise ValueError(f"unknown monitor {monitor!r}; expected one of {', '.join(MONITORS)}")
    return monitor


def _latest(history: "History", monitor: str) -> float:
    values = getattr(history, monitor)
    if not values:
        what = "validation data" if monitor.startswith("val_") else "classification targets"
        raise ValueError(f"history has no {monitor!r} values; monitoring it needs {what}")
    return values[-1]


class Callback:
    """The callback protocol with do-nothing methods."""

    #: the monitored quantity; names starting with ``val_`` need validation data
    monitor: str | None = None

    def on_train_begin(self, net: "Network", history: "History", epochs: int) -> None:
        pass

    def on_epoch_end(self, epoch: int, history: "History", net: "Network") -> bool | str | None:
        return None

    def on_train_end(self, history: "History", net: "Network") -> None:
        pass


def format_epoch(history: "History", epochs: int | None = None, index: int = -1) -> str:
    """One line for one epoch: ``epoch 3/30  cost 0.012345  accuracy 0.9512 …``."""
    epoch = history.epochs[index]
    total = f"/{epochs}" if epochs else ""
    width = len(str(epochs)) if epochs else 1
    parts = [f"epoch {epoch:>{width}}{total}", f"cost {history.cost[index]:.6f}"]
    if history.accuracy:
        parts.append(f"accuracy {history.accuracy[index]:.4f}")
    if history.val_cost:
        parts.append(f"val_cost {history.val_cost[index]:.6f}")
    if history.val_accuracy:
        parts.append(f"val_accuracy {history.val_accuracy[index]:.4f}")
    if history.seconds:
        parts.append(f"{history.seconds[index]:.1f} s")
    return "  ".join(parts)


class Progress(Callback):
    """Report each ``every``-th epoch (and the last) as one line: ``report(line)``."""

    def __init__(self, report: Callable[[str], None], every: int = 1) -> None:
        self.report = report
        self.every = check_positive_int(every, "every")
        self.epochs = 0

    def on_train_begin(self, net, history, epochs):
        self.epochs = epochs

    def on_epoch_end(self, epoch, history, net):
        if (epoch + 1) % self.every == 0 or epoch + 1 == self.epochs:
            self.report(format_epoch(history, self.epochs))
        return None


class StopAtTarget(Callback):
    """Stop once the monitored number reaches ``target``.

    Costs reach it from above (``cost ≤ target``), accuracies from below
    (``accuracy ≥ target``). ``monitor`` is one of cost, accuracy, val_cost, val_accuracy.
    """

    def __init__(self, target: float, monitor: str = "cost") -> None:
        self.monitor = _check_monitor(monitor)
        if not isinstance(target, (int, float)) or not math.isfinite(target):
            raise ValueError(f"target must be a finite number; got {target!r}")
        self.target = float(target)

    def on_epoch_end(self, epoch, history, net):
        value = _latest(history, self.monitor)
        reached = value <= self.target if MONITORS[self.monitor] else value >= self.target
        if reached:
            sign = "≤" if MONITORS[self.monitor] else "≥"
            return f"target reached: {self.monitor} {value:.6g} {sign} {self.target:g}"
        return None


class DivergenceGuard(Callback):
    """Raise ``TrainingDiverged`` when the training cost rises above ``factor`` times
    the lowest cost seen so far (the loop itself always stops on NaN or infinity).

    Before raising, the weights are put back to those of the epoch with the lowest cost.
    """

    monitor = "cost"

    def __init__(self, factor: float = 10.0) -> None:
        if not isinstance(factor, (int, float)) or not factor > 1:
            raise ValueError(f"factor must be a number greater than 1; got {factor!r}")
        self.factor = float(factor)

    def on_train_begin(self, net, history, epochs):
        self.best = math.inf
        self.best_epoch = None
        self.best_weights = [W.copy() for W in net.weights]

    def on_epoch_end(self, epoch, history, net):
        cost = history.cost[-1]
        if cost < self.best:
            self.best, self.best_epoch = cost, history.epochs[-1]
            self.best_weights = [W.copy() for W in net.weights]
        elif cost > self.factor * self.best:
            for W, saved in zip(net.weights, self.best_weights):
                W[...] = saved
            reason = (
                f"diverged: cost {cost:.6g} in epoch {history.epochs[-1]} is more than "
                f"{self.factor:g} times the lowest cost {self.best:.6g} (epoch {self.best_epoch}); "
                f"weights restored to epoch {self.best_epoch}; try a smaller learning rate"
            )
            history.stopped_early = True
            history.stop_reason = reason
            raise TrainingDiverged(reason, history)
        return None


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved by more than ``min_delta`` for ``patience``
    epochs in a row, and put back the weights of the best epoch.

    With ``restore_best=True`` (the default) the network ends with the weights of the
    best epoch whether or not training stopped early; ``history.best_epoch`` names it.
    """

    def __init__(
        self,
        patience: int = 10,
        min_delta: float = 0.0,
        monitor: str = "val_cost",
        restore_best: bool = True,
    ) -> None:
        patience = check_positive_int(patience, "patience")
        if not isinstance(min_delta, (int, float)) or not min_delta >= 0:
            raise ValueError(f"min_delta must be a number ≥ 0; got {min_delta!r}")
        self.patience = patience
        self.min_delta = float(min_delta)
        self.monitor = _check_monitor(monitor)
        self.restore_best = restore_best

    def on_train_begin(self, net, history, epochs):
        self.best = math.inf if MONITORS[self.monitor] else -math.inf
        self.best_epoch: int | None = None
        self.best_weights: list[np.ndarray] | None = None
        self.wait = 0

    def _improved(self, value: float) -> bool:
        if MONITORS[self.monitor]:
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def on_epoch_end(self, epoch, history, net):
        value = _latest(history, self.monitor)
        if self._improved(value):
            self.best, self.best_epoch, self.wait = value, history.epochs[-1], 0
            self.best_weights = [W.copy() for W in net.weights]
            return None
        self.wait += 1
        if self.wait >= self.patience:
            return (
                f"early stopping: {self.monitor} did not improve by more than {self.min_delta:g} "
                f"for {self.patience} epochs; best {self.monitor} {self.best:.6g} in epoch {self.best_epoch}"
            )
        return None

    def on_train_end(self, history, net):
        if self.best_epoch is None:
            return
        history.best_epoch = self.best_epoch
        if self.restore_best and self.best_weights is not None:
            for W, saved in zip(net.weights, self.best_weights):
                W[...] = saved

