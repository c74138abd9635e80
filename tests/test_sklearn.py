"""backprop.sklearn: scikit-learn's own estimator checks, Pipeline, GridSearchCV, cross_val_score."""

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.datasets import load_iris, make_regression  # noqa: E402
from sklearn.model_selection import GridSearchCV, cross_val_score  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

from backprop import Network  # noqa: E402
from backprop.sklearn import BackpropClassifier, BackpropRegressor  # noqa: E402

# Small settings keep scikit-learn's ~110 checks at a few seconds; the defaults pass too.
FAST = dict(epochs=30, batch_size=8, random_state=0)


@parametrize_with_checks([BackpropClassifier(**FAST), BackpropRegressor(learning_rate=0.1, **FAST)])
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return X, y


def test_pipeline_with_a_scaler_learns_iris(iris):
    X, y = iris
    model = make_pipeline(StandardScaler(), BackpropClassifier(epochs=60, batch_size=8, random_state=0))
    model.fit(X, y)
    assert model.score(X, y) > 0.9
    proba = model.predict_proba(X)
    assert proba.shape == (150, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_grid_search_over_learning_rate(iris):
    X, y = iris
    model = make_pipeline(StandardScaler(), BackpropClassifier(epochs=10, batch_size=16, random_state=0))
    search = GridSearchCV(model, {"backpropclassifier__learning_rate": [0.001, 0.5]}, cv=3)
    search.fit(X, y)
    # γ = 0.001 barely moves the weights in 10 epochs; the note's 0.5 does.
    assert search.best_params_ == {"backpropclassifier__learning_rate": 0.5}
    assert search.best_score_ > 0.8


def test_cross_val_score_of_the_regressor():
    X, y = make_regression(n_samples=120, n_features=4, noise=1.0, random_state=0)
    y = y / np.std(y)
    model = make_pipeline(StandardScaler(), BackpropRegressor(epochs=40, batch_size=8, learning_rate=0.05, random_state=0))
    scores = cross_val_score(model, X, y, cv=3)
    assert scores.shape == (3,) and np.all(scores > 0.8)


def test_weights_in_both_layouts(iris):
    X, y = iris
    clf = BackpropClassifier(hidden_layer_sizes=(5, 4), epochs=2, random_state=1).fit(X, y)
    assert clf.network_.sizes == [4, 5, 4, 3]
    assert [W.shape for W in clf.weights_] == [(5, 5), (4, 6), (3, 5)]
    assert [c.shape for c in clf.coefs_] == [(4, 5), (5, 4), (4, 3)]
    for W, coef, intercept in zip(clf.weights_, clf.coefs_, clf.intercepts_):
        np.testing.assert_array_equal(coef, W[:, :-1].T)
        np.testing.assert_array_equal(intercept, W[:, -1])
    assert clf.n_features_in_ == 4 and list(clf.classes_) == [0, 1, 2]
    assert len(clf.loss_curve_) == 2


def test_same_numbers_as_the_network_and_training_loop():
    # The estimator is a thin wrapper: one seed gives the same weights as doing it by hand.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 3))
    y = (X[:, 0] > 0).astype(int)
    clf = BackpropClassifier(hidden_layer_sizes=(4,), epochs=3, batch_size=5, random_state=0).fit(X, y)
    a = clf.network_.predict(X)[:, 0]
    np.testing.assert_allclose(clf.predict_proba(X)[:, 1], a)
    np.testing.assert_array_equal(clf.predict(X), (a > 0.5).astype(int))


def test_binary_classifier_uses_one_sigmoid_output_and_string_labels():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]] * 10)
    y = np.array(["no", "yes", "yes", "yes"] * 10)
    clf = BackpropClassifier(hidden_layer_sizes=(4,), epochs=300, batch_size=4, random_state=0).fit(X, y)
    assert clf.network_.sizes[-1] == 1 and clf.network_.activations[-1].name == "sigmoid"
    assert clf.network_.cost_function.name == "binary_cross_entropy"
    assert list(clf.predict([[0, 0], [1, 1]])) == ["no", "yes"]


def test_the_notes_choices_sigmoid_outputs_and_quadratic_cost(iris):
    X, y = iris
    clf = BackpropClassifier(output_activation="sigmoid", cost="quadratic", epochs=2, random_state=0)
    clf.fit(StandardScaler().fit_transform(X), y)
    assert clf.network_.activations[-1].name == "sigmoid" and clf.network_.sizes[-1] == 3
    np.testing.assert_allclose(clf.predict_proba(X).sum(axis=1), 1.0)


def test_partial_fit_continues_training(iris):
    X, y = iris
    X = StandardScaler().fit_transform(X)
    clf = BackpropClassifier(batch_size=8, random_state=0)
    with pytest.raises(ValueError, match="classes="):
        clf.partial_fit(X, y)
    for _ in range(20):
        clf.partial_fit(X, y, classes=[0, 1, 2])
    assert len(clf.loss_curve_) == 20 and clf.loss_curve_[-1] < clf.loss_curve_[0]
    assert clf.score(X, y) > 0.8
    with pytest.raises(ValueError, match="not among the classes"):
        clf.partial_fit(X[:3], [0, 1, 7])


def test_bad_parameters_are_reported_at_fit(iris):
    X, y = iris
    with pytest.raises(ValueError, match="hidden layer size"):
        BackpropClassifier(hidden_layer_sizes=(0,)).fit(X, y)
    with pytest.raises(ValueError, match="output_activation of a classifier"):
        BackpropClassifier(output_activation="relu").fit(X, y)
    with pytest.raises(ValueError, match="unknown activation"):
        BackpropRegressor(activation="bogus").fit(X, y)
    with pytest.raises(ValueError, match="epochs"):
        BackpropRegressor(epochs=0).fit(X, y)


