"""The optimisers against PyTorch's ``torch.optim`` on the same gradient sequences.

Skipped when torch is not installed (``pip install torch==2.13.0``). torch's
``weight_decay`` adds λ·p to the gradient of *every* parameter, biases included, so
each W^(l) is split into a weight parameter (its columns but the last), in a group
with λ, and a bias parameter (the last column), in a group with weight decay 0: the
same meaning as ours, where decay never touches the bias column.
"""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from backprop.optimizers import get_optimizer  # noqa: E402

SHAPES = [(5, 4), (3, 6), (2, 4)]
STEPS = 12


def torch_run(make_optimizer, weights, gradients, weight_decay, epochs_per_schedule=None, scheduler=None):
    """The weights after each step, with torch doing the updates."""
    weight_params = [torch.tensor(W[:, :-1].copy(), dtype=torch.float64, requires_grad=True) for W in weights]
    bias_params = [torch.tensor(W[:, -1].copy(), dtype=torch.float64, requires_grad=True) for W in weights]
    opt = make_optimizer(
        [
            {"params": weight_params, "weight_decay": weight_decay},
            {"params": bias_params, "weight_decay": 0.0},
        ]
    )
    sched = scheduler(opt) if scheduler else None
    history = []
    for k, changes in enumerate(gradients):
        for w, b, dW in zip(weight_params, bias_params, changes):
            w.grad = torch.tensor(dW[:, :-1].copy(), dtype=torch.float64)
            b.grad = torch.tensor(dW[:, -1].copy(), dtype=torch.float64)
        opt.step()
        if sched is not None and (k + 1) % epochs_per_schedule == 0:
            sched.step()  # the end of an "epoch"
        history.append(
            [np.column_stack([w.detach().numpy(), b.detach().numpy()]) for w, b in zip(weight_params, bias_params)]
        )
    return history


def ours_run(opt, weights, gradients, steps_per_epoch=None):
    W = [w.copy() for w in weights]
    history = []
    for k, changes in enumerate(gradients):
        if steps_per_epoch is not None and k % steps_per_epoch == 0:
            opt.begin_epoch(k // steps_per_epoch)
        opt.step(W, changes)
        history.append([w.copy() for w in W])
    return history


def sequence(seed):
    rng = np.random.default_rng(seed)
    weights = [rng.normal(size=s) for s in SHAPES]
    gradients = [[rng.normal(scale=2.0, size=s) for s in SHAPES] for _ in range(STEPS)]
    return weights, gradients


def assert_same(ours, theirs, rtol=1e-12, atol=1e-12):
    for k, (a_step, b_step) in enumerate(zip(ours, theirs)):
        for l, (a, b) in enumerate(zip(a_step, b_step), start=1):
            np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=f"step {k + 1}, W^({l})")


CASES = [
    ("sgd", {}, lambda p, lr: torch.optim.SGD(p, lr=lr)),
    ("momentum", {"momentum": 0.9}, lambda p, lr: torch.optim.SGD(p, lr=lr, momentum=0.9)),
    ("momentum", {"momentum": 0.5}, lambda p, lr: torch.optim.SGD(p, lr=lr, momentum=0.5)),
    ("nesterov", {"momentum": 0.9}, lambda p, lr: torch.optim.SGD(p, lr=lr, momentum=0.9, nesterov=True)),
    ("adam", {}, lambda p, lr: torch.optim.Adam(p, lr=lr)),
    (
        "adam",
        {"beta1": 0.8, "beta2": 0.95, "eps": 1e-6},
        lambda p, lr: torch.optim.Adam(p, lr=lr, betas=(0.8, 0.95), eps=1e-6),
    ),
]


@pytest.mark.parametrize("weight_decay", [0.0, 0.1])
@pytest.mark.parametrize("name, settings, make", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_same_steps_as_torch_optim(name, settings, make, weight_decay):
    weights, gradients = sequence(len(name) + int(100 * weight_decay))
    lr = 0.01
    ours = ours_run(get_optimizer(name, learning_rate=lr, weight_decay=weight_decay, **settings), weights, gradients)
    theirs = torch_run(lambda p: make(p, lr), weights, gradients, weight_decay)
    assert_same(ours, theirs)


@pytest.mark.parametrize(
    "schedule, make_scheduler",
    [
        ("step:2:0.5", lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=2, gamma=0.5)),
        ("exponential:0.8", lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.8)),
    ],
)
@pytest.mark.parametrize("name", ["sgd", "adam"])
def test_schedules_match_torch_schedulers(name, schedule, make_scheduler):
    # 12 steps, 3 steps an epoch: 4 epochs; torch's scheduler steps at each epoch's end.
    weights, gradients = sequence(3)
    make = next(c[2] for c in CASES if c[0] == name and not c[1])  # default settings
    ours = ours_run(get_optimizer(name, learning_rate=0.05, schedule=schedule), weights, gradients, steps_per_epoch=3)
    theirs = torch_run(lambda p: make(p, 0.05), weights, gradients, 0.0, 3, make_scheduler)
    assert_same(ours, theirs)
