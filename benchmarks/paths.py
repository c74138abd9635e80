"""Where each path of the epoch runner is fastest: the limits LOOPS_LIMIT and WIDE_ACTIVATIONS.

    OPENBLAS_NUM_THREADS=1 python -m benchmarks.paths [float64|float32]

Times one epoch of the note's network with plain SGD on every path that can run it
(numpy; the compiled loops; the compiled BLAS path as a whole compiled epoch and as
wide steps), for sizes and batches around the limits, in this one process, and prints
samples/s (the median of 5 epochs after a warm-up) and the path ``epoch_runner``
chooses. Needs numba and scipy (``pip install -e ".[fast]"``).
"""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager

import numpy as np

from backprop import Network
from backprop import fast
from backprop.optimizers import get_optimizer

#: (sizes, batch): across the loops/BLAS limit, then across the whole-epoch/wide limit.
CASES = [
    ([2, 2, 2], 1),
    ([4, 8, 3], 1),
    ([20, 16, 10], 1),
    ([30, 30, 10], 1),
    ([64, 30, 10], 1),
    ([20, 16, 10], 10),
    ([784, 30, 10], 10),
    ([784, 30, 10], 32),
    ([784, 30, 10], 64),
    ([784, 100, 10], 10),
    ([784, 100, 10], 32),
    ([784, 300, 10], 10),
]

#: The settings that force each path through ``epoch_runner(..., use_numba=...)``.
PATHS = {
    "numpy": (False, None, None),
    "loops": (True, 10**12, None),
    "blas, whole epoch": (True, 0, 10**12),
    "blas, wide steps": (True, 0, 0),
}


@contextmanager
def _limits(loops, wide):
    saved = fast.LOOPS_LIMIT, fast.WIDE_ACTIVATIONS
    fast.LOOPS_LIMIT = saved[0] if loops is None else loops
    fast.WIDE_ACTIVATIONS = saved[1] if wide is None else wide
    try:
        yield
    finally:
        fast.LOOPS_LIMIT, fast.WIDE_ACTIVATIONS = saved


def rate(sizes, batch, dtype, use_numba, loops, wide, samples=None) -> float:
    weights = sum((p + 1) * n for p, n in zip(sizes[:-1], sizes[1:]))
    m = samples or int(min(20_000, max(2_000, 4e7 // (weights * 6))))
    rng = np.random.default_rng(0)
    X = rng.random((m, sizes[0])).astype(dtype)
    T = np.eye(sizes[-1], dtype=dtype)[rng.integers(0, sizes[-1], m)]
    net = Network(sizes, seed=0, dtype=dtype)
    with _limits(loops, wide):
        run = fast.epoch_runner(net, get_optimizer("sgd"), X, T, batch, use_numba=use_numba)
    order = rng.permutation(m)
    run(order[: 4 * batch])  # compile, warm up
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        run(order)
        times.append(time.perf_counter() - t0)
    return m / float(np.median(times))


def main(argv=None) -> int:
    args = sys.argv[1:] if argv is None else argv
    dtype = np.dtype(args[0] if args else "float64")
    if not fast.blas_available():
        print("benchmarks.paths needs numba and scipy: pip install -e '.[fast]'", file=sys.stderr)
        return 1
    names = list(PATHS)
    print(f"samples/s, {dtype}, the median of 5 epochs; LOOPS_LIMIT {fast.LOOPS_LIMIT:,}, "
          f"WIDE_ACTIVATIONS {fast.WIDE_ACTIVATIONS:,}")  # fmt: skip
    print("| sizes | batch | batch × weights | activations a step | " + " | ".join(names) + " | chosen |")
    print("|---|---|---|---|" + "---|" * (len(names) + 1))
    for sizes, batch in CASES:
        weights = sum((p + 1) * n for p, n in zip(sizes[:-1], sizes[1:]))
        rates = [rate(sizes, batch, dtype, *PATHS[n]) for n in names]
        best = max(range(len(rates)), key=rates.__getitem__)
        cells = [f"**{r:,.0f}**" if i == best else f"{r:,.0f}" for i, r in enumerate(rates)]
        net = Network(sizes, seed=0, dtype=dtype)
        chosen = fast.epoch_runner(net, get_optimizer("sgd"), np.zeros((batch, sizes[0]), dtype),
                                   np.zeros((batch, sizes[-1]), dtype), batch)  # fmt: skip
        kind = chosen.path
        if kind == "numba+blas":
            kind += ", wide steps" if chosen._wide is not None else ", whole epoch"
        print(f"| {sizes} | {batch} | {batch * weights:,} | {batch * sum(sizes[1:]):,} | " + " | ".join(cells) + f" | {kind} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
