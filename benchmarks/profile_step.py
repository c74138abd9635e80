"""Where the time of one L step goes: the wide path's operations, timed one by one.

    OPENBLAS_NUM_THREADS=1 python -m benchmarks.profile_step [float32|float64]

Runs the operations of ``backprop.fast._numpy.NumpyEpoch._note_sgd_wide`` (the note's
network, plain SGD, batches of more than 16) for L, [784, 256, 256, 10], batch 128, in
the same order and on the same buffers, with a clock around each (the clocks add ~1 %),
over 5 epochs of 40 batches, and prints microseconds per step per operation. It mirrors
that method by hand, so keep them in step when either changes.
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict

import numpy as np

from benchmarks.worker import initial_weights, make_data


def profile(dtype="float32", sizes=(784, 256, 256, 10), r=128, batches=40, epochs=5) -> dict:
    dt = np.dtype(dtype)
    sizes = list(sizes)
    m = r * batches
    X, T = make_data(sizes, m, dt, 0)
    W = initial_weights(sizes, dt, 0)
    L = len(W)
    x = np.empty((r, sizes[0]), dt)
    t_rows, t, d_rows = np.empty((r, sizes[-1]), dt), np.empty((sizes[-1], r), dt), np.empty((r, sizes[-1]), dt)
    acts = [np.empty((n + 1, r), dt) for n in sizes[1:-1]] + [np.empty((sizes[-1], r), dt)]
    for a in acts[:-1]:
        a[-1] = 1.0
    delta = [np.empty((n, r), dt) for n in sizes[1:]]
    scratch = [np.empty((n, r), dt) for n in sizes[1:]]
    change = [np.empty_like(w) for w in W]
    ones = np.ones(r, dt)
    info = np.finfo(dt)
    half, one, tiny, top = dt.type(0.5), dt.type(1.0), dt.type(info.tiny), dt.type(1.0 - info.epsneg)
    acc: dict[str, float] = defaultdict(float)
    pc = time.perf_counter

    def step(idx, gamma):
        t0 = pc()
        np.take(X, idx, axis=0, out=x, mode="clip")
        t1 = pc()
        acc["gather the batch's inputs"] += t1 - t0
        np.take(T, idx, axis=0, out=t_rows, mode="clip")
        np.copyto(t, t_rows.T)
        acc["gather the targets (as columns)"] += pc() - t1
        for l in range(L):
            z = acts[l][:-1] if l < L - 1 else acts[l]
            t0 = pc()
            if l == 0:
                np.matmul(W[0][:, :-1], x.T, z)
                t1 = pc()
                acc["product: forward 1"] += t1 - t0
                np.copyto(scratch[0], W[0][:, -1:])
                z += scratch[0]
                t0 = pc()
                acc["bias of layer 1 (copy to columns, add)"] += t0 - t1
            else:
                np.matmul(W[l], acts[l - 1], z)
                t1 = pc()
                acc[f"product: forward {l + 1}"] += t1 - t0
                t0 = t1
            np.multiply(z, half, z)
            np.tanh(z, z)
            t1 = pc()
            acc["sigmoid: ×½, tanh"] += t1 - t0
            np.add(z, one, z)
            np.multiply(z, half, z)
            t2 = pc()
            acc["sigmoid: +1, ×½"] += t2 - t1
            np.clip(z, tiny, top, out=z)
            acc["sigmoid: clip into (0, 1)"] += pc() - t2
        t0 = pc()
        aL, d, u = acts[L - 1], delta[L - 1], scratch[L - 1]
        np.subtract(aL, t, d)
        np.subtract(one, aL, u)
        u *= aL
        d *= u
        d *= gamma
        acc["δ^(L) element-wise"] += pc() - t0
        for l in range(L - 2, -1, -1):
            t0 = pc()
            d = delta[l]
            np.matmul(W[l + 1][:, :-1].T, delta[l + 1], d)
            t1 = pc()
            acc[f"product: δ {l + 1}"] += t1 - t0
            a, u = acts[l][:-1], scratch[l]
            np.subtract(one, a, u)
            u *= a
            d *= u
            acc["hidden δ's: ⊙ a(1 − a)"] += pc() - t1
        t0 = pc()
        G = change[0]
        np.matmul(delta[0], x, G[:, :-1])
        t1 = pc()
        acc["product: change 1"] += t1 - t0
        np.matmul(delta[0], ones, G[:, -1])
        t2 = pc()
        acc["bias column of change 1 (Σ_s δ_s)"] += t2 - t1
        np.subtract(W[0], G, W[0])
        acc["update W ← W − change"] += pc() - t2
        for l in range(1, L):
            t0 = pc()
            G = change[l]
            if l == L - 1 and sizes[-1] <= 32:
                np.copyto(d_rows, delta[l].T)
                np.matmul(d_rows.T, acts[l - 1].T, G)
            else:
                np.matmul(delta[l], acts[l - 1].T, G)
            t1 = pc()
            acc[f"product: change {l + 1}"] += t1 - t0
            np.subtract(W[l], G, W[l])
            acc["update W ← W − change"] += pc() - t1

    order = np.random.default_rng(0).permutation(m)
    gamma = dt.type(0.5 / r)

    def epoch():
        for s in range(0, m, r):
            step(order[s : s + r], gamma)

    epoch()
    acc.clear()
    t0 = pc()
    for _ in range(epochs):
        epoch()
    total = pc() - t0
    steps = epochs * batches
    per_step = {k: v / steps for k, v in acc.items()}
    return {"per_step": per_step, "total": total / steps, "r": r, "sizes": sizes}


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
    return 0


if __name__ == "__main__":
    sys.exit(main())
