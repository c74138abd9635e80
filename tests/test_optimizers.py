"""Optimisers and schedules: every update recomputed by hand from its formula.

Each test feeds a fixed sequence of change matrices to an optimiser and, beside it,
works the formula of the optimiser's docstring step by step with plain numpy.
"""

import json

import numpy as np
import pytest

from backprop import Network
from backprop.optimizers import OPTIMIZERS, Adam, GradientDescent, Momentum, Nesterov, get_optimizer
from backprop.schedules import SCHEDULES, ExponentialSchedule, StepSchedule, get_schedule, parse_schedule

SHAPES = [(3, 4), (2, 4)]  # W^(1), W^(2) of a [3, 3, 2] network; last column biases
STEPS = 5


def weights_and_gradients(seed=0, steps=STEPS):
    rng = np.random.default_rng(seed)
    weights = [rng.normal(size=s) for s in SHAPES]
    gradients = [[rng.normal(size=s) for s in SHAPES] for _ in range(steps)]
    return weights, gradients


def decayed(W, dW, lam):
    """g = dC/dW + λ W̃, W̃ = W with the bias column zeroed."""
    W_tilde = W.copy()
    W_tilde[:, -1] = 0.0
    return dW + lam * W_tilde


def run(opt, weights, gradients):
    weights = [W.copy() for W in weights]
    history = []
    for changes in gradients:
        opt.step(weights, changes)
        history.append([W.copy() for W in weights])
    return history


@pytest.mark.parametrize("lam", [0.0, 0.1])
def test_gradient_descent_is_the_notes_rule(lam):
    weights, gradients = weights_and_gradients(1)
    got = run(GradientDescent(0.5, weight_decay=lam), weights, gradients)
    W = [w.copy() for w in weights]
    for k, changes in enumerate(gradients):
        W = [w - 0.5 * decayed(w, dW, lam) for w, dW in zip(W, changes)]
        for l in range(len(W)):
            np.testing.assert_allclose(got[k][l], W[l], rtol=0, atol=1e-14)


# W ← W − γ·(this), given g and the new velocity V, for each of the two momentum rules.
MOMENTUM_STEPS = {
    Momentum: lambda g, V, mu: V,  # W ← W − γV
    Nesterov: lambda g, V, mu: g + mu * V,  # PyTorch's nesterov=True: W ← W − γ(g + μV)
}


@pytest.mark.parametrize("lam", [0.0, 0.05])
@pytest.mark.parametrize("cls, mu, seed", [(Momentum, 0.9, 2), (Nesterov, 0.8, 3)])
def test_momentum_by_hand(cls, mu, seed, lam):
    gamma = 0.1
    weights, gradients = weights_and_gradients(seed)
    got = run(cls(gamma, momentum=mu, weight_decay=lam), weights, gradients)
    W = [w.copy() for w in weights]
    V = [np.zeros(s) for s in SHAPES]
    for k, changes in enumerate(gradients):
        g = [decayed(w, dW, lam) for w, dW in zip(W, changes)]
        V = [mu * v + gl for v, gl in zip(V, g)]  # V ← μV + g
        W = [w - gamma * MOMENTUM_STEPS[cls](gl, v, mu) for w, gl, v in zip(W, g, V)]
        for l in range(len(W)):
            np.testing.assert_allclose(got[k][l], W[l], rtol=0, atol=1e-13)


def test_momentum_first_step_is_the_plain_step():
    weights, gradients = weights_and_gradients(2)
    got = run(Momentum(0.1, momentum=0.9, weight_decay=0.05), weights, gradients)
    np.testing.assert_allclose(
        got[0][0], weights[0] - 0.1 * decayed(weights[0], gradients[0][0], 0.05), atol=1e-15
    )


def test_momentum_hand_numbers_one_weight():
    # One weight w = 1, constant gradient 1, γ = 0.1, μ = 0.5:
    # V = 1, 1.5, 1.75  →  w = 0.9, 0.75, 0.575.
    W = [np.array([[1.0, 0.0]])]
    opt = Momentum(0.1, momentum=0.5)
    seen = []
    for _ in range(3):
        opt.step(W, [np.array([[1.0, 0.0]])])
        seen.append(W[0][0, 0])
    np.testing.assert_allclose(seen, [0.9, 0.75, 0.575], rtol=0, atol=1e-15)


def test_nesterov_hand_numbers_one_weight():
    # w = 1, constant gradient 1, γ = 0.1, μ = 0.5: V = 1, 1.5; steps γ(1 + 0.5), γ(1 + 0.75).
    W = [np.array([[1.0, 0.0]])]
    opt = Nesterov(0.1, momentum=0.5)
    opt.step(W, [np.array([[1.0, 0.0]])])
    assert W[0][0, 0] == pytest.approx(1 - 0.15, abs=1e-15)
    opt.step(W, [np.array([[1.0, 0.0]])])
    assert W[0][0, 0] == pytest.approx(1 - 0.15 - 0.175, abs=1e-15)


