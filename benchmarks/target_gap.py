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
from framescope.score import label_space
from framescope.tracking import load_model

REPO = Path(__file__).resolve().parents[1]


def label_matrix(predictions: pd.DataFrame, gold: pd.DataFrame, frames: tuple[str, ...]) -> tuple:
    """Gold and predicted frame indicators and stance labels, on gold content sentences."""
    content = ~gold[schema.BOILERPLATE].astype(bool).to_numpy()
    truth = np.array([[f in row for f in frames] for row in gold[schema.FRAMES]])[content]
    guess = np.array([[f in row for f in frames] for row in predictions[schema.FRAMES]])[content]
    stance = tuple(t[schema.STANCE].to_numpy()[content] for t in (gold, predictions))
    return truth, guess, stance, content


def macro_f1s(truth: np.ndarray, guess: np.ndarray, stance: tuple, rows: np.ndarray) -> tuple:
    frames = f1_score(truth[rows], guess[rows], average="macro", zero_division=0)
    stance_f1 = f1_score(stance[0][rows], stance[1][rows], average="macro", zero_division=0)
    return float(frames), float(stance_f1)


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
    results = {}
    for role, path in (("champion", args.champion), ("baseline", args.baseline)):
        model = load_model(str(path))
        frames = label_space(model).frame_ids
        results[role] = label_matrix(model.predict(test[[schema.TEXT]]), test, frames)
    content = results["champion"][3]
    articles = test[schema.ARTICLE_ID].to_numpy()[content]
    ids = np.unique(articles)
    members = {a: np.flatnonzero(articles == a) for a in ids}
    everything = np.arange(len(articles))
    observed = {r: macro_f1s(*results[r][:3], everything) for r in results}
    rng = np.random.default_rng(args.seed)
    diffs = []
    for _ in range(args.samples):
        rows = np.concatenate([members[a] for a in rng.choice(ids, size=len(ids))])
        champ = macro_f1s(*results["champion"][:3], rows)
        base = macro_f1s(*results["baseline"][:3], rows)
        diffs.append((champ[0] - base[0], champ[1] - base[1]))
    spread = np.array(diffs)
    print(f"demo test: {len(ids)} articles, {len(articles)} content sentences")
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
