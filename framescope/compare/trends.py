"""Per-outlet frame shares and net stance by week or month, where articles have dates."""

from __future__ import annotations

import numpy as np
import pandas as pd

from framescope import schema
from framescope.classifiers.base import LabelSpace

_FREQ = {"week": "W-SUN", "month": "M"}


def trend_columns(labels: LabelSpace) -> list[str]:
    return [
        schema.OUTLET,
        schema.PERIOD,
        schema.N_ARTICLES,
        schema.N_SENTENCES,
        *(schema.frame_share(f) for f in labels.frame_ids),
        schema.NET_STANCE,
    ]


def outlet_trends(
    sentences: pd.DataFrame, articles: pd.DataFrame, labels: LabelSpace, period: str = "month"
) -> pd.DataFrame:
    """One row per outlet and period (its first day, ISO): content-sentence shares.

    Articles without a date are left out; no dated article gives an empty table.
    """
    if period not in _FREQ:
        raise ValueError(f"period {period!r} not in {sorted(_FREQ)}")
    dates = pd.to_datetime(
        articles.set_index(schema.ARTICLE_ID)[schema.DATE], errors="coerce", format="ISO8601"
    )
    content = sentences[~sentences[schema.BOILERPLATE].astype(bool)]
    when = content[schema.ARTICLE_ID].map(dates)
    dated = content[when.notna().to_numpy()]
    if dated.empty:
        return pd.DataFrame(columns=trend_columns(labels))
    starts = when.dropna().dt.to_period(_FREQ[period]).dt.start_time.dt.date.astype(str)
    frame = pd.DataFrame(
        {
            schema.OUTLET: dated[schema.OUTLET].to_numpy(),
            schema.PERIOD: starts.to_numpy(),
            schema.ARTICLE_ID: dated[schema.ARTICLE_ID].to_numpy(),
        }
    )
    for f in labels.frame_ids:
        frame[f] = dated[schema.FRAMES].map(lambda fs, f=f: int(f in fs)).to_numpy()
    polarity = dict(zip(labels.stance_ids, labels.stance_polarity, strict=True))
    frame["_polarity"] = dated[schema.STANCE].map(polarity).fillna(0).to_numpy(dtype=float)
    grouped = frame.groupby([schema.OUTLET, schema.PERIOD], sort=True)
    out = grouped.agg(
        **{
            schema.N_ARTICLES: (schema.ARTICLE_ID, "nunique"),
            schema.N_SENTENCES: (schema.ARTICLE_ID, "size"),
        }
    )
    for f in labels.frame_ids:
        out[schema.frame_share(f)] = grouped[f].mean()
    out[schema.NET_STANCE] = grouped["_polarity"].mean()
    out = out.reset_index()
    out[schema.N_ARTICLES] = out[schema.N_ARTICLES].astype(np.int64)
    return out[trend_columns(labels)]
