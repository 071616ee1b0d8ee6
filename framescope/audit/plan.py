"""How many more labels would halve the widest audited interval.

An interval's width is proportional to the estimate's standard error, and the audit's part of
the variance falls as 1/n (n labelled sentences in the outlet): width^2 ~ V_corpus + c / n.
Halving the width needs the total variance down to a quarter. With the corpus part alone at or
above that quarter no number of labels will do it; otherwise the audit part must shrink from
V_audit to V_total / 4 - V_corpus, i.e. n must grow by the factor V_audit / that. When the
audit's error dominates this is the familiar "four times the labels for half the width".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from framescope import schema
from framescope.audit.estimate import ALL_OUTLETS, N_AUDITED, AuditEstimate


@dataclass(frozen=True)
class LabelPlan:
    outlet: str
    metric: str
    width: float
    n_audited: int
    audit_variance_share: float  # of the variance, the part the audit's sample size sets
    more_labels: int | None  # None: labels alone cannot halve it (the corpus's error dominates)


def plan(result: AuditEstimate, shares: list[str]) -> LabelPlan | None:
    """The plan for the widest interval among `shares` (audited share names), per outlet."""
    table = result.table[result.table[schema.OUTLET] != ALL_OUTLETS]
    widths = []
    for _, row in table.iterrows():
        for name in shares:
            width = row[f"{name}.{schema.CI_HIGH}"] - row[f"{name}.{schema.CI_LOW}"]
            if pd.notna(width):
                widths.append((float(width), str(row[schema.OUTLET]), name, int(row[N_AUDITED])))
    if not widths:
        return None
    width, outlet, name, n = max(widths)
    var = result.variance.set_index([schema.OUTLET, schema.METRIC]).loc[(outlet, name)]
    audit, corpus = float(var["audit"]), float(var["corpus"])
    total = audit + corpus
    share = audit / total if total > 0 else 0.0
    needed = total / 4 - corpus
    more = math.ceil(round(n * (audit / needed - 1), 6)) if needed > 0 and audit > 0 else None
    return LabelPlan(outlet, name, width, n, share, more)


def describe(p: LabelPlan | None) -> str:
    """The plan in words, with the reasoning."""
    if p is None:
        return "No interval to plan for."
    head = (
        f"Widest interval: {p.metric} of {p.outlet}, {p.width:.3f} wide, from {p.n_audited} "
        f"labelled sentences; {p.audit_variance_share:.0%} of its variance comes from the "
        "audit's sample size, the rest from the corpus's own article-to-article variation. "
        "Width scales with the standard error, and the audit's variance with 1/n, so halving "
        "the width needs the variance at a quarter (about 4x the labels if the audit's error "
        "were all of it)."
    )
    if p.more_labels is None:
        return head + (
            " Here the corpus's part alone is over a quarter: more labels cannot halve this "
            "interval; more articles from the outlet can."
        )
    return head + (
        f" Here that takes about {p.more_labels} more labelled sentences from {p.outlet} "
        f"({p.n_audited + p.more_labels} in all), drawn with the same design."
    )
