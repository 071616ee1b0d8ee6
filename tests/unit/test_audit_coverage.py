"""The audit's statistical honesty, simulated: its 90% intervals hold the true shares about 90%
of the time, where the raw shares of a biased classifier miss them.

Each repetition draws a fresh coverage (three outlets, articles whose sentences cluster), scores
it with a classifier that over-predicts one frame and misses another, samples 300 sentences,
labels them with a simulated annotator and estimates. The measured rates are in docs/audit.md
(experiments/audit_coverage.py prints them for more settings).
"""

from __future__ import annotations

import pytest

from framescope.audit.simulate import biased_scenario, coverage_run

# bargaining_chip: 15% false positives (raw overstates); costly_risk: half missed (understates).
LABELS, OUTLETS, BIASED = biased_scenario(concentration=20)


def _run(repetitions: int, annotator_error: float):
    return coverage_run(
        OUTLETS, BIASED, LABELS, repetitions=repetitions, n=300,
        annotator_error=annotator_error, confidence=0.9, samples=300, seed=29,
    )  # fmt: skip


@pytest.fixture(scope="module")
def runs():
    return _run(100, annotator_error=0.0)


def test_audited_90_percent_intervals_cover_the_truth_at_about_90_percent(runs):
    overall = runs["audited_covers"].mean()
    assert 0.85 <= overall <= 0.95, f"audited coverage {overall:.3f}"
    per_figure = runs.groupby("metric")["audited_covers"].mean()
    assert (per_figure >= 0.8).all(), per_figure.to_dict()


def test_raw_shares_miss_where_the_classifier_is_biased(runs):
    frames = runs[runs["metric"].str.contains("frame_share.(?:bargaining_chip|costly_risk)")]
    assert frames["raw_covers"].astype(bool).mean() < 0.2
    assert frames["audited_covers"].mean() >= 0.85
    overstated = runs[runs["metric"].str.endswith("bargaining_chip")]
    assert (overstated["raw"] > overstated["truth"]).mean() > 0.95


def test_an_annotator_who_errs_often_breaks_the_coverage():
    """The audit is only as good as its labels: the check above can fail."""
    noisy = _run(30, annotator_error=0.2)
    frames = noisy[noisy["metric"].str.contains("frame_share")]
    assert frames["audited_covers"].mean() < 0.75
