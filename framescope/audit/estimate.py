"""Outlet figures from an audit: design-weighted shares, precision and recall, with intervals.

The estimator is the stratified ratio estimator. In stratum h (an outlet's predicted cell) the
audit measures the mean of each label indicator over its n_h labelled sentences, y_h: the
confusion of the classifier in that cell, as P(true label | predicted cell). The outlet's total
of a label is Y = sum_h N_h y_h (N_h: corpus sentences in h, i.e. design weight N_h / n_h per
labelled sentence), and every figure is a ratio of two such totals: a frame's share is
Y(frame and true content) / Y(true content), a precision Y(predicted and true) / Y(predicted),
a recall Y(predicted and true) / Y(true). Boilerplate is judged by the annotator, so shares are
of sentences the audit calls content, as the outlet figures are of predicted content.

Interval: a two-stage percentile bootstrap. Each resample (1) resamples the outlet's articles
with replacement, which gives new N_h (the corpus's own sampling error, as in the outlet
figures), and (2) resamples the labelled sentences with replacement within each stratum, which
gives new y_h (the audit's sampling error: n_h - 1 draws, Rao and Wu's rescaling bootstrap, so
small strata are not too sure of themselves; no finite-population correction, so the interval is
for the outlet's coverage, of which the corpus is a sample). Running each stage alone gives the
two parts of the variance, which say how many more labels would narrow an interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from framescope import schema
from framescope.classifiers.base import LabelSpace

AUDIT_FRAMES, AUDIT_STANCE, AUDIT_BOILERPLATE = "audit_frames", "audit_stance", "audit_boilerplate"
ALL_OUTLETS = "all outlets"
N_AUDITED = "n_audited"
BOILERPLATE_SHARE = "boilerplate_share"
PARTS = ("total", "audit", "corpus")  # variance: both stages, the audit only, the corpus only


class EstimateError(ValueError):
    """The labels cannot support an estimate (a stratum without any labelled sentence)."""


def _indicators(table: pd.DataFrame, labels: LabelSpace) -> tuple[np.ndarray, list[str]]:
    """Per labelled sentence, the 0/1 quantities every figure is a ratio of totals of."""
    pred_content = ~table[schema.BOILERPLATE].astype(bool).to_numpy()
    content = ~table[AUDIT_BOILERPLATE].astype(bool).to_numpy()
    columns: dict[str, np.ndarray] = {
        "one": np.ones(len(table)),
        "content": content,
        "pred.boilerplate": ~pred_content,
        "hit.boilerplate": ~pred_content & ~content,
    }
    for f in labels.frame_ids:
        true = content & table[AUDIT_FRAMES].map(lambda fs, f=f: f in fs).to_numpy(bool)
        pred = pred_content & table[schema.FRAMES].map(lambda fs, f=f: f in fs).to_numpy(bool)
        columns |= {f"true.frame.{f}": true, f"pred.frame.{f}": pred, f"hit.frame.{f}": true & pred}
    for s in labels.stance_ids:
        true = content & (table[AUDIT_STANCE] == s).to_numpy()
        pred = pred_content & (table[schema.STANCE] == s).to_numpy()
        columns |= {
            f"true.stance.{s}": true,
            f"pred.stance.{s}": pred,
            f"hit.stance.{s}": true & pred,
        }
    names = list(columns)
    return np.column_stack([columns[k].astype(float) for k in names]), names


def _statistics(totals: np.ndarray, names: list[str], labels: LabelSpace) -> dict[str, np.ndarray]:
    """Every figure from estimated totals (..., Q): NaN where a denominator is 0."""
    col = {name: totals[..., i] for i, name in enumerate(names)}

    def ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(b > 0, a / np.where(b > 0, b, 1), np.nan)

    content = col["content"]
    out = {schema.audited(BOILERPLATE_SHARE): ratio(col["one"] - content, col["one"])}
    for f in labels.frame_ids:
        out[schema.audited(schema.frame_share(f))] = ratio(col[f"true.frame.{f}"], content)
    net = np.zeros_like(content)
    for s, polarity in zip(labels.stance_ids, labels.stance_polarity, strict=True):
        out[schema.audited(schema.stance_share(s))] = ratio(col[f"true.stance.{s}"], content)
        net = net + polarity * col[f"true.stance.{s}"]
    out[schema.audited(schema.NET_STANCE)] = ratio(net, content)
    kinds = [("boilerplate", "boilerplate", col["one"] - content)]
    kinds += [(f"frame.{f}", f"frame.{f}", col[f"true.frame.{f}"]) for f in labels.frame_ids]
    kinds += [(f"stance.{s}", f"stance.{s}", col[f"true.stance.{s}"]) for s in labels.stance_ids]
    for label, key, true in kinds:
        out[schema.precision(label)] = ratio(col[f"hit.{key}"], col[f"pred.{key}"])
        out[schema.recall(label)] = ratio(col[f"hit.{key}"], true)
    return out


def _block_sums(matrix: np.ndarray, draws: np.ndarray, block: int = 50) -> np.ndarray:
    return np.concatenate(
        [matrix[draws[i : i + block]].sum(axis=1) for i in range(0, len(draws), block)]
    )


def _outlet_draws(
    counts: np.ndarray, strata_y: list[np.ndarray], samples: int, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Point totals (Q,) and resampled totals (samples, Q) of one outlet, per variance part."""
    sizes = counts.sum(axis=0)
    means = np.stack([y.mean(axis=0) for y in strata_y])  # (H, Q)
    draws = rng.integers(0, len(counts), size=(samples, len(counts)))
    corpus_n = _block_sums(counts, draws)  # (B, H)
    # n_h - 1 draws out of n_h (Rao and Wu's rescaling bootstrap with m_h = n_h - 1): their mean
    # varies by s_h^2 / n_h, the unbiased variance of y_h; n_h draws would shrink it by
    # (n_h - 1) / n_h, too narrow in the small strata an audit has.
    audit_means = np.stack(
        [
            y[rng.integers(0, len(y), size=(samples, max(len(y) - 1, 1)))].mean(axis=1)
            for y in strata_y
        ],
        axis=1,
    )  # (B, H, Q)
    return {
        "point": sizes @ means,
        "total": np.einsum("bh,bhq->bq", corpus_n, audit_means),
        "audit": np.einsum("h,bhq->bq", sizes, audit_means),
        "corpus": corpus_n @ means,
    }


