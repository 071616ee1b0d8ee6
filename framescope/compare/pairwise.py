"""Pairwise outlet differences: article-level permutation tests, bootstrap intervals, BH.

Every test compares two outlets on one figure (a frame share or net stance). The unit of
resampling is the article, because sentences of one article are not independent.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

from framescope import schema
from framescope.classifiers.base import LabelSpace
from framescope.compare.figures import _figures, article_counts

PAIRWISE_COLUMNS = [
    schema.OUTLET_A,
    schema.OUTLET_B,
    schema.METRIC,
    schema.VALUE_A,
    schema.VALUE_B,
    schema.DIFFERENCE,
    f"{schema.DIFFERENCE}.{schema.CI_LOW}",
    f"{schema.DIFFERENCE}.{schema.CI_HIGH}",
    schema.P_VALUE,
    schema.Q_VALUE,
    schema.SIGNIFICANT,
]


def benjamini_hochberg(p_values: np.ndarray | list[float]) -> np.ndarray:
    """BH-adjusted p-values (q-values), in the input order, monotone in p, capped at 1."""
    p = np.asarray(p_values, dtype=float)
    n = len(p)
    if n == 0:
        return p
    order = np.argsort(p, kind="stable")
    scaled = p[order] * n / np.arange(1, n + 1)
    adjusted = np.minimum.accumulate(scaled[::-1])[::-1]
    q = np.empty(n)
    q[order] = np.minimum(adjusted, 1.0)
    return q


def compared_metrics(labels: LabelSpace) -> list[str]:
    """The figures compared between outlets: every frame share and net stance."""
    return [schema.frame_share(f) for f in labels.frame_ids] + [schema.NET_STANCE]


def flag_evidence(table: pd.DataFrame, min_articles: int, min_sentences: int) -> pd.DataFrame:
    """The outlet table with an `evidence` column: `ok`, or `insufficient` below a minimum."""
    enough = (table[schema.N_ARTICLES] >= min_articles) & (
        table[schema.N_SENTENCES] >= min_sentences
    )
    return table.assign(**{schema.EVIDENCE: np.where(enough, "ok", schema.INSUFFICIENT)})


def _bootstrap(matrix: np.ndarray, polarity: np.ndarray, samples: int, rng: np.random.Generator):
    """Figures of `samples` article resamples (multinomial weights: one matrix product)."""
    n = len(matrix)
    weights = rng.multinomial(n, np.full(n, 1.0 / n), size=samples).astype(float)
    return _figures(weights @ matrix, polarity)


def pairwise_differences(
    sentences: pd.DataFrame,
    labels: LabelSpace,
    outlets: list[str],
    *,
    samples: int,
    confidence: float,
    alpha: float,
    seed: int,
) -> pd.DataFrame:
    """One row per outlet pair and figure: difference (a − b) with a bootstrap interval,
    a two-sided permutation p-value, and the Benjamini–Hochberg q-value over all rows.

    `outlets` are the outlets to compare (those with sufficient evidence).
    """
    counts = article_counts(sentences, labels)
    value_columns = ["n", *labels.frame_ids, *labels.stance_ids]
    polarity = np.asarray(labels.stance_polarity, dtype=float)
    # Positions of the tested figures in _figures' output: frames first, net stance last.
    index = [*range(len(labels.frame_ids)), -1]
    names = compared_metrics(labels)
    rng = np.random.default_rng(seed)
    wanted = set(outlets)
    matrices = {
        str(o): g[value_columns].to_numpy(dtype=float)
        for o, g in counts.groupby(schema.OUTLET, sort=True)
        if str(o) in wanted
    }
    boots = {o: _bootstrap(m, polarity, samples, rng)[:, index] for o, m in matrices.items()}
    low_q, high_q = (1 - confidence) / 2, 1 - (1 - confidence) / 2
    rows: list[dict[str, object]] = []
    for a, b in combinations(sorted(matrices), 2):
        xa, xb = matrices[a], matrices[b]
        value_a = _figures(xa.sum(axis=0), polarity)[index]
        value_b = _figures(xb.sum(axis=0), polarity)[index]
        observed = value_a - value_b
        diffs = boots[a] - boots[b]
        low, high = np.quantile(diffs, [low_q, high_q], axis=0)
        # Permutation: shuffle the outlet label over the pooled articles of both outlets.
        pooled = np.vstack([xa, xb])
        base = np.r_[np.ones(len(xa)), np.zeros(len(xb))]
        assign = rng.permuted(np.tile(base, (samples, 1)), axis=1)
        in_a = assign @ pooled
        perm = (_figures(in_a, polarity) - _figures(pooled.sum(axis=0) - in_a, polarity))[:, index]
        extreme = (np.abs(perm) >= np.abs(observed) - 1e-12).sum(axis=0)
        p_values = (1 + extreme) / (1 + samples)
        for j, name in enumerate(names):
            rows.append(
                {
                    schema.OUTLET_A: a,
                    schema.OUTLET_B: b,
                    schema.METRIC: name,
                    schema.VALUE_A: float(value_a[j]),
                    schema.VALUE_B: float(value_b[j]),
                    schema.DIFFERENCE: float(observed[j]),
                    f"{schema.DIFFERENCE}.{schema.CI_LOW}": float(low[j]),
                    f"{schema.DIFFERENCE}.{schema.CI_HIGH}": float(high[j]),
                    schema.P_VALUE: float(p_values[j]),
                }
            )
    table = pd.DataFrame(rows, columns=PAIRWISE_COLUMNS[:-2])
    q = benjamini_hochberg(table[schema.P_VALUE].to_numpy())
    return table.assign(**{schema.Q_VALUE: q, schema.SIGNIFICANT: q < alpha})
