"""``Network``: holds the weights W^(1) … W^(L) and calls the pure core on them."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from . import core
from .activations import Activation, get_activation
from .costs import Cost, get_cost
from .initializers import initial_weights
from .validation import as_batch, check_dtype, check_learning_rate, check_sizes, check_weights

__all__ = ["Network"]


class Network:
    """The note's fully connected network for any sizes [n0, n1, …, nL].

    ``weights[l - 1]`` is the note's W^(l), shape (n_l, n_{l-1} + 1), the biases in its
    last column. Layer l's activation is ``activations[l - 1]``: by default the note's
    sigmoid everywhere, with the note's quadratic cost. ``output_activation=None``
    gives the output layer the hidden ``activation``, unless the cost needs
    probabilities it cannot give: then the cost's own (softmax for
    ``cross_entropy``, sigmoid for ``binary_cross_entropy``).

    >>> net = Network([2, 2, 2], seed=1)
    >>> [W.shape for W in net.weights]
    [(2, 3), (2, 3)]
    """

    def __init__(
        self,
        sizes: Sequence[int],
        seed: int | None = None,
        dtype=np.float64,
        *,
        activation: str | Activation = "sigmoid",
        output_activation: str | Activation | None = None,
        cost: str | Cost = "quadratic",
        initializer: str = "uniform",
    ) -> None:
        sizes = check_sizes(sizes)
        self.dtype = check_dtype(dtype)
        self._set_functions(len(sizes) - 1, activation, output_activation, cost)
        self.initializer = initializer
        self.weights: list[np.ndarray] = initial_weights(sizes, initializer, seed, self.dtype)

    @classmethod
    def from_weights(
        cls,
        weights: Sequence,
        dtype=None,
        *,
        activation: str | Activation = "sigmoid",
        output_activation: str | Activation | None = None,
        cost: str | Cost = "quadratic",
    ) -> "Network":
        """A network with explicit weights [W^(1), …, W^(L)] in the note's layout.

        Shapes are checked against each other: W^(l) must be (n_l, n_{l-1} + 1). The
        matrices are copied; ``dtype`` defaults to float32 if they all are, else float64.
        """
        mats = check_weights(weights)
        if dtype is None:
            given = [np.asarray(W).dtype for W in weights]
            dtype = np.float32 if all(d == np.float32 for d in given) else np.float64
        net = cls.__new__(cls)
        net.dtype = check_dtype(dtype)
        net._set_functions(len(mats), activation, output_activation, cost)
        net.initializer = None
        net.weights = [np.array(W, dtype=net.dtype, order="C", copy=True) for W in mats]
        return net

    def _set_functions(self, L, activation, output_activation, cost) -> None:
        hidden = get_activation(activation)
        cost_function = get_cost(cost)
        if output_activation is None:
            # The output layer takes the hidden activation, unless the cost needs
            # probabilities that it cannot give: then the cost's matching activation
            # (softmax for cross-entropy, sigmoid for binary cross-entropy).
            allowed = cost_function.output_activations
            if allowed is not None and hidden.name not in allowed:
                output_activation = cost_function.matching_activation
            else:
                output_activation = activation
        output = get_activation(output_activation)
        if hidden.output_only and L > 1:
            raise ValueError(
                f"activation {hidden.name!r} is for the output layer only; "
                f"use it as output_activation"
            )
        allowed = cost_function.output_activations
        if allowed is not None and output.name not in allowed:
            raise ValueError(
                f"cost {cost_function.name!r} takes logarithms of the outputs, which must be "
                f"probabilities in (0, 1): use output_activation "
                f"{' or '.join(repr(a) for a in allowed)}, not {output.name!r}"
            )
        self.activations: list[Activation] = [hidden] * (L - 1) + [output]
        self.cost_function: Cost = cost_function

    # -- shape --------------------------------------------------------------------

    @property
    def sizes(self) -> list[int]:
        """[n0, n1, …, nL], read off the weights."""
        return [self.weights[0].shape[1] - 1] + [W.shape[0] for W in self.weights]

    @property
    def L(self) -> int:
        """The number of the output layer (the number of weight matrices)."""
        return len(self.weights)

    def copy(self) -> "Network":
        """An independent copy with the same weights and functions."""
        net = Network.from_weights(
            self.weights,
            self.dtype,
            activation=self.activations[0],
            output_activation=self.activations[-1],
            cost=self.cost_function,
        )
        net.initializer = self.initializer
        return net

    def __repr__(self) -> str:
        names = [f.name for f in self.activations]
        act = names[0] if len(set(names)) == 1 else f"{names[0]}, output {names[-1]}"
        return (
            f"Network(sizes={self.sizes}, activation={act}, cost={self.cost_function.name}, "
            f"dtype={self.dtype.name})"
        )

    # -- input checks ---------------------------------------------------------------

    def _batch(self, values, what: str) -> tuple[np.ndarray, bool]:
        n = self.sizes[0] if what == "input" else self.sizes[-1]
        return as_batch(values, n, self.dtype, what, self.sizes)

    def _pair(self, x, t) -> tuple[np.ndarray, np.ndarray, bool]:
        X, single = self._batch(x, "input")
        T, _ = self._batch(t, "target")
        if len(X) != len(T):
            raise ValueError(f"input has {len(X)} samples but target has {len(T)}; they must match")
        return X, T, single

    # -- the note's computations ---------------------------------------------------

    def forward(self, x) -> list[np.ndarray]:
        """The forward pass, eqs. (1)–(4): the values a^(0) … a^(L).

        ``x`` is one sample (n0,), then each a^(l) is 1-D, or a batch (m, n0).
        """
        X, single = self._batch(x, "input")
        _, values = core.forward(self.weights, X, self.activations)
        return [a[0] for a in values] if single else values

    def predict(self, x) -> np.ndarray:
        """The output a^(L) for one sample or a batch."""
        return self.forward(x)[-1]

    def cost(self, x, t) -> float:
        """The cost C, eq. (5) for the quadratic cost; the mean over a batch."""
        X, T, _ = self._pair(x, t)
        return self._cost(X, T)

    def _cost(self, X: np.ndarray, T: np.ndarray) -> float:
        _, values = core.forward(self.weights, X, self.activations)
        return self.cost_function(values[-1], T)

    def backpropagate(self, x, t) -> core.Pass:
        """Every intermediate value of one forward and backward pass (see ``core.Pass``).

        Batched arrays have one row per sample, even for a single sample.
        """
        X, T, _ = self._pair(x, t)
        return core.backpropagate(self.weights, X, T, self.activations, self.cost_function)

    def gradients(self, x, t) -> list[np.ndarray]:
        """The change matrices dC/dW^(1) … dC/dW^(L), mean over a batch; shapes as ``weights``."""
        X, T, _ = self._pair(x, t)
        return self._gradients(X, T)

    def _gradients(self, X: np.ndarray, T: np.ndarray) -> list[np.ndarray]:
        _, values = core.forward(self.weights, X, self.activations)
        _, changes = core.backward(self.weights, values, T, self.activations, self.cost_function)
        return changes

    def step(self, x, t, learning_rate: float = 0.5) -> float:
        """One backpropagation step; returns the cost before the step.

        All change matrices are computed from the current weights, then every weight
        changes: W^(l) ← W^(l) − γ dC/dW^(l) with γ = ``learning_rate``.
        """
        learning_rate = check_learning_rate(learning_rate)
        result = self.backpropagate(x, t)
        self.weights = core.update(self.weights, result.change_matrices, learning_rate)
        return result.cost

    def fit(
        self,
        X,
        T,
        epochs: int,
        learning_rate: float | None = None,
        batch_size: int = 1,
        shuffle: bool = True,
        seed: int | None = None,
        **options,
    ):
        """Train for ``epochs`` passes over (X, T); returns the ``History``.

        ``batch_size=1`` is the note's per-sample training; ``batch_size=len(X)`` is
        full batch. ``learning_rate=None`` is the optimiser's default: the note's
        γ = 0.5 for plain gradient descent. Other options (``optimizer``,
        ``optimizer_options``, ``validation``, ``callbacks``) are those of
        ``backprop.training.train``.
        """
        from .training import train

        return train(
            self,
            X,
            T,
            epochs,
            learning_rate=learning_rate,
            batch_size=batch_size,
            shuffle=shuffle,
            seed=seed,
            **options,
        )
