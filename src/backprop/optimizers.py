"""Optimisers: how the change matrices dC/dW^(l) become new weights.

The note's rule (unnumbered, after its change matrices) is plain gradient descent,
W^(l) ← W^(l) − γ dC/dW^(l), with γ = 0.5 as "a good start value". An optimiser is
handed *all* change matrices of a step, computed from the weights before the step,
and only then changes the weights.

Every optimiser here takes the same common settings:

- ``learning_rate`` γ (the base rate γ₀ when there is a schedule);
- ``weight_decay`` λ ≥ 0: L2 regularisation of the weights, never the biases. The
  optimiser uses g^(l) = dC/dW^(l) + λ W̃^(l) in place of the change matrix, where
  W̃^(l) is W^(l) with its last (bias) column set to zero; this is the gradient of
  C + (λ/2) Σ_l ‖W̃^(l)‖². With λ = 0, g^(l) = dC/dW^(l);
- ``schedule``: ``None`` or a learning-rate schedule (see :mod:`backprop.schedules`);
  ``begin_epoch(e)`` sets the rate to γ_e = γ₀ · factor(e).

State (velocities, moments, step counts) is kept per weight matrix, allocated on the
first step with the matrices' shapes and dtype; ``reset()`` clears it. ``config()`` is
a JSON-ready dict that recreates the optimiser (without its state) through
``get_optimizer(**config)``.

The registry ``OPTIMIZERS`` maps the names used by the Python API, the command line
and model files to the classes.
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Sequence

import numpy as np

from .core import update
from .registry import Registry
from .schedules import Schedule, get_schedule
from .validation import check_learning_rate

__all__ = [
    "Optimizer",
    "GradientDescent",
    "Momentum",
    "Nesterov",
    "Adam",
    "OPTIMIZERS",
    "get_optimizer",
]


def _check_number(value, what: str, low: float, high: float | None = None, low_open=False) -> float:
    """A finite real number in [low, high) (or (low, high) when ``low_open``)."""
    expected = f"{'(' if low_open else '['}{low}, {high if high is not None else '∞'})"
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number in {expected}; got {value!r}")
    value = float(value)
    if value < low or (low_open and value == low) or (high is not None and value >= high):
        raise ValueError(f"{what} must be in {expected}; got {value!r}")
    return value


class Optimizer:
    """Base class: ``step(weights, change_matrices)`` changes ``weights`` in place.

    Subclasses implement ``_update(l, W, g, rate)``, which changes one matrix W^(l) in
    place given g^(l) (the change matrix plus weight decay) and the current rate γ.
    """

    name = "optimizer"
    #: names of the settings a subclass adds to learning_rate, weight_decay, schedule
    extra_settings: tuple[str, ...] = ()

    def __init__(
        self,
        learning_rate: float = 0.5,
        *,
        weight_decay: float = 0.0,
        schedule: str | dict | Schedule | None = None,
    ) -> None:
        self.learning_rate = check_learning_rate(learning_rate)
        self.weight_decay = _check_number(weight_decay, "weight decay", 0.0)
        self.schedule: Schedule | None = get_schedule(schedule)
        self.epoch = 0
        self._state: list[dict] | None = None

    # -- the rate ------------------------------------------------------------------

    def begin_epoch(self, epoch: int) -> None:
        """Called by the training loop before epoch ``epoch`` (0, 1, …); applies the schedule."""
        if isinstance(epoch, bool) or not isinstance(epoch, (int, np.integer)) or epoch < 0:
            raise ValueError(f"epoch must be a non-negative integer; got {epoch!r}")
        self.epoch = int(epoch)

    def learning_rate_at(self, epoch: int) -> float:
        """γ_e: the base rate times the schedule's factor for epoch ``epoch``."""
        if self.schedule is None:
            return self.learning_rate
        return self.learning_rate * self.schedule.factor(epoch)

    @property
    def current_learning_rate(self) -> float:
        """The rate γ the next step uses (that of the epoch last begun)."""
        return self.learning_rate_at(self.epoch)

    # -- the step ------------------------------------------------------------------

    def step(self, weights: list[np.ndarray], change_matrices: Sequence[np.ndarray]) -> None:
        """Change every W^(l) in ``weights`` in place, given every dC/dW^(l) of this step.

        All change matrices must have been computed from the weights before the step;
        they are all checked before any weight changes.
        """
        self._check(weights, change_matrices)
        if self._state is None:
            self._state = [self._new_state(W) for W in weights]
        rate = self.current_learning_rate
        # g^(l) for every layer first (weight decay reads the weights before the step).
        gradients = [self._with_decay(W, dW) for W, dW in zip(weights, change_matrices)]
        for l, (W, g) in enumerate(zip(weights, gradients)):
            self._update(l, W, g, rate)

    def _with_decay(self, W: np.ndarray, dW: np.ndarray) -> np.ndarray:
        """g = dC/dW + λ W̃, W̃ = W with the bias column (the last) zeroed."""
        if self.weight_decay == 0.0:
            return dW
        g = np.array(dW, dtype=W.dtype, copy=True)
        g[:, :-1] += self.weight_decay * W[:, :-1]
        return g

    def _check(self, weights, change_matrices) -> None:
        if len(weights) != len(change_matrices):
            raise ValueError(
                f"got {len(change_matrices)} change matrices for {len(weights)} weight matrices; "
                "expected one dC/dW^(l) per W^(l)"
            )
        for l, (W, dW) in enumerate(zip(weights, change_matrices), start=1):
            if np.shape(dW) != W.shape:
                raise ValueError(f"dC/dW^({l}) has shape {np.shape(dW)}, W^({l}) has {W.shape}; they must match")
        if self._state is not None:
            shapes = [s["shape"] for s in self._state]
            if shapes != [W.shape for W in weights]:
                raise ValueError(
                    f"this {self.name} optimiser holds state for weight shapes {shapes}, got "
                    f"{[W.shape for W in weights]}; call reset() before using it on another network"
                )

    def _new_state(self, W: np.ndarray) -> dict:
        return {"shape": W.shape}

    def _update(self, l: int, W: np.ndarray, g: np.ndarray, rate: float) -> None:
        raise NotImplementedError

    def reset(self) -> None:
        """Forget the state (velocities, moments, step counts) and go back to epoch 0."""
        self._state = None
        self.epoch = 0

    # -- settings ------------------------------------------------------------------

    def config(self) -> dict:
        """The settings that recreate this optimiser, JSON-ready, for model files and histories.

        ``get_optimizer(**opt.config())`` makes an equal optimiser (without the state).
        """
        settings = {
            "name": self.name,
            "learning_rate": self.learning_rate,
            "weight_decay": self.weight_decay,
            "schedule": None if self.schedule is None else self.schedule.to_dict(),
        }
        for key in self.extra_settings:
            settings[key] = getattr(self, key)
        return settings

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.config().items() if k != "name")
        return f"{type(self).__name__}({args})"


