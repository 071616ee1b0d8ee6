"""Training a model family into a Bundle: fit the heads on train, tune thresholds on dev."""

from __future__ import annotations

import pandas as pd

from framescope import schema
from framescope.classifiers.base import LabelSpace, tune_thresholds
from framescope.classifiers.pyfunc import Bundle
from framescope.config import TrainConfig
from framescope.dataset import label_arrays


def train(
    family: str,
    train_set: pd.DataFrame,
    dev_set: pd.DataFrame,
    labels: LabelSpace,
    config: TrainConfig,
    seed: int,
) -> Bundle:
    texts = train_set[schema.TEXT].tolist()
    frames, stance, boilerplate = label_arrays(train_set, labels)
    if family == "tfidf_lr":
        from framescope.classifiers.tfidf import fit_tfidf

        heads = fit_tfidf(labels, texts, frames, stance, boilerplate, config.tfidf, seed)
    else:  # config validation makes this unreachable; kept as a guard for direct callers
        raise ValueError(f"train.family: unknown family {family!r}")
    dev_scores = heads.scores(dev_set[schema.TEXT].tolist())
    dev_frames, _, dev_boilerplate = label_arrays(dev_set, labels)
    content = dev_boilerplate == 0
    step = config.threshold_grid_step
    return Bundle(
        family=family,
        heads=heads,
        frame_thresholds=tune_thresholds(dev_scores.frames[content], dev_frames[content], step),
        boilerplate_threshold=float(
            tune_thresholds(dev_scores.boilerplate[:, None], dev_boilerplate[:, None], step)[0]
        ),
    )


def example_texts(table: pd.DataFrame, n: int = 3) -> list[str]:
    """A few real inputs for the MLflow input example."""
    return table[schema.TEXT].head(n).tolist() or ["Example sentence."]


__all__ = ["example_texts", "train"]