def test_start_from_a_scikit_learn_mlp(iris):
    from backprop.interop import from_sklearn

    X, y = iris
    X = StandardScaler().fit_transform(X)
    mlp = MLPClassifier(hidden_layer_sizes=(6,), activation="logistic", max_iter=300, random_state=0)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning: a short run is enough here
        mlp.fit(X, y)
    net = from_sklearn(mlp)
    assert isinstance(net, Network) and net.sizes == [4, 6, 3]
    assert net.activations[-1].name == "softmax" and net.cost_function.name == "cross_entropy"
    np.testing.assert_allclose(net.predict(X), mlp.predict_proba(X), atol=1e-12)
    # and train on from there with the note's loop
    before = net.cost(X, np.eye(3)[y])
    net.fit(X, np.eye(3)[y], epochs=5, learning_rate=0.1, batch_size=16, seed=0)
    assert net.cost(X, np.eye(3)[y]) < before


def test_optimizer_by_name_with_options(iris):
    X, y = iris
    X = StandardScaler().fit_transform(X)
    clf = BackpropClassifier(optimizer="adam", learning_rate=0.01, optimizer_options={"beta1": 0.8}, epochs=20, random_state=0)
    clf.fit(X, y)
    assert clf._optimizer.config()["name"] == "adam" and clf._optimizer.config()["beta1"] == 0.8
    assert clf.score(X, y) > 0.9


def test_from_sklearn_binary_classifier_and_regressor():
    from sklearn.neural_network import MLPRegressor

    from backprop.interop import from_sklearn

    import warnings

    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = MLPClassifier(hidden_layer_sizes=(5, 4), activation="tanh", max_iter=50, random_state=0)
        clf.fit(X, np.where(X[:, 0] > 0, "yes", "no"))
        reg = MLPRegressor(hidden_layer_sizes=(5,), activation="relu", max_iter=50, random_state=0)
        reg.fit(X, X @ [1.0, -2.0, 0.5])
    net = from_sklearn(clf)
    assert net.sizes == [3, 5, 4, 1] and [f.name for f in net.activations] == ["tanh", "tanh", "sigmoid"]
    assert net.cost_function.name == "binary_cross_entropy"
    np.testing.assert_allclose(net.predict(X)[:, 0], clf.predict_proba(X)[:, 1], atol=1e-12)
    net = from_sklearn(reg)
    assert net.activations[-1].name == "identity" and net.cost_function.name == "quadratic"
    np.testing.assert_allclose(net.predict(X)[:, 0], reg.predict(X), atol=1e-12)
    with pytest.raises(ValueError, match="is it fitted"):
        from_sklearn(MLPClassifier())


@pytest.mark.parametrize("Estimator", [BackpropClassifier, BackpropRegressor])
def test_learning_rate_none_is_the_optimizers_own_default(iris, Estimator):
    X, y = iris
    assert Estimator().get_params()["learning_rate"] is None
    rates = {}
    for optimizer, learning_rate in [("sgd", None), ("momentum", None), ("adam", None), ("adam", 0.02)]:
        est = Estimator(optimizer=optimizer, learning_rate=learning_rate, epochs=1, random_state=0)
        rates[optimizer, learning_rate] = est.fit(X, y)._optimizer.config()["learning_rate"]
    assert rates == {("sgd", None): 0.5, ("momentum", None): 0.5, ("adam", None): 0.001, ("adam", 0.02): 0.02}
    # the rate may come from optimizer_options when learning_rate is None; twice, it must agree
    est = Estimator(optimizer="adam", optimizer_options={"learning_rate": 0.03}, epochs=1).fit(X, y)
    assert est._optimizer.config()["learning_rate"] == 0.03
    with pytest.raises(ValueError, match="disagree"):
        Estimator(learning_rate=0.1, optimizer_options={"learning_rate": 0.2}).fit(X, y)


def test_default_learning_rate_trains_as_the_notes_loop():
    # learning_rate=None with sgd is γ = 0.5, the note's start value: the same weights as 0.5 given
    rng = np.random.default_rng(1)
    X = rng.normal(size=(30, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    a = BackpropClassifier(hidden_layer_sizes=(3,), epochs=4, batch_size=5, random_state=3).fit(X, y)
    b = BackpropClassifier(hidden_layer_sizes=(3,), epochs=4, batch_size=5, random_state=3, learning_rate=0.5).fit(X, y)
    for Wa, Wb in zip(a.weights_, b.weights_):
        np.testing.assert_array_equal(Wa, Wb)
    assert not np.array_equal(a.weights_[0], BackpropClassifier(
        hidden_layer_sizes=(3,), epochs=4, batch_size=5, random_state=3, learning_rate=0.1).fit(X, y).weights_[0])


@pytest.mark.parametrize(
    "labels, options, expected",
    [
        (["b", "a", "b"], {}, [[1.0], [0.0], [1.0]]),  # two classes: one 0/1 column
        (["b", "a", "b"], {"output_activation": "softmax"}, [[0, 1], [1, 0], [0, 1]]),
        (["c", "a", "b"], {}, [[0, 0, 1], [1, 0, 0], [0, 1, 0]]),  # one-hot rows
    ],
)
def test_classifier_targets(labels, options, expected):
    X = np.array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.5]])
    clf = BackpropClassifier(epochs=1, **options).fit(X, labels)
    np.testing.assert_array_equal(clf._targets(np.array(labels)), expected)
    assert clf.network_.sizes[-1] == len(expected[0])
