"""The implementations under test, each behind the same small interface.

``make(name, weights, X, T, batch_size, learning_rate, cost)`` returns an object with
``epoch(order)`` (one epoch of steps over the rows ``order``, batches in that order)
and ``weights()`` (the note's layout: W^(l) of shape (n_l, n_{l-1} + 1), biases last).
Every implementation starts from the same ``weights`` and does the same steps: the
forward pass, the cost, backpropagation, W ← W − γ dC/dW, per batch.
"""

from __future__ import annotations

import numpy as np

NAMES = ["backprop", "backprop-numpy", "reference", "torch", "sklearn"]

DESCRIPTIONS = {
    "backprop": "backprop.fast.epoch_runner (numba when installed and supported)",
    "backprop-numpy": "backprop.fast.epoch_runner with the numpy path (BACKPROP_NO_NUMBA)",
    "reference": "a straightforward numpy per-sample loop (written here, as a reader would)",
    "torch": "PyTorch CPU: nn.Linear + nn.Sigmoid, autograd, torch.optim.SGD",
    "sklearn": "scikit-learn MLPClassifier(activation='logistic', solver='sgd', momentum=0), partial_fit",
}


class Skip(Exception):
    """This implementation cannot run here (not installed, or cannot do this work)."""


def available(name: str) -> str | None:
    """None if ``name`` can run here, else the reason it is skipped."""
    module = {"torch": "torch", "sklearn": "sklearn"}.get(name)
    if module is None:
        return None
    try:
        __import__(module)
    except ImportError:
        return f"{module} is not installed"
    return None


class Backprop:
    def __init__(self, weights, X, T, batch_size, learning_rate, cost, use_numba=None):
        from backprop import Network
        from backprop.optimizers import get_optimizer

        self.net = Network.from_weights(weights, dtype=weights[0].dtype, cost=cost)
        self.opt = get_optimizer("sgd", learning_rate=learning_rate)
        self.X, self.T, self.batch_size, self.use_numba = X, T, batch_size, use_numba
        # What train() does, minus the network it is given: the runner (with its
        # buffers) is made when training starts, i.e. at the first epoch here, so the
        # benchmark's memory measurement counts it.
        self.run = None
        self.path = None  # the runner's path ("numpy" or "numba") once it is made

    def epoch(self, order):
        from backprop.fast import epoch_runner

        if self.run is None:
            self.run = epoch_runner(self.net, self.opt, self.X, self.T, self.batch_size, use_numba=self.use_numba)
            self.path = self.run.path
        self.run(order)

    def weights(self):
        return [W.copy() for W in self.net.weights]


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


class Reference:
    """The loop a reader of the note writes first: one sample at a time, plain numpy."""

    def __init__(self, weights, X, T, batch_size, learning_rate, cost):
        if batch_size != 1 or cost != "quadratic":
            raise Skip("the reference loop is per-sample with the quadratic cost")
        self.W = [W.copy() for W in weights]
        self.X, self.T, self.rate = X, T, learning_rate

    def epoch(self, order):
        W, X, T, rate = self.W, self.X, self.T, self.rate
        L = len(W)
        for i in order:
            a = [X[i]]
            for Wl in W:  # a^(l) = σ(W^(l) [a^(l-1); 1])
                a.append(_sigmoid(Wl[:, :-1] @ a[-1] + Wl[:, -1]))
            delta = (a[-1] - T[i]) * a[-1] * (1 - a[-1])
            changes = [None] * L
            for l in range(L - 1, -1, -1):
                changes[l] = np.outer(delta, np.append(a[l], 1.0))
                if l > 0:
                    delta = (W[l][:, :-1].T @ delta) * a[l] * (1 - a[l])
            for Wl, dW in zip(W, changes):
                Wl -= rate * dW

    def weights(self):
        return [W.copy() for W in self.W]