@pytest.mark.parametrize("lam", [0.0, 0.01])
def test_adam_by_hand_with_bias_correction(lam):
    gamma, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    weights, gradients = weights_and_gradients(4, steps=8)
    got = run(Adam(gamma, beta1=b1, beta2=b2, eps=eps, weight_decay=lam), weights, gradients)
    W = [w.copy() for w in weights]
    M = [np.zeros(s) for s in SHAPES]
    S = [np.zeros(s) for s in SHAPES]
    for k, changes in enumerate(gradients):
        t = k + 1
        g = [decayed(w, dW, lam) for w, dW in zip(W, changes)]
        M = [b1 * m + (1 - b1) * gl for m, gl in zip(M, g)]
        S = [b2 * s + (1 - b2) * gl**2 for s, gl in zip(S, g)]
        m_hat = [m / (1 - b1**t) for m in M]
        s_hat = [s / (1 - b2**t) for s in S]
        W = [w - gamma * mh / (np.sqrt(sh) + eps) for w, mh, sh in zip(W, m_hat, s_hat)]
        for l in range(len(W)):
            np.testing.assert_allclose(got[k][l], W[l], rtol=0, atol=1e-13)


def test_adam_first_step_moves_each_weight_by_the_rate():
    # With bias correction, M̂ = g and Ŝ = g² at t = 1, so each weight moves by
    # γ g / (|g| + ε) ≈ γ sign(g): the mark of the correction (without it, the step
    # would be (1 − β₁)/√(1 − β₂) ≈ 3.16 times larger).
    W = [np.zeros((2, 3))]
    g = np.array([[0.5, -2.0, 1e-3], [3.0, -0.25, 7.0]])
    Adam(0.01).step(W, [g])
    np.testing.assert_allclose(W[0], -0.01 * g / (np.abs(g) + 1e-8), rtol=1e-12)


@pytest.mark.parametrize("name", ["sgd", "momentum", "nesterov", "adam"])
def test_weight_decay_leaves_the_bias_column_alone(name):
    weights, gradients = weights_and_gradients(5)
    plain = run(get_optimizer(name, learning_rate=0.05), weights, gradients)
    decay = run(get_optimizer(name, learning_rate=0.05, weight_decay=0.5), weights, gradients)
    for l in range(len(SHAPES)):
        # Biases (last column) see only dC/dW, so they move identically ...
        np.testing.assert_array_equal(decay[-1][l][:, -1], plain[-1][l][:, -1])
        # ... while the weights are pulled towards zero.
        assert not np.allclose(decay[-1][l][:, :-1], plain[-1][l][:, :-1])
    # With zero gradients, decay alone shrinks the weights and never touches the biases.
    W = [w.copy() for w in weights]
    opt = get_optimizer(name, learning_rate=0.05, weight_decay=0.5)
    for _ in range(3):
        opt.step(W, [np.zeros(s) for s in SHAPES])
    for w, w0 in zip(W, weights):
        np.testing.assert_array_equal(w[:, -1], w0[:, -1])
        assert np.all(np.abs(w[:, :-1]) < np.abs(w0[:, :-1]))


@pytest.mark.parametrize("name", ["sgd", "momentum", "nesterov", "adam"])
def test_every_change_matrix_is_read_before_any_weight_changes(name):
    # The change matrices are computed from the weights before the step; the step must
    # not read a weight it already changed (weight decay reads the weights too).
    weights, gradients = weights_and_gradients(6, steps=1)
    expected = run(get_optimizer(name, learning_rate=0.1, weight_decay=0.1), weights, gradients)[0]
    W = [w.copy() for w in weights]
    get_optimizer(name, learning_rate=0.1, weight_decay=0.1).step(W, gradients[0])
    for a, b in zip(W, expected):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", ["momentum", "nesterov", "adam"])
def test_state_is_per_matrix_allocated_on_first_step_and_reset_clears_it(name):
    weights, gradients = weights_and_gradients(7)
    opt = get_optimizer(name, learning_rate=0.1)
    assert opt._state is None
    first = run(opt, weights, gradients)
    assert len(opt._state) == len(SHAPES)
    for state, shape in zip(opt._state, SHAPES):
        arrays = [v for v in state.values() if isinstance(v, np.ndarray)]
        assert arrays and all(a.shape == shape for a in arrays)
    opt.reset()
    assert opt._state is None
    again = run(opt, weights, gradients)
    for a, b in zip(first[-1], again[-1]):
        np.testing.assert_array_equal(a, b)


