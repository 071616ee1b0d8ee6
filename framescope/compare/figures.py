"""Per-outlet figures on content sentences, with bootstrap intervals that resample articles."""

from __future__ import annotations

import numpy as np
import pandas as pd

from framescope import schema
from framescope.classifiers.base import LabelSpace


def article_counts(sentences: pd.DataFrame, labels: LabelSpace) -> pd.DataFrame:
    """One row per article: content sentences, sentences per frame, sentences per stance class."""
    content = sentences[~sentences[schema.BOILERPLATE].astype(bool)]
    counts = pd.DataFrame(
        {
            schema.ARTICLE_ID: content[schema.ARTICLE_ID].to_numpy(),
            schema.OUTLET: content[schema.OUTLET].to_numpy(),
            "n": 1,
        }
    )
    # One pass over the frame lists (not one per frame): a score run's outlet table reads
    # every content sentence of the corpus here.
    frame_index = {f: j for j, f in enumerate(labels.frame_ids)}
    has_frame = np.zeros((len(content), len(frame_index)), dtype=int)
    for i, frames in enumerate(content[schema.FRAMES]):
        for f in frames:
            if f in frame_index:
                has_frame[i, frame_index[f]] = 1
    for frame_id, j in frame_index.items():
        counts[frame_id] = has_frame[:, j]
    for class_id in labels.stance_ids:
        counts[class_id] = (content[schema.STANCE] == class_id).astype(int).to_numpy()
    return counts.groupby([schema.OUTLET, schema.ARTICLE_ID], sort=True).sum().reset_index()


def _figures(matrix: np.ndarray, polarity: np.ndarray) -> np.ndarray:
    """Shares (frames then stance classes) and net stance from summed article rows (..., 1+k)."""
    n = np.maximum(matrix[..., :1], 1)
    shares = matrix[..., 1:] / n
    n_stance = len(polarity)
    net = (shares[..., -n_stance:] * polarity).sum(axis=-1, keepdims=True)
    return np.concatenate([shares, net], axis=-1)


def outlet_figures(
    sentences: pd.DataFrame,
    labels: LabelSpace,
    *,
    samples: int,
    confidence: float,
    seed: int,
) -> pd.DataFrame:
    """Frame shares, stance shares and net stance per outlet, each with a bootstrap interval.

    Boilerplate sentences never count. The interval resamples whole articles, because
    sentences of one article are not independent.
    """
    all_articles = sentences.groupby(schema.OUTLET)[schema.ARTICLE_ID].nunique()
    counts = article_counts(sentences, labels)
    return figures_from_counts(
        counts, all_articles, labels, samples=samples, confidence=confidence, seed=seed
    )


def figures_from_counts(
    counts: pd.DataFrame,
    all_articles: pd.Series,
    labels: LabelSpace,
    *,
    samples: int,
    confidence: float,
    seed: int,
) -> pd.DataFrame:
    """`outlet_figures` from `article_counts` rows (sorted by outlet, article) and articles per
    outlet: a streamed run sums these part by part instead of loading every sentence."""
    names = metric_names(labels)
    value_columns = ["n", *labels.frame_ids, *labels.stance_ids]
    polarity = np.asarray(labels.stance_polarity, dtype=float)
    rng = np.random.default_rng(seed)
    low_q, high_q = (1 - confidence) / 2, 1 - (1 - confidence) / 2
    rows = []
    for outlet, group in counts.groupby(schema.OUTLET, sort=True):
        matrix = group[value_columns].to_numpy(dtype=float)
        point = _figures(matrix.sum(axis=0), polarity)
        draws = rng.integers(0, len(matrix), size=(samples, len(matrix)))
        boot = _figures(_resampled_sums(matrix, draws), polarity)
        low, high = np.quantile(boot, [low_q, high_q], axis=0)
        row: dict[str, object] = {
            schema.OUTLET: outlet,
            schema.N_ARTICLES: int(all_articles.get(outlet, len(matrix))),
            schema.N_SENTENCES: int(matrix[:, 0].sum()),
        }
        for i, name in enumerate(names):
            row[name] = float(point[i])
            row[f"{name}.{schema.CI_LOW}"] = float(low[i])
            row[f"{name}.{schema.CI_HIGH}"] = float(high[i])
        rows.append(row)
    return pd.DataFrame(rows)


def _resampled_sums(matrix: np.ndarray, draws: np.ndarray, block: int = 50) -> np.ndarray:
    """`matrix[draws].sum(axis=1)` a block of resamples at a time: at once it is a
    samples x articles x columns array, 300 MB for an outlet of 5,000 articles."""
    return np.concatenate(
        [matrix[draws[i : i + block]].sum(axis=1) for i in range(0, len(draws), block)]
    )


def metric_names(labels: LabelSpace) -> list[str]:
    """The per-outlet figure names, without interval suffixes."""
    return (
        [schema.frame_share(f) for f in labels.frame_ids]
        + [schema.stance_share(c) for c in labels.stance_ids]
        + [schema.NET_STANCE]
    )