class Torch:
    def __init__(self, weights, X, T, batch_size, learning_rate, cost):
        import torch
        from torch import nn

        if cost != "quadratic":
            raise Skip("the torch peer is set up with the note's quadratic cost")
        self.torch = torch
        dtype = torch.float64 if weights[0].dtype == np.float64 else torch.float32
        layers = []
        for W in weights:
            lin = nn.Linear(W.shape[1] - 1, W.shape[0]).to(dtype)
            with torch.no_grad():
                lin.weight.copy_(torch.from_numpy(np.ascontiguousarray(W[:, :-1])))
                lin.bias.copy_(torch.from_numpy(np.ascontiguousarray(W[:, -1])))
            layers += [lin, nn.Sigmoid()]
        self.model = nn.Sequential(*layers)
        self.opt = torch.optim.SGD(self.model.parameters(), lr=learning_rate)
        self.X = torch.from_numpy(X)
        self.T = torch.from_numpy(T)
        self.batch_size = batch_size

    def epoch(self, order):
        torch, model, opt, bs = self.torch, self.model, self.opt, self.batch_size
        order = torch.from_numpy(np.asarray(order, dtype=np.int64))
        for start in range(0, len(order), bs):
            idx = order[start : start + bs]
            out = model(self.X[idx])
            # The note's C = ½ Σ_j (a_j − T_j)², the mean over the batch: the same gradients.
            loss = torch.nn.functional.mse_loss(out, self.T[idx], reduction="sum") * (0.5 / len(idx))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()

    def weights(self):
        out = []
        for lin in self.model[::2]:
            W = lin.weight.detach().numpy()
            b = lin.bias.detach().numpy()
            out.append(np.concatenate([W, b[:, None]], axis=1))
        return out


class Sklearn:
    """MLPClassifier with logistic units, plain SGD. Its cost is log-loss (binary
    cross-entropy per output), which it cannot change; with it δ^(L) = a − T, the
    same as ``backprop`` with ``cost="binary_cross_entropy"``, which the check uses."""

    def __init__(self, weights, X, T, batch_size, learning_rate, cost):
        from sklearn.neural_network import MLPClassifier

        if cost != "binary_cross_entropy":
            raise Skip("MLPClassifier's cost is log-loss; it cannot use the quadratic cost")
        if not np.all((T == 0) | (T == 1)):
            raise Skip("MLPClassifier needs 0/1 targets")
        hidden = tuple(W.shape[0] for W in weights[:-1])
        self.clf = MLPClassifier(
            hidden_layer_sizes=hidden, activation="logistic", solver="sgd",
            learning_rate="constant", learning_rate_init=learning_rate, momentum=0.0,
            nesterovs_momentum=False, alpha=0.0, batch_size=batch_size, shuffle=False,
            early_stopping=False, tol=0.0, n_iter_no_change=10**9, max_iter=10**9,
        )  # fmt: skip
        self.X = X
        self.y = T[:, 0].astype(np.int64) if T.shape[1] == 1 else T.astype(np.int64)
        classes = [0, 1] if T.shape[1] == 1 else list(range(T.shape[1]))
        self.clf.partial_fit(X[:1], self.y[:1], classes=classes)  # creates the arrays
        # Then our initial weights, written into sklearn's arrays (its optimiser holds them).
        for coef, intercept, W in zip(self.clf.coefs_, self.clf.intercepts_, weights):
            coef[...] = W[:, :-1].T
            intercept[...] = W[:, -1]
        if self.clf.coefs_[0].dtype != weights[0].dtype:
            raise Skip(f"MLPClassifier does not keep {weights[0].dtype}")

    def epoch(self, order):
        order = np.asarray(order)
        if np.array_equal(order, np.arange(len(self.X))):
            self.clf.partial_fit(self.X, self.y)  # no copy of the data
        else:
            self.clf.partial_fit(self.X[order], self.y[order])

    def weights(self):
        return [
            np.concatenate([c.T, b[:, None]], axis=1)
            for c, b in zip(self.clf.coefs_, self.clf.intercepts_)
        ]


def make(name, weights, X, T, batch_size, learning_rate, cost):
    reason = available(name)
    if reason is not None:
        raise Skip(reason)
    if name == "backprop":
        return Backprop(weights, X, T, batch_size, learning_rate, cost)
    if name == "backprop-numpy":
        return Backprop(weights, X, T, batch_size, learning_rate, cost, use_numba=False)
    if name == "reference":
        return Reference(weights, X, T, batch_size, learning_rate, cost)
    if name == "torch":
        return Torch(weights, X, T, batch_size, learning_rate, cost)
    if name == "sklearn":
        return Sklearn(weights, X, T, batch_size, learning_rate, cost)
    raise ValueError(f"unknown implementation {name!r}; expected one of {', '.join(NAMES)}")


def flops_per_sample(sizes) -> int:
    """Multiply-adds × 2 of one training step per sample: forward, change matrices,
    and the δ's of hidden layers (the input layer needs no δ)."""
    products = [a * b for a, b in zip(sizes[:-1], sizes[1:])]
    return 2 * (2 * sum(products) + sum(products[1:]))
