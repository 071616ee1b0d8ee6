"""Embedding-similarity cues: cosine of a sentence to the codebook's examples and definitions,
and the cut-offs at which a similarity LF votes, tuned on gold."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from framescope.labels.codebook import Codebook
from framescope.weak.lfs import BOILERPLATE, STANCE, Threshold, frame_task

Embed = Callable[[list[str]], np.ndarray]  # texts -> L2-normalised rows (Encoder.embed)


def prototypes(codebook: Codebook) -> dict[str, list[str]]:
    """Per similarity key, the codebook texts a sentence is compared with."""
    out = {frame_task(f.id): [f.definition, *f.positive_examples] for f in codebook.frames} | {
        f"{STANCE}.{c.id}": [c.definition, *c.examples] for c in codebook.stance_classes
    }
    out[BOILERPLATE] = [
        text for t in codebook.boilerplate_types for text in (t.description, *t.examples)
    ]
    return out


def similarities(embed: Embed, texts: list[str], codebook: Codebook) -> dict[str, np.ndarray]:
    """Per key, each text's highest cosine to that key's prototypes."""
    protos = prototypes(codebook)
    keys = list(protos)
    proto_vectors = embed([t for k in keys for t in protos[k]])
    vectors = embed(texts)
    cosine = vectors @ proto_vectors.T if len(texts) else np.zeros((0, len(proto_vectors)))
    out, start = {}, 0
    for key in keys:
        stop = start + len(protos[key])
        out[key] = cosine[:, start:stop].max(axis=1) if len(texts) else np.zeros(0)
        start = stop
    return out


def tune_threshold(
    similarity: np.ndarray, truth: np.ndarray, min_precision: float, grid_step: float = 0.01
) -> Threshold:
    """`high`: the lowest cut-off whose positive votes reach `min_precision` on gold (at least
    three of them); `low`: the highest cut-off below which positives are at most half as common
    as overall. A cut-off nothing reaches makes the LF abstain on that side."""
    truth = np.asarray(truth, dtype=bool)
    if len(truth) == 0 or not truth.any():
        return Threshold(high=np.inf)
    grid = np.arange(-1.0, 1.0 + grid_step, grid_step)
    high = np.inf
    for cut in grid:
        votes = similarity >= cut
        if votes.sum() >= 3 and truth[votes].mean() >= min_precision:
            high = float(cut)
            break
    base = truth.mean()
    low = -np.inf
    for cut in grid[::-1]:
        below = similarity < cut
        if cut <= high and below.sum() >= 3 and truth[below].mean() <= base / 2:
            low = float(cut)
            break
    return Threshold(high=round(high, 4), low=round(low, 4))


__all__ = ["Embed", "prototypes", "similarities", "tune_threshold"]
