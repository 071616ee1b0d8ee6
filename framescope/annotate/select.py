"""Which sentences to annotate next: the model's least certain, the most diverse, or random.

All three are seeded: the same pool, strategy, n and seed give the same tasks.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from framescope import schema
from framescope.classifiers.base import LabelSpace
from framescope.classifiers.bundle import frame_score_column, stance_score_column

STRATEGIES = ("uncertainty", "diversity", "random")
MEASURES = ("entropy", "margin")
Embed = Callable[[list[str]], np.ndarray]


def decision_probabilities(
    sentences: pd.DataFrame, labels: LabelSpace
) -> tuple[np.ndarray, np.ndarray]:
    """(binary decisions: each frame then boilerplate, n x (n_frames + 1); stance, n x n_stance)."""
    binary = [frame_score_column(f) for f in labels.frame_ids] + [schema.BOILERPLATE_SCORE]
    stance = [stance_score_column(c) for c in labels.stance_ids]
    missing = [c for c in binary + stance if c not in sentences.columns]
    if missing:
        raise ValueError(f"scored sentences lack score column(s) {missing}")
    return (
        sentences[binary].to_numpy(dtype=float),
        sentences[stance].to_numpy(dtype=float),
    )


def uncertainty(binary: np.ndarray, stance: np.ndarray, measure: str = "entropy") -> np.ndarray:
    """Per sentence, in [0, 1]: how unsure the heads are, over every frame, stance and boilerplate.

    entropy: mean normalised entropy of all decisions (each frame, boilerplate, stance);
    margin: 1 - the smallest margin among them, i.e. the decision closest to a coin flip.
    """
    eps = 1e-12
    p = np.clip(binary, eps, 1 - eps)
    q = np.clip(stance / np.maximum(stance.sum(axis=1, keepdims=True), eps), eps, 1)
    if measure == "entropy":
        binary_h = -(p * np.log2(p) + (1 - p) * np.log2(1 - p))
        stance_h = -(q * np.log(q)).sum(axis=1) / np.log(q.shape[1])
        return np.asarray((binary_h.sum(axis=1) + stance_h) / (binary.shape[1] + 1))
    if measure == "margin":
        binary_margin = np.abs(2 * p - 1)
        top2 = np.sort(q, axis=1)[:, -2:]
        stance_margin = top2[:, 1] - top2[:, 0]
        return np.asarray(1 - np.minimum(binary_margin.min(axis=1), stance_margin))
    raise ValueError(f"measure {measure!r} not in {list(MEASURES)}")


def k_center(
    embeddings: np.ndarray, n: int, seed: int, centers: np.ndarray | None = None
) -> list[int]:
    """Greedy k-center: each pick is the point farthest from everything picked (or `centers`).

    `centers` are embeddings already labelled; without them the first pick is a seeded random one.
    """
    if n <= 0 or len(embeddings) == 0:
        return []
    points = embeddings.astype(np.float64)
    if centers is not None and len(centers):
        distance = _min_distance(points, centers.astype(np.float64))
        picked: list[int] = []
    else:
        first = int(np.random.default_rng(seed).integers(len(points)))
        picked = [first]
        distance = _min_distance(points, points[[first]])
    while len(picked) < min(n, len(points)):
        distance[picked] = -np.inf
        nxt = int(np.argmax(distance))
        picked.append(nxt)
        distance = np.minimum(distance, _min_distance(points, points[[nxt]]))
    return picked


def _min_distance(points: np.ndarray, centers: np.ndarray) -> np.ndarray:
    # Squared Euclidean, chunked over centers to keep memory at n x 256.
    best = np.full(len(points), np.inf)
    norms = (points**2).sum(axis=1)
    for i in range(0, len(centers), 256):
        block = centers[i : i + 256]
        d = norms[:, None] - 2 * points @ block.T + (block**2).sum(axis=1)[None, :]
        best = np.minimum(best, d.min(axis=1))
    return np.maximum(best, 0.0)


def dedupe_texts(pool: pd.DataFrame) -> pd.DataFrame:
    """One sentence per text: syndicated and repeated lines would otherwise fill a batch."""
    key = pool[schema.TEXT].str.lower().str.split().str.join(" ")
    return pool[~key.duplicated()]


def select(
    pool: pd.DataFrame,
    strategy: str,
    n: int,
    seed: int,
    labels: LabelSpace | None = None,
    measure: str = "entropy",
    embed: Embed | None = None,
    labelled_texts: list[str] | None = None,
) -> pd.DataFrame:
    """The n sentences of `pool` to annotate next, best first, with a `priority` column.

    uncertainty needs `labels` (to find the score columns); diversity needs `embed`, and uses
    `labelled_texts` (already annotated sentences) as the starting centers.
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy {strategy!r} not in {list(STRATEGIES)}")
    # A seeded shuffle first: ties then break the same way on every run.
    rng = np.random.default_rng(seed)
    pool = pool.iloc[rng.permutation(len(pool))].reset_index(drop=True)
    if strategy == "random":
        chosen = pool.head(n).assign(priority=np.linspace(1.0, 0.0, min(n, len(pool))))
    elif strategy == "uncertainty":
        if labels is None:
            raise ValueError("uncertainty needs the label space of the scores")
        score = uncertainty(*decision_probabilities(pool, labels), measure=measure)
        order = np.argsort(-score, kind="stable")[:n]
        chosen = pool.iloc[order].assign(priority=score[order])
    else:
        if embed is None:
            raise ValueError("diversity needs an embedding function")
        vectors = embed(pool[schema.TEXT].tolist())
        centers = embed(labelled_texts) if labelled_texts else None
        picks = k_center(vectors, n, seed, centers)
        chosen = pool.iloc[picks].assign(priority=np.linspace(1.0, 0.0, len(picks)))
    return chosen.reset_index(drop=True)
