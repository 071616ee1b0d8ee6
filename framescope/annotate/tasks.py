"""Selected sentences as Label Studio tasks: context, title and the pre-annotation."""

from __future__ import annotations

from typing import Any

import pandas as pd

from framescope import schema
from framescope.annotate import studio


def neighbours(sentences: pd.DataFrame) -> pd.DataFrame:
    """sentence_id -> the previous and next sentence of the same article ("" at the edges)."""
    ordered = sentences.sort_values([schema.ARTICLE_ID, schema.POSITION])
    by_article = ordered.groupby(schema.ARTICLE_ID)[schema.TEXT]
    return pd.DataFrame(
        {
            studio.CONTEXT_BEFORE: by_article.shift(1).fillna("").to_numpy(),
            studio.CONTEXT_AFTER: by_article.shift(-1).fillna("").to_numpy(),
        },
        index=ordered[schema.SENTENCE_ID].to_numpy(),
    )


def make_tasks(
    chosen: pd.DataFrame,
    sentences: pd.DataFrame,
    titles: dict[str, str],
    model_version: str,
    strategy: str,
) -> list[dict[str, Any]]:
    """One Label Studio import task per chosen sentence, in priority order.

    `chosen` holds scored sentences (prediction columns included) and a `priority` column;
    `sentences` is the whole corpus they come from, for the context either side.
    """
    context = neighbours(sentences)
    tasks = []
    for rank, row in enumerate(chosen.to_dict("records"), start=1):
        sid = row[schema.SENTENCE_ID]
        prediction: dict[str, Any] = {
            "model_version": model_version,
            "result": studio.result_items(
                [str(f) for f in row[schema.FRAMES]],
                str(row[schema.STANCE]),
                bool(row[schema.BOILERPLATE]),
            ),
        }
        if strategy == "uncertainty":  # Label Studio sorts by it: low confidence = worth a look
            prediction["score"] = round(1.0 - float(row["priority"]), 6)
        data = {
            schema.TEXT: row[schema.TEXT],
            schema.SENTENCE_ID: sid,
            schema.ARTICLE_ID: row[schema.ARTICLE_ID],
            schema.OUTLET: row[schema.OUTLET],
            studio.TITLE: titles.get(row[schema.ARTICLE_ID], ""),
            studio.CONTEXT_BEFORE: context.at[sid, studio.CONTEXT_BEFORE],
            studio.CONTEXT_AFTER: context.at[sid, studio.CONTEXT_AFTER],
            "selection": {"strategy": strategy, "rank": rank},
        }
        tasks.append({"data": data, "predictions": [prediction]})
    return tasks
