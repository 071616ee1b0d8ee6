"""Frame shares corrected for classifier error, from the evaluate stage's precision and recall.

A predicted share overstates the true share by the false positives and understates it by the
misses: true ≈ predicted × precision / recall. The correction assumes the test split's
precision and recall hold on the compared coverage, which is exactly what a domain gap breaks;
both raw and corrected shares are therefore always reported side by side.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from framescope import schema
from framescope.classifiers.base import LabelSpace


class MetricsError(ValueError):
    """A classifier metrics file is missing, unreadable or lacks per-frame precision/recall."""


def read_frame_metrics(path: str | Path, labels: LabelSpace) -> dict[str, dict[str, float]]:
    """Per-frame precision and recall from an evaluate report (metrics/evaluate_report.json)."""
    path = Path(path)
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MetricsError(f"classifier metrics {path}: file not found") from None
    except (OSError, ValueError) as err:
        raise MetricsError(f"classifier metrics {path}: not readable JSON ({err})") from None
    return frame_metrics(report, labels, str(path))


def frame_metrics(
    report: Any, labels: LabelSpace, where: str = "report"
) -> dict[str, dict[str, float]]:
    frames = report.get("frames") if isinstance(report, dict) else None
    out = {}
    for frame_id in labels.frame_ids:
        entry = frames.get(frame_id) if isinstance(frames, dict) else None
        if not isinstance(entry, dict) or not {"precision", "recall"} <= set(entry):
            raise MetricsError(
                f"classifier metrics {where}: no precision/recall for frame {frame_id!r}"
            )
        out[frame_id] = {k: float(entry[k]) for k in ("precision", "recall", "f1") if k in entry}
    return out


def correct_shares(
    table: pd.DataFrame, labels: LabelSpace, metrics: dict[str, dict[str, float]]
) -> pd.DataFrame:
    """The outlet table plus `frame_share_corrected.<frame>` (and its interval), in [0, 1].

    A frame whose recall is 0 cannot be corrected: its corrected share is NaN.
    """
    out = table.copy()
    for frame_id in labels.frame_ids:
        precision, recall = metrics[frame_id]["precision"], metrics[frame_id]["recall"]
        factor = precision / recall if recall > 0 else np.nan
        raw, corrected = schema.frame_share(frame_id), schema.frame_share_corrected(frame_id)
        for suffix in ("", f".{schema.CI_LOW}", f".{schema.CI_HIGH}"):
            out[corrected + suffix] = np.clip(out[raw + suffix].to_numpy(float) * factor, 0, 1)
    return out


def corrected_names(labels: LabelSpace) -> list[str]:
    return [schema.frame_share_corrected(f) for f in labels.frame_ids]
