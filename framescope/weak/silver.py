"""From sentences to silver labels: apply the LFs, pick a label model per task on gold dev, and
label an unlabelled corpus. Library functions only: the stage and the benchmark do the I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from framescope import schema
from framescope.labels.codebook import Codebook
from framescope.weak.analysis import lf_summary
from framescope.weak.label_model import LABEL_MODELS, DawidSkene, MajorityVote, make_label_model
from framescope.weak.lfs import (
    ABSTAIN,
    BOILERPLATE,
    STANCE,
    Candidate,
    LabelingFunction,
    frame_task,
    tasks,
)

SILVER = "silver"
GOLD = "gold"
Votes = dict[str, tuple[list[str], np.ndarray]]  # task -> (LF names, n x m votes)


def make_candidates(
    texts: list[str], sims: Mapping[str, np.ndarray] | None = None
) -> list[Candidate]:
    sims = sims or {}
    return [Candidate(t, {k: float(v[i]) for k, v in sims.items()}) for i, t in enumerate(texts)]


def apply_lfs(
    lfs: list[LabelingFunction], candidates: list[Candidate], codebook: Codebook
) -> Votes:
    """The vote matrix of every task (every task present, even one without LFs)."""
    out: Votes = {}
    for task in tasks(codebook):
        mine = [lf for lf in lfs if lf.task == task]
        matrix = np.array([[lf(x) for lf in mine] for x in candidates], dtype=int)
        out[task] = ([lf.name for lf in mine], matrix.reshape(len(candidates), len(mine)))
    return out


def gold_targets(table: pd.DataFrame, codebook: Codebook) -> dict[str, np.ndarray]:
    """Gold class index per task; -1 where a task is not judged (frames, stance: boilerplate)."""
    boiler = table[schema.BOILERPLATE].astype(bool).to_numpy()
    out = {
        frame_task(f): np.where(boiler, ABSTAIN, [int(f in fs) for fs in table[schema.FRAMES]])
        for f in codebook.frame_ids
    }
    stance = np.array([codebook.stance_ids.index(s) for s in table[schema.STANCE]], dtype=int)
    out[STANCE] = np.where(boiler, ABSTAIN, stance)
    out[BOILERPLATE] = boiler.astype(int)
    return out


def class_balance(gold: np.ndarray, cardinality: int) -> np.ndarray:
    """Class shares of a gold task (add-one smoothed)."""
    judged = gold[gold != ABSTAIN]
    return (np.bincount(judged, minlength=cardinality) + 1.0) / (len(judged) + cardinality)


def task_score(gold: np.ndarray, predicted: np.ndarray, cardinality: int) -> dict[str, float]:
    """accuracy, and F1: of the positive class for binary tasks, macro over classes otherwise."""
    judged = gold != ABSTAIN
    g, p = gold[judged], predicted[judged]
    f1s = []
    for c in range(1, 2) if cardinality == 2 else range(cardinality):
        tp = int(((p == c) & (g == c)).sum())
        f1s.append(2 * tp / max(int((p == c).sum() + (g == c).sum()), 1))
    return {"accuracy": float((g == p).mean()) if len(g) else 0.0, "f1": float(np.mean(f1s))}


@dataclass
class TaskModels:
    """Per task: the fitted label models, their dev scores and the one chosen."""

    models: dict[str, dict[str, MajorityVote | DawidSkene]]
    scores: dict[str, dict[str, dict[str, float]]]
    chosen: dict[str, str]

    def predict_proba(self, votes: Votes) -> dict[str, np.ndarray]:
        return {t: self.models[t][self.chosen[t]].predict_proba(v) for t, (_, v) in votes.items()}

    def summary(self) -> dict[str, object]:
        return {t: {"chosen": self.chosen[t], **self.scores[t]} for t in self.chosen}


def fit_label_models(
    fit_votes: Votes,
    dev_votes: Votes,
    dev_gold: dict[str, np.ndarray],
    balances: dict[str, np.ndarray],
    choice: str = "auto",
    smoothing: float = 1.0,
    defaults: dict[str, int] | None = None,
) -> TaskModels:
    """Fit every label model on `fit_votes` (no labels), score each on gold dev, choose per task:
    the higher dev F1 (`auto`; a tie keeps majority vote), or the one named.

    defaults: per task, the class majority vote gives a sentence no LF voted on (the codebook's
    default stance, "absent"); without it, the most common gold class, which on frame-dense demo
    gold is a poor guess for real coverage. Dawid-Skene learns what silence means instead."""
    models: dict[str, dict[str, MajorityVote | DawidSkene]] = {}
    scores: dict[str, dict[str, dict[str, float]]] = {}
    chosen: dict[str, str] = {}
    for task, (_, votes) in fit_votes.items():
        k = len(balances[task])
        models[task], scores[task] = {}, {}
        for name in LABEL_MODELS:
            balance = balances[task]
            if name == "majority" and defaults is not None:
                balance = np.eye(k)[defaults[task]]
            model = make_label_model(name, k, balance, smoothing).fit(votes)
            predicted = model.predict_proba(dev_votes[task][1]).argmax(axis=1)
            models[task][name] = model
            scores[task][name] = task_score(dev_gold[task], predicted, k)
        if choice == "auto":
            best = max(LABEL_MODELS, key=lambda n: (scores[task][n]["f1"], n == "majority"))
            chosen[task] = best
        else:
            chosen[task] = choice
    return TaskModels(models, scores, chosen)


def silver_labels(
    sentences: pd.DataFrame, proba: dict[str, np.ndarray], codebook: Codebook
) -> pd.DataFrame:
    """Sentences with labels from the label models' probabilities; boilerplate gets no frame and
    the default stance, as in gold. `confidence` is the stance decision's probability."""
    boiler = proba[BOILERPLATE][:, 1] >= 0.5
    stance = proba[STANCE].argmax(axis=1)
    frames = [
        [f for f in codebook.frame_ids if proba[frame_task(f)][i, 1] >= 0.5]
        if not boiler[i]
        else []
        for i in range(len(sentences))
    ]
    out = sentences.copy()
    out[schema.FRAMES] = frames
    out[schema.STANCE] = [
        codebook.stance_default if boiler[i] else codebook.stance_ids[s]
        for i, s in enumerate(stance)
    ]
    out[schema.BOILERPLATE] = boiler
    out[schema.CONFIDENCE] = proba[STANCE].max(axis=1).round(4)
    out[schema.LABEL_SOURCE] = SILVER
    out[schema.WEIGHT] = 1.0
    return out


