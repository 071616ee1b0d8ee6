"""LF analysis: coverage, overlaps, conflicts and accuracy on a matrix checked by hand."""

from __future__ import annotations

import numpy as np

from framescope.weak.analysis import as_metrics, lf_summary

A = -1


def test_lf_summary_by_hand():
    votes = np.array([[1, 1], [1, 0], [A, 0], [A, A]])
    gold = np.array([1, 0, 0, A])  # the last row is not judged
    table = lf_summary("frame.x", ["kw", "sim"], votes, gold).set_index("lf")
    assert table.loc["kw", "coverage"] == 0.5
    assert table.loc["kw", "overlaps"] == 0.5
    assert table.loc["kw", "conflicts"] == 0.25
    assert table.loc["kw", "empirical_accuracy"] == 0.5
    assert table.loc["sim", "coverage"] == 0.75
    assert table.loc["sim", "empirical_accuracy"] == 1.0
    assert table.loc["sim", "polarity"] == [0, 1]


def test_an_lf_that_never_votes_has_no_accuracy_metric():
    table = lf_summary("t", ["silent"], np.array([[A], [A]]), np.array([1, 0]))
    metrics = as_metrics(table)
    assert metrics["silent"] == {
        "coverage": 0.0,
        "overlaps": 0.0,
        "conflicts": 0.0,
        "gold_votes": 0,
    }
