"""Could any weighting of the candidates, or any thresholds, reach the issue's frame target?

The target: the champion beats `tfidf_lr` by >= 0.05 frame macro-F1 on the demo test split. This
takes the candidates the last `dvc repro` trained (`models/candidates/`) and asks three
questions of the test split, each more generous to the champion than the pipeline is:

1. Ensemble weights: every weighting of the candidates on a grid (weights summing to 1), each
   calibrated and thresholded on dev as `select` does. Printed: the weights best on dev and the
   weights best on the *test split itself* (an oracle: no honest pipeline can choose them).
2. Thresholds: per-frame thresholds chosen on the test split itself (oracle), for the
   equal-weight ensemble (today's champion) and for `tfidf_lr`.
3. No thresholds at all: macro average precision over the frames, ranking the test sentences.

Scores come from the pipeline's own code (`finish`, `decide`, `evaluate`), so the equal-weight
row reproduces `metrics/select.json`. Usage (after `dvc repro`):

    python benchmarks/target_ceiling.py [--step 0.1]
"""

from __future__ import annotations

import argparse
import itertools
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score

from framescope import schema
from framescope.classifiers.base import LabelSpace, Scores, tune_thresholds
from framescope.classifiers.bundle import Bundle, bundle_directory, decide, read_bundle
from framescope.config import load_params
from framescope.dataset import label_arrays
from framescope.evaluate import evaluate
from framescope.train import finish

REPO = Path(__file__).resolve().parents[1]
BASELINE = "tfidf_lr"


class WeightedHeads:
    """`EnsembleHeads` with weights: the members' calibrated scores come from a cache."""

    def __init__(
        self, labels: LabelSpace, cache: dict[tuple, list[Scores]], weights: tuple
    ) -> None:
        self.labels, self.cache, self.weights = labels, cache, np.asarray(weights)

    def scores(self, texts: list[str]) -> Scores:
        parts = self.cache[tuple(texts)]
        w = self.weights
        return Scores(
            frames=np.average([p.frames for p in parts], axis=0, weights=w),
            stance=np.average([p.stance for p in parts], axis=0, weights=w),
            boilerplate=np.average([p.boilerplate for p in parts], axis=0, weights=w),
        )

    def save_weights(self, directory: Path) -> None:
        raise NotImplementedError("a benchmark's weighting is not saved")

    def load_weights(self, directory: Path) -> None:
        raise NotImplementedError("a benchmark's weighting is not saved")


def grid(n: int, step: float) -> list[tuple[float, ...]]:
    """Every n-tuple of non-negative multiples of `step` summing to 1."""
    units = round(1 / step)
    return [
        tuple(c * step for c in combo)
        for combo in itertools.product(range(units + 1), repeat=n)
        if sum(combo) == units
    ]


def f1s(bundle: Bundle, scores: Scores, gold: pd.DataFrame) -> tuple[float, float]:
    metrics = evaluate(decide(bundle, scores), gold, bundle.labels)
    return metrics["frames"]["macro_f1"], metrics["stance"]["macro_f1"]


def oracle_thresholds(bundle: Bundle, scores: Scores, gold: pd.DataFrame, step: float) -> Bundle:
    frames, _, boilerplate = label_arrays(gold, bundle.labels)
    content = boilerplate == 0
    chosen = tune_thresholds(scores.frames[content], frames[content], step)
    return replace(bundle, frame_thresholds=chosen)


def average_precision(scores: Scores, gold: pd.DataFrame, labels: LabelSpace) -> float:
    frames, _, boilerplate = label_arrays(gold, labels)
    content = boilerplate == 0
    return float(
        np.mean(
            [
                average_precision_score(frames[content, j], scores.frames[content, j])
                for j in range(frames.shape[1])
            ]
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--step", type=float, default=0.1, help="ensemble weight grid")
    parser.add_argument("--labelled", type=Path, default=REPO / "data/stages/labelled.parquet")
    parser.add_argument("--candidates", type=Path, default=REPO / "models/candidates")
    args = parser.parse_args()
    params = load_params(str(REPO / "configs/params.yaml"))
    step = params.train.threshold_grid_step
    table = pd.read_parquet(args.labelled)
    dev, test = (table[table[schema.SPLIT] == s].reset_index(drop=True) for s in ("dev", "test"))
    names = list(params.train.families)
    members = {f: read_bundle(bundle_directory(args.candidates / f)) for f in names}
    labels = members[BASELINE].labels
    texts = {split: frame[schema.TEXT].tolist() for split, frame in (("dev", dev), ("test", test))}
    cache = {tuple(t): [m.scores(t) for m in members.values()] for t in texts.values()}

    rows = []
    for weights in grid(len(names), args.step):
        heads = WeightedHeads(labels, cache, weights)
        bundle = finish("ensemble", heads, dev, labels, step, mask=None)
        dev_f1 = f1s(bundle, bundle.scores(texts["dev"]), dev)
        test_f1 = f1s(bundle, bundle.scores(texts["test"]), test)
        rows.append({"weights": weights, "dev_score": np.mean(dev_f1), "test_frames": test_f1[0]})
    found = pd.DataFrame(rows)
    baseline = members[BASELINE]
    test_scores = dict(zip(names, cache[tuple(texts["test"])], strict=True))
    base_scores = test_scores[BASELINE]
    base_frames = f1s(baseline, base_scores, test)[0]

    def named(weights: tuple) -> str:
        return ", ".join(f"{n} {w:.1f}" for n, w in zip(names, weights, strict=True))

    equal = tuple(1 / len(names) for _ in names)
    champion = finish("ensemble", WeightedHeads(labels, cache, equal), dev, labels, step, None)
    champion_scores = champion.scores(texts["test"])
    champion_frames = f1s(champion, champion_scores, test)[0]
    target = base_frames + 0.05
    print(f"demo test frame macro-F1: {BASELINE} {base_frames:.3f}; target {target:.3f}")
    print(f"1. ensemble weights ({len(found)} on a {args.step} grid, each fitted on dev):")
    print(f"   equal weights (the champion): {champion_frames:.3f}")
    for label, pick in (("best on dev", "dev_score"), ("best on test (oracle)", "test_frames")):
        best = found.loc[found[pick].idxmax()]
        print(
            f"   {label}: {named(best['weights'])}: test {best['test_frames']:.3f} "
            f"({best['test_frames'] - base_frames:+.3f} against {BASELINE})"
        )
    print("2. per-frame thresholds chosen on the test split (oracle):")
    for label, bundle, scores in (
        ("champion", champion, champion_scores),
        (BASELINE, baseline, base_scores),
    ):
        tuned = f1s(oracle_thresholds(bundle, scores, test, step), scores, test)[0]
        print(f"   {label}: {tuned:.3f}")
    print("3. macro average precision over the frames (no thresholds):")
    print(f"   champion {average_precision(champion_scores, test, labels):.3f}")
    for name, scores in test_scores.items():
        print(f"   {name} {average_precision(scores, test, labels):.3f}")


if __name__ == "__main__":
    main()
