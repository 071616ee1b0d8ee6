"""Training time per model family on the demo corpus (target for `finetune`: <= 10 minutes).

Trains each family in its own process on `data/stages/labelled.parquet` (run `dvc repro split`
first) with the params file's settings, and prints wall time, peak RSS and the ratio to the
10-minute budget. Usage:

    python benchmarks/train_bench.py [--families finetune] [--set finetune.shared_encoder=false]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUDGET_S = 600.0

_CHILD = """
import json, resource, sys, time
from dataclasses import replace
import pandas as pd
from framescope import schema
from framescope.classifiers.base import LabelSpace
from framescope.labels.codebook import load_codebook
from framescope.config import load_params
from framescope.training.train import train

family, overrides = sys.argv[1], json.loads(sys.argv[2])
params = load_params("configs/params.yaml")
section = getattr(params.train, family)
section = replace(section, **overrides) if overrides else section
config = replace(params.train, **{family: section})
table = pd.read_parquet("data/stages/labelled.parquet")
parts = {s: table[table[schema.SPLIT] == s].reset_index(drop=True) for s in ("train", "dev")}
labels = LabelSpace.from_codebook(load_codebook(params.codebook))
started = time.perf_counter()
train(family, parts["train"], parts["dev"], labels, config, params.seed, log=lambda line: None)
print(json.dumps({"seconds": time.perf_counter() - started,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _value(raw: str) -> object:
    return json.loads(raw) if raw in ("true", "false") or raw[:1].isdigit() else raw


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", nargs="+", default=["tfidf_lr", "embed_lr", "finetune"])
    parser.add_argument("--set", nargs="*", default=[], help="family.key=value overrides")
    args = parser.parse_args()
    for family in args.families:
        overrides = {}
        for item in args.set:
            key, _, raw = item.partition("=")
            owner, _, name = key.partition(".")
            if owner == family:
                overrides[name] = _value(raw)
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, family, json.dumps(overrides)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            print(f"{family}: failed\n{done.stderr[-2000:]}")
            continue
        result = json.loads(done.stdout.strip().splitlines()[-1])
        label = family + (f" {overrides}" if overrides else "")
        print(
            f"{label}: {result['seconds']:.0f} s "
            f"({result['seconds'] / BUDGET_S:.2f} of the 10-minute budget), "
            f"peak RSS {result['peak_rss_mb']:.0f} MB"
        )
    print(f"(cores: {len(os.sched_getaffinity(0))}, load average now: {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
