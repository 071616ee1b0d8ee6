"""`tfidf_lr`: TF-IDF word and character n-grams with logistic-regression heads."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from framescope.classifiers.base import LabelSpace, Scores
from framescope.classifiers.ngrams import FastTfidf
from framescope.config import TfidfConfig


@dataclass
class TfidfHeads:
    labels: LabelSpace
    word: TfidfVectorizer
    char: TfidfVectorizer | None
    frames: list[LogisticRegression | float]  # a constant when a frame has no positives
    stance: LogisticRegression
    boilerplate: LogisticRegression | float

    def _features(self, texts: list[str]) -> sparse.csr_matrix:
        # Built on first use, never pickled: bundles saved before it existed load unchanged.
        fast = self.__dict__.get("_fast")
        if fast is None:
            vectorizers = [self.word] if self.char is None else [self.word, self.char]
            fast = self.__dict__["_fast"] = [FastTfidf(v) for v in vectorizers]
        return sparse.hstack([f.transform(texts) for f in fast], format="csr")

    def __getstate__(self) -> dict[str, object]:
        state = {k: v for k, v in self.__dict__.items() if k != "_fast"}
        # scikit-learn caches id(stop_words) on a word vectorizer once it has checked them: a
        # memory address, different in every process, so the pickle (a DVC output) was not
        # byte-stable between runs. Without it the vectorizer only checks them again.
        for key in ("word", "char"):
            vectorizer = state[key]
            if vectorizer is not None and hasattr(vectorizer, "_stop_words_id"):
                vectorizer = copy.copy(vectorizer)
                del vectorizer._stop_words_id
                state[key] = vectorizer
        return state

    def scores(self, texts: list[str]) -> Scores:
        x = self._features(texts)
        n = len(texts)
        frames = (
            np.column_stack([_positive_proba(head, x, n) for head in self.frames])
            if self.frames
            else np.zeros((n, 0))
        )
        stance = np.zeros((n, len(self.labels.stance_ids)))
        stance[:, [self.labels.stance_ids.index(c) for c in self.stance.classes_]] = (
            self.stance.predict_proba(x)
        )
        return Scores(
            frames=frames, stance=stance, boilerplate=_positive_proba(self.boilerplate, x, n)
        )

    def save_weights(self, directory: Path) -> None:
        """Nothing beyond the pickle: scikit-learn objects pickle whole."""

    def load_weights(self, directory: Path) -> None:
        """Nothing beyond the pickle."""


def _positive_proba(head: LogisticRegression | float, x: sparse.csr_matrix, n: int) -> np.ndarray:
    if isinstance(head, float):
        return np.full(n, head)
    return head.predict_proba(x)[:, 1]


def _binary_head(
    x: sparse.csr_matrix, y: np.ndarray, cfg: TfidfConfig, seed: int, weight: np.ndarray | None
) -> LogisticRegression | float:
    if y.min() == y.max():
        return float(y[0])
    model = LogisticRegression(
        C=cfg.C, class_weight="balanced", max_iter=cfg.max_iter, random_state=seed
    )
    return model.fit(x, y, sample_weight=weight)


def fit_tfidf(
    labels: LabelSpace,
    texts: list[str],
    frames: np.ndarray,
    stance: list[str],
    boilerplate: np.ndarray,
    cfg: TfidfConfig,
    seed: int,
    sample_weight: np.ndarray | None = None,
) -> TfidfHeads:
    """Train the three heads. Frame and stance heads learn from content sentences only.

    sample_weight: per training sentence (silver rows weigh less than gold), None: all 1.
    """
    word = TfidfVectorizer(
        ngram_range=(1, cfg.word_ngram_max),
        min_df=cfg.min_df,
        sublinear_tf=True,
        max_features=cfg.max_features,
        lowercase=True,
    )
    char = (
        TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(2, cfg.char_ngram_max),
            min_df=cfg.min_df,
            sublinear_tf=True,
            max_features=cfg.max_features,
        )
        if cfg.char_ngram_max
        else None
    )
    parts = [word.fit_transform(texts)]
    if char is not None:
        parts.append(char.fit_transform(texts))
    x = sparse.hstack(parts, format="csr")
    content = ~boilerplate.astype(bool)
    xc = x[content]
    wc = None if sample_weight is None else sample_weight[content]
    frame_heads = [
        _binary_head(xc, frames[content, j], cfg, seed, wc) for j in range(frames.shape[1])
    ]
    stance_model = LogisticRegression(
        C=cfg.C, class_weight="balanced", max_iter=cfg.max_iter, random_state=seed
    ).fit(xc, np.asarray(stance)[content], sample_weight=wc)
    return TfidfHeads(
        labels=labels,
        word=word,
        char=char,
        frames=frame_heads,
        stance=stance_model,
        boilerplate=_binary_head(x, boilerplate.astype(int), cfg, seed, sample_weight),
    )
