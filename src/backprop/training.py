"""The training loop: batches, shuffling, per-epoch history. It returns data, never prints."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from .optimizers import Optimizer, get_optimizer

if TYPE_CHECKING:
    from .network import Network

__all__ = ["History", "train", "train_until_close"]


@dataclass
class History:
    """What happened in training, one entry per epoch.

    ``cost[e]`` is the cost C over the whole training set after epoch e + 1.
    """

    cost: list[float] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.cost)

    def to_dict(self) -> dict:
        return asdict(self)


def _check_positive_int(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{what} must be a positive integer; got {value!r}")
    return int(value)


def train(
    net: "Network",
    X,
    T,
    epochs: int,
    learning_rate: float = 0.5,
    batch_size: int = 1,
    shuffle: bool = True,
    seed: int | None = None,
    optimizer: str | Optimizer = "sgd",
) -> History:
    """Train ``net`` in place by mini-batch gradient descent; return the history.

    ``batch_size=1`` is the note's per-sample training, ``batch_size=len(X)`` full
    batch. Each step computes every change matrix from the current weights before the
    optimiser changes any weight.
    """
    X, _ = net._batch(X, "input")
    T, _ = net._batch(T, "target")
    if len(X) != len(T):
        raise ValueError(f"input has {len(X)} samples but target has {len(T)}; they must match")
    epochs = _check_positive_int(epochs, "epochs")
    batch_size = _check_positive_int(batch_size, "batch size")
    if isinstance(optimizer, Optimizer):
        opt = optimizer
    else:
        opt = get_optimizer(optimizer, learning_rate=learning_rate)
    rng = np.random.default_rng(seed)
    m = len(X)
    history = History()
    for epoch in range(epochs):
        opt.begin_epoch(epoch)
        order = rng.permutation(m) if shuffle else np.arange(m)
        for start in range(0, m, batch_size):
            idx = order[start : start + batch_size]
            opt.step(net.weights, net._gradients(X[idx], T[idx]))
        history.cost.append(net._cost(X, T))
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
    max_steps = _check_positive_int(max_steps, "max steps")
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