class GradientDescent(Optimizer):
    """The note's update W^(l) ← W^(l) − γ g^(l) (γ = ``learning_rate``).

    With no weight decay g^(l) = dC/dW^(l), exactly the note's rule.
    """

    name = "sgd"

    def _update(self, l, W, g, rate):
        (W_new,) = update([W], [g], rate)
        W[...] = W_new


class Momentum(Optimizer):
    """Gradient descent with momentum μ (PyTorch's ``SGD(momentum=μ)`` formulation).

    With a velocity V^(l) per matrix, zero before the first step:

        V^(l) ← μ V^(l) + g^(l)
        W^(l) ← W^(l) − γ V^(l)

    so the first step is the note's plain step. ``momentum`` μ ∈ [0, 1), default 0.9.
    """

    name = "momentum"
    extra_settings = ("momentum",)

    def __init__(self, learning_rate: float = 0.5, *, momentum: float = 0.9, **common) -> None:
        super().__init__(learning_rate, **common)
        self.momentum = _check_number(momentum, "momentum", 0.0, 1.0)

    def _new_state(self, W):
        return {"shape": W.shape, "velocity": np.zeros_like(W)}

    def _velocity(self, l, g):
        V = self._state[l]["velocity"]
        V *= self.momentum
        V += g
        return V

    def _update(self, l, W, g, rate):
        W -= rate * self._velocity(l, g)


