"""One playground session: a data set, a ``Network`` and where training stands.

Every number comes from the package's core: a step is ``Network.step`` on the next
batch (all change matrices first, then W ← W − γ dC/dW), costs are ``Network.cost``,
the decision regions are ``Network.predict`` on a grid. A session is deterministic:
the same settings and the same number of steps give the same weights, which is what
lets the page keep its state in the URL.
"""

from __future__ import annotations

import threading

import numpy as np

from ..examples import NOTE
from ..network import Network
from ..preprocessing import targets_for_classes
from . import data
from .settings import LIMITS, RequestError, Settings

__all__ = ["Session"]

# Cost-history points kept per session; older points are thinned when it fills.
MAX_HISTORY = 1000


class Session:
    """The state behind one page: settings, data, network, position in training."""

    def __init__(self, settings: Settings, replay_steps: int = 0) -> None:
        self.settings = settings
        self.lock = threading.Lock()
        self.reset()
        if replay_steps:
            self.advance(replay_steps)

    # -- building ---------------------------------------------------------------------

    def reset(self) -> None:
        """Back to the initial weights and the first batch of the first epoch."""
        s = self.settings
        X, T, y = data.load(s.dataset, s.seed, s.noise, s.samples)
        output_activation = "sigmoid"
        if s.cost == "cross_entropy":
            if y is None:
                raise RequestError(
                    "cost cross_entropy needs class labels; the note's example has the "
                    "target (0.3, 0.4): use quadratic"
                )
            # softmax: one-hot, two columns even for two classes
            T = targets_for_classes(y, max(int(y.max()) + 1, 2), one_hot_binary=True)
            output_activation = "softmax"
        self.y_all = y
        if s.dataset in data.GENERATED:  # hold out a fifth for the validation cost
            order = np.random.default_rng(s.seed + 1).permutation(len(X))
            n_val = max(1, len(X) // 5)
            self.val_idx, self.train_idx = np.sort(order[:n_val]), np.sort(order[n_val:])
        else:
            self.val_idx, self.train_idx = np.array([], int), np.arange(len(X))
        self.X_all, self.T_all = X, T
        self.X, self.T = X[self.train_idx], T[self.train_idx]
        self.X_val, self.T_val = X[self.val_idx], T[self.val_idx]
        sizes = [X.shape[1], *s.hidden, T.shape[1]]
        functions = dict(activation=s.activation, output_activation=output_activation, cost=s.cost)
        if s.dataset == "note" and sizes == [2, 2, 2]:
            # The note's own example starts from the project's documented weights.
            self.net = Network.from_weights([np.array(W) for W in NOTE.weights], **functions)
        else:
            self.net = Network(sizes, seed=s.seed, **functions)
        self.batch_size = min(s.batch_size, len(self.X))
        self.rng = np.random.default_rng(s.seed)
        self.order = self.rng.permutation(len(self.X))
        self.position = 0  # index into ``order`` of the next batch's first sample
        self.steps = 0
        self.epoch = 0
        self.last_batch: list[int] = []
        self.history: list[dict] = []
        self._record()

    # -- training ---------------------------------------------------------------------

    @property
    def steps_per_epoch(self) -> int:
        return -(-len(self.X) // self.batch_size)

    def next_batch(self) -> np.ndarray:
        return self.order[self.position : self.position + self.batch_size]

    def advance(self, steps: int) -> None:
        """``steps`` steps of the note's update, each on the next batch (``Network.step``)."""
        lr = self.settings.learning_rate
        with np.errstate(all="ignore"):  # a diverging rate shows as an infinite cost, not a warning
            for _ in range(steps):
                idx = self.next_batch()
                self.net.step(self.X[idx], self.T[idx], lr)
                self.last_batch = [int(i) for i in idx]
                self.steps += 1
                self.position += len(idx)
                if self.position >= len(self.X):
                    self.epoch += 1
                    self.position = 0
                    self.order = self.rng.permutation(len(self.X))
                    self._record()
            if self.position:
                self._record()

    def step(self, steps: int) -> None:
        self._check_work(steps)
        self.advance(steps)

    def train(self, epochs: int) -> None:
        """Train to the end of the ``epochs``-th epoch boundary from here."""
        steps = epochs * self.steps_per_epoch - self.position // self.batch_size
        self._check_work(steps)
        self.advance(steps)

    def _check_work(self, steps: int) -> None:
        if steps * self.batch_size > LIMITS["sample_steps"]:
            raise RequestError(
                f"that is {steps} steps of {self.batch_size} samples; one request may process "
                f"at most {LIMITS['sample_steps']} samples: ask for fewer"
            )

    def _record(self) -> None:
        with np.errstate(all="ignore"):
            train = self.net.cost(self.X, self.T)
            val = self.net.cost(self.X_val, self.T_val) if len(self.X_val) else None
        point = {
            "steps": self.steps,
            "epoch": self.epoch + self.position / len(self.X),
            "train": _finite(train),
            "validation": _finite(val),
        }
        if self.history and self.history[-1]["steps"] == self.steps:
            self.history[-1] = point
        else:
            self.history.append(point)
        if len(self.history) > MAX_HISTORY:  # thin the older half, keep the recent points
            half = MAX_HISTORY // 2
            self.history = self.history[:half:2] + self.history[half:]

    # -- what the page shows ------------------------------------------------------------

    def grid(self) -> dict:
        """The decision regions: ``Network.predict`` on an n × n grid over the data."""
        n = self.settings.grid
        lo, hi = self.X_all.min(axis=0), self.X_all.max(axis=0)
        span = np.maximum(hi - lo, 1.0)
        lo, hi = lo - 0.15 * span, hi + 0.15 * span
        xs = np.linspace(lo[0], hi[0], n)
        ys = np.linspace(hi[1], lo[1], n)  # top row first, as the canvas draws
        gx, gy = np.meshgrid(xs, ys)
        with np.errstate(all="ignore"):
            out = self.net.predict(np.column_stack([gx.ravel(), gy.ravel()]))
        classes = None
        if out.shape[1] > 1 and self.y_all is not None:
            classes = out.argmax(axis=1).tolist()
            values = out.max(axis=1)
        else:
            values = out[:, 0]
        return {
            "n": n,
            "x_range": [float(lo[0]), float(hi[0])],
            "y_range": [float(lo[1]), float(hi[1])],
            "values": [_finite(round(float(v), 4)) for v in values],
            "classes": classes,
        }

    def state(self) -> dict:
        train = self.history[-1]
        return {
            "settings": self.settings.to_dict(),
            "sizes": self.net.sizes,
            "activations": [f.name for f in self.net.activations],
            "cost_name": self.net.cost_function.name,
            "weights": [[[_finite(float(v)) for v in row] for row in W] for W in self.net.weights],
            "steps": self.steps,
            "epoch": self.epoch,
            "position": self.position,
            "batch_size": self.batch_size,
            "steps_per_epoch": self.steps_per_epoch,
            "last_batch": self.last_batch,
            "next_batch": [int(i) for i in self.next_batch()],
            "cost": {"train": train["train"], "validation": train["validation"]},
            "history": self.history,
            "data": {
                "X": self.X.tolist(),
                "y": None if self.y_all is None else self.y_all[self.train_idx].tolist(),
                "T": self.T.tolist(),
                "X_val": self.X_val.tolist(),
                "y_val": None if self.y_all is None else self.y_all[self.val_idx].tolist(),
            },
            "grid": self.grid(),
        }


def _finite(value):
    """JSON has no NaN or infinity: a diverged number is sent as null."""
    if value is None or not np.isfinite(value):
        return None
    return value
