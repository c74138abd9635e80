"""scikit-learn estimators around the note's network: ``BackpropClassifier``, ``BackpropRegressor``.

They behave like any scikit-learn estimator (``fit``, ``predict``, ``score``,
``partial_fit``, ``get_params``/``set_params``, usable in ``Pipeline``,
``GridSearchCV`` and ``cross_val_score``), and train a ``backprop.Network`` with
``backprop.training.train``: the note's backpropagation, eqs. (1)–(5), and its update
W ← W − γ dC/dW (or another optimiser by name).

The fitted network is ``network_``; its weights are ``weights_`` in the note's layout
(W^(l) of shape (n_l, n_{l-1} + 1), biases in the last column) and ``coefs_`` /
``intercepts_`` in scikit-learn's ``MLPClassifier`` layout (``coefs_[l - 1]`` is
W^(l) without its bias column, transposed: shape (n_{l-1}, n_l)).

This module needs the optional package scikit-learn: ``pip install 'backprop[sklearn]'``.
It is never imported by ``import backprop``.
"""

from __future__ import annotations

import numpy as np

from backprop._extras import require

# This module is itself named "sklearn": the imports below are absolute, so they find
# the real scikit-learn, never this file.
_base = require("sklearn.base", "sklearn", "backprop.sklearn")
_validation = require("sklearn.utils.validation", "sklearn", "backprop.sklearn")
_multiclass = require("sklearn.utils.multiclass", "sklearn", "backprop.sklearn")
_utils = require("sklearn.utils", "sklearn", "backprop.sklearn")

from backprop.activations import ACTIVATIONS  # noqa: E402
from backprop.costs import COSTS  # noqa: E402
from backprop.network import Network  # noqa: E402
from backprop.optimizers import get_optimizer  # noqa: E402
from backprop.preprocessing import targets_for_classes  # noqa: E402
from backprop.training import train  # noqa: E402
from backprop.validation import check_positive_int  # noqa: E402

__all__ = ["BackpropClassifier", "BackpropRegressor"]


def _validate_data(estimator, X, y="no_validation", reset=True, **options):
    """scikit-learn's input checks (``validate_data`` since 1.6, a method before)."""
    validate = getattr(_validation, "validate_data", None)
    if validate is not None:
        return validate(estimator, X, y, reset=reset, **options)
    return estimator._validate_data(X, y, reset=reset, **options)


def _hidden_sizes(value) -> list[int]:
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        value = (value,)
    try:
        sizes = list(value)
    except TypeError:
        raise ValueError(
            f"hidden_layer_sizes must be a tuple of positive integers like (30,); got {value!r}"
        ) from None
    return [check_positive_int(n, "each hidden layer size") for n in sizes]