def drop_gold_texts(silver: pd.DataFrame, gold: pd.DataFrame) -> pd.DataFrame:
    """Silver rows whose text (case and punctuation aside) is not a gold sentence: silver never
    carries a dev or test sentence into training, not even a syndicated copy."""
    key = silver[schema.TEXT].map(_normalised)
    return silver[~key.isin(set(gold[schema.TEXT].map(_normalised)))].reset_index(drop=True)


def lf_table(
    dev_votes: Votes, dev_gold: dict[str, np.ndarray], corpus_votes: Votes
) -> pd.DataFrame:
    """LF analysis on gold dev (coverage, overlaps, conflicts, accuracy), plus each LF's coverage
    of the unlabelled corpus."""
    parts = []
    for task, (names, votes) in dev_votes.items():
        table = lf_summary(task, names, votes, dev_gold[task])
        corpus = corpus_votes[task][1]
        table["coverage_unlabelled"] = (
            (corpus != ABSTAIN).mean(axis=0) if len(corpus) else np.zeros(len(names))
        )
        parts.append(table)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def mix_silver(train_set: pd.DataFrame, silver: pd.DataFrame, weight: float) -> pd.DataFrame:
    """Gold train rows (weight 1) plus silver rows at `weight`; weight 0 is gold only."""
    gold = train_set.assign(**{schema.LABEL_SOURCE: GOLD, schema.WEIGHT: 1.0})
    if weight <= 0 or silver.empty:
        return gold
    silver = silver.assign(**{schema.WEIGHT: weight, schema.LABEL_SOURCE: SILVER})
    columns = [c for c in gold.columns if c in silver.columns]
    return pd.concat([gold, silver[columns]], ignore_index=True)


def _normalised(text: str) -> str:
    import re

    return " ".join(re.findall(r"\w+", str(text).lower()))
