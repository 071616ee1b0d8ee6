"""A coverage with known truth, a biased classifier and an imperfect annotator: the audit checked.

Each outlet's articles draw their own frame propensities (Beta around the outlet's true share,
so sentences of an article cluster as real coverage does); sentences draw frames, stance and
boilerplate from them; a classifier with set recall and false-positive rates labels them. The
outlet's true share of a frame is the Beta mean: the figure an audit must cover.
`coverage_run` repeats corpus -> sample -> simulated annotator -> estimate and counts how often
each interval holds the truth (tests/unit/test_audit_coverage.py, docs/audit.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from framescope import schema
from framescope.audit.estimate import (
    AUDIT_BOILERPLATE,
    AUDIT_FRAMES,
    AUDIT_STANCE,
    BOILERPLATE_SHARE,
    estimate,
)
from framescope.audit.sample import draw
from framescope.audit.strata import assign_strata
from framescope.classifiers.base import LabelSpace
from framescope.compare.figures import outlet_figures


@dataclass(frozen=True)
class Outlet:
    name: str
    articles: int
    sentences_per_article: int
    boilerplate: float  # P(a sentence is boilerplate)
    frame_share: tuple[float, ...]  # P(frame | content), per frame in label order
    stance_share: tuple[float, ...]  # P(stance | content), per class in label order
    concentration: float = 6.0  # of each article's Beta: lower, more clustered by article


@dataclass(frozen=True)
class Classifier:
    recall: tuple[float, ...]  # P(predicted | true frame), per frame
    false_positive: tuple[float, ...]  # P(predicted | not the frame), per frame
    stance_confusion: tuple[tuple[float, ...], ...]  # row: true class, column: predicted
    boilerplate_recall: float
    boilerplate_false_positive: float


def biased_scenario(concentration: float) -> tuple[LabelSpace, list[Outlet], Classifier]:
    """The codebook's label space, three outlets and a classifier that over-predicts
    bargaining_chip (15% false positives) and misses half of costly_risk: the setting of the
    coverage test and of experiments/audit_coverage.py."""
    labels = LabelSpace(
        ("bargaining_chip", "costly_risk", "propaganda_failure"),
        ("favorable", "neutral", "unfavorable"),
        "neutral",
        (1, 0, -1),
    )
    outlets = [
        Outlet("Herald", 60, 12, 0.10, (0.10, 0.30, 0.05), (0.3, 0.5, 0.2), concentration),
        Outlet("Ledger", 60, 12, 0.20, (0.25, 0.15, 0.10), (0.2, 0.4, 0.4), concentration),
        Outlet("Wire", 60, 12, 0.05, (0.05, 0.40, 0.20), (0.1, 0.6, 0.3), concentration),
    ]
    classifier = Classifier(
        recall=(0.9, 0.5, 0.8),
        false_positive=(0.15, 0.02, 0.05),
        stance_confusion=((0.6, 0.4, 0.0), (0.1, 0.8, 0.1), (0.0, 0.4, 0.6)),
        boilerplate_recall=0.8,
        boilerplate_false_positive=0.05,
    )
    return labels, outlets, classifier


def true_figures(outlet: Outlet, labels: LabelSpace) -> dict[str, float]:
    """The outlet's true shares and net stance, named as the audit names its estimates."""
    out = {schema.audited(BOILERPLATE_SHARE): outlet.boilerplate}
    for f, share in zip(labels.frame_ids, outlet.frame_share, strict=True):
        out[schema.audited(schema.frame_share(f))] = share
    for s, share in zip(labels.stance_ids, outlet.stance_share, strict=True):
        out[schema.audited(schema.stance_share(s))] = share
    net = sum(p * s for p, s in zip(labels.stance_polarity, outlet.stance_share, strict=True))
    out[schema.audited(schema.NET_STANCE)] = float(net)
    return out


