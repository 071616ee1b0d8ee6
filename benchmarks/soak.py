"""Soak: score the whole 2022 corpus three times with `--resume`, killed and resumed, while
`framescope outlets` keeps reading the output.

    python benchmarks/soak.py [--model models/candidates/tfidf_lr] [--rounds 3] [--samples 200]

The TF-IDF candidate by default, so a round takes a minute, not half an hour: the engine,
resume and readers are the same code for every model family.

Round r scores ../shared/corpora/ukraine_media_2022 into its own folder with `--resume`, and is
killed with SIGKILL r-1 times at evenly spaced parts (round 1 runs through; its part count sets
the kill points), each time resumed with the same command. Meanwhile a reader runs
`framescope outlets` on that folder again and again as soon as a part exists. Checks:

- no errors: every score process ends 0 or 3 (rejects) unless we killed it, and every
  outlets read ends 0 (a read of a run in flight says so on stderr and covers the parts
  written so far);
- identical results: each round's sentences, articles and rejects equal round 1's, and the
  outlet figures read after each round are identical;
- memory: peak RSS of each round's score processes; growth = last round / first round - 1
  (target < 10%).

Runs with `--no-mlflow` (the tracking store is not what is soaked). Nothing is asserted in
tests; the real corpus is read at run time and nothing from it is written into the repository.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpora" / "ukraine_media_2022"
COLUMNS = ["--text-col", "Text", "--date-col", "Date", "--url-col", "URL", "--title-col", "Title"]
EXE = Path(sys.executable).parent / "framescope"


def _parts(out: Path) -> int:
    try:
        return len(json.loads((out / "manifest.json").read_text())["parts"])
    except (OSError, ValueError, KeyError):
        return 0


def _score(out: Path, model: str, kill_at_parts: int | None) -> dict[str, Any]:
    """One `framescope score --resume` process, killed once the manifest names enough parts."""
    import psutil

    args = [str(EXE), "score", str(CORPUS), "--out", str(out), "--model", model, "--resume"]
    args += ["--no-mlflow", "--no-progress", *COLUMNS]
    started = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watched = psutil.Process(process.pid)
    peak, killed = 0, False
    while process.poll() is None:
        with contextlib.suppress(psutil.Error):  # a child may exit between calls
            peak = max(peak, sum(p.memory_info().rss for p in [watched, *watched.children(True)]))
        if kill_at_parts is not None and _parts(out) >= kill_at_parts:
            process.send_signal(signal.SIGKILL)
            killed = True
        time.sleep(0.05)
    stdout, stderr = process.communicate()
    return {
        "exit": process.returncode,
        "killed": killed,
        "parts_after": _parts(out),
        "wall_s": round(time.perf_counter() - started, 1),
        "peak_rss_mb": round(peak / 2**20),
        "error": "" if killed or process.returncode in (0, 3) else stderr.strip()[-500:],
        "summary": stdout.strip().splitlines()[-1] if stdout.strip() else "",
    }


class Reader(threading.Thread):
    """`framescope outlets DIR` in a loop until stopped; keeps every exit code and error."""

    def __init__(self, out: Path, samples: int) -> None:
        super().__init__(daemon=True)
        self.out, self.samples = out, samples
        self.stop = threading.Event()
        self.reads: list[dict[str, Any]] = []

    def run(self) -> None:
        while not self.stop.is_set():
            if _parts(self.out) == 0 or not (self.out / "labels.json").exists():
                time.sleep(0.2)
                continue
            self.reads.append(read_outlets(self.out, self.samples))


def read_outlets(out: Path, samples: int) -> dict[str, Any]:
    args = [str(EXE), "outlets", str(out), "--no-mlflow", "--samples", str(samples)]
    done = subprocess.run(args, capture_output=True, text=True)
    in_flight = "still running" in done.stderr
    return {
        "exit": done.returncode,
        "in_flight": in_flight,
        "error": "" if done.returncode == 0 else done.stderr.strip()[-500:],
    }


def _results(out: Path) -> dict[str, pd.DataFrame | str]:
    from framescope.scoring.output import read_scored
    from framescope.scoring.parts import ARTICLES, PartStore

    store = PartStore(out)
    snapshot = store.snapshot()
    assert snapshot.status == "complete", f"{out}: run not complete ({snapshot.status})"
    sentences, _ = read_scored(out, all_languages=True, snapshot=snapshot)
    return {
        "sentences": sentences,
        "articles": store.read(snapshot.names, ARTICLES),
        "rejects": (out / "rejects.jsonl").read_text(encoding="utf-8"),
    }


def _same(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    differ = []
    for key, value in a.items():
        if isinstance(value, pd.DataFrame):
            if not value.equals(b[key]):
                differ.append(key)
        elif value != b[key]:
            differ.append(key)
    return differ


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(ROOT / "models" / "candidates" / "tfidf_lr"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--samples", type=int, default=200, help="outlets bootstrap samples")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        sys.exit(f"soak: {CORPUS} not found (../shared is not beside the checkout)")
    rounds: list[dict[str, Any]] = []
    first: dict[str, Any] | None = None
    first_figures = None
    total_parts = 0
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(1, args.rounds + 1):
            out = Path(tmp) / f"round{r}"
            kills = r - 1
            # Round 1 runs through; later rounds are killed at evenly spaced part counts.
            points = [max(1, total_parts * (i + 1) // (kills + 1)) for i in range(kills)]
            reader = Reader(out, args.samples)
            reader.start()
            processes = [_score(out, args.model, point) for point in points]
            processes.append(_score(out, args.model, None))
            reader.stop.set()
            reader.join()
            total_parts = total_parts or processes[-1]["parts_after"]
            results = _results(out)
            final = read_outlets(out, args.samples)
            figures = pd.read_csv(out / "outlets.csv")
            if first is None:
                first, first_figures = results, figures
            differ = _same(first, results)
            if not figures.equals(first_figures):
                differ.append("outlet figures")
            errors = [p["error"] for p in processes if p["error"]]
            errors += [x["error"] for x in [*reader.reads, final] if x["exit"] != 0]
            rounds.append(
                {
                    "round": r,
                    "kills": sum(p["killed"] for p in processes),
                    "processes": processes,
                    "peak_rss_mb": max(p["peak_rss_mb"] for p in processes),
                    "reads": len(reader.reads),
                    "reads_in_flight": sum(x["in_flight"] for x in reader.reads),
                    "errors": errors,
                    "differs_from_round_1": differ,
                    "sentences": len(results["sentences"]),
                }
            )
            print(json.dumps({k: v for k, v in rounds[-1].items() if k != "processes"}), flush=True)
    growth = rounds[-1]["peak_rss_mb"] / rounds[0]["peak_rss_mb"] - 1
    verdict = {
        "errors": sum(len(r["errors"]) for r in rounds),
        "identical": all(not r["differs_from_round_1"] for r in rounds),
        "rss_growth": round(growth, 3),
        "rss_growth_target": 0.10,
    }
    print(json.dumps(verdict))
    if args.json:
        args.json.write_text(json.dumps({"rounds": rounds, "verdict": verdict}, indent=2))


if __name__ == "__main__":
    main()
