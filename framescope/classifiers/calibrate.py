"""Probability calibration fitted on the dev split.

Binary heads (each frame, boilerplate) get Platt scaling on the logit: a temperature and a
bias, which also undoes the prior shift that class-balanced training causes. The stance head
gets one temperature on its log-probabilities, which never changes the predicted class.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from framescope.classifiers.base import Scores

_EPS = 1e-6


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, _EPS, 1 - _EPS)
    return np.log(p / (1 - p))


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


@dataclass(frozen=True)
class Platt:
    """p' = sigmoid(a * logit(p) + b); the identity is a=1, b=0."""

    a: float = 1.0
    b: float = 0.0

    def __call__(self, p: np.ndarray) -> np.ndarray:
        return _sigmoid(self.a * _logit(p) + self.b)


def fit_platt(p: np.ndarray, y: np.ndarray) -> Platt:
    """Minimise log loss; with one class only, or too few rows, keep the identity."""
    y = y.astype(float)
    if len(y) < 10 or y.min() == y.max():
        return Platt()
    z = _logit(p)

    def loss(theta: np.ndarray) -> float:
        q = np.clip(_sigmoid(theta[0] * z + theta[1]), _EPS, 1 - _EPS)
        return float(-(y * np.log(q) + (1 - y) * np.log(1 - q)).mean())

    result = minimize(loss, np.array([1.0, 0.0]), method="L-BFGS-B", bounds=[(0.01, 50), (-20, 20)])
    return Platt(float(result.x[0]), float(result.x[1]))


def fit_temperature(probs: np.ndarray, y: np.ndarray) -> float:
    """One temperature T for softmax(log p / T) minimising log loss (1.0 when it cannot fit)."""
    if len(y) < 10 or len(np.unique(y)) < 2:
        return 1.0
    logp = np.log(np.clip(probs, _EPS, 1))

    def loss(t: np.ndarray) -> float:
        q = _softmax(logp / t[0])
        return float(-np.log(np.clip(q[np.arange(len(y)), y], _EPS, 1)).mean())

    result = minimize(loss, np.array([1.0]), method="L-BFGS-B", bounds=[(0.05, 20)])
    return float(result.x[0])


@dataclass(frozen=True)
class Calibration:
    frames: tuple[Platt, ...]
    stance_temperature: float
    boilerplate: Platt

    def apply(self, scores: Scores) -> Scores:
        frames = (
            np.column_stack([c(scores.frames[:, j]) for j, c in enumerate(self.frames)])
            if self.frames
            else scores.frames
        )
        logp = np.log(np.clip(scores.stance, _EPS, 1))
        return Scores(
            frames=frames.reshape(scores.frames.shape),
            stance=_softmax(logp / self.stance_temperature),
            boilerplate=self.boilerplate(scores.boilerplate),
        )


def fit_calibration(
    scores: Scores, frames: np.ndarray, stance_index: np.ndarray, boilerplate: np.ndarray
) -> Calibration:
    """Fit on dev. Frames and stance on content sentences; boilerplate on all of them."""
    content = boilerplate == 0
    return Calibration(
        frames=tuple(
            fit_platt(scores.frames[content, j], frames[content, j]) for j in range(frames.shape[1])
        ),
        stance_temperature=fit_temperature(scores.stance[content], stance_index[content]),
        boilerplate=fit_platt(scores.boilerplate, boilerplate),
    )


__all__ = ["Calibration", "Platt", "fit_calibration", "fit_platt", "fit_temperature"]
