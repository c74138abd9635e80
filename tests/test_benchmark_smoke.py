"""The benchmark's smoke mode runs end to end, so the benchmark cannot rot.

Peers that are not installed (PyTorch, scikit-learn, numba) are skipped by the
benchmark itself and reported as skipped; the full run is ``python -m benchmarks.run``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
