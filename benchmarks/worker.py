"""One implementation in its own process, driven by ``benchmarks.run`` over stdin/stdout.

The thread count is fixed when the process starts (OMP_NUM_THREADS, OPENBLAS_NUM_THREADS,
MKL_NUM_THREADS and NUMBA_NUM_THREADS in its environment, ``torch.set_num_threads``), so
no two thread pools share a process. Commands, one JSON object a line:

* ``{"cmd": "setup", "config": {...}}``: make the data and initial weights of a config;
* ``{"cmd": "check", "epochs": E, "m": m, "path": P}``: a short float64 run from the
  initial weights, final weights saved to P (an .npz) for the driver to compare;
* ``{"cmd": "memory"}``: peak memory above the data and the network (made first, as
  training has it) while the implementation runs one epoch;
* ``{"cmd": "time", "epochs": E}``: seconds for E epochs (the implementation is made
  from the initial weights on the first call and keeps training after that);
* ``{"cmd": "peak", "dtype": D}``: matrix-multiply GFLOP/s in this process (the best of
  large square products, through numpy and through the BLAS backprop's compiled path
  calls);
* ``{"cmd": "gemms", "sizes": S, "batch": B, "dtype": D}``: GFLOP/s of each product of
  one training step on these shapes;
* ``{"cmd": "quit"}``.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import time
import tracemalloc

import numpy as np

from benchmarks import impls


def make_data(sizes, m, dtype, seed):
    """MNIST-shaped random data: inputs in [0, 1), one-hot targets (0/1 for one output)."""
    rng = np.random.default_rng(seed)
    X = rng.random((m, sizes[0]), dtype=np.float64)
    k = sizes[-1]
    if k == 1:
        T = rng.integers(0, 2, size=(m, 1)).astype(np.float64)
    else:
        T = np.zeros((m, k))
        T[np.arange(m), rng.integers(0, k, size=m)] = 1.0
    return X.astype(dtype, copy=False), T.astype(dtype, copy=False)


def initial_weights(sizes, dtype, seed):
    from backprop.initializers import initial_weights as draw

    return draw(sizes, "xavier", seed, dtype)


def orders(m, epochs, seed, start=0):
    """The sample order of each epoch; the same for every implementation."""
    return [np.random.default_rng([seed, start + e]).permutation(m) for e in range(epochs)]


def _status() -> dict[str, int]:
    out = {}
    with open("/proc/self/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0]) * 1024
    return out


def _reset_peak_rss() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # resets VmHWM, the peak resident set size (Linux ≥ 4.0)
        return True
    except OSError:
        return False


def _blas_gemm():
    """backprop's own GEMM call (scipy's BLAS from compiled code), or None without
    numba and scipy."""
    from backprop.fast import blas_available

    if not blas_available():
        return None
    from backprop.fast import _blas

    return _blas


def _rate(call, flops, repeats) -> float:
    """GFLOP/s of ``call()``, the median of ``repeats`` timings after one warm-up."""
    call()
    number = max(1, int(2e8 // flops))  # ≥ ~0.2 GFLOP a timing
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(number):
            call()
        times.append((time.perf_counter() - t0) / number)
    return flops / float(np.median(times)) / 1e9


def _gemm_rate(A, B, C, repeats) -> float:
    """GFLOP/s of ``np.matmul(A, B, out=C)``, the median of ``repeats`` after one warm-up."""
    return _rate(lambda: np.matmul(A, B, out=C), 2 * A.shape[0] * A.shape[1] * B.shape[1], repeats)


#: The square sizes of the matrix-multiply peak: the best of them is the peak.
PEAK_SIZES = (1024, 2048)


def matmul_peak(dtype, sizes=PEAK_SIZES, repeats=5) -> dict:
    """The machine's matrix-multiply limit: the best GFLOP/s of large square products
    (n × n times n × n), each the median of ``repeats``, through numpy's matmul and,
    where it is installed, through the BLAS backprop's compiled path calls (scipy's:
    another build of OpenBLAS than numpy's), so the peak is the best either reaches."""
    rng = np.random.default_rng(0)
    blas = _blas_gemm()
    best = {"numpy": 0.0}
    if blas is not None:
        best["scipy"] = 0.0
        work = blas.work_arrays(dtype)
    for n in sizes:
        A = rng.random((n, n)).astype(dtype)
        B = rng.random((n, n)).astype(dtype)
        C = np.empty((n, n), dtype)
        best["numpy"] = max(best["numpy"], _gemm_rate(A, B, C, repeats))
        if blas is not None:
            one, zero = C.dtype.type(1.0), C.dtype.type(0.0)
            call = lambda: blas.gemm(one, A, B, zero, C, False, False, *work)  # noqa: E731
            best["scipy"] = max(best["scipy"], _rate(call, 2 * n**3, repeats))
    return {"gflops": max(best.values()), "by_blas": best}


