"""A recorded trace: what the core computed in N consecutive backpropagation steps.

Nothing here does the note's math. ``record`` calls ``Network.backpropagate`` (the
core's forward pass, cost and backward pass) and ``core.update`` on a copy of the
network, and keeps what they returned, with the weights before and after each step.
The explanations are written from these records only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import core
from ..activations import ACTIVATIONS, Activation
from ..costs import Cost
from ..network import Network
from ..validation import check_learning_rate, check_positive_int

__all__ = ["StepRecord", "Trace", "record"]


@dataclass(frozen=True)
class StepRecord:
    """One step: W^(l) before, everything the core computed, W^(l) after.

    ``result`` is the core's ``Pass`` for the step's single sample (arrays with one
    row); ``weights_after`` are ``core.update(weights_before, result.change_matrices,
    learning_rate)``.
    """

    number: int
    weights_before: list[np.ndarray]
    result: core.Pass
    weights_after: list[np.ndarray]
    learning_rate: float

    # -- the recorded values, one sample, in the note's indexing -------------------

    def a(self, l: int) -> np.ndarray:
        """a^(l), l = 0 … L."""
        return self.result.a[l][0]

    def z(self, l: int) -> np.ndarray:
        """z^(l), the weighted sums of layer l = 1 … L."""
        return self.result.z[l - 1][0]

    def delta(self, l: int) -> np.ndarray:
        """δ^(l), l = 1 … L."""
        return self.result.deltas[l - 1][0]

    def change(self, l: int) -> np.ndarray:
        """dC/dW^(l), l = 1 … L, the shape of W^(l)."""
        return self.result.change_matrices[l - 1]

    @property
    def cost(self) -> float:
        return float(self.result.cost)


@dataclass(frozen=True)
class Trace:
    """N consecutive steps of one network on one sample (x, T).

    ``final_cost`` is C with the weights after the last step, computed by the core.
    """

    sizes: list[int]
    activations: list[Activation]
    cost_function: Cost
    x: np.ndarray
    t: np.ndarray
    learning_rate: float
    steps: list[StepRecord]
    final_cost: float

    @property
    def L(self) -> int:
        return len(self.sizes) - 1

    # -- factors shown beside the δ's ---------------------------------------------
    # The δ's themselves are the core's. The explanation also shows the two vectors
    # whose Hadamard product each δ is; they come from the same functions the core
    # calls (the cost's and the activation's derivatives, and core.hidden_delta).

    def output_error(self, step: StepRecord) -> np.ndarray:
        """dC/da^(L): for the quadratic cost a^(L) − T."""
        return self.cost_function.derivative(step.result.a[-1], self.t[None, :])[0]

    def derivative(self, step: StepRecord, l: int) -> np.ndarray | None:
        """f'(z^(l)) written through a^(l) (for σ: a^(l)(1 − a^(l))); None for softmax."""
        f = self.activations[l - 1]
        if f.derivative is None:
            return None
        return f.derivative(step.result.a[l])[0]

    def backpropagated_error(self, step: StepRecord, l: int) -> np.ndarray:
        """w^(l+1)ᵀ δ^(l+1), W^(l+1) without its bias column: δ^(l) before the factor f'."""
        identity = ACTIVATIONS.get("identity")
        return core.hidden_delta(
            step.result.a[l], step.weights_before[l], step.result.deltas[l], identity
        )[0]


def check_steps(steps) -> int:
    """``steps`` as a positive int, or a ``ValueError``."""
    return check_positive_int(steps, "steps")


def one_sample(net: Network, x, t, what: str) -> tuple[np.ndarray, np.ndarray]:
    """(x, t) checked against ``net`` as a batch of one row each (X, T); ``what``
    names the caller in the error for a batch of several samples."""
    X, T, _ = net._pair(x, t)
    if len(X) != 1:
        raise ValueError(f"{what} follows one sample; got a batch of {len(X)} samples")
    return X, T


def record(net: Network, x, t, learning_rate: float = 0.5, steps: int = 1) -> Trace:
    """Run ``steps`` backpropagation steps on a copy of ``net`` and record each one.

    ``x`` and ``t`` are one sample (a batch of one row is accepted). ``net`` itself is
    not changed.
    """
    learning_rate = check_learning_rate(learning_rate)
    steps = check_steps(steps)
    X, T = one_sample(net, x, t, "an explanation")
    work = net.copy()
    records: list[StepRecord] = []
    for number in range(1, steps + 1):
        before = [W.copy() for W in work.weights]
        result = work.backpropagate(X, T)
        after = core.update(before, result.change_matrices, learning_rate)
        work.weights = [W.copy() for W in after]
        records.append(StepRecord(number, before, result, after, learning_rate))
    return Trace(
        sizes=net.sizes,
        activations=list(net.activations),
        cost_function=net.cost_function,
        x=X[0].copy(),
        t=T[0].copy(),
        learning_rate=learning_rate,
        steps=records,
        final_cost=float(work.cost(X, T)),
    )
