"""Label models: majority vote by hand, Dawid-Skene against a known generative process."""

from __future__ import annotations

import numpy as np
import pytest

from framescope.weak.label_model import DawidSkene, MajorityVote, make_label_model

A = -1  # abstain


def test_majority_vote_counts_ties_and_empty_rows():
    votes = np.array([[1, 1, 0], [0, A, A], [1, 0, A], [A, A, A]])
    proba = MajorityVote(2, np.array([0.8, 0.2])).fit(votes).predict_proba(votes)
    np.testing.assert_allclose(proba, [[0, 1], [1, 0], [0.5, 0.5], [0.8, 0.2]])


def test_votes_outside_the_classes_are_rejected():
    with pytest.raises(ValueError, match="values must be"):
        MajorityVote(2).fit(np.array([[2]]))
    with pytest.raises(ValueError, match="label model"):
        make_label_model("snorkel", 2, None)


def _simulate(n: int, accuracies: list[float], coverage: list[float], k: int, seed: int = 0):
    """Independent LFs with known accuracy and coverage over a balanced k-class truth."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, k, n)
    votes = np.full((n, len(accuracies)), A)
    for j, (acc, cov) in enumerate(zip(accuracies, coverage, strict=True)):
        fires = rng.random(n) < cov
        right = rng.random(n) < acc
        wrong = (truth + rng.integers(1, k, n)) % k
        votes[fires, j] = np.where(right, truth, wrong)[fires]
    return truth, votes


@pytest.mark.parametrize("k", [2, 3])
def test_dawid_skene_beats_majority_when_lf_quality_varies(k):
    # One good LF outvoted by three poor ones that often fire together.
    truth, votes = _simulate(4000, [0.95, 0.55, 0.55, 0.55], [0.9, 0.9, 0.9, 0.9], k)
    mv = MajorityVote(k).fit(votes).predict_proba(votes).argmax(1)
    ds = DawidSkene(k).fit(votes).predict_proba(votes).argmax(1)
    assert (ds == truth).mean() > (mv == truth).mean() + 0.03


def test_dawid_skene_recovers_lf_accuracies():
    _, votes = _simulate(5000, [0.9, 0.75, 0.6], [0.8, 0.6, 0.7], 2, seed=1)
    model = DawidSkene(2, np.array([0.5, 0.5])).fit(votes)
    np.testing.assert_allclose(model.lf_accuracy(), [0.9, 0.75, 0.6], atol=0.05)


def test_dawid_skene_learns_from_when_a_one_sided_lf_fires():
    # A keyword LF that only ever votes "present" is informative through abstaining.
    rng = np.random.default_rng(2)
    truth = (rng.random(3000) < 0.2).astype(int)
    keyword = np.where((truth == 1) & (rng.random(3000) < 0.7), 1, A)
    noisy = np.where(rng.random(3000) < 0.8, truth, 1 - truth)
    votes = np.column_stack([keyword, noisy])
    ds = DawidSkene(2, np.array([0.8, 0.2])).fit(votes)
    no_fire = ds.predict_proba(np.array([[A, 1]]))[0, 1]
    fire = ds.predict_proba(np.array([[1, 1]]))[0, 1]
    assert fire > 0.95 and no_fire < fire


def test_dawid_skene_is_deterministic_and_needs_fit():
    _, votes = _simulate(500, [0.8, 0.7], [0.5, 0.5], 3)
    with pytest.raises(RuntimeError, match="fit"):
        DawidSkene(3).predict_proba(votes)
    a = DawidSkene(3).fit(votes).predict_proba(votes)
    b = DawidSkene(3).fit(votes).predict_proba(votes)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(a.sum(axis=1), 1.0)
