"""Pairwise outlet tests: BH adjustment, evidence flags, permutation p-values, intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pipeline_params import FAST_FIGURES

from framescope import schema
from framescope.compare.figures import outlet_figures
from framescope.compare.pairwise import (
    benjamini_hochberg,
    compared_metrics,
    flag_evidence,
    pairwise_differences,
)


def test_benjamini_hochberg_by_hand():
    # sorted p: .01 .03 .04 .2 -> p*4/rank: .04 .06 .0533 .2 -> running min from the top
    q = benjamini_hochberg([0.01, 0.04, 0.03, 0.2])
    assert q == pytest.approx([0.04, 0.16 / 3, 0.16 / 3, 0.2])


def test_benjamini_hochberg_matches_scipy():
    from scipy.stats import false_discovery_control

    p = np.random.default_rng(1).random(40) ** 3
    assert benjamini_hochberg(p) == pytest.approx(false_discovery_control(p, method="bh"))
    assert (benjamini_hochberg(p) >= p).all()
    assert len(benjamini_hochberg([])) == 0


def test_flag_evidence_uses_both_minimums():
    table = pd.DataFrame(
        {
            schema.OUTLET: ["a", "b", "c"],
            schema.N_ARTICLES: [5, 2, 5],
            schema.N_SENTENCES: [100, 100, 10],
        }
    )
    flagged = flag_evidence(table, min_articles=3, min_sentences=50)
    assert flagged[schema.EVIDENCE].tolist() == ["ok", "insufficient", "insufficient"]


def test_a_real_difference_is_significant_with_an_interval_excluding_zero(synthetic_scored):
    sentences, _, labels = synthetic_scored
    table = pairwise_differences(
        sentences, labels, ["Herald", "Ledger"], samples=400, seed=3, confidence=0.95, alpha=0.05
    )
    assert len(table) == len(compared_metrics(labels))  # one pair
    chip = table.set_index(schema.METRIC).loc[schema.frame_share("bargaining_chip")]
    figures = outlet_figures(sentences, labels, **FAST_FIGURES).set_index(schema.OUTLET)
    expected = (
        figures.loc["Herald", "frame_share.bargaining_chip"]
        - figures.loc["Ledger", "frame_share.bargaining_chip"]
    )
    assert chip[schema.DIFFERENCE] == pytest.approx(expected)
    assert chip[schema.DIFFERENCE] > 0.3
    assert chip[f"{schema.DIFFERENCE}.{schema.CI_LOW}"] > 0
    assert chip[schema.P_VALUE] == pytest.approx(1 / 401)  # no permutation was as extreme
    assert chip[schema.SIGNIFICANT]
    net = table.set_index(schema.METRIC).loc[schema.NET_STANCE]
    assert net[schema.DIFFERENCE] > 0 and net[schema.SIGNIFICANT]


def test_identical_outlets_do_not_differ(synthetic_scored):
    sentences, _, labels = synthetic_scored
    ledger = sentences[sentences[schema.OUTLET] == "Ledger"]
    twin = ledger.assign(
        **{
            schema.OUTLET: "Twin",
            schema.ARTICLE_ID: ledger[schema.ARTICLE_ID] + "-twin",
        }
    )
    table = pairwise_differences(
        pd.concat([ledger, twin]),
        labels,
        ["Ledger", "Twin"],
        samples=200,
        confidence=0.95,
        alpha=0.05,
        seed=13,
    )
    assert (table[schema.DIFFERENCE] == 0).all()
    assert (table[schema.P_VALUE] == 1).all()
    assert not table[schema.SIGNIFICANT].any()
    assert (table[f"{schema.DIFFERENCE}.{schema.CI_LOW}"] < 0).any()


def test_null_p_values_are_not_too_small():
    # Two outlets drawn from one distribution: few tests should come out significant.
    rng = np.random.default_rng(5)
    from framescope.classifiers.base import LabelSpace

    labels = LabelSpace(("x",), ("favorable", "neutral", "unfavorable"), "neutral", (1, 0, -1))
    rows = []
    for outlet in ("A", "B", "C", "D"):
        for a in range(15):
            for i in range(6):
                rows.append(
                    {
                        schema.OUTLET: outlet,
                        schema.ARTICLE_ID: f"{outlet}{a}",
                        schema.SENTENCE_ID: f"{outlet}{a}-{i}",
                        schema.FRAMES: ["x"] if rng.random() < 0.3 else [],
                        schema.STANCE: ["favorable", "neutral", "unfavorable"][rng.integers(3)],
                        schema.BOILERPLATE: False,
                    }
                )
    table = pairwise_differences(
        pd.DataFrame(rows),
        labels,
        ["A", "B", "C", "D"],
        samples=300,
        confidence=0.95,
        alpha=0.05,
        seed=13,
    )
    assert len(table) == 6 * 2
    assert table[schema.P_VALUE].min() > 0.005
    assert not table[schema.SIGNIFICANT].any()


def test_only_the_listed_outlets_are_compared(synthetic_scored):
    sentences, _, labels = synthetic_scored
    table = pairwise_differences(
        sentences, labels, ["Herald", "Ledger"], samples=100, confidence=0.95, alpha=0.05, seed=13
    )
    assert set(table[schema.OUTLET_A]) | set(table[schema.OUTLET_B]) == {"Herald", "Ledger"}


def test_pairwise_is_deterministic_for_a_seed(synthetic_scored):
    sentences, _, labels = synthetic_scored
    outlets = ["Herald", "Ledger", "Tiny"]
    first = pairwise_differences(
        sentences, labels, outlets, samples=200, seed=4, confidence=0.95, alpha=0.05
    )
    second = pairwise_differences(
        sentences, labels, outlets, samples=200, seed=4, confidence=0.95, alpha=0.05
    )
    pd.testing.assert_frame_equal(first, second)
    assert len(first) == 3 * len(compared_metrics(labels))
