"""scikit-learn: the weights of a fitted ``MLPClassifier`` / ``MLPRegressor`` as a ``Network``."""

from __future__ import annotations

import numpy as np

from backprop.network import Network

from ._layers import join

__all__ = ["from_sklearn"]

# scikit-learn's activation names → the project's.
_ACTIVATIONS = {
    "logistic": "sigmoid",
    "tanh": "tanh",
    "relu": "relu",
    "identity": "identity",
    "softmax": "softmax",
}


def from_sklearn(mlp, *, cost: str | None = None) -> Network:
    """A ``Network`` with the weights of a fitted ``MLPClassifier`` or ``MLPRegressor``.

    W^(l) = [coefs_[l - 1]ᵀ | intercepts_[l - 1]], the note's layout; the hidden
    activation is ``mlp.activation`` and the output one ``mlp.out_activation_``
    (logistic is the note's sigmoid), so ``net.predict(X)`` equals ``mlp.predict_proba(X)``
    (for multi-class; the probability of ``classes_[1]`` for two classes) or
    ``mlp.predict(X)`` (regression, as a column). ``cost`` defaults to the MLP's loss:
    (binary) cross-entropy for a classifier, the quadratic cost for a regressor.
    """
    for attribute in ("coefs_", "intercepts_", "out_activation_", "activation"):
        if not hasattr(mlp, attribute):
            raise ValueError(
                f"from_sklearn takes a fitted MLPClassifier or MLPRegressor; "
                f"{type(mlp).__name__} has no {attribute!r} (is it fitted?)"
            )
    names = []
    for name in (mlp.activation, mlp.out_activation_):
        if name not in _ACTIVATIONS:
            raise ValueError(
                f"scikit-learn activation {name!r} is not supported; expected one of {list(_ACTIVATIONS)}"
            )
        names.append(_ACTIVATIONS[name])
    hidden, output = names
    if cost is None:
        if getattr(mlp, "loss", "log_loss") == "log_loss" or hasattr(mlp, "classes_"):
            cost = {"softmax": "cross_entropy", "sigmoid": "binary_cross_entropy"}.get(output, "quadratic")
        else:
            cost = "quadratic"
    weights = [join(np.asarray(c).T, np.asarray(b)) for c, b in zip(mlp.coefs_, mlp.intercepts_)]
    return Network.from_weights(weights, activation=hidden, output_activation=output, cost=cost)
