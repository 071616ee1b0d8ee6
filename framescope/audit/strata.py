"""The audit's strata: each scored sentence falls in exactly one (outlet x predicted cell).

A sentence's predicted cell is `boilerplate` when the model called it boilerplate, else its
predicted frame set and stance, e.g. `costly_risk | unfavorable` or `no frame | neutral`.
Within an outlet, cells with fewer than `min_size` sentences are pooled into `other`, so that
no stratum is too small to sample and to estimate from. Strata only decide how the sample is
drawn and weighted; any stratification gives unbiased estimates, a good one narrower intervals.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import pandas as pd

from framescope import schema

BOILERPLATE_CELL = "boilerplate"
NO_FRAME = "no frame"
OTHER_CELL = "other"
SEPARATOR = " / "


def predicted_cell(
    frames: Sequence[str], stance: str, boilerplate: bool, order: Sequence[str]
) -> str:
    """The cell of one prediction; frames in codebook (`order`) order."""
    if boilerplate:
        return BOILERPLATE_CELL
    named = [f for f in order if f in set(frames)]
    return f"{'+'.join(named) or NO_FRAME} | {stance}"


def assign_strata(sentences: pd.DataFrame, frame_order: Sequence[str], min_size: int) -> pd.Series:
    """The stratum of every sentence (same index as `sentences`)."""
    cells = pd.Series(
        [
            predicted_cell(list(f), str(s), bool(b), frame_order)
            for f, s, b in zip(
                sentences[schema.FRAMES],
                sentences[schema.STANCE],
                sentences[schema.BOILERPLATE],
                strict=True,
            )
        ],
        index=sentences.index,
    )
    outlets = sentences[schema.OUTLET].astype(str)
    size = cells.groupby([outlets, cells]).transform("size")
    cells = cells.where(size >= min_size, OTHER_CELL)
    return outlets + SEPARATOR + cells


def corpus_fingerprint(sentences: pd.DataFrame) -> str:
    """A digest of the corpus as the audit saw it: sentence ids, articles, outlets, predictions.

    A sample is only valid for the corpus it was drawn from: another corpus, or the same texts
    scored by another model, has other strata and other inclusion probabilities.
    """
    lines = sorted(
        "\t".join([sid, str(article), str(outlet), "+".join(sorted(frames)), str(stance), str(bp)])
        for sid, article, outlet, frames, stance, bp in zip(
            sentences[schema.SENTENCE_ID],
            sentences[schema.ARTICLE_ID],
            sentences[schema.OUTLET],
            sentences[schema.FRAMES],
            sentences[schema.STANCE],
            sentences[schema.BOILERPLATE].astype(bool),
            strict=True,
        )
    )
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:16]