def test_state_keeps_the_dtype_of_float32_networks():
    net = Network([3, 4, 2], seed=0, dtype=np.float32)
    X = np.random.default_rng(0).normal(size=(5, 3))
    T = np.random.default_rng(1).uniform(size=(5, 2))
    for name in OPTIMIZERS:
        opt = get_optimizer(name, learning_rate=0.01, weight_decay=0.01)
        for _ in range(2):
            opt.step(net.weights, net.gradients(X, T))
        assert all(W.dtype == np.float32 for W in net.weights)


def test_state_for_another_network_is_an_error():
    opt = Momentum(0.1)
    opt.step([np.zeros((2, 3))], [np.ones((2, 3))])
    with pytest.raises(ValueError, match="reset"):
        opt.step([np.zeros((3, 3))], [np.ones((3, 3))])


def test_mismatched_change_matrices_are_errors_and_change_nothing():
    W = [np.ones((2, 3)), np.ones((1, 3))]
    with pytest.raises(ValueError, match="2 weight matrices"):
        GradientDescent().step(W, [np.ones((2, 3))])
    with pytest.raises(ValueError, match=r"dC/dW\^\(2\) has shape"):
        GradientDescent().step(W, [np.ones((2, 3)), np.ones((2, 3))])
    assert all(np.all(w == 1) for w in W)


# -- schedules -----------------------------------------------------------------------


def test_step_schedule_values_per_epoch():
    opt = GradientDescent(0.8, schedule="step:3:0.5")
    rates = []
    for epoch in range(8):
        opt.begin_epoch(epoch)
        rates.append(opt.current_learning_rate)
    assert rates == [0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.2, 0.2]
    assert opt.learning_rate == 0.8  # the base rate is kept


def test_exponential_schedule_values_per_epoch():
    opt = Adam(0.01, schedule="exponential:0.9")
    for epoch in range(6):
        opt.begin_epoch(epoch)
        assert opt.current_learning_rate == pytest.approx(0.01 * 0.9**epoch, rel=1e-15)


def test_schedule_changes_the_step():
    W = [np.zeros((1, 2))]
    opt = GradientDescent(1.0, schedule={"name": "step", "step_size": 1, "gamma": 0.1})
    for epoch in range(3):
        opt.begin_epoch(epoch)
        opt.step(W, [np.array([[1.0, 1.0]])])
    np.testing.assert_allclose(W[0], [[-1.11, -1.11]], rtol=1e-14)


def test_no_schedule_keeps_the_rate():
    opt = Momentum(0.3)
    opt.begin_epoch(50)
    assert opt.current_learning_rate == 0.3


def test_parse_schedule_forms():
    assert parse_schedule("step:10:0.5") == {"name": "step", "step_size": 10, "gamma": 0.5}
    assert parse_schedule("exponential:0.95") == {"name": "exponential", "gamma": 0.95}
    assert parse_schedule("Exp:0.95") == {"name": "exponential", "gamma": 0.95}
    assert parse_schedule({"name": "step", "step_size": 2, "gamma": 0.1}) == {
        "name": "step",
        "step_size": 2,
        "gamma": 0.1,
    }
    assert parse_schedule(StepSchedule(4, 0.3)) == {"name": "step", "step_size": 4, "gamma": 0.3}
    assert parse_schedule(None) is None and parse_schedule("none") is None
    assert get_schedule("exponential:0.5") == ExponentialSchedule(0.5)
    assert set(SCHEDULES.names()) == {"step", "exponential"}


