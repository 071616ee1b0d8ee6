"""`--engine spark` in Spark local mode gives the local engine's output on a small corpus."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from pipeline_params import FAST_FIGURES

from framescope import schema
from framescope.ingest.corpus import ReadOptions
from framescope.scoring.engine import ScoreSettings, score_paths

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def both(scoring_model, scoring_model_path, tmp_path_factory):
    pytest.importorskip("pyspark", reason="pyspark is not installed (pip install '.[spark]')")
    if shutil.which("java") is None:
        pytest.skip("Spark needs a Java runtime; none on PATH")
    from test_score_engine import make_corpus

    from framescope.scoring.spark import score_spark

    base = tmp_path_factory.mktemp("spark")
    corpus = make_corpus(base / "in", 40)
    (corpus / "cyrillic.txt").write_text(
        "Украинские войска продвинулись вглубь Курской области в четверг.", "utf-8"
    )
    settings = ScoreSettings(chunk_size=6, progress=False)
    local = score_paths(
        [str(corpus)], base / "local", scoring_model, settings=settings, **FAST_FIGURES
    )
    spark = score_spark(
        [str(corpus)],
        base / "spark",
        str(scoring_model_path),
        ReadOptions(),
        settings,
        master="local[2]",
        **FAST_FIGURES,
    )
    return base, local, spark


def _sorted(table: pd.DataFrame, key: str) -> pd.DataFrame:
    table = table.sort_values(key).reset_index(drop=True)
    if schema.FRAMES in table:
        table[schema.FRAMES] = table[schema.FRAMES].map(list)
    return table


def test_spark_predictions_identical_to_local(both):
    base, _, _ = both
    local = _sorted(pd.read_parquet(base / "local" / "sentences.parquet"), schema.SENTENCE_ID)
    spark = _sorted(pd.read_parquet(base / "spark" / "sentences.parquet"), schema.SENTENCE_ID)
    assert len(local) > 100
    pd.testing.assert_frame_equal(local, spark, check_dtype=False, check_exact=True)


def test_spark_articles_rejects_and_figures_match_local(both):
    base, local, spark = both
    for name in ("articles.parquet",):
        a = _sorted(pd.read_parquet(base / "local" / name), schema.ARTICLE_ID)
        b = _sorted(pd.read_parquet(base / "spark" / name), schema.ARTICLE_ID)
        pd.testing.assert_frame_equal(a, b, check_dtype=False)
    assert (base / "local" / "rejects.jsonl").read_text() == (
        base / "spark" / "rejects.jsonl"
    ).read_text()
    assert (base / "local" / "outlets.csv").read_text() == (
        base / "spark" / "outlets.csv"
    ).read_text()
    keys = ("read", "scored", "rejected", "duplicates", "sentences", "other_language", "undated")
    assert {k: getattr(local, k) for k in keys} == {k: getattr(spark, k) for k in keys}
    assert json.loads((base / "spark" / "manifest.json").read_text())["status"] == "complete"
