"""Per-outlet figures: exact shares and net stance, boilerplate excluded, sane intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pipeline_params import FAST_FIGURES

from framescope import schema
from framescope.classifiers.base import LabelSpace
from framescope.compare.figures import metric_names, outlet_figures

LABELS = LabelSpace(
    frame_ids=("chip", "cost"),
    stance_ids=("favorable", "neutral", "unfavorable"),
    stance_default="neutral",
    stance_polarity=(1, 0, -1),
)


def _row(outlet, article, frames, stance, boilerplate=False):
    return {
        schema.OUTLET: outlet,
        schema.ARTICLE_ID: article,
        schema.FRAMES: frames,
        schema.STANCE: stance,
        schema.BOILERPLATE: boilerplate,
    }


def _table() -> pd.DataFrame:
    return pd.DataFrame(
        [
            # Herald, article h1: three content sentences and two boilerplate lines
            _row("Herald", "h1", ["chip"], "favorable"),
            _row("Herald", "h1", ["chip", "cost"], "unfavorable"),
            _row("Herald", "h1", [], "favorable"),
            _row("Herald", "h1", ["chip", "cost"], "favorable", boilerplate=True),
            _row("Herald", "h1", [], "unfavorable", boilerplate=True),
            # Herald, article h2: one content sentence
            _row("Herald", "h2", ["cost"], "neutral"),
            # Herald, article h3: boilerplate only (counts as an article, adds no sentence)
            _row("Herald", "h3", ["chip"], "unfavorable", boilerplate=True),
            # Ledger: one article
            _row("Ledger", "l1", [], "favorable"),
            _row("Ledger", "l1", ["chip"], "favorable"),
            _row("Ledger", "l1", ["cost"], "unfavorable", boilerplate=True),
        ]
    )


def test_metric_names_follow_the_label_space():
    assert metric_names(LABELS) == [
        "frame_share.chip",
        "frame_share.cost",
        "stance_share.favorable",
        "stance_share.neutral",
        "stance_share.unfavorable",
        "net_stance",
    ]


def test_exact_shares_and_net_stance_without_boilerplate():
    table = outlet_figures(_table(), LABELS, samples=200, seed=1, confidence=0.95).set_index(
        schema.OUTLET
    )
    assert list(table.index) == ["Herald", "Ledger"]
    herald, ledger = table.loc["Herald"], table.loc["Ledger"]
    # Herald content: [chip] fav, [chip, cost] unfav, [] fav, [cost] neutral
    assert herald[schema.N_SENTENCES] == 4
    assert herald[schema.N_ARTICLES] == 3
    assert herald["frame_share.chip"] == pytest.approx(2 / 4)
    assert herald["frame_share.cost"] == pytest.approx(2 / 4)
    assert herald["stance_share.favorable"] == pytest.approx(2 / 4)
    assert herald["stance_share.neutral"] == pytest.approx(1 / 4)
    assert herald["stance_share.unfavorable"] == pytest.approx(1 / 4)
    assert herald[schema.NET_STANCE] == pytest.approx(2 / 4 - 1 / 4)
    # Ledger content: [] fav, [chip] fav
    assert ledger[schema.N_SENTENCES] == 2
    assert ledger[schema.N_ARTICLES] == 1
    assert ledger["frame_share.chip"] == pytest.approx(0.5)
    assert ledger["frame_share.cost"] == 0.0
    assert ledger["stance_share.favorable"] == 1.0
    assert ledger[schema.NET_STANCE] == 1.0


def test_polarity_comes_from_the_label_space():
    flipped = LabelSpace(LABELS.frame_ids, LABELS.stance_ids, "neutral", (-1, 0, 1))
    table = outlet_figures(_table(), flipped, **FAST_FIGURES).set_index(schema.OUTLET)
    assert table.loc["Herald", schema.NET_STANCE] == pytest.approx(-0.25)


def _bigger_table(seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for outlet in ("Herald", "Ledger", "Wire"):
        for a in range(8):
            for _ in range(int(rng.integers(2, 9))):
                frames = [f for f in LABELS.frame_ids if rng.random() < 0.4]
                stance = LABELS.stance_ids[int(rng.integers(0, 3))]
                rows.append(_row(outlet, f"{outlet}-{a}", frames, stance, rng.random() < 0.15))
    return pd.DataFrame(rows)


def test_intervals_contain_the_point_estimate():
    table = outlet_figures(_bigger_table(), LABELS, samples=500, seed=3, confidence=0.95)
    for name in metric_names(LABELS):
        low, high = table[f"{name}.{schema.CI_LOW}"], table[f"{name}.{schema.CI_HIGH}"]
        assert (low <= table[name] + 1e-12).all(), name
        assert (table[name] <= high + 1e-12).all(), name
        assert (low < high).any(), name  # the interval is not degenerate everywhere


def test_intervals_are_deterministic_for_a_seed():
    data = _bigger_table()
    first = outlet_figures(data, LABELS, samples=300, seed=7, confidence=0.95)
    second = outlet_figures(data, LABELS, samples=300, seed=7, confidence=0.95)
    other = outlet_figures(data, LABELS, samples=300, seed=8, confidence=0.95)
    pd.testing.assert_frame_equal(first, second)
    ci = [c for c in first.columns if c.endswith(schema.CI_LOW) or c.endswith(schema.CI_HIGH)]
    assert not first[ci].equals(other[ci])
    names = metric_names(LABELS)
    pd.testing.assert_frame_equal(first[names], other[names])  # point estimates do not move


def test_wider_confidence_gives_wider_interval():
    data = _bigger_table()
    narrow = outlet_figures(data, LABELS, samples=500, confidence=0.6, seed=2)
    wide = outlet_figures(data, LABELS, samples=500, confidence=0.99, seed=2)
    col = "net_stance"
    assert (wide[f"{col}.ci_low"] <= narrow[f"{col}.ci_low"]).all()
    assert (wide[f"{col}.ci_high"] >= narrow[f"{col}.ci_high"]).all()


def test_outlet_with_one_article_has_a_point_interval():
    table = outlet_figures(_table(), LABELS, samples=200, seed=1, confidence=0.95).set_index(
        schema.OUTLET
    )
    ledger = table.loc["Ledger"]
    for name in metric_names(LABELS):
        low, high = ledger[f"{name}.{schema.CI_LOW}"], ledger[f"{name}.{schema.CI_HIGH}"]
        assert low == ledger[name] == high, name
