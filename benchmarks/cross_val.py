"""The champion against `tfidf_lr` on every demo article: article-level cross-validation.

The issue's target (the champion >= 0.05 frame macro-F1 above `tfidf_lr` on the demo test split)
is measured on 12 held-out articles, where one article moves the difference by several
hundredths. This deals the labelled demo articles (`data/stages/labelled.parquet`) into K folds,
stratified by outlet and seeded, and for each fold k trains on the rest, with fold k+1 as dev
(calibration, thresholds, early stopping, the champion's choice) and fold k as test: every
article is tested exactly once, by models that never saw it, with the pipeline's own code
(`framescope.train.train`, the ensemble and `choose_champion` as `select` builds them). The
pipeline's proportions are kept: with K=5 each model trains on 3/5 of the articles, tunes on
1/5 and is tested on 1/5.

Printed: per fold, each candidate's test frame macro-F1 and the champion's lead; then, pooled
over all test folds, each candidate's and the champion's frame and stance macro-F1, and the
champion minus `tfidf_lr` with a paired bootstrap interval resampling articles.

`--train-share K N` trains each fold's models on K of N outlet-stratified, nested parts of its
train articles (dev and test unchanged): a learning-curve point tested on every article, as
`learning_curve.py` draws the curve on the pipeline's one split.

A fold costs one fine-tune (about 6-8 minutes on the 2-core CPU). Usage:

    python benchmarks/cross_val.py [--folds 5] [--families tfidf_lr embed_lr] [--train-share 2 4]
        [--out FILE.json]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
from seed_spread import (
    BASELINE,
    TARGET,
    add_training_arguments,
    result_row,
    row_line,
    train_candidates,
    training_params,
    with_silver,
)
from target_gap import article_bootstrap, label_matrix

from framescope import evaluate as ev
from framescope import schema
from framescope.classifiers.base import LabelSpace
from framescope.classifiers.bundle import predict_frame
from framescope.codebook import load_codebook
from framescope.select import choose_champion

REPO = Path(__file__).resolve().parents[1]
CHAMPION = "champion"


def fold_of_article(table: pd.DataFrame, folds: int, seed: int) -> dict[str, int]:
    """Each article's fold: per outlet, shuffled (seeded) and dealt round-robin.

    The deal continues from outlet to outlet, so outlets with fewer articles than folds do not
    all start at fold 0 and the folds stay within one article of each other in size.
    """
    rng = np.random.default_rng(seed)
    articles = table[[schema.ARTICLE_ID, schema.OUTLET]].drop_duplicates(schema.ARTICLE_ID)
    assignment: dict[str, int] = {}
    turn = 0
    for _, group in articles.sort_values([schema.OUTLET, schema.ARTICLE_ID]).groupby(schema.OUTLET):
        ids = group[schema.ARTICLE_ID].tolist()
        rng.shuffle(ids)
        for article_id in ids:
            assignment[article_id] = turn % folds
            turn += 1
    return assignment


def nested_train(train: pd.DataFrame, parts: int, taken: int, seed: int) -> pd.DataFrame:
    """The train rows of the articles in the first `taken` of `parts` outlet-stratified parts.

    Dealt as the folds are, so for one seed the first part is inside the first two, and so on.
    """
    part = fold_of_article(train, parts, seed)
    keep = np.array([part[a] < taken for a in train[schema.ARTICLE_ID]])
    return train[keep].reset_index(drop=True)


def fold_parts(
    table: pd.DataFrame, fold: np.ndarray, k: int, folds: int
) -> dict[str, pd.DataFrame]:
    roles = np.where(fold == k, "test", np.where(fold == (k + 1) % folds, "dev", "train"))
    return {
        role: table[roles == role].assign(**{schema.SPLIT: role}).reset_index(drop=True)
        for role in ("train", "dev", "test")
    }


def pooled_f1(gold: pd.DataFrame, predictions: pd.DataFrame, labels: LabelSpace) -> dict:
    metrics = ev.evaluate(predictions, gold, labels)
    return {"frames": metrics["frames"]["macro_f1"], "stance": metrics["stance"]["macro_f1"]}


def paired_interval(
    gold: pd.DataFrame,
    guesses: dict[str, pd.DataFrame],
    labels: LabelSpace,
    samples: int,
    seed: int,
) -> np.ndarray:
    """(frames, stance) differences champion minus baseline over article resamples."""
    content = ~gold[schema.BOILERPLATE].astype(bool).to_numpy()
    truth = label_matrix(gold, labels, content)
    guessed = {role: label_matrix(table, labels, content) for role, table in guesses.items()}
    articles = gold[schema.ARTICLE_ID].to_numpy()[content]
    return article_bootstrap(truth, guessed[CHAMPION], guessed[BASELINE], articles, samples, seed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--samples", type=int, default=2000, help="bootstrap resamples")
    parser.add_argument("--out", type=Path, help="also write the results as JSON (after each fold)")
    parser.add_argument(
        "--train-share",
        type=int,
        nargs=2,
        metavar=("K", "N"),
        help="train on K of N outlet-stratified parts of each fold's train articles (a learning "
        "curve point; dev and test unchanged)",
    )
    add_training_arguments(parser)
    args = parser.parse_args()
    params = training_params(args)
    config = params.train
    if BASELINE not in config.families:
        parser.error(f"--families must include the baseline {BASELINE}")
    table = pd.read_parquet(args.labelled)
    labels = LabelSpace.from_codebook(load_codebook(REPO / params.codebook))
    fold = table[schema.ARTICLE_ID].map(fold_of_article(table, args.folds, params.seed)).to_numpy()
    log = (lambda line: None) if args.quiet else (lambda line: print(line, flush=True))
    sizes = [len(np.unique(table[schema.ARTICLE_ID][fold == k])) for k in range(args.folds)]
    print(f"{args.folds} folds of {sizes} articles; families {list(config.families)}")

    golds, guesses, rows = [], {}, []
    for k in range(args.folds):
        started = time.perf_counter()
        parts = fold_parts(table, fold, k, args.folds)
        if args.train_share:
            taken, share = args.train_share
            parts["train"] = nested_train(parts["train"], share, taken, params.seed)
        parts["train"] = with_silver(parts["train"], params)
        bundles = train_candidates(params.seed, parts, labels, config, log)
        predicted = {
            family: {
                role: predict_frame(bundle, parts[role][schema.TEXT].tolist())
                for role in ("dev", "test")
            }
            for family, bundle in bundles.items()
        }
        metrics = {
            # candidate_metrics asks for predictions by table; they are made, looked up by split
            family: ev.candidate_metrics(
                family,
                lambda t, p=p: p[t[schema.SPLIT].iat[0]],
                parts["dev"],
                parts["test"],
                labels,
            )
            for family, p in predicted.items()
        }
        choice = choose_champion(metrics, config.family)
        golds.append(parts["test"])
        for family, p in [*predicted.items(), (CHAMPION, predicted[choice.family])]:
            guesses.setdefault(family, []).append(p["test"])
        rows.append(
            {
                "fold": k,
                "train_articles": int(parts["train"][schema.ARTICLE_ID].nunique()),
                "test_articles": sizes[k],
                **result_row(metrics, choice.family),
                "seconds": round(time.perf_counter() - started, 1),
            }
        )
        print(row_line(f"fold {k}", rows[-1]), flush=True)
        if args.out:
            args.out.write_text(json.dumps({"folds": rows}, indent=2))

    gold = pd.concat(golds, ignore_index=True)
    pooled_guesses = {f: pd.concat(p, ignore_index=True) for f, p in guesses.items()}
    pooled = {f: pooled_f1(gold, p, labels) for f, p in pooled_guesses.items()}
    n_articles = gold[schema.ARTICLE_ID].nunique()
    n_content = int((~gold[schema.BOILERPLATE].astype(bool)).sum())
    print(
        f"pooled over {args.folds} test folds: {n_articles} articles, {n_content} content sentences"
    )
    for family, f1 in pooled.items():
        print(f"  {family}: frames {f1['frames']:.3f}, stance {f1['stance']:.3f}")
    spread = paired_interval(gold, pooled_guesses, labels, args.samples, params.seed)
    summary = {}
    for i, head in enumerate(("frames", "stance")):
        low, high = np.percentile(spread[:, i], [2.5, 97.5])
        lead = pooled[CHAMPION][head] - pooled[BASELINE][head]
        share = float(np.mean(spread[:, i] >= TARGET))
        summary[head] = {"lead": lead, "interval": [low, high], "share_ge_target": share}
        print(
            f"  champion minus {BASELINE}, {head}: {lead:+.3f} "
            f"[95% article bootstrap {low:+.3f}, {high:+.3f}]; >= {TARGET} in {share:.1%}"
        )
    if args.out:
        args.out.write_text(
            json.dumps({"folds": rows, "pooled": pooled, "lead": summary}, indent=2)
        )


if __name__ == "__main__":
    main()
