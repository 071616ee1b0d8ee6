"""tune_thresholds: picks a per-column threshold that maximises F1 on held-out scores."""

from __future__ import annotations

import numpy as np
import pytest

from framescope.classifiers.base import tune_thresholds


def test_separable_column_is_separated():
    probs = np.array([0.1, 0.2, 0.3, 0.7, 0.8, 0.9])[:, None]
    truth = np.array([0, 0, 0, 1, 1, 1])[:, None]
    [threshold] = tune_thresholds(probs, truth, 0.02)
    assert 0.3 < threshold <= 0.7
    assert ((probs[:, 0] >= threshold) == truth[:, 0].astype(bool)).all()
    assert threshold == pytest.approx(0.51, abs=0.02)  # middle of the perfect range, not an edge


def test_low_scores_that_still_separate():
    probs = np.array([0.01, 0.03, 0.05, 0.11, 0.12])[:, None]
    truth = np.array([0, 0, 0, 1, 1])[:, None]
    [threshold] = tune_thresholds(probs, truth, 0.02)
    assert 0.05 < threshold <= 0.11


def test_each_column_gets_its_own_threshold_and_no_positives_keeps_half():
    probs = np.array(
        [
            [0.1, 0.80, 0.9],
            [0.2, 0.85, 0.1],
            [0.6, 0.95, 0.2],
            [0.9, 0.97, 0.3],
        ]
    )
    truth = np.array([[0, 0, 0], [0, 0, 0], [1, 1, 0], [1, 1, 0]])
    thresholds = tune_thresholds(probs, truth, 0.01)
    assert thresholds.shape == (3,)
    assert 0.2 < thresholds[0] <= 0.6
    assert 0.85 < thresholds[1] <= 0.95
    assert thresholds[2] == 0.5


def test_not_separable_picks_best_f1():
    # positives at 0.4 and 0.9, one negative at 0.6: threshold <= 0.4 gives F1 0.8, best possible
    probs = np.array([0.1, 0.4, 0.6, 0.9])[:, None]
    truth = np.array([0, 1, 0, 1])[:, None]
    [threshold] = tune_thresholds(probs, truth, 0.1)
    predicted = probs[:, 0] >= threshold
    tp = (predicted & truth[:, 0].astype(bool)).sum()
    f1 = 2 * tp / (predicted.sum() + truth.sum())
    assert f1 == pytest.approx(0.8)
    assert 0.1 < threshold <= 0.4
