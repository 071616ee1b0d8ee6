"""Inter-annotator agreement: Cohen's kappa per annotator pair and Krippendorff's alpha per label.

Labels are each frame (present or not), stance and boilerplate. As in labels/README.md, frames
and stance are compared only where an annotator calls the sentence content: a boilerplate line
has no frame or stance to agree on. Boilerplate is compared on every sentence.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from itertools import combinations
from typing import Any

import pandas as pd

from framescope import schema

ANNOTATOR = "annotator"
STANCE_LABEL = "stance"
BOILERPLATE_LABEL = "boilerplate"


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float | None:
    """Cohen's kappa of two raters on the same items; None where chance agreement is 1."""
    if len(a) != len(b):
        raise ValueError("cohen_kappa: the raters rated different numbers of items")
    n = len(a)
    if n == 0:
        return None
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    count_a, count_b = Counter(a), Counter(b)
    expected = sum(count_a[c] * count_b[c] for c in count_a) / (n * n)
    if expected >= 1.0:
        return None
    return (observed - expected) / (1.0 - expected)


def krippendorff_alpha(units: Sequence[Sequence[Hashable]]) -> float | None:
    """Nominal Krippendorff's alpha; each unit lists the values it got (missing left out).

    Units with fewer than two values cannot be paired and are skipped. None where every pairable
    value is the same (no variation, alpha undefined).
    """
    coincidence: dict[tuple[Hashable, Hashable], float] = {}
    for values in units:
        m = len(values)
        if m < 2:
            continue
        for i, j in ((i, j) for i in range(m) for j in range(m) if i != j):
            pair = (values[i], values[j])
            coincidence[pair] = coincidence.get(pair, 0.0) + 1.0 / (m - 1)
    totals: dict[Hashable, float] = {}
    for (c, _), weight in coincidence.items():
        totals[c] = totals.get(c, 0.0) + weight
    n = sum(totals.values())
    disagree_observed = sum(w for (c, k), w in coincidence.items() if c != k)
    disagree_expected = sum(totals[c] * totals[k] for c in totals for k in totals if c != k)
    if n <= 1 or disagree_expected == 0:
        return None
    return 1.0 - (n - 1) * disagree_observed / disagree_expected


def ratings(annotations: pd.DataFrame, frame_ids: Sequence[str]) -> dict[str, pd.DataFrame]:
    """label -> sentence x annotator table of values (NaN where not rated or not applicable)."""
    table = annotations.drop_duplicates([schema.SENTENCE_ID, ANNOTATOR], keep="last")
    content = ~table[schema.BOILERPLATE].astype(bool)
    columns: dict[str, pd.Series] = {
        BOILERPLATE_LABEL: table[schema.BOILERPLATE].astype(bool),
        STANCE_LABEL: table[schema.STANCE].where(content),
    }
    for frame in frame_ids:
        has = table[schema.FRAMES].map(lambda fs, f=frame: f in fs)
        columns[frame] = has.where(content)
    return {
        label: table.assign(value=values).pivot(
            index=schema.SENTENCE_ID, columns=ANNOTATOR, values="value"
        )
        for label, values in columns.items()
    }


def agreement(annotations: pd.DataFrame, frame_ids: Sequence[str]) -> dict[str, Any]:
    """Alpha per label and kappa per annotator pair per label, on sentences rated at least twice.

    `annotations`: one row per (sentence_id, annotator) with frames, stance, boilerplate.
    """
    per_sentence = annotations.groupby(schema.SENTENCE_ID)[ANNOTATOR].nunique()
    shared = per_sentence[per_sentence >= 2].index
    annotators = sorted(annotations[ANNOTATOR].astype(str).unique())
    report: dict[str, Any] = {
        "annotators": annotators,
        "sentences_rated_twice_or_more": len(shared),
        "labels": {},
    }
    for label, grid in ratings(annotations, frame_ids).items():
        grid = grid.loc[grid.index.isin(shared)]
        units = [[v for v in row if pd.notna(v)] for row in grid.itertuples(index=False)]
        pairs = []
        for a, b in combinations([c for c in grid.columns], 2):
            both = grid[[a, b]].dropna()
            if len(both):
                kappa = cohen_kappa(both[a].tolist(), both[b].tolist())
                pairs.append({"a": str(a), "b": str(b), "n": len(both), "kappa": _round(kappa)})
        report["labels"][label] = {
            "alpha": _round(krippendorff_alpha(units)),
            "n_sentences": sum(len(u) >= 2 for u in units),
            "pairs": pairs,
        }
    return report


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 4)


def format_agreement(report: dict[str, Any]) -> str:
    """A plain-text table: one line per label with alpha and each pair's kappa."""
    lines = [
        f"agreement on {report['sentences_rated_twice_or_more']} sentences rated twice or more "
        f"(annotators: {', '.join(report['annotators'])})",
        f"{'label':<22} {'n':>5} {'alpha':>7}  kappa per pair",
    ]
    for label, entry in report["labels"].items():
        alpha = "-" if entry["alpha"] is None else f"{entry['alpha']:.3f}"
        kappas = ", ".join(
            f"{p['a']}~{p['b']} {'-' if p['kappa'] is None else format(p['kappa'], '.3f')}"
            for p in entry["pairs"]
        )
        lines.append(f"{label:<22} {entry['n_sentences']:>5} {alpha:>7}  {kappas}")
    return "\n".join(lines)