class _BackpropBase(_base.BaseEstimator):
    """What both estimators share: the network, the optimiser and the training loop."""

    def __init__(
        self,
        hidden_layer_sizes=(30,),
        activation="sigmoid",
        output_activation=None,
        cost=None,
        initializer="uniform",
        learning_rate=None,
        epochs=200,
        batch_size=32,
        shuffle=True,
        optimizer="sgd",
        optimizer_options=None,
        random_state=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.output_activation = output_activation
        self.cost = cost
        self.initializer = initializer
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.optimizer = optimizer
        self.optimizer_options = optimizer_options
        self.random_state = random_state

    # -- subclasses say how targets become network outputs --------------------------

    def _functions(self) -> tuple[str, str]:
        """(output activation, cost) names, the defaults filled in."""
        raise NotImplementedError

    # -- training -------------------------------------------------------------------

    def _new_network(self, n_inputs: int, n_outputs: int) -> None:
        output_activation, cost = self._functions()
        sizes = [n_inputs, *_hidden_sizes(self.hidden_layer_sizes), n_outputs]
        self._random = _utils.check_random_state(self.random_state)
        self.network_ = Network(
            sizes,
            seed=int(self._random.randint(np.iinfo(np.int32).max)),
            activation=self.activation,
            output_activation=output_activation,
            cost=cost,
            initializer=self.initializer,
        )
        options = dict(self.optimizer_options or {})
        if self.learning_rate is not None:
            given = options.get("learning_rate", self.learning_rate)
            if given != self.learning_rate:
                raise ValueError(
                    f"learning_rate={self.learning_rate!r} and optimizer_options['learning_rate']="
                    f"{given!r} disagree; give the rate once, as learning_rate"
                )
            options["learning_rate"] = self.learning_rate
        self._optimizer = get_optimizer(self.optimizer, **options)
        self.loss_curve_ = []
        self.n_iter_ = 0

    def _train(self, X: np.ndarray, T: np.ndarray, epochs: int) -> None:
        batch_size = min(check_positive_int(self.batch_size, "batch_size"), len(X))
        history = train(
            self.network_,
            X,
            T,
            epochs,
            batch_size=batch_size,
            shuffle=bool(self.shuffle),
            seed=int(self._random.randint(np.iinfo(np.int32).max)),
            optimizer=self._optimizer,
        )
        self.loss_curve_.extend(float(c) for c in history.cost)
        self.n_iter_ += epochs

    def _outputs(self, X) -> np.ndarray:
        _validation.check_is_fitted(self, "network_")
        X = _validate_data(self, X, reset=False, dtype=np.float64)
        return self.network_.predict(X)

    # -- the weights in two layouts -------------------------------------------------

    @property
    def weights_(self) -> list[np.ndarray]:
        """[W^(1), …, W^(L)] in the note's layout, (n_l, n_{l-1} + 1), biases last."""
        return self.network_.weights

    @property
    def coefs_(self) -> list[np.ndarray]:
        """scikit-learn's layout: ``coefs_[l - 1]`` = W^(l) without biases, transposed."""
        return [W[:, :-1].T.copy() for W in self.network_.weights]

    @property
    def intercepts_(self) -> list[np.ndarray]:
        """scikit-learn's layout: ``intercepts_[l - 1]`` = the bias column of W^(l)."""
        return [W[:, -1].copy() for W in self.network_.weights]


class BackpropClassifier(_base.ClassifierMixin, _BackpropBase):
    """A classifier trained by the note's backpropagation.

    Two classes use one sigmoid output neuron (probability of ``classes_[1]``) with
    binary cross-entropy; more classes use one output per class, softmax and
    cross-entropy. ``output_activation`` and ``cost`` override these defaults (the note's
    own choice is ``output_activation="sigmoid", cost="quadratic"``; with sigmoid outputs
    for more than two classes, ``predict_proba`` normalises each row to sum 1).

    Parameters are those of ``backprop.Network`` and ``backprop.training.train``:
    ``hidden_layer_sizes`` (n1, …, n_{L-1}), ``activation`` of the hidden layers,
    ``learning_rate`` γ (``None``: the optimiser's own default, 0.5 for ``sgd`` as in
    the note, 0.001 for ``adam``), ``epochs``, ``batch_size`` (1 is the note's per-sample training),
    ``optimizer`` and ``optimizer_options`` (for ``get_optimizer``), ``random_state``.
    """

    def _functions(self) -> tuple[str, str]:
        k = len(self.classes_)
        cost = None if self.cost is None else COSTS.canonical(self.cost)
        output = self.output_activation
        if output is not None:
            output = ACTIVATIONS.canonical(output)
        else:
            if k > 2 and cost in (None, "cross_entropy"):
                output = "softmax"
            else:
                output = "sigmoid"
        if cost is None:
            cost = "cross_entropy" if output == "softmax" else (
                "binary_cross_entropy" if output == "sigmoid" else "quadratic"
            )
        if output not in ("sigmoid", "softmax"):
            raise ValueError(
                f"output_activation of a classifier must be 'sigmoid' or 'softmax' "
                f"(outputs read as probabilities); got {output!r}"
            )
        return output, cost

    def _n_outputs(self) -> int:
        # Two classes: one sigmoid neuron, unless the output is a softmax over both.
        if len(self.classes_) == 2 and self._functions()[0] == "sigmoid":
            return 1
        return len(self.classes_)

    def _targets(self, y: np.ndarray) -> np.ndarray:
        """Class labels → network targets: a 0/1 column, or one-hot rows."""
        index = np.searchsorted(self.classes_, y)
        return targets_for_classes(index, len(self.classes_), one_hot_binary=self.network_.sizes[-1] > 1)

    def _set_classes(self, y: np.ndarray, classes=None) -> None:
        found = np.unique(y) if classes is None else np.unique(np.asarray(classes))
        if len(found) < 2:
            raise ValueError(
                f"a classifier needs samples of at least 2 classes; got 1 class ({found[0]!r})"
            )
        self.classes_ = found

    def _check_labels(self, y: np.ndarray) -> None:
        unknown = np.setdiff1d(np.unique(y), self.classes_)
        if len(unknown):
            raise ValueError(
                f"y has labels {list(unknown)} that are not among the classes {list(self.classes_)}"
            )

    def fit(self, X, y):
        """Train a new network on (X, y) for ``epochs`` epochs; return ``self``."""
        X, y = _validate_data(self, X, y, dtype=np.float64)
        _multiclass.check_classification_targets(y)
        self._set_classes(y)
        self._new_network(X.shape[1], self._n_outputs())
        self._train(X, self._targets(y), check_positive_int(self.epochs, "epochs"))
        return self

    def partial_fit(self, X, y, classes=None):
        """One epoch on (X, y), continuing from the current network (a new one at the first
        call, which needs ``classes``, every label that will ever be seen)."""
        first = not hasattr(self, "network_")
        X, y = _validate_data(self, X, y, reset=first, dtype=np.float64)
        _multiclass.check_classification_targets(y)
        if first:
            if classes is None:
                raise ValueError("the first call to partial_fit needs classes=, every label of the problem")
            self._set_classes(y, classes)
            self._new_network(X.shape[1], self._n_outputs())
        elif classes is not None and not np.array_equal(np.unique(classes), self.classes_):
            raise ValueError(
                f"classes={list(np.unique(classes))} differs from the first call's {list(self.classes_)}"
            )
        self._check_labels(y)
        self._train(X, self._targets(y), 1)
        return self

    def predict_proba(self, X) -> np.ndarray:
        """Probability of each class in ``classes_`` order, rows summing to 1."""
        a = self._outputs(X)
        if a.shape[1] == 1:
            return np.hstack([1.0 - a, a])
        return a / np.sum(a, axis=1, keepdims=True)

    def predict(self, X) -> np.ndarray:
        """The most probable class of each sample."""
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]