@pytest.mark.parametrize(
    "spec, message",
    [
        ("cosine:3", "unknown schedule 'cosine'; expected one of step, exponential"),
        ("step:10", "needs 2"),
        ("step:ten:0.5", "step_size must be an integer"),
        ("step:0:0.5", "step size must be a positive integer"),
        ("exponential:-0.5", "gamma must be a positive"),
        ("exponential:x", "gamma must be a number"),
        ({"gamma": 0.5}, "has no 'name'"),
        ({"name": "step", "gamma": 0.5, "size": 2}, "step schedule takes step_size, gamma"),
        (3, "schedule must be None, a string"),
    ],
)
def test_bad_schedules_are_clear_errors(spec, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        parse_schedule(spec)


# -- config --------------------------------------------------------------------------


CONFIGS = [
    ("sgd", {}),
    ("sgd", {"weight_decay": 1e-3, "schedule": "step:5:0.5"}),
    ("momentum", {"momentum": 0.7, "schedule": "exponential:0.99"}),
    ("nesterov", {"momentum": 0.95, "weight_decay": 0.01}),
    ("adam", {"beta1": 0.8, "beta2": 0.99, "eps": 1e-7, "weight_decay": 1e-4, "schedule": "step:10:0.1"}),
]


@pytest.mark.parametrize("name, settings", CONFIGS)
def test_config_is_json_ready_and_recreates(name, settings):
    opt = get_optimizer(name, learning_rate=0.02, **settings)
    config = opt.config()
    assert config["name"] == name
    restored = json.loads(json.dumps(config))  # what a model file stores
    assert restored == config
    for again in (get_optimizer(**restored), get_optimizer(restored)):
        assert type(again) is type(opt)
        assert again.config() == config
    # The recreated optimiser takes the same steps.
    weights, gradients = weights_and_gradients(8)
    for a, b in zip(run(opt, weights, gradients)[-1], run(get_optimizer(**restored), weights, gradients)[-1]):
        np.testing.assert_array_equal(a, b)


def test_old_config_without_new_settings_loads():
    # The core's model files stored only name and rate.
    opt = get_optimizer(**{"name": "sgd", "learning_rate": 0.5})
    assert opt.config() == {"name": "sgd", "learning_rate": 0.5, "weight_decay": 0.0, "schedule": None}


def test_names_and_defaults():
    assert OPTIMIZERS.names() == ["sgd", "momentum", "nesterov", "adam"]
    assert isinstance(get_optimizer("Nesterov-Momentum"), Nesterov)
    assert Momentum().momentum == 0.9 and Nesterov().momentum == 0.9
    adam = Adam()
    assert (adam.learning_rate, adam.beta1, adam.beta2, adam.eps) == (0.001, 0.9, 0.999, 1e-8)
    assert GradientDescent().learning_rate == 0.5  # the note's γ


@pytest.mark.parametrize(
    "name, settings, message",
    [
        ("momentum", {"momentum": -0.1}, r"momentum must be in \[0.0, 1.0\); got -0.1"),
        ("nesterov", {"momentum": 1.0}, r"momentum must be in \[0.0, 1.0\)"),
        ("adam", {"beta1": 1.0}, r"beta1 must be in \[0.0, 1.0\)"),
        ("adam", {"beta2": -0.5}, r"beta2 must be in \[0.0, 1.0\)"),
        ("adam", {"eps": 0.0}, r"eps must be in \(0.0"),
        ("sgd", {"weight_decay": -1.0}, r"weight decay must be in \[0.0"),
        ("sgd", {"weight_decay": float("nan")}, "weight decay must be a finite number"),
        ("sgd", {"learning_rate": 0.0}, "learning rate must be a positive"),
        ("sgd", {"momentum": 0.9}, "optimizer 'sgd' does not take momentum; it takes learning_rate, weight_decay, schedule"),
        ("adam", {"schedule": "linear:2"}, "unknown schedule 'linear'"),
        ("rmsprop", {}, "unknown optimizer 'rmsprop'; expected one of sgd, momentum, nesterov, adam"),
    ],
)
def test_bad_settings_are_clear_errors(name, settings, message):
    with pytest.raises(ValueError, match=message):
        get_optimizer(name, **settings)


def test_bad_epoch_is_an_error():
    with pytest.raises(ValueError, match="epoch must be a non-negative integer"):
        GradientDescent().begin_epoch(-1)


@pytest.mark.parametrize("name", ["sgd", "momentum", "nesterov", "adam"])
def test_each_optimizer_lowers_the_cost_of_a_network(name):
    rng = np.random.default_rng(0)
    net = Network([4, 8, 3], seed=0, activation="tanh", output_activation="softmax", cost="cross_entropy")
    X = rng.normal(size=(30, 4))
    T = np.eye(3)[rng.integers(0, 3, size=30)]
    opt = get_optimizer(name, learning_rate=0.01 if name == "adam" else 0.1, weight_decay=1e-4)
    before = net.cost(X, T)
    for epoch in range(20):
        opt.begin_epoch(epoch)
        opt.step(net.weights, net.gradients(X, T))
    assert net.cost(X, T) < before


def test_training_loop_applies_the_schedule_each_epoch():
    rng = np.random.default_rng(0)
    X, T = rng.normal(size=(8, 2)), rng.uniform(size=(8, 1))
    net = Network([2, 3, 1], seed=0)
    history = net.fit(
        X, T, epochs=5, learning_rate=0.4, batch_size=4, optimizer="momentum",
        optimizer_options={"momentum": 0.5, "schedule": "step:2:0.5"},
    )
    assert history.learning_rate == [0.4, 0.4, 0.2, 0.2, 0.1]
