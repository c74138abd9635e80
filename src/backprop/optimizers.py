"""Optimisers: how the change matrices dC/dW^(l) become new weights.

The note's rule is plain gradient descent, W^(l) ← W^(l) − γ dC/dW^(l), with γ = 0.5
as "a good start value". An optimiser is handed *all* change matrices of a step,
computed from the weights before the step, and only then changes the weights.

The registry ``OPTIMIZERS`` maps the names used by the Python API, the command line
and model files to the classes.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from .core import update
from .registry import Registry
from .validation import check_learning_rate

__all__ = ["Optimizer", "GradientDescent", "OPTIMIZERS", "get_optimizer"]


class Optimizer:
    """Base class: ``step(weights, change_matrices)`` changes ``weights`` in place."""

    name = "optimizer"

    def __init__(self, learning_rate: float = 0.5) -> None:
        self.learning_rate = check_learning_rate(learning_rate)

    def begin_epoch(self, epoch: int) -> None:
        """Called by the training loop before epoch ``epoch`` (0, 1, …); schedules use it."""

    def step(self, weights: list[np.ndarray], change_matrices: Sequence[np.ndarray]) -> None:
        raise NotImplementedError

    def config(self) -> dict:
        """The settings that recreate this optimiser, for model files and histories."""
        return {"name": self.name, "learning_rate": self.learning_rate}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.config().items() if k != "name")
        return f"{type(self).__name__}({args})"


class GradientDescent(Optimizer):
    """The note's update W ← W − γ dC/dW (γ = ``learning_rate``)."""

    name = "sgd"

    def step(self, weights: list[np.ndarray], change_matrices: Sequence[np.ndarray]) -> None:
        for W, W_new in zip(weights, update(weights, change_matrices, self.learning_rate)):
            W[...] = W_new


OPTIMIZERS: Registry[type[Optimizer]] = Registry("optimizer")
OPTIMIZERS.register(GradientDescent, "sgd", aliases=("gd", "gradient_descent"))


def get_optimizer(name_or_optimizer: str | Optimizer, **settings) -> Optimizer:
    """An optimiser object from a name and settings (or pass one through)."""
    if isinstance(name_or_optimizer, Optimizer):
        return name_or_optimizer
    return OPTIMIZERS.get(name_or_optimizer)(**settings)