class BackpropRegressor(_base.RegressorMixin, _BackpropBase):
    """A regressor trained by the note's backpropagation.

    The output layer is linear (``output_activation="identity"``) with the note's
    quadratic cost, eq. (5), unless given otherwise; ``y`` may have several columns.
    Scale ``y`` to a small range (or use ``sklearn.compose.TransformedTargetRegressor``)
    when its values are large: the network is trained on ``y`` as given.
    See ``BackpropClassifier`` for the parameters.
    """

    def _functions(self) -> tuple[str, str]:
        output = "identity" if self.output_activation is None else self.output_activation
        cost = "quadratic" if self.cost is None else self.cost
        return output, cost

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags

    def _more_tags(self):  # scikit-learn < 1.6
        return {"multioutput": True}

    def _targets(self, y: np.ndarray) -> np.ndarray:
        return y.reshape(len(y), -1)

    def fit(self, X, y):
        """Train a new network on (X, y) for ``epochs`` epochs; return ``self``."""
        X, y = _validate_data(self, X, y, dtype=np.float64, multi_output=True, y_numeric=True)
        T = self._targets(y)
        self._y_1d = y.ndim == 1
        self._new_network(X.shape[1], T.shape[1])
        self._train(X, T, check_positive_int(self.epochs, "epochs"))
        return self

    def partial_fit(self, X, y):
        """One epoch on (X, y), continuing from the current network (new at the first call)."""
        first = not hasattr(self, "network_")
        X, y = _validate_data(self, X, y, reset=first, dtype=np.float64, multi_output=True, y_numeric=True)
        T = self._targets(y)
        if first:
            self._y_1d = y.ndim == 1
            self._new_network(X.shape[1], T.shape[1])
        elif T.shape[1] != self.network_.sizes[-1]:
            raise ValueError(
                f"y has {T.shape[1]} columns, the network has {self.network_.sizes[-1]} outputs"
            )
        self._train(X, T, 1)
        return self

    def predict(self, X) -> np.ndarray:
        """The network's outputs a^(L); 1-D when the network was fitted on a 1-D ``y``."""
        a = self._outputs(X)
        return a[:, 0] if self._y_1d else a
