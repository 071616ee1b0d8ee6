"""The whole weak-labelling step as one library call: gold (with splits) and an unlabelled
corpus in, silver labels, the label-model comparison and the LF analysis out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from framescope import schema
from framescope.config import WeakConfig
from framescope.labels.codebook import Codebook
from framescope.labels.dataset import split_parts
from framescope.weak.lfs import STANCE, Threshold, build_lfs, tasks
from framescope.weak.silver import (
    TaskModels,
    Votes,
    apply_lfs,
    class_balance,
    drop_gold_texts,
    fit_label_models,
    gold_targets,
    lf_table,
    make_candidates,
    silver_labels,
    task_score,
)
from framescope.weak.similarity import Embed, similarities, tune_threshold


@dataclass
class WeakResult:
    silver: pd.DataFrame  # the unlabelled sentences with silver labels
    lf_analysis: pd.DataFrame
    label_models: dict[str, Any]  # per task: dev scores of each model, the choice, its test score
    thresholds: dict[str, Threshold]


def tune_thresholds(
    dev_sims: dict[str, np.ndarray], dev_gold: dict[str, np.ndarray], codebook: Codebook,
    min_precision: float,
) -> dict[str, Threshold]:  # fmt: skip
    """A cut-off per similarity key, tuned on gold dev (stance classes one against the rest)."""
    out = {}
    for key, sims in dev_sims.items():
        if key.startswith(f"{STANCE}."):
            gold = dev_gold[STANCE]
            truth = gold == codebook.stance_ids.index(key.split(".", 1)[1])
        else:
            gold = dev_gold[key]
            truth = gold == 1
        judged = gold != -1
        out[key] = tune_threshold(sims[judged], truth[judged], min_precision)
    return out


def label_corpus(
    codebook: Codebook,
    unlabelled: pd.DataFrame,
    labelled: pd.DataFrame,
    config: WeakConfig,
    embed: Embed | None = None,
    detect: Callable[[str], str] | None = None,
) -> WeakResult:
    """Silver labels for `unlabelled` sentences. `labelled` is gold with train/dev/test: train
    gives class balances, dev tunes similarity cut-offs and picks the label model per task,
    test is only scored. Label models are fitted on the votes of unlabelled + train + dev."""
    parts = split_parts(labelled)
    gold = {name: gold_targets(parts[name], codebook) for name in schema.SPLITS}
    texts = {"unlabelled": unlabelled[schema.TEXT].tolist()} | {
        name: parts[name][schema.TEXT].tolist() for name in schema.SPLITS
    }
    sims: dict[str, dict[str, np.ndarray]] = {name: {} for name in texts}
    thresholds: dict[str, Threshold] = {}
    if embed is not None and config.similarity:
        sims = {name: similarities(embed, t, codebook) for name, t in texts.items()}
        thresholds = tune_thresholds(
            sims["dev"], gold["dev"], codebook, config.similarity_precision
        )
    lfs = build_lfs(codebook, thresholds, detect)
    votes = {
        name: apply_lfs(lfs, make_candidates(t, sims[name]), codebook) for name, t in texts.items()
    }
    fit_votes: Votes = {
        task: (names, np.vstack([votes[p][task][1] for p in ("unlabelled", "train", "dev")]))
        for task, (names, _) in votes["dev"].items()
    }
    balances = {t: class_balance(gold["train"][t], k) for t, k in tasks(codebook).items()}
    defaults = {t: 0 for t in balances} | {
        STANCE: codebook.stance_ids.index(codebook.stance_default)
    }
    models = fit_label_models(
        fit_votes,
        votes["dev"],
        gold["dev"],
        balances,
        config.label_model,
        config.smoothing,
        defaults,
    )
    summary = _summary(models, votes["test"], gold["test"], balances)
    silver = silver_labels(unlabelled, models.predict_proba(votes["unlabelled"]), codebook)
    return WeakResult(
        silver=drop_gold_texts(silver, labelled),
        lf_analysis=lf_table(votes["dev"], gold["dev"], votes["unlabelled"]),
        label_models=summary,
        thresholds=thresholds,
    )


def _summary(
    models: TaskModels, test_votes: Votes, test_gold: dict[str, np.ndarray],
    balances: dict[str, np.ndarray],
) -> dict[str, Any]:  # fmt: skip
    out: dict[str, Any] = {}
    for task, scores in models.scores.items():
        k = len(balances[task])
        test = {
            name: task_score(test_gold[task], m.predict_proba(test_votes[task][1]).argmax(1), k)
            for name, m in models.models[task].items()
        }
        out[task] = {"chosen": models.chosen[task], "dev": scores, "test": test}
    return out


def label_model_rows(summary: dict[str, Any]) -> pd.DataFrame:
    """The comparison as a table: task, model, split, accuracy, f1, chosen."""
    rows = [
        {"task": task, "model": model, "split": split, **score, "chosen": model == r["chosen"]}
        for task, r in summary.items()
        for split in ("dev", "test")
        for model, score in r[split].items()
    ]
    return pd.DataFrame(rows)


__all__ = ["WeakResult", "label_corpus", "label_model_rows", "tune_thresholds"]