def step_gemms(sizes, batch, dtype, repeats=7) -> dict:
    """GFLOP/s of each matrix product of one training step on ``sizes`` with ``batch``
    samples, as backprop's path for L makes them (samples as columns, weights
    (n_l, n_(l-1) + 1) with the bias last; with numba and scipy, the compiled BLAS
    path's GEMM calls, the changes added into W with β = 1; otherwise numpy's matmul
    into a change matrix), each alone with warm caches; and ``bound``, the rate of the
    whole step if it were nothing but these products."""
    rng = np.random.default_rng(0)
    dt = np.dtype(dtype)
    r = batch
    W = [rng.random((n, p + 1)).astype(dt) for p, n in zip(sizes[:-1], sizes[1:])]
    x = rng.random((r, sizes[0])).astype(dt)
    acts = [rng.random((n + 1, r)).astype(dt) for n in sizes[1:]]
    deltas = [rng.random((n, r)).astype(dt) for n in sizes[1:]]
    blas = _blas_gemm()
    work = blas.work_arrays(dt) if blas is not None else None
    one, zero, tiny = dt.type(1.0), dt.type(0.0), dt.type(-1e-30)  # tiny: W stays W
    out = []  # (name, m, k, n, call)

    def product(name, A, B, C, ta, tb, alpha, beta):
        m_, k_ = (A.shape[1], A.shape[0]) if ta else A.shape
        n_ = B.shape[0] if tb else B.shape[1]
        if blas is not None:
            call = lambda: blas.gemm(alpha, A, B, beta, C, ta, tb, *work)  # noqa: E731
        else:
            A_, B_ = (A.T if ta else A), (B.T if tb else B)
            call = lambda: np.matmul(A_, B_, out=C)  # noqa: E731
        out.append((name, m_, k_, n_, call))

    L = len(W)
    for l in range(L):
        z = np.empty((sizes[l + 1], r), dt)
        if l == 0:
            product("forward 1", W[0][:, :-1], x, z, False, True, one, one)
        else:
            product(f"forward {l + 1}", W[l], acts[l - 1], z, False, False, one, zero)
    for l in range(L - 2, -1, -1):
        n = sizes[l + 1]
        product(f"δ {l + 1}", W[l + 1][:, :n], deltas[l + 1], np.empty((n, r), dt), True, False, one, zero)
    for l in range(L):
        if blas is not None:  # into W itself
            target = W[0][:, :-1] if l == 0 else W[l]
            beta = one
        else:  # into a change matrix
            G = np.empty(W[l].shape, dt)
            target = G[:, :-1] if l == 0 else G
            beta = zero
        prev = x if l == 0 else acts[l - 1]
        product(f"change {l + 1}", deltas[l], prev, target, False, l > 0, tiny if blas is not None else one, beta)
    rows, flops, seconds = [], 0, 0.0
    for name, m_, k_, n_, call in out:
        f = 2 * m_ * k_ * n_
        rate = _rate(call, f, repeats)
        flops += f
        seconds += f / (rate * 1e9)
        rows.append({"product": name, "shape": f"({m_}×{k_}) @ ({k_}×{n_})", "gflops": rate, "share": f})
    for row in rows:
        row["share"] = row["share"] / (row["gflops"] * 1e9) / seconds  # fraction of the products' time
    return {"products": rows, "bound": flops / seconds / 1e9, "blas": "scipy (compiled calls)" if blas else "numpy"}


