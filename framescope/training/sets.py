"""The named sets every candidate is scored on, and the one whose score picks the champion.

`dev` tunes thresholds and calibration, so it flatters every model. `heldout` holds whole
outlets no model trained or tuned on (split.heldout_outlets): the champion is picked there by
default (train.select_on). `test` is reported whole and per gold file (`test_demo` is the demo
corpus's test split, the figure earlier selections used). The files of train.report (real
sentences outside the repository) are scored for the record only.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from framescope import schema
from framescope.labels.codebook import Codebook
from framescope.labels.dataset import load_gold


def labelled_sets(parts: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """dev, test, heldout (when it has rows) and test_<gold file stem> per gold file."""
    sets = {name: parts[name] for name in ("dev", "test", schema.HELDOUT) if len(parts[name])}
    test = parts["test"]
    if schema.GOLD_FILE in test and test[schema.GOLD_FILE].nunique() > 1:
        for gold_file, rows in sorted(test.groupby(schema.GOLD_FILE)):
            sets[f"test_{Path(str(gold_file)).stem}"] = rows.reset_index(drop=True)
    return sets


def report_sets(
    files: Mapping[str, str], codebook: Codebook, root: str | Path = "."
) -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    """({name: gold rows} for the report files found, {name: path} for those not found)."""
    found: dict[str, pd.DataFrame] = {}
    missing: dict[str, str] = {}
    for name, path in files.items():
        full = Path(root, path)
        if full.is_file():
            found[name] = load_gold(full, codebook)
        else:
            missing[name] = path
    return found, missing


def selection_score(headline: Mapping[str, float]) -> float:
    """The documented selection score: mean of frame macro-F1 and stance macro-F1."""
    return float((headline["frames.macro_f1"] + headline["stance.macro_f1"]) / 2)


__all__ = ["labelled_sets", "report_sets", "selection_score"]
