"""What every classifier family shares: the label space, the score arrays and threshold tuning."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from framescope.labels.codebook import Codebook


@dataclass(frozen=True)
class LabelSpace:
    """The labels a model predicts, frozen from the codebook at training time."""

    frame_ids: tuple[str, ...]
    stance_ids: tuple[str, ...]
    stance_default: str
    stance_polarity: tuple[int, ...]

    @classmethod
    def from_codebook(cls, codebook: Codebook) -> LabelSpace:
        return cls(
            codebook.frame_ids,
            codebook.stance_ids,
            codebook.stance_default,
            codebook.stance_polarity,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "frame_ids": list(self.frame_ids),
            "stance_ids": list(self.stance_ids),
            "stance_default": self.stance_default,
            "stance_polarity": list(self.stance_polarity),
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> LabelSpace:
        return cls(
            tuple(raw["frame_ids"]),
            tuple(raw["stance_ids"]),
            raw["stance_default"],
            tuple(raw["stance_polarity"]),
        )


@dataclass
class Scores:
    """Raw probabilities from the three heads, one row per sentence."""

    frames: np.ndarray  # (n, n_frames)
    stance: np.ndarray  # (n, n_stance)
    boilerplate: np.ndarray  # (n,)


def zero_scores(labels: LabelSpace, n: int) -> dict[str, np.ndarray]:
    """Per-head arrays for `n` sentences, to fill batch by batch and pass to `Scores(**...)`."""
    return {
        "frames": np.zeros((n, len(labels.frame_ids))),
        "stance": np.zeros((n, len(labels.stance_ids))),
        "boilerplate": np.zeros(n),
    }


class Heads(Protocol):
    """A trained family. Weights that do not pickle well (transformers) are saved and loaded
    through `save_weights` / `load_weights` in the model directory; the rest is pickled."""

    labels: LabelSpace

    def scores(self, texts: list[str]) -> Scores: ...

    def save_weights(self, directory: Path) -> None: ...

    def load_weights(self, directory: Path) -> None: ...


def tune_thresholds(probs: np.ndarray, truth: np.ndarray, step: float) -> np.ndarray:
    """Per-column decision threshold that maximises F1 on held-out data (0.5 if no positives)."""
    grid = np.arange(step, 1.0, step)
    best = np.full(probs.shape[1], 0.5)
    for j in range(probs.shape[1]):
        y = truth[:, j].astype(bool)
        if not y.any():
            continue
        predicted = probs[:, j][None, :] >= grid[:, None]  # (grid, n)
        tp = (predicted & y).sum(axis=1)
        precision_denominator = predicted.sum(axis=1)
        f1 = 2 * tp / np.maximum(precision_denominator + y.sum(), 1)
        # Among equally good thresholds take the middle one: more robust than the first.
        top = np.flatnonzero(f1 == f1.max())
        best[j] = float(grid[top[len(top) // 2]])
    return best
