"""Scoring predictions against gold: per-label P/R/F1, macro-F1 and confusion matrices."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

from framescope import schema
from framescope.classifiers.base import LabelSpace
from framescope.labels.dataset import label_arrays


def _prf(truth: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    p, r, f, _ = precision_recall_fscore_support(
        truth, predicted, average="binary", zero_division=0
    )
    return {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(truth.sum())}


def evaluate(predictions: pd.DataFrame, gold: pd.DataFrame, labels: LabelSpace) -> dict[str, Any]:
    """Metrics for the three heads. Frames and stance are scored on gold content sentences.

    `predictions` and `gold` are row-aligned; predictions carry the pyfunc's output columns.
    """
    gold_frames, gold_stance, gold_boilerplate = label_arrays(gold, labels)
    predicted_frames, predicted_stance, predicted_boilerplate = label_arrays(predictions, labels)
    content = gold_boilerplate == 0

    frames = {
        frame_id: _prf(gold_frames[content, j], predicted_frames[content, j])
        for j, frame_id in enumerate(labels.frame_ids)
    }
    truth = np.asarray(gold_stance)[content]
    guess = np.asarray(predicted_stance)[content]
    p, r, f, s = precision_recall_fscore_support(
        truth, guess, labels=list(labels.stance_ids), zero_division=0
    )
    stance = {
        c: {
            "precision": float(p[i]),
            "recall": float(r[i]),
            "f1": float(f[i]),
            "support": int(s[i]),
        }
        for i, c in enumerate(labels.stance_ids)
    }
    result: dict[str, Any] = {
        "n_sentences": len(gold),
        "n_content": int(content.sum()),
        "frames": {**frames, "macro_f1": float(np.mean([m["f1"] for m in frames.values()]))},
        "stance": {
            **stance,
            "macro_f1": float(np.mean([m["f1"] for m in stance.values()])),
            "accuracy": float((truth == guess).mean()) if len(truth) else 0.0,
        },
        "boilerplate": _prf(gold_boilerplate, predicted_boilerplate),
        "confusion": {
            "stance": {
                "labels": list(labels.stance_ids),
                "matrix": confusion_matrix(truth, guess, labels=list(labels.stance_ids)).tolist(),
            },
            "boilerplate": confusion_matrix(
                gold_boilerplate, predicted_boilerplate, labels=[0, 1]
            ).tolist(),
        },
    }
    if schema.BOILERPLATE_SCORE in predictions.columns:  # probabilities, not only labels
        result["calibration"] = calibration(predictions, gold, labels)
    return result


def reliability(confidence: np.ndarray, outcome: np.ndarray, n_bins: int = 10) -> dict[str, Any]:
    """Expected calibration error and the reliability-diagram bins (equal width).

    `confidence` is the predicted probability of the event, `outcome` whether it happened.
    """
    confidence = np.asarray(confidence, dtype=float)
    outcome = np.asarray(outcome, dtype=float)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, n_bins - 1)
    bins, error = [], 0.0
    for b in range(n_bins):
        inside = which == b
        if not inside.any():
            continue
        mean_confidence = float(confidence[inside].mean())
        observed = float(outcome[inside].mean())
        error += inside.sum() / max(len(confidence), 1) * abs(mean_confidence - observed)
        bins.append(
            {"confidence": mean_confidence, "observed": observed, "count": int(inside.sum())}
        )
    return {"ece": float(error), "bins": bins}


def calibration(
    predictions: pd.DataFrame, gold: pd.DataFrame, labels: LabelSpace, n_bins: int = 10
) -> dict[str, Any]:
    """Reliability of each head's probabilities against gold.

    Frames: every (content sentence, frame) pair, probability vs label. Stance: the top class's
    probability vs whether it was right. Boilerplate: probability vs label, on all sentences.
    """
    from framescope.classifiers.bundle import frame_score_column, stance_score_column

    gold_frames, gold_stance, gold_boilerplate = label_arrays(gold, labels)
    content = gold_boilerplate == 0
    frame_probs = (
        np.column_stack([predictions[frame_score_column(f)].to_numpy() for f in labels.frame_ids])
        if labels.frame_ids
        else np.zeros((len(gold), 0))
    )
    stance_probs = np.column_stack(
        [predictions[stance_score_column(c)].to_numpy() for c in labels.stance_ids]
    )
    top = stance_probs.argmax(axis=1)
    stance_right = np.asarray(labels.stance_ids, dtype=object)[top] == np.asarray(gold_stance)
    return {
        "frames": reliability(frame_probs[content].ravel(), gold_frames[content].ravel(), n_bins),
        "stance": reliability(stance_probs.max(axis=1)[content], stance_right[content], n_bins),
        "boilerplate": reliability(
            predictions[schema.BOILERPLATE_SCORE].to_numpy(), gold_boilerplate, n_bins
        ),
    }


def reliability_rows(metrics: dict[str, Any], head: str) -> pd.DataFrame:
    """One head's reliability bins, for a `dvc plots` reliability diagram."""
    return pd.DataFrame(
        metrics["calibration"][head]["bins"], columns=["confidence", "observed", "count"]
    )


