"""Activation functions f, each with its derivative written in terms of a = f(z).

The note uses the sigmoid σ and its "practical derivative" σ'(z) = σ(z)(1 − σ(z)),
which needs only the neuron's value a, not the weighted sum z. Every activation here
is written the same way, so backpropagation never has to keep z around: the factor
``a(1 − a)`` of the note's δ's becomes ``activation.derivative(a)``.

The registry ``ACTIVATIONS`` maps the names used by the Python API, the command line
and model files to the objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .registry import Registry

__all__ = ["Activation", "ACTIVATIONS", "get_activation", "sigmoid"]


@dataclass(frozen=True)
class Activation:
    """An activation function a = f(z), applied to each row of a batch.

    ``function(z)`` gives a; ``derivative(a)`` gives f'(z) expressed through a (for
    element-wise functions). ``backward(a, g)`` is the vector–Jacobian product
    g ⊙ f'(z), the Hadamard product of the note; softmax, which mixes the neurons of
    a layer, overrides it.
    """

    name: str
    function: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray], np.ndarray] | None
    description: str = ""
    output_only: bool = False

    def __call__(self, z: np.ndarray) -> np.ndarray:
        return self.function(z)

    def backward(self, a: np.ndarray, grad: np.ndarray) -> np.ndarray:
        """Return grad ⊙ f'(z), with f'(z) written through a = f(z)."""
        return grad * self.derivative(a)


def sigmoid_bounds(dtype) -> tuple:
    """The open interval σ's rounded values are kept inside, as scalars of ``dtype``:
    (the smallest positive normal number, the largest number below 1). σ never
    reaches 0 or 1; inside the interval a(1 − a) stays positive and the logarithms
    of a and 1 − a stay finite. Every training path clips to these bounds."""
    dt = np.dtype(dtype)
    info = np.finfo(dt)
    return dt.type(info.tiny), dt.type(1.0 - info.epsneg)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # σ(z) = 1 / (1 + e^{−z}) (the note prints 1 − e^{−z}, a misprint). Written via
    # tanh so that no |z| overflows or warns: σ(z) = (1 + tanh(z/2)) / 2.
    out = np.multiply(z, 0.5)
    np.tanh(out, out=out)
    out += 1.0
    out *= 0.5
    # σ never reaches 0 or 1; keep the rounded value inside the open interval.
    np.clip(out, *sigmoid_bounds(out.dtype), out=out)
    return out


def _sigmoid_derivative(a: np.ndarray) -> np.ndarray:
    return a * (1.0 - a)


def _tanh_derivative(a: np.ndarray) -> np.ndarray:
    return 1.0 - a * a


def _relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0)


def _relu_derivative(a: np.ndarray) -> np.ndarray:
    # ReLU's value is positive exactly where z is; at z = 0 the derivative is taken as 0.
    return (a > 0).astype(a.dtype)


LEAKY_SLOPE = 0.01


def _leaky_relu(z: np.ndarray) -> np.ndarray:
    return np.where(z > 0, z, LEAKY_SLOPE * z)


def _leaky_relu_derivative(a: np.ndarray) -> np.ndarray:
    # The slope is positive on both sides, so a has the sign of z.
    return np.where(a > 0, 1.0, LEAKY_SLOPE).astype(a.dtype)


def _identity(z: np.ndarray) -> np.ndarray:
    return np.array(z, copy=True)


def _identity_derivative(a: np.ndarray) -> np.ndarray:
    return np.ones_like(a)


def _softmax(z: np.ndarray) -> np.ndarray:
    # Shift by the row maximum so that exp never overflows.
    shifted = z - np.max(z, axis=-1, keepdims=True)
    e = np.exp(shifted)
    e /= np.sum(e, axis=-1, keepdims=True)
    return e


class _Softmax(Activation):
    def backward(self, a: np.ndarray, grad: np.ndarray) -> np.ndarray:
        # The Jacobian of softmax is diag(a) − a aᵀ, so its product with g is
        # a ⊙ (g − (g·a)): still a Hadamard product, with no matrix built.
        return a * (grad - np.sum(grad * a, axis=-1, keepdims=True))


sigmoid = Activation(
    "sigmoid", _sigmoid, _sigmoid_derivative, "σ(z) = 1/(1 + e^−z), the note's choice"
)

ACTIVATIONS: Registry[Activation] = Registry("activation")
ACTIVATIONS.register(sigmoid)
ACTIVATIONS.register(Activation("tanh", np.tanh, _tanh_derivative, "tanh(z)"))
ACTIVATIONS.register(Activation("relu", _relu, _relu_derivative, "max(z, 0)"))
ACTIVATIONS.register(
    Activation(
        "leaky_relu",
        _leaky_relu,
        _leaky_relu_derivative,
        f"z for z > 0, {LEAKY_SLOPE} z otherwise",
    )
)
ACTIVATIONS.register(Activation("identity", _identity, _identity_derivative, "z"))
ACTIVATIONS.register(
    _Softmax("softmax", _softmax, None, "e^z_j / Σ_k e^z_k (output layer only)", True)
)


def get_activation(name_or_activation: str | Activation) -> Activation:
    """Return the activation registered under a name (or pass one through)."""
    if isinstance(name_or_activation, Activation):
        return name_or_activation
    return ACTIVATIONS.get(name_or_activation)