@dataclass
class AuditEstimate:
    """`table`: one row per outlet (and all outlets): every figure with `.ci_low`/`.ci_high`.
    `variance`: long table outlet, statistic, total / audit / corpus bootstrap variance."""

    table: pd.DataFrame
    variance: pd.DataFrame


def estimate(
    corpus: pd.DataFrame,
    strata: pd.Series,
    audited: pd.DataFrame,
    labels: LabelSpace,
    *,
    samples: int,
    confidence: float,
    seed: int,
) -> AuditEstimate:
    """Audit figures per outlet and for all outlets together.

    `corpus`: scored sentences (outlet, article_id), `strata` their stratum (same index);
    `audited`: labelled sample rows with stratum, predictions and the audit_* labels.
    """
    y, names = _indicators(audited, labels)
    rng = np.random.default_rng(seed)
    low_q, high_q = (1 - confidence) / 2, 1 - (1 - confidence) / 2
    table = corpus.assign(**{schema.STRATUM: strata.to_numpy()})
    rows: list[dict[str, object]] = []
    variance: list[dict[str, object]] = []
    pooled: dict[str, np.ndarray] = {}
    for outlet, group in table.groupby(schema.OUTLET, sort=True):
        counts = pd.crosstab(group[schema.ARTICLE_ID], group[schema.STRATUM])
        in_outlet = audited[schema.OUTLET] == outlet
        strata_y = []
        for stratum in counts.columns:
            chosen = (audited[schema.STRATUM] == stratum).to_numpy() & in_outlet.to_numpy()
            if not chosen.any():
                raise EstimateError(f"stratum {stratum!r}: no labelled sentence to estimate from")
            strata_y.append(y[chosen])
        draws = _outlet_draws(counts.to_numpy(float), strata_y, samples, rng)
        for part, values in draws.items():
            pooled[part] = pooled.get(part, 0) + values
        extra = {schema.N_SENTENCES: len(group), N_AUDITED: int(in_outlet.sum())}
        rows.append(_row(str(outlet), draws, names, labels, low_q, high_q, extra, variance))
    extra = {schema.N_SENTENCES: len(table), N_AUDITED: len(audited)}
    rows.append(_row(ALL_OUTLETS, pooled, names, labels, low_q, high_q, extra, variance))
    return AuditEstimate(pd.DataFrame(rows), pd.DataFrame(variance))


def _row(
    outlet: str,
    draws: dict[str, np.ndarray],
    names: list[str],
    labels: LabelSpace,
    low_q: float,
    high_q: float,
    extra: dict[str, int],
    variance: list[dict[str, object]],
) -> dict[str, object]:
    point = _statistics(draws["point"], names, labels)
    parts = {part: _statistics(draws[part], names, labels) for part in PARTS}
    row: dict[str, object] = {schema.OUTLET: outlet, **extra}
    for name, value in point.items():
        boot = parts["total"][name]
        finite = boot[np.isfinite(boot)]
        low, high = np.quantile(finite, [low_q, high_q]) if len(finite) else (np.nan, np.nan)
        row |= {name: float(value), f"{name}.{schema.CI_LOW}": float(low)}
        row[f"{name}.{schema.CI_HIGH}"] = float(high)
        spread = {p: float(np.nanvar(parts[p][name])) if len(finite) else np.nan for p in PARTS}
        variance.append({schema.OUTLET: outlet, schema.METRIC: name, **spread})
    return row
