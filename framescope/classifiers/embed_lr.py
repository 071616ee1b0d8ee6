"""`embed_lr`: frozen sentence embeddings (mean pooling, train.embed_lr.encoder) with
logistic-regression heads."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression

from framescope.classifiers.base import LabelSpace, Scores
from framescope.classifiers.encoder import Encoder
from framescope.config import EmbedLRConfig

ENCODER_DIR = "encoder"


def _fit_binary(
    x: np.ndarray, y: np.ndarray, cfg: EmbedLRConfig, seed: int, weight: np.ndarray | None
) -> Any:
    if y.min() == y.max():
        return float(y[0])
    return LogisticRegression(
        C=cfg.C, class_weight="balanced", max_iter=cfg.max_iter, random_state=seed
    ).fit(x, y, sample_weight=weight)


def _proba(head: Any, x: np.ndarray) -> np.ndarray:
    return np.full(len(x), head) if isinstance(head, float) else head.predict_proba(x)[:, 1]


@dataclass
class EmbedLRHeads:
    labels: LabelSpace
    encoder: Encoder | None
    frames: list[Any]
    stance: LogisticRegression
    boilerplate: Any

    def scores(self, texts: list[str]) -> Scores:
        assert self.encoder is not None, "encoder weights not loaded"
        x = self.encoder.embed(texts)
        n = len(texts)
        frames = (
            np.column_stack([_proba(h, x) for h in self.frames])
            if self.frames
            else np.zeros((n, 0))
        )
        stance = np.zeros((n, len(self.labels.stance_ids)))
        stance[:, [self.labels.stance_ids.index(c) for c in self.stance.classes_]] = (
            self.stance.predict_proba(x)
        )
        return Scores(frames=frames, stance=stance, boilerplate=_proba(self.boilerplate, x))

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "encoder": None}  # the encoder is saved by save_weights

    def save_weights(self, directory: Path) -> None:
        assert self.encoder is not None
        self.encoder.save(directory / ENCODER_DIR)

    def load_weights(self, directory: Path) -> None:
        self.encoder = Encoder.load(directory / ENCODER_DIR)


def fit_embed_lr(
    labels: LabelSpace,
    texts: list[str],
    frames: np.ndarray,
    stance: list[str],
    boilerplate: np.ndarray,
    cfg: EmbedLRConfig,
    encoder_path: str,
    seed: int,
    sample_weight: np.ndarray | None = None,
) -> EmbedLRHeads:
    """Embed once with the frozen encoder, then fit the heads (frames, stance on content only).

    sample_weight: per training sentence (silver rows weigh less than gold), None: all 1.
    """
    encoder = Encoder.load(encoder_path, batch_size=cfg.batch_size)
    x = encoder.embed(texts)
    content = ~boilerplate.astype(bool)
    wc = None if sample_weight is None else sample_weight[content]
    return EmbedLRHeads(
        labels=labels,
        encoder=encoder,
        frames=[
            _fit_binary(x[content], frames[content, j], cfg, seed, wc)
            for j in range(frames.shape[1])
        ],
        stance=LogisticRegression(
            C=cfg.C, class_weight="balanced", max_iter=cfg.max_iter, random_state=seed
        ).fit(x[content], np.asarray(stance)[content], sample_weight=wc),
        boilerplate=_fit_binary(x, boilerplate.astype(int), cfg, seed, sample_weight),
    )
