"""The benchmark's smoke mode runs end to end, so the benchmark cannot rot.

Peers that are not installed (PyTorch, scikit-learn, numba) are skipped by the
benchmark itself and reported as skipped; the full run is ``python -m benchmarks.run``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def test_quick_benchmark_writes_its_tables(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--quick", "--out", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads((tmp_path / "results.json").read_text())
    table = (tmp_path / "results.md").read_text()
    assert "| regime |" in table and "Matrix-multiply peak" in table
    rows = {(r["regime"], r["impl"]): r for r in results["rows"]}
    for regime in ("T", "M", "L"):
        row = rows[(regime, "backprop")]
        assert row["rate_median"] > 0
        # The same weights as backprop.core's own loop after the short check run.
        assert row["check_max_difference"] <= 1e-9
    for (regime, impl), row in rows.items():
        if "skipped" in row:
            assert row["skipped"]  # a reason is given
        elif "check_max_difference" in row:
            assert row["check_max_difference"] <= 1e-9, (regime, impl)


def test_step_profile_and_path_timings_run():
    """``python -m benchmarks.profile_step`` and ``python -m benchmarks.paths`` (they need
    numba and scipy), on small sizes: every operation of the step is timed, and every
    path of the runner runs."""
    import pytest

    from backprop.fast import blas_available

    if not blas_available():
        pytest.skip("needs numba and scipy: pip install -e '.[fast]'")
    sys.path.insert(0, str(ROOT))
    try:
        from benchmarks import paths, profile_step
    finally:
        sys.path.remove(str(ROOT))
    out = profile_step.profile("float64", sizes=(20, 16, 12, 10), r=20, batches=3, epochs=1)
    steps = out["per_step"]
    assert {"product: forward 1", "product: δ 1", "product: change 1, added into W (β = 1)",
            "gather the batch's inputs", "sigmoid: tanh"} <= set(steps)  # fmt: skip
    assert 0 < sum(steps.values()) <= out["total"]
    seq = profile_step.products_in_sequence("float64", sizes=(20, 16, 10), r=8, m=64, epochs=1)
    assert seq["products"] > 0 and seq["with gather"] > 0
    for settings in paths.PATHS.values():
        assert paths.rate([6, 5, 3], 4, np.float64, *settings, samples=40) > 0
