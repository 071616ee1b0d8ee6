"""Choosing the champion among trained candidates."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from framescope.classifiers.base import LabelSpace
from framescope.classifiers.bundle import Bundle
from framescope.config import AUTO


@dataclass(frozen=True)
class Choice:
    family: str
    reason: str
    scores: dict[str, float]


def choose_champion(candidates: Mapping[str, Mapping[str, Any]], requested: str = AUTO) -> Choice:
    """The requested family, or with `auto` the best score (ties: the earlier family listed).

    The score is the mean of frame macro-F1 and stance macro-F1 on the set `selected_on` names
    (train.select_on): by default the held-out outlets, which no candidate trained or tuned on.
    Dev tuned every candidate's thresholds and calibration, so it rewards fitting the corpus.
    """
    if not candidates:
        raise ValueError("select: no candidate models")
    scores = {family: float(metrics["score"]) for family, metrics in candidates.items()}
    where = {str(metrics.get("selected_on", "dev")) for metrics in candidates.values()}
    if requested != AUTO:
        if requested not in scores:
            raise ValueError(f"train.family: {requested!r} was not trained; have {sorted(scores)}")
        return Choice(requested, "requested by train.family", scores)
    best = max(scores, key=lambda f: (scores[f], -list(scores).index(f)))
    return Choice(best, f"best {'/'.join(sorted(where))} score {scores[best]:.4f}", scores)


def ensemble_of(
    members: Mapping[str, Bundle], dev_set: pd.DataFrame, labels: LabelSpace, step: float
) -> Bundle:
    """The mean of trained bundles, calibrated and thresholded on dev like any family."""
    from framescope.classifiers.ensemble import FAMILY, ensemble_heads
    from framescope.training.train import finish

    return finish(FAMILY, ensemble_heads(dict(members)), dev_set, labels, step, mask=None)


def build_ensemble(
    candidate_dirs: Mapping[str, Path], dev_set: pd.DataFrame, labels: LabelSpace, step: float
) -> Bundle:
    """`ensemble_of` the candidates saved in `candidate_dirs`."""
    from framescope.classifiers.bundle import bundle_directory, read_bundle

    members = {f: read_bundle(bundle_directory(d)) for f, d in candidate_dirs.items()}
    return ensemble_of(members, dev_set, labels, step)


__all__ = ["Choice", "build_ensemble", "choose_champion", "ensemble_of"]
