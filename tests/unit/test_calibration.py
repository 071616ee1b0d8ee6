"""Calibration (Platt, temperature), expected calibration error and champion selection."""

from __future__ import annotations

import numpy as np
import pytest

from framescope.classifiers.base import Scores
from framescope.classifiers.calibrate import (
    Calibration,
    fit_calibration,
    fit_platt,
    fit_temperature,
)
from framescope.training.evaluate import reliability
from framescope.training.select import choose_champion


def _log_loss(p: np.ndarray, y: np.ndarray) -> float:
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return float(-(y * np.log(p) + (1 - y) * np.log(1 - p)).mean())


@pytest.fixture
def overconfident() -> tuple[np.ndarray, np.ndarray]:
    """True probability 0.7 everywhere the model says 0.99, 0.3 where it says 0.01."""
    rng = np.random.default_rng(0)
    says_yes = rng.random(4000) < 0.5
    p = np.where(says_yes, 0.99, 0.01)
    y = (rng.random(4000) < np.where(says_yes, 0.7, 0.3)).astype(int)
    return p, y


def test_platt_fixes_overconfidence(overconfident):
    p, y = overconfident
    platt = fit_platt(p, y)
    q = platt(p)
    assert _log_loss(q, y) < _log_loss(p, y) - 0.5
    assert q[p == 0.99].mean() == pytest.approx(0.7, abs=0.03)
    assert reliability(q, y)["ece"] < 0.03 < reliability(p, y)["ece"]


def test_platt_keeps_ranking_and_identity_on_one_class():
    p = np.linspace(0.01, 0.99, 50)
    assert np.all(np.diff(fit_platt(p, (p > 0.5).astype(int))(p)) >= 0)
    identity = fit_platt(p, np.zeros(50, dtype=int))
    assert np.allclose(identity(p), p, atol=1e-6)


def test_temperature_softens_and_never_changes_the_argmax():
    rng = np.random.default_rng(1)
    truth = rng.integers(0, 3, 3000)
    noisy = np.where(rng.random(3000) < 0.6, truth, rng.integers(0, 3, 3000))
    probs = np.full((3000, 3), 0.01)
    probs[np.arange(3000), noisy] = 0.98
    t = fit_temperature(probs, truth)
    assert t > 1.5  # overconfident input, so it must soften
    calibrated = Calibration((), t, fit_platt(np.array([0.5]), np.array([1]))).apply(
        Scores(np.zeros((3000, 0)), probs, np.full(3000, 0.5))
    )
    assert (calibrated.stance.argmax(axis=1) == probs.argmax(axis=1)).all()
    assert np.allclose(calibrated.stance.sum(axis=1), 1)


def test_fit_calibration_uses_content_rows_for_frames():
    rng = np.random.default_rng(2)
    n = 400
    boilerplate = (rng.random(n) < 0.25).astype(int)
    frames = (rng.random((n, 2)) < 0.3).astype(int)
    frames[boilerplate == 1] = 0
    scores = Scores(
        frames=np.clip(frames * 0.9 + 0.05, 0, 1).astype(float),
        stance=np.full((n, 3), 1 / 3),
        boilerplate=np.where(boilerplate == 1, 0.9, 0.1),
    )
    calibration = fit_calibration(scores, frames, rng.integers(0, 3, n), boilerplate)
    assert len(calibration.frames) == 2
    out = calibration.apply(scores)
    assert out.frames.shape == (n, 2) and out.boilerplate.shape == (n,)
    # Perfectly separating scores stay separating after calibration.
    assert out.frames[frames[:, 0] == 1, 0].min() > out.frames[frames[:, 0] == 0, 0].max()


def test_reliability_bins_and_ece():
    confidence = np.array([0.05, 0.15, 0.95, 0.95])
    outcome = np.array([0, 0, 1, 0])
    result = reliability(confidence, outcome, n_bins=10)
    assert [b["count"] for b in result["bins"]] == [1, 1, 2]
    assert result["bins"][-1]["observed"] == 0.5
    expected = (1 * 0.05 + 1 * 0.15 + 2 * 0.45) / 4
    assert result["ece"] == pytest.approx(expected)


def test_select_best_score_or_requested_family():
    candidates = {
        "tfidf_lr": {"score": 0.70, "dev_score": 0.90, "selected_on": "heldout"},
        "embed_lr": {"score": 0.65, "dev_score": 0.60, "selected_on": "heldout"},
        "finetune": {"score": 0.74, "dev_score": 0.50, "selected_on": "heldout"},
    }
    auto = choose_champion(candidates)
    # the held-out score decides, not dev (tfidf_lr has the best dev score)
    assert auto.family == "finetune" and "heldout score 0.74" in auto.reason
    assert choose_champion(candidates, "embed_lr").family == "embed_lr"
    tie = choose_champion({"tfidf_lr": {"score": 0.7}, "finetune": {"score": 0.7}})
    assert tie.family == "tfidf_lr"  # ties go to the family listed first (the cheaper one)
    with pytest.raises(ValueError, match="'finetune' was not trained"):
        choose_champion({"tfidf_lr": {"score": 0.7}}, "finetune")
