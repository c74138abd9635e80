"""Helpers shared by the tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest


def central_differences(net, x, t, eps: float = 1e-4) -> list[np.ndarray]:
    """dC/dW by central differences, (C(W + ε) − C(W − ε)) / 2ε, one weight at a time.

    ε = 1e-4 balances the O(ε²) truncation error against rounding in C (≈1e-16 C / ε),
    which dominates for the tiny gradients of deep sigmoid layers when ε is smaller.
    """
    grads = []
    for W in net.weights:
        G = np.zeros_like(W)
        for idx in np.ndindex(W.shape):
            saved = W[idx]
            W[idx] = saved + eps
            plus = net.cost(x, t)
            W[idx] = saved - eps
            minus = net.cost(x, t)
            W[idx] = saved
            G[idx] = (plus - minus) / (2 * eps)
        grads.append(G)
    return grads


def backprop_command() -> list[str]:
    """The installed console script, as a user runs it."""
    here = Path(sys.executable).parent / "backprop"
    found = str(here) if here.exists() else shutil.which("backprop")
    if found is None:
        pytest.fail("the console script 'backprop' is not installed; run: pip install -e '.[test]'")
    return [found]


def run_cli(*args: str, cwd=None, timeout: float = 120, input: str | None = None) -> subprocess.CompletedProcess:
    """Run ``backprop ARGS`` in a subprocess; return the completed process (text)."""
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run(
        backprop_command() + list(args),
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
        env=env,
        input=input,
    )


@pytest.fixture
def cli():
    return run_cli
