"""How far does the champion's lead over `tfidf_lr` move with the training seed alone?

The issue's target is a lead of >= 0.05 frame macro-F1 on the demo test split, and the pipeline
measures it for one seed. This keeps the split fixed (`data/stages/labelled.parquet`, from
`dvc repro split`) and, for each seed given, retrains every family in `train.families` with the
pipeline's own code (`framescope.train.train`), builds the ensemble as `select` does, picks
the champion by the dev score, and scores everything on dev and demo test. It prints one row
per seed and the spread of the champion's lead.

A seed costs one fine-tune: about 6-8 minutes on the 2-core CPU, well under one on a CUDA GPU
(`train.finetune.device: auto` uses one when torch sees it). Usage:

    python benchmarks/seed_spread.py --seeds 13 1 2 [--base-model DIR] [--out FILE.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd

from framescope import evaluate as ev
from framescope import schema
from framescope.classifiers.base import LabelSpace
from framescope.classifiers.bundle import Bundle, predict_frame
from framescope.classifiers.finetune import resolve_device
from framescope.codebook import load_codebook
from framescope.config import ENSEMBLE, load_params
from framescope.select import choose_champion, ensemble_of
from framescope.train import train

REPO = Path(__file__).resolve().parents[1]
BASELINE = "tfidf_lr"
TARGET = 0.05


def candidates(
    bundles: dict[str, Bundle], dev: pd.DataFrame, test: pd.DataFrame, labels: LabelSpace
) -> dict[str, dict]:
    """Each bundle's metrics as `train@<family>` and `select` compute them."""
    return {
        family: ev.candidate_metrics(
            family, lambda t, b=bundle: predict_frame(b, t[schema.TEXT].tolist()), dev, test, labels
        )
        for family, bundle in bundles.items()
    }


def train_candidates(
    seed: int, parts: dict[str, pd.DataFrame], labels: LabelSpace, config, log
) -> dict[str, Bundle]:
    """Every family in `config.families` trained as `train@<family>` does, plus the ensemble."""
    bundles = {
        family: train(family, parts["train"], parts["dev"], labels, config, seed, log)
        for family in config.families
    }
    if config.ensemble_possible:
        bundles[ENSEMBLE] = ensemble_of(bundles, parts["dev"], labels, config.threshold_grid_step)
    return bundles


def one_seed(
    seed: int, parts: dict[str, pd.DataFrame], labels: LabelSpace, params, log
) -> dict[str, object]:
    config = params.train
    bundles = train_candidates(seed, parts, labels, config, log)
    metrics = candidates(bundles, parts["dev"], parts["test"], labels)
    return {"seed": seed, **result_row(metrics, choose_champion(metrics, config.family).family)}


def result_row(metrics: dict[str, dict], champion: str) -> dict[str, object]:
    """The champion, each candidate's dev score and test F1, and the lead over the baseline."""
    frames = {f: m["test"]["frames.macro_f1"] for f, m in metrics.items()}
    return {
        "champion": champion,
        "dev_score": {f: m["dev_score"] for f, m in metrics.items()},
        "test_frames": frames,
        "test_stance": {f: m["test"]["stance.macro_f1"] for f, m in metrics.items()},
        "lead": frames[champion] - frames[BASELINE] if BASELINE in frames else None,
    }


def row_line(prefix: str, row: dict) -> str:
    """One printed line per trained row: champion, each candidate's test frames, lead, time."""
    return (
        f"{prefix}: champion {row['champion']}, test frames "
        + ", ".join(f"{f} {v:.3f}" for f, v in row["test_frames"].items())
        + f"; lead {row['lead']:+.3f} ({row['seconds']:.0f} s)"
    )


def add_training_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of the benchmarks that retrain the families (this one and cross_val.py)."""
    parser.add_argument("--params", type=Path, default=REPO / "configs/params.yaml")
    parser.add_argument("--labelled", type=Path, default=REPO / "data/stages/labelled.parquet")
    parser.add_argument("--families", nargs="+", help="instead of train.families")
    parser.add_argument("--base-model", help="instead of train.base_model")
    parser.add_argument("--device", help="instead of train.finetune.device")
    parser.add_argument("--quiet", action="store_true", help="no per-epoch training lines")


def training_params(args: argparse.Namespace):
    """The params file with the command line's overrides of `add_training_arguments`."""
    params = load_params(str(args.params))
    config = params.train
    if args.families:
        config = replace(config, families=tuple(args.families))
    if args.base_model:
        config = replace(config, base_model=args.base_model)
    if args.device:
        config = replace(config, finetune=replace(config.finetune, device=args.device))
    return replace(params, train=config)


def split_parts(labelled: Path) -> dict[str, pd.DataFrame]:
    """The pipeline's train, dev and test rows (`data/stages/labelled.parquet`)."""
    table = pd.read_parquet(labelled)
    return {s: table[table[schema.SPLIT] == s].reset_index(drop=True) for s in schema.SPLITS}


def with_silver(train: pd.DataFrame, params) -> pd.DataFrame:
    """Train rows as pipelines/train.py sees them: silver mixed in, gold only at weight 0."""
    if params.train.silver_weight <= 0:
        return train
    from framescope.weak.silver import mix_silver

    silver = pd.read_parquet(REPO / "data/stages/silver.parquet")
    return mix_silver(train, silver, params.train.silver_weight)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", required=True)
    parser.add_argument("--out", type=Path, help="also write the rows as JSON (after each seed)")
    add_training_arguments(parser)
    args = parser.parse_args()
    params = training_params(args)
    parts = split_parts(args.labelled)
    parts["train"] = with_silver(parts["train"], params)
    labels = LabelSpace.from_codebook(load_codebook(REPO / params.codebook))
    device = resolve_device(params.train.finetune.device)
    print(f"seeds {args.seeds}; fine-tune on {device}; base model {params.train.base_model}")
    log = (lambda line: None) if args.quiet else (lambda line: print(line, flush=True))
    rows = []
    for seed in args.seeds:
        started = time.perf_counter()
        row = one_seed(seed, parts, labels, params, log)
        row["seconds"] = round(time.perf_counter() - started, 1)
        rows.append(row)
        print(row_line(f"seed {seed}", row), flush=True)
        if args.out:
            args.out.write_text(json.dumps({"device": device, "rows": rows}, indent=2))
    leads = [float(r["lead"]) for r in rows if r["lead"] is not None]  # type: ignore[arg-type]
    if leads:
        spread = statistics.stdev(leads) if len(leads) > 1 else 0.0
        print(
            f"champion minus {BASELINE}, test frame macro-F1 over {len(leads)} seeds: "
            f"mean {statistics.mean(leads):+.3f}, sd {spread:.3f}, "
            f"min {min(leads):+.3f}, max {max(leads):+.3f}; "
            f">= {TARGET} in {sum(v >= TARGET for v in leads)} of {len(leads)}"
        )


if __name__ == "__main__":
    main()
