"""Where the time of one L step goes: the compiled BLAS path's operations, timed one by one.

    OPENBLAS_NUM_THREADS=1 python -m benchmarks.profile_step [float32|float64]

Needs numba and scipy (``pip install -e ".[fast]"``): it runs the operations of
``backprop.fast._blas.WideSteps.run``, ``deltas_and_upper_updates`` and ``update_first`` (the note's network,
plain SGD, the path ``backprop`` takes for L, [784, 256, 256, 10], batch 128), in the
same order and on the same buffers, with a clock around each, over 5 epochs of 40
batches, and prints microseconds per step per operation. Each compiled kernel is called
from Python here, where the path calls most of them from compiled code: the clocks and
those calls add ~1 µs an operation. It mirrors those two functions by hand, so keep them
in step when either changes.
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict

import numpy as np

from benchmarks.worker import initial_weights, make_data


def profile(dtype="float32", sizes=(784, 256, 256, 10), r=128, batches=40, epochs=5) -> dict:
    from backprop.activations import sigmoid_bounds
    from backprop.fast import _blas

    dt = np.dtype(dtype)
    sizes = list(sizes)
    m = r * batches
    X, T = make_data(sizes, m, dt, 0)
    W = initial_weights(sizes, dt, 0)
    L = len(W)
    steps = _blas.WideSteps(sizes, r, dt)
    inputs = [steps._batch_inputs(0, r), steps._batch_inputs(1, r)]
    zs, a_full = steps._layers(r)
    _, _, _, deltas = steps.buffers
    delta = [deltas[l][: n * r].reshape(n, r) for l, n in enumerate(sizes[1:])]
    work = steps.work
    tiny, top = sigmoid_bounds(dt)
    one, zero = dt.type(1.0), dt.type(0.0)
    alpha, transcend, finish, names = dt.type(0.5), np.tanh, _blas.finish_tanh, ("tanh", "(1 + t) / 2, clip")
    gemm = _blas.gemm
    acc: dict[str, float] = defaultdict(float)
    pc = time.perf_counter

    def gather(idx, which):
        x, t_rows = inputs[which]
        t0 = pc()
        np.take(X, idx, axis=0, out=x, mode="clip")
        t1 = pc()
        acc["gather the batch's inputs"] += t1 - t0
        np.take(T, idx, axis=0, out=t_rows, mode="clip")
        acc["gather the targets"] += pc() - t1

    def step(which, next_idx, gamma):
        x, t_rows = inputs[which]
        t0 = pc()
        _blas.fill_bias(zs[0], W[0][:, -1], alpha)
        t1 = pc()
        acc["bias of layer 1 (written into z)"] += t1 - t0
        gemm(alpha, W[0][:, :-1], x, one, zs[0], False, True, *work)
        t0 = pc()
        acc["product: forward 1"] += t0 - t1
        transcend(zs[0], out=zs[0])
        t1 = pc()
        acc[f"sigmoid: {names[0]}"] += t1 - t0
        for l in range(1, L):
            finish(zs[l - 1], tiny, top)
            t0 = pc()
            acc[f"sigmoid: {names[1]}"] += t0 - t1
            _blas.set_ones(a_full[l - 1])
            t1 = pc()
            acc["bias node's row of ones"] += t1 - t0
            gemm(alpha, W[l], a_full[l - 1], zero, zs[l], False, False, *work)
            t0 = pc()
            acc[f"product: forward {l + 1}"] += t0 - t1
            transcend(zs[l], out=zs[l])
            t1 = pc()
            acc[f"sigmoid: {names[0]}"] += t1 - t0
        finish(zs[L - 1], tiny, top)
        t0 = pc()
        acc[f"sigmoid: {names[1]}"] += t0 - t1
        _blas.output_delta(zs[L - 1], t_rows, delta[L - 1], gamma, False)
        t1 = pc()
        acc["δ^(L) element-wise"] += t1 - t0
        for l in range(L - 2, -1, -1):
            n = sizes[l + 1]
            gemm(one, W[l + 1][:, :n], delta[l + 1], zero, delta[l], True, False, *work)
            t0 = pc()
            acc[f"product: δ {l + 1}"] += t0 - t1
            _blas.times_sigmoid_derivative(delta[l], a_full[l][:n])
            t1 = pc()
            acc["hidden δ's: ⊙ a(1 − a)"] += t1 - t0
        for l in range(L - 1, 0, -1):
            gemm(-one, delta[l], a_full[l - 1], one, W[l], False, True, *work)
            t0 = pc()
            acc[f"product: change {l + 1}, added into W (β = 1)"] += t0 - t1
            t1 = t0
        if next_idx is not None:
            gather(next_idx, 1 - which)
        t1 = pc()
        gemm(-one, delta[0], x, one, W[0][:, :-1], False, False, *work)
        t0 = pc()
        acc["product: change 1, added into W (β = 1)"] += t0 - t1
        _blas.subtract_row_sums(W[0], delta[0])
        acc["bias column of change 1 (Σ_s δ_s)"] += pc() - t0

    order = np.random.default_rng(0).permutation(m)
    gamma = dt.type(0.5 / r)

    def epoch():
        gather(order[:r], 0)
        for k, s in enumerate(range(0, m, r)):
            step(k % 2, order[s + r : s + 2 * r] if s + r < m else None, gamma)

    epoch()
    acc.clear()
    t0 = pc()
    for _ in range(epochs):
        epoch()
    total = pc() - t0
    steps_done = epochs * batches
    per_step = {k: v / steps_done for k, v in acc.items()}
    return {"per_step": per_step, "total": total / steps_done, "r": r, "sizes": sizes}


def products_in_sequence(dtype="float32", sizes=(784, 256, 256, 10), r=128, m=20_000, epochs=3) -> dict:
    """µs a step of the step's matrix products alone, in the step's order, on the same
    buffers (no element-wise work), without and with the gather of each batch's input
    rows from m samples: what a step that did nothing else would take."""
    from backprop.fast import _blas

    dt = np.dtype(dtype)
    sizes = list(sizes)
    X, _ = make_data(sizes, m, dt, 0)
    W = initial_weights(sizes, dt, 0)
    L = len(W)
    rng = np.random.default_rng(0)
    x = rng.random((r, sizes[0])).astype(dt)
    acts = [rng.random((n + 1, r)).astype(dt) for n in sizes[1:-1]] + [np.empty((sizes[-1], r), dt)]
    delta = [(rng.random((n, r)) * 1e-6).astype(dt) for n in sizes[1:]]
    work = _blas.work_arrays(dt)
    gemm = _blas.gemm
    one, zero, half = dt.type(1.0), dt.type(0.0), dt.type(0.5)

    def products():
        gemm(half, W[0][:, :-1], x, one, acts[0][: sizes[1]], False, True, *work)
        for l in range(1, L):
            gemm(half, W[l], acts[l - 1], zero, acts[l][: sizes[l + 1]], False, False, *work)
        for l in range(L - 2, -1, -1):
            gemm(one, W[l + 1][:, : sizes[l + 1]], delta[l + 1], zero, delta[l], True, False, *work)
        for l in range(L - 1, 0, -1):
            gemm(-one, delta[l], acts[l - 1], one, W[l], False, True, *work)
        gemm(-one, delta[0], x, one, W[0][:, :-1], False, False, *work)

    out = {}
    for gather in (False, True):
        times = []
        for _ in range(epochs):
            order = rng.permutation(m)
            t0 = time.perf_counter()
            for s in range(0, m - r + 1, r):
                if gather:
                    np.take(X, order[s : s + r], axis=0, out=x, mode="clip")
                products()
            times.append((time.perf_counter() - t0) / (m // r))
        out["with gather" if gather else "products"] = float(np.median(times))
    return out


def main(argv=None) -> int:
    from benchmarks.impls import flops_per_sample

    args = sys.argv[1:] if argv is None else argv
    dtype = args[0] if args else "float32"
    out = profile(dtype)
    total = out["total"]
    flops = flops_per_sample(out["sizes"]) * out["r"]
    print(f"L step, {dtype}, batch {out['r']}: {total * 1e6:.0f} µs, {flops / total / 1e9:.1f} GFLOP/s")
    products = 0.0
    print("| operation | µs per step | share |\n|---|---|---|")
    for k, v in sorted(out["per_step"].items(), key=lambda kv: -kv[1]):
        products += v if k.startswith("product") else 0.0
        print(f"| {k} | {v * 1e6:.1f} | {100 * v / total:.1f}% |")
    print(f"| all products | {products * 1e6:.0f} | {100 * products / total:.0f}% |")
    print(f"| everything else | {(total - products) * 1e6:.0f} | {100 * (total - products) / total:.0f}% |")
    seq = products_in_sequence(dtype)
    for key, label in (("products", "the step's products alone, in sequence"),
                       ("with gather", "the same with each batch's input rows gathered from 20,000 samples")):
        print(f"{label}: {seq[key] * 1e6:.0f} µs a step, {flops / seq[key] / 1e9:.1f} GFLOP/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
