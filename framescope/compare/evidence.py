"""Evidence a reader can check: per outlet and frame, the sentences the model was surest of."""

from __future__ import annotations

import pandas as pd

from framescope import schema
from framescope.classifiers.base import LabelSpace
from framescope.classifiers.bundle import frame_score_column

EVIDENCE_COLUMNS = [
    schema.OUTLET,
    schema.FRAME,
    schema.RANK,
    schema.PROBABILITY,
    schema.PREDICTED,
    schema.TEXT,
    schema.TITLE,
    schema.URL,
    schema.DATE,
    schema.ARTICLE_ID,
    schema.SENTENCE_ID,
]


def top_sentences(
    sentences: pd.DataFrame, articles: pd.DataFrame, labels: LabelSpace, k: int = 5
) -> pd.DataFrame:
    """Top-k content sentences per outlet × frame by the frame's probability, with the
    article's title, url and date. `predicted` says whether the frame was assigned.
    """
    content = sentences[~sentences[schema.BOILERPLATE].astype(bool)]
    meta = articles.set_index(schema.ARTICLE_ID)[[schema.TITLE, schema.URL, schema.DATE]]
    parts = []
    for frame_id in labels.frame_ids:
        column = frame_score_column(frame_id)
        ranked = content.sort_values(
            [schema.OUTLET, column, schema.SENTENCE_ID], ascending=[True, False, True]
        )
        top = ranked.groupby(schema.OUTLET, sort=True).head(k)
        part = pd.DataFrame(
            {
                schema.OUTLET: top[schema.OUTLET].to_numpy(),
                schema.FRAME: frame_id,
                schema.PROBABILITY: top[column].to_numpy(dtype=float),
                schema.PREDICTED: top[schema.FRAMES].map(lambda fs, f=frame_id: f in fs),
                schema.TEXT: top[schema.TEXT].to_numpy(),
                schema.ARTICLE_ID: top[schema.ARTICLE_ID].to_numpy(),
                schema.SENTENCE_ID: top[schema.SENTENCE_ID].to_numpy(),
            }
        )
        part[schema.RANK] = part.groupby(schema.OUTLET).cumcount() + 1
        parts.append(part)
    if not parts:
        return pd.DataFrame(columns=EVIDENCE_COLUMNS)
    table = pd.concat(parts, ignore_index=True).join(meta, on=schema.ARTICLE_ID)
    table = table.sort_values([schema.OUTLET, schema.FRAME, schema.RANK], kind="stable")
    return table[EVIDENCE_COLUMNS].reset_index(drop=True)
