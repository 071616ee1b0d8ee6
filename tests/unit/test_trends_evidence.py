"""Trends by period, top-k evidence sentences, and shares corrected for classifier error."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from pipeline_params import FAST_FIGURES

from framescope import schema
from framescope.compare.correction import (
    MetricsError,
    correct_shares,
    read_frame_metrics,
)
from framescope.compare.evidence import top_sentences
from framescope.compare.figures import outlet_figures
from framescope.compare.trends import outlet_trends


def test_monthly_trends_count_articles_and_content_sentences(synthetic_scored):
    sentences, articles, labels = synthetic_scored
    trends = outlet_trends(sentences, articles, labels, "month")
    herald = trends[trends[schema.OUTLET] == "Herald"].set_index(schema.PERIOD)
    # Herald articles 0..9 fall in months 8, 9, 10, 8, 9, 10, ... -> 4, 3, 3 articles
    assert herald[schema.N_ARTICLES].to_dict() == {
        "2024-08-01": 4,
        "2024-09-01": 3,
        "2024-10-01": 3,
    }
    assert herald.loc["2024-08-01", schema.N_SENTENCES] == 4 * 11  # boilerplate left out
    content = sentences[~sentences[schema.BOILERPLATE] & (sentences[schema.OUTLET] == "Herald")]
    august = content[content[schema.ARTICLE_ID].isin([f"herald-{a}" for a in (0, 3, 6, 9)])]
    share = august[schema.FRAMES].map(lambda fs: "bargaining_chip" in fs).mean()
    assert herald.loc["2024-08-01", "frame_share.bargaining_chip"] == pytest.approx(share)


def test_weekly_trends_start_on_mondays(synthetic_scored):
    sentences, articles, labels = synthetic_scored
    trends = outlet_trends(sentences, articles, labels, "week")
    starts = pd.to_datetime(trends[schema.PERIOD])
    assert (starts.dt.day_of_week == 0).all()
    assert trends[schema.N_ARTICLES].sum() == len(articles)


def test_no_dates_no_trends(synthetic_scored):
    sentences, articles, labels = synthetic_scored
    trends = outlet_trends(sentences, articles.assign(**{schema.DATE: None}), labels)
    assert trends.empty and schema.PERIOD in trends.columns


def test_evidence_is_top_k_by_probability_with_article_metadata(synthetic_scored):
    sentences, articles, labels = synthetic_scored
    evidence = top_sentences(sentences, articles, labels, k=3)
    assert len(evidence) == 3 * len(labels.frame_ids) * 3  # outlets x frames x k
    herald_chip = evidence[
        (evidence[schema.OUTLET] == "Herald") & (evidence[schema.FRAME] == "bargaining_chip")
    ]
    assert herald_chip[schema.RANK].tolist() == [1, 2, 3]
    assert herald_chip[schema.PROBABILITY].is_monotonic_decreasing
    top = herald_chip.iloc[0]
    assert top[schema.PROBABILITY] == pytest.approx(0.99)
    assert top[schema.TITLE] == "Herald story 0 <b>bold</b>"
    assert top[schema.URL] == "https://herald.example/0"
    assert top[schema.DATE] == "2024-08-01"
    content = sentences[~sentences[schema.BOILERPLATE]]
    best = content[content[schema.OUTLET] == "Herald"]["frame_score.bargaining_chip"]
    assert herald_chip[schema.PROBABILITY].tolist() == sorted(best, reverse=True)[:3]
    boilerplate_ids = set(sentences.loc[sentences[schema.BOILERPLATE], schema.SENTENCE_ID])
    assert not boilerplate_ids & set(evidence[schema.SENTENCE_ID])


def _metrics(precision, recall):
    frames = ("bargaining_chip", "costly_risk", "propaganda_failure")
    return {f: {"precision": precision, "recall": recall} for f in frames}


def test_corrected_share_is_raw_times_precision_over_recall(synthetic_scored):
    sentences, _, labels = synthetic_scored
    table = outlet_figures(sentences, labels, **FAST_FIGURES)
    corrected = correct_shares(table, labels, _metrics(0.5, 0.8))
    raw = table["frame_share.costly_risk"]
    assert corrected["frame_share_corrected.costly_risk"].to_numpy() == pytest.approx(
        (raw * 0.5 / 0.8).to_numpy()
    )
    assert corrected["frame_share.costly_risk"].equals(raw)  # raw kept beside it
    low = corrected["frame_share_corrected.costly_risk.ci_low"]
    assert (low <= corrected["frame_share_corrected.costly_risk"] + 1e-12).all()


def test_corrected_share_is_clipped_and_nan_without_recall(synthetic_scored):
    sentences, _, labels = synthetic_scored
    table = outlet_figures(sentences, labels, **FAST_FIGURES)
    high = correct_shares(table, labels, _metrics(1.0, 0.1))
    assert high["frame_share_corrected.bargaining_chip"].max() == 1.0
    assert high["frame_share_corrected.bargaining_chip"].between(0, 1).all()
    none = correct_shares(table, labels, _metrics(0.0, 0.0))
    assert np.isnan(none["frame_share_corrected.bargaining_chip"]).all()


def test_frame_metrics_come_from_an_evaluate_report(tmp_path, synthetic_scored):
    labels = synthetic_scored[2]
    path = tmp_path / "evaluate_report.json"
    path.write_text(json.dumps({"frames": {**_metrics(0.7, 0.9), "macro_f1": 0.5}}))
    assert read_frame_metrics(path, labels)["costly_risk"] == {"precision": 0.7, "recall": 0.9}
    path.write_text(json.dumps({"frames": {"costly_risk": {"precision": 1, "recall": 1}}}))
    with pytest.raises(MetricsError, match=r"evaluate_report.json: no precision/recall for frame"):
        read_frame_metrics(path, labels)
    with pytest.raises(MetricsError, match="file not found"):
        read_frame_metrics(tmp_path / "missing.json", labels)