def corpus(
    outlets: list[Outlet], classifier: Classifier, labels: LabelSpace, rng: np.random.Generator
) -> pd.DataFrame:
    """Scored sentences (predictions in the usual columns) with the truth in the audit_* ones."""
    frames, stances = np.array(labels.frame_ids), np.array(labels.stance_ids)
    parts = []
    for o in outlets:
        n_sent = o.articles * o.sentences_per_article
        share = np.array(o.frame_share)
        a, b = share * o.concentration, (1 - share) * o.concentration
        propensity = rng.beta(a, b, size=(o.articles, len(share)))
        per_sentence = np.repeat(propensity, o.sentences_per_article, axis=0)
        true_bp = rng.random(n_sent) < o.boilerplate
        true_f = (rng.random(per_sentence.shape) < per_sentence) & ~true_bp[:, None]
        true_s = rng.choice(len(stances), size=n_sent, p=o.stance_share)
        hit = rng.random(true_f.shape)
        pred_f = np.where(true_f, hit < classifier.recall, hit < classifier.false_positive)
        confusion = np.array(classifier.stance_confusion)
        pred_s = np.array([rng.choice(len(stances), p=confusion[t]) for t in true_s])
        flip = rng.random(n_sent)
        pred_bp = np.where(
            true_bp,
            flip < classifier.boilerplate_recall,
            flip < classifier.boilerplate_false_positive,
        )
        pred_f &= ~pred_bp[:, None]
        article = np.repeat([f"{o.name}-{i}" for i in range(o.articles)], o.sentences_per_article)
        parts.append(
            pd.DataFrame(
                {
                    schema.SENTENCE_ID: [f"{o.name}-s{i}" for i in range(n_sent)],
                    schema.ARTICLE_ID: article,
                    schema.OUTLET: o.name,
                    schema.TEXT: [f"simulated sentence {i}" for i in range(n_sent)],
                    schema.FRAMES: [list(frames[row]) for row in pred_f],
                    schema.STANCE: np.where(pred_bp, labels.stance_default, stances[pred_s]),
                    schema.BOILERPLATE: pred_bp,
                    AUDIT_FRAMES: [list(frames[row]) for row in true_f],
                    AUDIT_STANCE: np.where(true_bp, labels.stance_default, stances[true_s]),
                    AUDIT_BOILERPLATE: true_bp,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def annotate(truth: pd.DataFrame, error: float, labels: LabelSpace, rng: np.random.Generator):
    """The truth as an annotator who errs at rate `error` on every label gives it."""
    out = truth.copy()
    bp = out[AUDIT_BOILERPLATE].to_numpy(bool) ^ (rng.random(len(out)) < error)
    frames, stances = labels.frame_ids, labels.stance_ids
    flipped_frames, flipped_stance = [], []
    for fs, s in zip(out[AUDIT_FRAMES], out[AUDIT_STANCE], strict=True):
        flips = rng.random(len(frames)) < error
        flipped_frames.append([f for f, x in zip(frames, flips, strict=True) if (f in fs) ^ x])
        if rng.random() < error:
            s = rng.choice([c for c in stances if c != s])
        flipped_stance.append(str(s))
    out[AUDIT_FRAMES] = [[] if b else fs for fs, b in zip(flipped_frames, bp, strict=True)]
    out[AUDIT_STANCE] = [
        labels.stance_default if b else s for s, b in zip(flipped_stance, bp, strict=True)
    ]
    out[AUDIT_BOILERPLATE] = bp
    return out


def coverage_run(
    outlets: list[Outlet],
    classifier: Classifier,
    labels: LabelSpace,
    *,
    repetitions: int,
    n: int,
    annotator_error: float,
    confidence: float,
    samples: int,
    seed: int,
    min_per_stratum: int = 2,
    min_stratum_size: int = 10,
) -> pd.DataFrame:
    """One row per repetition x outlet x figure: truth, audit estimate and interval, raw share
    and its interval, and whether each interval holds the truth."""
    rng = np.random.default_rng(seed)
    truths = {o.name: true_figures(o, labels) for o in outlets}
    rows = []
    for rep in range(repetitions):
        sentences = corpus(outlets, classifier, labels, rng)
        strata = assign_strata(sentences, labels.frame_ids, min_stratum_size)
        sample = draw(sentences, strata, n, min_per_stratum, int(rng.integers(2**31)))
        truth = sentences.set_index(schema.SENTENCE_ID)[
            [AUDIT_FRAMES, AUDIT_STANCE, AUDIT_BOILERPLATE]
        ]
        audited = annotate(sample.join(truth, on=schema.SENTENCE_ID), annotator_error, labels, rng)
        audit = estimate(
            sentences, strata, audited, labels,
            samples=samples, confidence=confidence, seed=int(rng.integers(2**31)),
        ).table.set_index(schema.OUTLET)  # fmt: skip
        raw = outlet_figures(
            sentences, labels, samples=samples, confidence=confidence, seed=rep
        ).set_index(schema.OUTLET)
        for outlet, figures in truths.items():
            for name, true in figures.items():
                raw_name = name.removeprefix(schema.audited(""))
                has_raw = raw_name in raw.columns
                low, high = (
                    audit.at[outlet, f"{name}.{c}"] for c in (schema.CI_LOW, schema.CI_HIGH)
                )
                raw_low, raw_high = (
                    (raw.at[outlet, f"{raw_name}.{c}"] for c in (schema.CI_LOW, schema.CI_HIGH))
                    if has_raw
                    else (np.nan, np.nan)
                )
                rows.append(
                    {
                        "repetition": rep,
                        schema.OUTLET: outlet,
                        schema.METRIC: name,
                        "truth": true,
                        "audited": audit.at[outlet, name],
                        "audited_covers": bool(low <= true <= high),
                        "raw": raw.at[outlet, raw_name] if has_raw else np.nan,
                        "raw_covers": bool(raw_low <= true <= raw_high) if has_raw else None,
                    }
                )
    return pd.DataFrame(rows)
