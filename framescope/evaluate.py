"""Scoring predictions against gold: per-label P/R/F1, macro-F1 and confusion matrices."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

from framescope import schema
from framescope.classifiers.base import LabelSpace
from framescope.dataset import label_arrays


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
    return {
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
    return "\n".join(lines)
