"""Run every benchmark in bench/ (``make bench``); ``--smoke`` runs each quickly, as CI does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    smoke = ["--smoke"] if "--smoke" in sys.argv[1:] else []
    failed = 0
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"== {script.name}", flush=True)
        failed += subprocess.run([sys.executable, str(script), *smoke], check=False).returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