class Worker:
    def __init__(self, name: str, threads: int):
        self.name = name
        if name == "torch" and impls.available("torch") is None:
            import torch

            torch.set_num_threads(threads)

    def setup(self, config):
        self.config = config
        self.dtype = np.dtype(config["dtype"])
        sizes = config["sizes"]
        self.X, self.T = make_data(sizes, config["m"], self.dtype, config["seed"])
        self.W0 = initial_weights(sizes, self.dtype, config["seed"])
        self.impl = None
        self.epochs_done = 0
        self._make_small(self.W0, self.X, self.T)  # warm-up: imports, numba compilation
        return {"ok": True}

    def _make(self, weights, X, T):
        c = self.config
        return impls.make(self.name, weights, X, T, c["batch_size"], c["learning_rate"], c["cost"][self.name])

    def _make_small(self, weights, X, T):
        bs = self.config["batch_size"]
        n = min(len(X), 2 * bs + 1)
        impl = self._make([W.copy() for W in weights], X[:n], T[:n])
        impl.epoch(np.arange(n))

    def check(self, epochs, m, path):
        c = self.config
        X, T = make_data(c["sizes"], m, np.float64, c["seed"] + 1)
        W0 = initial_weights(c["sizes"], np.float64, c["seed"])
        self._make_small(W0, X, T)
        impl = self._make(W0, X, T)
        for order in orders(m, epochs, c["seed"]):
            impl.epoch(order)
        np.savez(path, *impl.weights())
        return {"ok": True, "path": getattr(impl, "path", None)}

    def memory(self):
        """Peak memory above what exists before the epoch: the data, the network (its
        weights, made from the initial weights) and the epoch's sample order, which
        the training loop has before it calls the epoch. Everything the first epoch
        allocates counts: the epoch runner and its buffers and change matrices
        (backprop), gradients and autograd's tensors (PyTorch), per-batch arrays
        (scikit-learn)."""
        impl = self._make([W.copy() for W in self.W0], self.X, self.T)
        order = orders(len(self.X), 1, self.config["seed"])[0]
        if self.name == "sklearn":
            order = np.arange(len(self.X))  # as timed: its batches in data order, no copy
        gc.collect()
        before = _status()["VmRSS"]
        rss_ok = _reset_peak_rss()
        tracemalloc.start()
        impl.epoch(order)
        _, traced = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss = _status()["VmHWM"] - before if rss_ok else None
        del impl
        gc.collect()
        model = sum(W.nbytes for W in self.W0)
        return {"ok": True, "tracemalloc": traced, "rss": rss, "model_bytes": model}

    def time(self, epochs):
        if self.impl is None:
            self.impl = self._make([W.copy() for W in self.W0], self.X, self.T)
        todo = orders(len(self.X), epochs, self.config["seed"], start=self.epochs_done)
        if self.name == "sklearn":
            # MLPClassifier runs its own batches over the data as given (shuffle=False):
            # no copy of the data per epoch, which favours it.
            todo = [np.arange(len(self.X))] * epochs
        self.epochs_done += epochs
        gc.collect()
        t0 = time.perf_counter()
        for order in todo:
            self.impl.epoch(order)
        return {"ok": True, "seconds": time.perf_counter() - t0, "path": getattr(self.impl, "path", None)}


def main() -> int:
    name, threads = sys.argv[1], int(sys.argv[2])
    out = os.fdopen(os.dup(1), "w", buffering=1)
    sys.stdout = sys.stderr  # libraries' prints must not mix with the replies
    reason = impls.available(name) if name != "peak" else None
    worker = None if reason else Worker(name, threads)
    for line in sys.stdin:
        msg = json.loads(line)
        cmd = msg["cmd"]
        try:
            if cmd == "quit":
                break
            if cmd == "ping":
                reply = {"ok": True}
            elif reason:
                reply = {"skip": reason}
            elif cmd == "peak":
                reply = {"ok": True, **matmul_peak(np.dtype(msg["dtype"]))}
            elif cmd == "gemms":
                reply = {"ok": True, **step_gemms(msg["sizes"], msg["batch"], msg["dtype"])}
            elif cmd == "setup":
                reply = worker.setup(msg["config"])
            elif cmd == "check":
                reply = worker.check(msg["epochs"], msg["m"], msg["path"])
            elif cmd == "memory":
                reply = worker.memory()
            elif cmd == "time":
                reply = worker.time(msg["epochs"])
            else:
                reply = {"error": f"unknown command {cmd!r}"}
        except impls.Skip as exc:
            reply = {"skip": str(exc)}
        except Exception as exc:  # reported by the driver, which goes on with the others
            reply = {"error": f"{type(exc).__name__}: {exc}"}
        out.write(json.dumps(reply) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
