"""The worked examples: the note's own network and the step-by-step example it cites.

Each example is a ``WorkedExample`` with the initial weights in the note's layout
(``weights[l - 1]`` is W^(l), the last column the biases), one input, one target and
the learning rate γ. They are used by ``backprop demo``, the explanations, the
pictures and the tests, by name from ``EXAMPLES``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .network import Network
from .registry import Registry

__all__ = ["WorkedExample", "EXAMPLES", "NOTE", "MAZUR", "get_example"]


@dataclass(frozen=True)
class WorkedExample:
    name: str
    description: str
    weights: tuple[tuple[tuple[float, ...], ...], ...]
    input: tuple[float, ...]
    target: tuple[float, ...]
    learning_rate: float = 0.5

    def network(self, dtype=np.float64) -> Network:
        """A fresh network with the example's initial weights (sigmoid, quadratic cost)."""
        return Network.from_weights([np.array(W) for W in self.weights], dtype)

    @property
    def x(self) -> np.ndarray:
        return np.array(self.input)

    @property
    def t(self) -> np.ndarray:
        return np.array(self.target)


# The note gives the network [2, 2, 2], the input (0.1, 0.9) and the target (0.3, 0.4)
# but no initial weights. These are the project's fixed, documented choice:
#   W^(1) = [[w_00, w_01, w_02], [w_10, w_11, w_12]]   (w_02, w_12 the biases)
NOTE = WorkedExample(
    name="note",
    description="the note's network [2, 2, 2], input (0.1, 0.9), target (0.3, 0.4)",
    weights=(
        ((0.10, 0.20, 0.30), (0.40, 0.50, 0.60)),
        ((0.70, 0.80, 0.90), (0.10, 0.20, 0.30)),
    ),
    input=(0.1, 0.9),
    target=(0.3, 0.4),
)

# The step-by-step example the note cites as reference [1]: w1..w4 and b1 (for both
# hidden neurons) in W^(1), w5..w8 and b2 in W^(2).
MAZUR = WorkedExample(
    name="mazur",
    description="the step-by-step example the note cites: input (0.05, 0.10), target (0.01, 0.99)",
    weights=(
        ((0.15, 0.20, 0.35), (0.25, 0.30, 0.35)),
        ((0.40, 0.45, 0.60), (0.50, 0.55, 0.60)),
    ),
    input=(0.05, 0.10),
    target=(0.01, 0.99),
)

EXAMPLES: Registry[WorkedExample] = Registry("example")
EXAMPLES.register(NOTE)
EXAMPLES.register(MAZUR)


def get_example(name: str) -> WorkedExample:
    return EXAMPLES.get(name)
