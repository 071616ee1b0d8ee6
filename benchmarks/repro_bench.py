"""Time a full `dvc repro` from clean and a second, no-op one (targets: <=5 min, <=10 s).

Copies the working tree (without outputs, caches or the MLflow store) to a temp folder and runs
there, so the measurement never touches your own runs. Usage: python benchmarks/repro_bench.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SKIP = shutil.ignore_patterns(
    ".venv", ".git", "mlflow.db", "mlruns", "mlartifacts", "cache", "tmp", "stages", "scored",
    "champion", "registry.json", "metrics", "reports", "dvc.lock", "__pycache__", "*.egg-info",
)


def timed(cmd: list[str], cwd: Path) -> tuple[float, str]:
    started = time.perf_counter()
    out = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=True)
    return time.perf_counter() - started, out.stdout


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "framescope"
        shutil.copytree(ROOT, work, ignore=SKIP)
        subprocess.run(["git", "init", "-q"], cwd=work, check=True)
        first, _ = timed(["dvc", "repro"], work)
        second, log = timed(["dvc", "repro"], work)
        reran = log.count("Running stage")
    print(f"full dvc repro from clean: {first:.1f} s (target <= 300 s, ratio {first / 300:.2f})")
    print(
        f"second dvc repro, nothing changed: {second:.1f} s, stages re-run: {reran}"
        " (target <= 10 s)"
    )
    sys.exit(0)


if __name__ == "__main__":
    main()
