"""LF analysis, as in Snorkel's LFAnalysis: coverage, overlaps, conflicts, empirical accuracy."""

from __future__ import annotations

import numpy as np
import pandas as pd

from framescope.weak.lfs import ABSTAIN

COLUMNS = [
    "lf", "task", "polarity", "coverage", "overlaps", "conflicts",
    "gold_votes", "empirical_accuracy",
]  # fmt: skip


def lf_summary(
    task: str, names: list[str], votes: np.ndarray, gold: np.ndarray | None = None
) -> pd.DataFrame:
    """One row per LF of one task. Fractions are of all rows; `empirical_accuracy` is the share
    of correct votes on rows with a gold label (gold -1 = not counted), NaN where it never voted.

    overlaps: the LF votes and another LF of the task votes too; conflicts: one votes otherwise.
    """
    n = max(len(votes), 1)
    voted = votes != ABSTAIN
    rows = []
    for j, name in enumerate(names):
        mine = voted[:, j]
        others = np.delete(voted, j, axis=1)
        other_votes = np.delete(votes, j, axis=1)
        disagree = (others & (other_votes != votes[:, [j]])).any(axis=1)
        row = {
            "lf": name,
            "task": task,
            "polarity": sorted({int(v) for v in votes[mine, j]}),
            "coverage": mine.sum() / n,
            "overlaps": (mine & others.any(axis=1)).sum() / n,
            "conflicts": (mine & disagree).sum() / n,
            "gold_votes": 0,
            "empirical_accuracy": float("nan"),
        }
        if gold is not None:
            scored = mine & (gold != ABSTAIN)
            row["gold_votes"] = int(scored.sum())
            if scored.any():
                row["empirical_accuracy"] = float((votes[scored, j] == gold[scored]).mean())
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)


def as_metrics(table: pd.DataFrame) -> dict[str, dict[str, float]]:
    """The table as DVC metrics: {lf: {coverage, overlaps, conflicts, empirical_accuracy}}."""
    out = {}
    for row in table.to_dict("records"):
        out[row["lf"]] = {
            key: round(float(row[key]), 4)
            for key in ("coverage", "overlaps", "conflicts", "empirical_accuracy")
            if not pd.isna(row[key])
        } | {"gold_votes": int(row["gold_votes"])}
    return out


__all__ = ["COLUMNS", "as_metrics", "lf_summary"]
