"""The benchmarks still run (smoke mode); they time nothing here and assert no times."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.mark.parametrize("script", sorted(p.name for p in BENCH.glob("bench_*.py")))
def test_benchmark_runs_in_smoke_mode(script: str) -> None:
    proc = subprocess.run([sys.executable, str(BENCH / script), "--smoke"], capture_output=True,
                          text=True, check=False, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
