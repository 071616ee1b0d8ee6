"""Label models: turn an LF vote matrix (n x m, ABSTAIN = -1) into class probabilities.

`MajorityVote` counts votes. `DawidSkene` is the generative model of Dawid and Skene (1979),
fitted by EM without labels: every LF has a confusion matrix P(vote | true class) in which
abstaining is an outcome of its own, so an LF that only ever votes one class (a keyword cue)
still tells the model something by firing or not, as in Snorkel's LabelModel. The class
balance is fixed from gold when given (as Snorkel's `class_balance`), else learned.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

ABSTAIN = -1
LABEL_MODELS = ("majority", "dawid_skene")


def _check(votes: np.ndarray, cardinality: int) -> np.ndarray:
    votes = np.asarray(votes, dtype=int)
    if votes.ndim != 2:
        raise ValueError(f"votes: expected an n x m matrix, got shape {votes.shape}")
    if votes.size and (votes.min() < ABSTAIN or votes.max() >= cardinality):
        raise ValueError(f"votes: values must be -1 (abstain) or 0..{cardinality - 1}")
    return votes


def _balance(balance: np.ndarray | None, cardinality: int) -> np.ndarray:
    if balance is None:
        return np.full(cardinality, 1.0 / cardinality)
    balance = np.asarray(balance, dtype=float)
    if balance.shape != (cardinality,) or balance.min() < 0 or balance.sum() <= 0:
        raise ValueError(f"class_balance: expected {cardinality} non-negative weights")
    return balance / balance.sum()


@dataclass
class MajorityVote:
    """The most voted class; ties split evenly; a row where every LF abstains gets the balance."""

    cardinality: int
    class_balance: np.ndarray | None = None

    def fit(self, votes: np.ndarray) -> MajorityVote:
        _check(votes, self.cardinality)
        return self

    def predict_proba(self, votes: np.ndarray) -> np.ndarray:
        votes = _check(votes, self.cardinality)
        counts = np.stack([(votes == c).sum(axis=1) for c in range(self.cardinality)], axis=1)
        top = (counts == counts.max(axis=1, keepdims=True)) & (counts > 0)
        proba = top / np.maximum(top.sum(axis=1, keepdims=True), 1)
        empty = counts.sum(axis=1) == 0
        proba[empty] = _balance(self.class_balance, self.cardinality)
        return proba.astype(float)


@dataclass
class DawidSkene:
    """EM over per-LF confusion matrices with abstain as an outcome; started from majority vote.

    smoothing: Dirichlet pseudo-count added to every confusion cell (keeps rare outcomes possible).
    """

    cardinality: int
    class_balance: np.ndarray | None = None  # fixed prior; None: learned by EM
    smoothing: float = 1.0
    max_iter: int = 200
    tol: float = 1e-6
    confusion: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (m, k, k + 1)
    prior: np.ndarray = field(default_factory=lambda: np.zeros(0))
    iterations: int = 0

    def fit(self, votes: np.ndarray) -> DawidSkene:
        votes = _check(votes, self.cardinality)
        outcomes = self._outcomes(votes)  # (n, m, k + 1) one-hot, abstain last
        self.prior = _balance(self.class_balance, self.cardinality)
        posterior = MajorityVote(self.cardinality, self.prior).predict_proba(votes)
        previous = -np.inf
        for iteration in range(1, self.max_iter + 1):
            self.iterations = iteration
            self._m_step(outcomes, posterior)
            log_joint = self._log_joint(outcomes)
            log_norm = np.logaddexp.reduce(log_joint, axis=1, keepdims=True)
            posterior = np.exp(log_joint - log_norm)
            likelihood = float(log_norm.sum())
            if likelihood - previous < self.tol * max(1.0, abs(likelihood)):
                break
            previous = likelihood
        return self

    def predict_proba(self, votes: np.ndarray) -> np.ndarray:
        if not self.confusion.size:
            raise RuntimeError("DawidSkene: fit before predict_proba")
        votes = _check(votes, self.cardinality)
        log_joint = self._log_joint(self._outcomes(votes))
        return np.exp(log_joint - np.logaddexp.reduce(log_joint, axis=1, keepdims=True))

    def lf_accuracy(self) -> np.ndarray:
        """Estimated P(vote = true class | the LF votes), per LF."""
        k = self.cardinality
        hit = np.einsum("c,mc->m", self.prior, self.confusion[:, np.arange(k), np.arange(k)])
        voted = np.einsum("c,mc->m", self.prior, 1 - self.confusion[:, :, k])
        return hit / np.maximum(voted, 1e-12)

    def _outcomes(self, votes: np.ndarray) -> np.ndarray:
        index = np.where(votes == ABSTAIN, self.cardinality, votes)
        return np.eye(self.cardinality + 1)[index]

    def _m_step(self, outcomes: np.ndarray, posterior: np.ndarray) -> None:
        counts = np.einsum("nc,nmo->mco", posterior, outcomes) + self.smoothing
        self.confusion = counts / counts.sum(axis=2, keepdims=True)
        if self.class_balance is None:
            self.prior = (posterior.sum(axis=0) + 1.0) / (len(posterior) + self.cardinality)

    def _log_joint(self, outcomes: np.ndarray) -> np.ndarray:
        return np.log(self.prior)[None, :] + np.einsum(
            "nmo,mco->nc", outcomes, np.log(self.confusion)
        )


def make_label_model(
    name: str, cardinality: int, class_balance: np.ndarray | None, smoothing: float = 1.0
) -> MajorityVote | DawidSkene:
    if name == "majority":
        return MajorityVote(cardinality, class_balance)
    if name == "dawid_skene":
        return DawidSkene(cardinality, class_balance, smoothing)
    raise ValueError(f"label model: {name!r} not in {list(LABEL_MODELS)}")


__all__ = ["ABSTAIN", "LABEL_MODELS", "DawidSkene", "MajorityVote", "make_label_model"]
