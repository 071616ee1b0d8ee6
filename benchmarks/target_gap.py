"""How far the champion is from the issue's target, with the sampling noise of the test split.

The target: the champion beats `tfidf_lr` by >= 0.05 frame macro-F1 on the demo test split. The
split is 12 articles, so one number hides how much the difference would move on other articles
like them. This scores the champion and `tfidf_lr` on the test split, and resamples the
*articles* (sentences of one article are not independent) with replacement to get a paired
bootstrap interval for the difference, for frames and for stance.

    python benchmarks/target_gap.py [--samples 2000] [--other models/candidates/finetune]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import f1_score

from framescope import schema
from framescope.classifiers.base import LabelSpace
from framescope.dataset import label_arrays
from framescope.score import label_space
from framescope.tracking import load_model

REPO = Path(__file__).resolve().parents[1]


def label_matrix(table: pd.DataFrame, labels: LabelSpace, content: np.ndarray) -> tuple:
    """Frame indicators and stance labels of `table` (gold or predictions), content rows only."""
    frames, stance, _ = label_arrays(table, labels)
    return frames[content], np.asarray(stance)[content]


def macro_f1s(truth: tuple, guess: tuple, rows: np.ndarray) -> np.ndarray:
    """(frame macro-F1, stance macro-F1) of `guess` against `truth` on `rows`."""
    return np.array(
        [
            f1_score(t[rows], g[rows], average="macro", zero_division=0)
            for t, g in zip(truth, guess, strict=True)
        ]
    )


def article_bootstrap(
    truth: tuple, champion: tuple, baseline: tuple, articles: np.ndarray, samples: int, seed: int
) -> np.ndarray:
    """(frames, stance) macro-F1 of `champion` minus `baseline`, one row per resample of whole
    articles with replacement (`articles`: each row's article)."""
    ids = np.unique(articles)
    members = {a: np.flatnonzero(articles == a) for a in ids}
    rng = np.random.default_rng(seed)
    diffs = []
    for _ in range(samples):
        rows = np.concatenate([members[a] for a in rng.choice(ids, size=len(ids))])
        diffs.append(macro_f1s(truth, champion, rows) - macro_f1s(truth, baseline, rows))
    return np.array(diffs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--champion", type=Path, default=REPO / "models" / "champion")
    parser.add_argument("--baseline", type=Path, default=REPO / "models/candidates/tfidf_lr")
    parser.add_argument("--labelled", type=Path, default=REPO / "data/stages/labelled.parquet")
    args = parser.parse_args()
    table = pd.read_parquet(args.labelled)
    test = table[table[schema.SPLIT] == "test"].reset_index(drop=True)
    content = ~test[schema.BOILERPLATE].astype(bool).to_numpy()
    guesses, truth = {}, None
    for role, path in (("champion", args.champion), ("baseline", args.baseline)):
        model = load_model(str(path))
        labels = label_space(model)
        truth = truth or label_matrix(test, labels, content)
        guesses[role] = label_matrix(model.predict(test[[schema.TEXT]]), labels, content)
    assert truth is not None
    articles = test[schema.ARTICLE_ID].to_numpy()[content]
    everything = np.arange(len(articles))
    observed = {r: macro_f1s(truth, guesses[r], everything) for r in guesses}
    spread = article_bootstrap(
        truth, guesses["champion"], guesses["baseline"], articles, args.samples, args.seed
    )
    print(f"demo test: {len(np.unique(articles))} articles, {len(articles)} content sentences")
    for i, head in enumerate(("frames", "stance")):
        low, high = np.percentile(spread[:, i], [2.5, 97.5])
        diff = observed["champion"][i] - observed["baseline"][i]
        print(
            f"{head} macro-F1: champion {observed['champion'][i]:.3f}, "
            f"tfidf_lr {observed['baseline'][i]:.3f}, difference {diff:+.3f} "
            f"[95% article bootstrap {low:+.3f}, {high:+.3f}]; "
            f"P(difference >= 0.05) {np.mean(spread[:, i] >= 0.05):.3f}"
        )


if __name__ == "__main__":
    main()
