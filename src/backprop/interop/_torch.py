"""PyTorch: ``to_torch(net)`` → ``nn.Sequential`` of ``Linear`` + activation; ``from_torch`` back."""

from __future__ import annotations

import numpy as np

from backprop._extras import require
from backprop.activations import LEAKY_SLOPE
from backprop.network import Network

from ._layers import default_cost, fold_scaler, join, network_functions, split

__all__ = ["to_torch", "from_torch"]

_SUPPORTED_TEXT = "Linear, Sigmoid, Tanh, ReLU, LeakyReLU(0.01), Identity, Softmax(dim=-1)"


def _torch():
    return require("torch", "torch", "PyTorch interchange")


def _activation_module(nn, name: str):
    modules = {
        "sigmoid": nn.Sigmoid,
        "tanh": nn.Tanh,
        "relu": nn.ReLU,
        "leaky_relu": lambda: nn.LeakyReLU(LEAKY_SLOPE),
        "identity": nn.Identity,
        "softmax": lambda: nn.Softmax(dim=-1),
    }
    if name not in modules:
        raise ValueError(f"activation {name!r} has no PyTorch module; supported: {', '.join(modules)}")
    return modules[name]()


def to_torch(net: Network, *, scaler=None):
    """A ``torch.nn.Sequential`` computing exactly ``net.predict``.

    Layer l becomes ``Linear(n_{l-1}, n_l)`` with ``weight = W^(l)[:, :-1]`` and
    ``bias = W^(l)[:, -1]``, followed by its activation module (``Identity`` for a linear
    layer), so the Sequential has 2L modules. Parameters keep the network's dtype
    (float32 or float64).

    ``scaler``: an input scaler of ``backprop.preprocessing`` (a model file's) folded
    into the first ``Linear`` layer, so the module takes raw inputs; its outputs then
    equal ``model.predict`` up to rounding.
    """
    torch = _torch()
    nn = torch.nn
    dtype = torch.float32 if net.dtype == np.float32 else torch.float64
    modules = []
    for W, f in zip(fold_scaler(net.weights, scaler), net.activations):
        weight, bias = split(W)
        linear = nn.Linear(weight.shape[1], weight.shape[0], dtype=dtype)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(np.ascontiguousarray(weight)))
            linear.bias.copy_(torch.from_numpy(np.ascontiguousarray(bias)))
        modules += [linear, _activation_module(nn, f.name)]
    return nn.Sequential(*modules)


def _activation_name(nn, index: int, module) -> str | None:
    """The project's name for an activation module, or None if it is not one we read."""
    if isinstance(module, nn.Sigmoid):
        return "sigmoid"
    if isinstance(module, nn.Tanh):
        return "tanh"
    if isinstance(module, nn.ReLU):
        return "relu"
    if isinstance(module, nn.Identity):
        return "identity"
    if isinstance(module, nn.LeakyReLU):
        if not np.isclose(module.negative_slope, LEAKY_SLOPE, rtol=0, atol=1e-12):
            raise ValueError(
                f"layer {index} (LeakyReLU) has negative_slope {module.negative_slope}; "
                f"backprop's leaky_relu has slope {LEAKY_SLOPE}"
            )
        return "leaky_relu"
    if isinstance(module, nn.Softmax):
        if module.dim not in (-1, 1):
            raise ValueError(
                f"layer {index} (Softmax) has dim={module.dim}; only the last axis (dim=-1) is supported"
            )
        return "softmax"
    return None


def from_torch(module, *, cost: str | None = None) -> Network:
    """A ``Network`` from a ``torch.nn.Sequential`` of ``Linear`` layers, each optionally
    followed by one of Sigmoid, Tanh, ReLU, LeakyReLU(0.01), Identity, Softmax(dim=-1).

    A ``Linear`` without an activation after it is a linear layer (identity); one
    without a bias gets bias 0. All hidden layers must share one activation. The dtype is
    float64 if every parameter is, else float32. ``cost`` defaults to cross-entropy for a
    softmax output, else the note's quadratic cost. Anything else raises ``ValueError``
    naming the first unsupported layer by index and type.
    """
    torch = _torch()
    nn = torch.nn
    if not isinstance(module, nn.Sequential):
        raise ValueError(
            f"from_torch takes a torch.nn.Sequential of {_SUPPORTED_TEXT}; got {type(module).__name__}"
        )
    layers: list[list] = []  # [Linear, activation name or None]
    where: list[int] = []
    for index, child in enumerate(module):
        if isinstance(child, nn.Linear):
            layers.append([child, None])
            where.append(index)
            continue
        name = _activation_name(nn, index, child)
        if name is None:
            raise ValueError(
                f"layer {index} ({type(child).__name__}) is not supported; from_torch reads a "
                f"Sequential of {_SUPPORTED_TEXT}"
            )
        if not layers or layers[-1][1] is not None:
            if name == "identity":
                continue  # an Identity anywhere changes nothing
            raise ValueError(
                f"layer {index} ({type(child).__name__}) must follow a Linear layer; "
                f"backprop's layers are Linear then one activation"
            )
        layers[-1][1] = name
    if not layers:
        raise ValueError("the Sequential has no Linear layer; nothing to import")
    all_double = all(p.dtype == torch.float64 for p in module.parameters())
    dtype = np.float64 if all_double else np.float32
    weights = []
    for linear, _ in layers:
        weight = linear.weight.detach().cpu().to(torch.float64).numpy()
        bias = None if linear.bias is None else linear.bias.detach().cpu().to(torch.float64).numpy()
        weights.append(join(weight, bias))
    names = [name or "identity" for _, name in layers]
    hidden, output = network_functions(
        names, lambda l: f"layer {where[l - 1] + 1} (activation of Linear layer {where[l - 1]})"
    )
    return Network.from_weights(
        weights,
        dtype,
        activation=hidden,
        output_activation=output,
        cost=cost if cost is not None else default_cost(output),
    )