def slices(
    predictions: pd.DataFrame, gold: pd.DataFrame, labels: LabelSpace, by: str = schema.OUTLET
) -> dict[str, dict[str, Any]]:
    """Per-slice (default: per-outlet) frame and stance F1, so a reader sees where the
    classifier is weaker. Small slices give noisy F1: `n_sentences` says how small.
    """
    out: dict[str, dict[str, Any]] = {}
    keys = gold[by].astype(str).to_numpy()
    for key in sorted(set(keys)):
        mask = keys == key
        part = evaluate(
            predictions[mask].reset_index(drop=True), gold[mask].reset_index(drop=True), labels
        )
        out[key] = {
            "n_sentences": part["n_sentences"],
            "n_content": part["n_content"],
            "frames.macro_f1": part["frames"]["macro_f1"],
            "stance.macro_f1": part["stance"]["macro_f1"],
            "boilerplate.f1": part["boilerplate"]["f1"],
            **{f"frames.{f}.f1": part["frames"][f]["f1"] for f in labels.frame_ids},
        }
    return out


def candidate_metrics(
    family: str,
    predict: Callable[[pd.DataFrame], pd.DataFrame],
    sets: Mapping[str, pd.DataFrame],
    labels: LabelSpace,
    select_on: str,
) -> dict[str, Any]:
    """Headline metrics on every named set (see training.sets) and the selection score.

    `score` is the mean of frame and stance macro-F1 on `select_on`, the set that picks the
    champion; `dev_score` is the same mean on dev, kept for comparison with earlier runs.
    """
    from framescope.training.sets import selection_score

    if select_on not in sets:
        raise ValueError(
            f"train.select_on: {select_on!r} has no sentences (have {sorted(sets)}); "
            "list outlets in split.heldout_outlets or select on dev"
        )
    report = {
        name: headline(evaluate(predict(table), table, labels)) for name, table in sets.items()
    }
    return {
        "family": family,
        "selected_on": select_on,
        "score": selection_score(report[select_on]),
        "dev_score": selection_score(report["dev"]),
        **report,
    }


def headline(metrics: dict[str, Any]) -> dict[str, float]:
    """The flat numbers for `dvc metrics show` and MLflow."""
    flat = {
        "frames.macro_f1": metrics["frames"]["macro_f1"],
        "stance.macro_f1": metrics["stance"]["macro_f1"],
        "stance.accuracy": metrics["stance"]["accuracy"],
        "boilerplate.f1": metrics["boilerplate"]["f1"],
    }
    for key in ("frames", "stance"):
        for label, values in metrics[key].items():
            if isinstance(values, dict):
                for name in ("precision", "recall", "f1"):
                    flat[f"{key}.{label}.{name}"] = values[name]
    for name in ("precision", "recall"):
        flat[f"boilerplate.{name}"] = metrics["boilerplate"][name]
    for head, values in metrics.get("calibration", {}).items():
        flat[f"{head}.ece"] = values["ece"]
    return flat


def confusion_rows(gold: pd.DataFrame, predictions: pd.DataFrame) -> pd.DataFrame:
    """(actual, predicted) stance pairs on content sentences, for `dvc plots` confusion charts."""
    content = ~gold[schema.BOILERPLATE].astype(bool).to_numpy()
    return pd.DataFrame(
        {
            "actual": gold[schema.STANCE].to_numpy()[content],
            "predicted": predictions[schema.STANCE].to_numpy()[content],
        }
    )


def format_report(metrics: dict[str, Any]) -> str:
    """A short human-readable table of the metrics."""
    lines = [f"{'label':<28}{'P':>7}{'R':>7}{'F1':>7}{'n':>7}"]
    for key in ("frames", "stance"):
        for label, m in metrics[key].items():
            if isinstance(m, dict):
                lines.append(
                    f"{key + '.' + label:<28}{m['precision']:>7.3f}{m['recall']:>7.3f}"
                    f"{m['f1']:>7.3f}{m['support']:>7}"
                )
        lines.append(f"{key + '.macro_f1':<28}{'':>14}{metrics[key]['macro_f1']:>7.3f}")
    b = metrics["boilerplate"]
    lines.append(
        f"{'boilerplate':<28}{b['precision']:>7.3f}{b['recall']:>7.3f}{b['f1']:>7.3f}{b['support']:>7}"
    )
    if "calibration" in metrics:
        lines.append(
            "expected calibration error: "
            + ", ".join(f"{h} {v['ece']:.3f}" for h, v in metrics["calibration"].items())
        )
    return "\n".join(lines)
