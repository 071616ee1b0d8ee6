"""The audit's estimator on cases worked by hand, and the labelling plan's arithmetic."""

from __future__ import annotations

import pandas as pd
import pytest

from framescope import schema
from framescope.audit.estimate import (
    ALL_OUTLETS,
    AUDIT_BOILERPLATE,
    AUDIT_FRAMES,
    AUDIT_STANCE,
    AuditEstimate,
    EstimateError,
    estimate,
)
from framescope.audit.plan import describe, plan
from framescope.audit.strata import assign_strata
from framescope.classifiers.base import LabelSpace

LABELS = LabelSpace(
    ("bargaining_chip", "costly_risk", "propaganda_failure"),
    ("favorable", "neutral", "unfavorable"),
    "neutral",
    (1, 0, -1),
)
CHIP = schema.audited(schema.frame_share("bargaining_chip"))


def _corpus() -> pd.DataFrame:
    """One outlet: 20 sentences predicted bargaining_chip/favorable, 80 no frame/neutral."""
    rows = [
        {
            schema.SENTENCE_ID: f"s{i}",
            schema.ARTICLE_ID: f"a{i // 10}",
            schema.OUTLET: "Herald",
            schema.TEXT: f"sentence {i}",
            schema.FRAMES: ["bargaining_chip"] if i < 20 else [],
            schema.STANCE: "favorable" if i < 20 else "neutral",
            schema.BOILERPLATE: False,
        }
        for i in range(100)
    ]
    return pd.DataFrame(rows)


def _audited(corpus: pd.DataFrame, strata: pd.Series, chosen: list[int], chip: set[int]):
    sample = corpus.iloc[chosen].assign(**{schema.STRATUM: strata.iloc[chosen].to_numpy()})
    return sample.assign(
        **{
            AUDIT_FRAMES: [["bargaining_chip"] if i in chip else [] for i in chosen],
            AUDIT_STANCE: sample[schema.STANCE].to_numpy(),
            AUDIT_BOILERPLATE: False,
        }
    )


def test_design_weighted_share_precision_and_recall_by_hand():
    corpus = _corpus()
    strata = assign_strata(corpus, LABELS.frame_ids, min_size=1)
    # Predicted chip: 3 of 4 audited are chip (one false positive); predicted none: 1 of 4 is.
    audited = _audited(corpus, strata, [0, 1, 2, 3, 20, 21, 22, 23], chip={0, 1, 2, 20})
    row = (
        estimate(corpus, strata, audited, LABELS, samples=300, confidence=0.9, seed=1)
        .table.set_index(schema.OUTLET)
        .loc["Herald"]
    )
    # 20 x 3/4 + 80 x 1/4 = 35 of 100 content sentences; raw would say 20.
    assert row[CHIP] == pytest.approx(0.35)
    assert row[schema.precision("frame.bargaining_chip")] == pytest.approx(0.75)
    assert row[schema.recall("frame.bargaining_chip")] == pytest.approx(15 / 35)
    assert row[f"{CHIP}.ci_low"] < 0.35 < row[f"{CHIP}.ci_high"]
    assert row["n_audited"] == 8


def test_a_census_with_the_models_labels_is_the_raw_figure_with_no_audit_error():
    corpus = _corpus()
    strata = assign_strata(corpus, LABELS.frame_ids, min_size=1)
    audited = _audited(corpus, strata, list(range(100)), chip=set(range(20)))
    result = estimate(corpus, strata, audited, LABELS, samples=200, confidence=0.9, seed=1)
    row = result.table.set_index(schema.OUTLET).loc[ALL_OUTLETS]
    assert row[CHIP] == pytest.approx(0.2)
    assert row[schema.audited(schema.NET_STANCE)] == pytest.approx(0.2)
    assert row[schema.precision("frame.bargaining_chip")] == 1.0
    parts = result.variance.set_index([schema.OUTLET, schema.METRIC]).loc[("Herald", CHIP)]
    assert parts["audit"] == pytest.approx(0.0) and parts["corpus"] > 0


def test_a_stratum_without_labels_cannot_be_estimated():
    corpus = _corpus()
    strata = assign_strata(corpus, LABELS.frame_ids, min_size=1)
    audited = _audited(corpus, strata, [0, 1, 2], chip={0})
    with pytest.raises(EstimateError, match=r"no frame \| neutral.*no labelled sentence"):
        estimate(corpus, strata, audited, LABELS, samples=200, confidence=0.9, seed=1)


def _plan_case(audit: float, corpus: float):
    table = pd.DataFrame(
        [
            {
                schema.OUTLET: "Herald",
                "n_audited": 40,
                CHIP: 0.3,
                f"{CHIP}.ci_low": 0.2,
                f"{CHIP}.ci_high": 0.4,
            }
        ]
    )
    variance = pd.DataFrame(
        [
            {
                schema.OUTLET: "Herald",
                schema.METRIC: CHIP,
                "total": audit + corpus,
                "audit": audit,
                "corpus": corpus,
            }
        ]
    )
    return plan(AuditEstimate(table, variance), [CHIP])


def test_plan_four_times_the_labels_when_the_audit_is_all_the_error():
    found = _plan_case(audit=0.01, corpus=0.0)
    assert found is not None and found.more_labels == 120  # 4 x 40 in all
    assert "120 more labelled sentences" in describe(found)


def test_plan_counts_the_corpus_part_that_labels_cannot_shrink():
    assert _plan_case(audit=0.009, corpus=0.001).more_labels == 200  # 0.009 -> 0.0015: 6 x 40
    hopeless = _plan_case(audit=0.006, corpus=0.004)
    assert hopeless is not None and hopeless.more_labels is None
    assert "more labels cannot halve" in describe(hopeless)