class Nesterov(Momentum):
    """Nesterov momentum, PyTorch's ``SGD(momentum=μ, nesterov=True)`` formulation.

    With a velocity V^(l) per matrix, zero before the first step:

        V^(l) ← μ V^(l) + g^(l)
        W^(l) ← W^(l) − γ (g^(l) + μ V^(l))

    This is Sutskever et al.'s look-ahead momentum rewritten so that the gradient is
    taken at the current weights W^(l), as backpropagation computes it.
    """

    name = "nesterov"

    def _update(self, l, W, g, rate):
        V = self._velocity(l, g)
        W -= rate * (g + self.momentum * V)


class Adam(Optimizer):
    """Adam (Kingma & Ba 2015) with bias correction; the defaults are theirs.

    With moments M^(l), S^(l) per matrix, zero before the first step, and the step
    count t = 1, 2, …:

        M^(l) ← β₁ M^(l) + (1 − β₁) g^(l)
        S^(l) ← β₂ S^(l) + (1 − β₂) g^(l) ⊙ g^(l)
        M̂ = M^(l) / (1 − β₁^t),   Ŝ = S^(l) / (1 − β₂^t)
        W^(l) ← W^(l) − γ M̂ ⊘ (√Ŝ + ε)

    (element-wise ⊙, ⊘, √). Weight decay is the L2 kind, added to g^(l) as in
    PyTorch's ``Adam(weight_decay=λ)``, not AdamW's decoupled decay.
    """

    name = "adam"
    extra_settings = ("beta1", "beta2", "eps")

    def __init__(
        self,
        learning_rate: float = 0.001,
        *,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
        **common,
    ) -> None:
        super().__init__(learning_rate, **common)
        self.beta1 = _check_number(beta1, "beta1", 0.0, 1.0)
        self.beta2 = _check_number(beta2, "beta2", 0.0, 1.0)
        self.eps = _check_number(eps, "eps", 0.0, low_open=True)

    def _new_state(self, W):
        return {"shape": W.shape, "t": 0, "m": np.zeros_like(W), "s": np.zeros_like(W)}

    def _update(self, l, W, g, rate):
        state = self._state[l]
        state["t"] += 1
        t, M, S = state["t"], state["m"], state["s"]
        M *= self.beta1
        M += (1.0 - self.beta1) * g
        S *= self.beta2
        S += (1.0 - self.beta2) * (g * g)
        m_hat = M / (1.0 - self.beta1**t)
        denom = np.sqrt(S / (1.0 - self.beta2**t))
        denom += self.eps
        W -= rate * (m_hat / denom)


OPTIMIZERS: Registry[type[Optimizer]] = Registry("optimizer")
OPTIMIZERS.register(GradientDescent, "sgd", aliases=("gd", "gradient_descent"))
OPTIMIZERS.register(Momentum, "momentum", aliases=("sgd_momentum",))
OPTIMIZERS.register(Nesterov, "nesterov", aliases=("nag", "nesterov_momentum"))
OPTIMIZERS.register(Adam, "adam")

_COMMON = ("learning_rate", "weight_decay", "schedule")


def get_optimizer(name: str | Optimizer | dict, **settings) -> Optimizer:
    """An optimiser from a name and settings, from a ``config()`` dict, or passed through.

    ``get_optimizer("adam", learning_rate=0.001, weight_decay=1e-4)``,
    ``get_optimizer(**opt.config())`` and ``get_optimizer(opt.config())`` all work.
    A setting the optimiser does not take is a ValueError naming the ones it takes.
    """
    if isinstance(name, Optimizer):
        if settings:
            raise ValueError(f"settings {sorted(settings)} given with an optimiser object; give a name instead")
        return name
    if isinstance(name, dict):
        settings = {**name, **settings}
        if "name" not in settings:
            raise ValueError(f"optimiser config {name!r} has no 'name'; expected one of {', '.join(OPTIMIZERS.names())}")
        name = settings.pop("name")
    cls = OPTIMIZERS.get(name)
    takes = _COMMON + cls.extra_settings
    unknown = sorted(set(settings) - set(takes))
    if unknown:
        raise ValueError(
            f"optimizer {cls.name!r} does not take {', '.join(unknown)}; it takes {', '.join(takes)}"
        )
    return cls(**settings)
