"""Data tier: the real gold labels, the demo corpus and the built split agree with each other."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from framescope import schema
from framescope.config import load_params
from framescope.ingest.corpus import ReadOptions, collect_articles, read_articles
from framescope.ingest.segment import segment_articles
from framescope.labels.dataset import load_gold

REPO = Path(__file__).resolve().parents[2]
GOLD = REPO / "labels" / "gold" / "demo.jsonl"
SECOND_PASS = REPO / "labels" / "gold" / "demo.second_pass.jsonl"
LABELLED = REPO / "data" / "stages" / "labelled.parquet"


@pytest.fixture(scope="module")
def params():
    return load_params(REPO / "configs" / "params.yaml")


@pytest.fixture(scope="module")
def gold(codebook) -> pd.DataFrame:
    return load_gold(GOLD, codebook)


@pytest.fixture(scope="module")
def ingested(params):
    """The demo corpus read exactly as the ingest stage reads it (params inputs and glob)."""
    # corpus v2, the other input, has its own data tests (test_corpus_v2.py)
    inputs = [REPO / p for p in params.ingest.inputs if Path(p).parts[:2] == ("data", "demo")]
    assert inputs, "params ingest.inputs no longer reads data/demo"
    options = ReadOptions(glob=params.ingest.glob)
    articles, rejects = collect_articles(read_articles(inputs, options))
    return pd.DataFrame(articles, columns=schema.ARTICLE_COLUMNS), rejects


def _is_readme(source: str) -> bool:
    return Path(source).name.lower().startswith("readme")


@pytest.fixture(scope="module")
def articles(ingested) -> pd.DataFrame:
    # The corpus README is (wrongly) ingested as an article; test_ingest_reads_only_coverage
    # reports that. Everything else here checks the real articles.
    table, _ = ingested
    return table[~table[schema.SOURCE].map(_is_readme)].reset_index(drop=True)


@pytest.fixture(scope="module")
def sentences(articles) -> pd.DataFrame:
    return segment_articles(articles)


def test_ingest_reads_only_coverage(ingested):
    table, rejects = ingested
    assert rejects == []
    assert not table[schema.SOURCE].map(_is_readme).any()
    assert "unknown" not in set(table[schema.OUTLET])


def test_gold_validates_against_codebook(gold, codebook):
    assert set(schema.GOLD_COLUMNS) <= set(gold.columns)
    assert gold[schema.SENTENCE_ID].is_unique
    for frames in gold[schema.FRAMES]:
        # codebook order, no duplicates
        assert list(frames) == [f for f in codebook.frame_ids if f in frames]


def test_every_gold_sentence_is_in_the_corpus_with_identical_text(gold, sentences):
    corpus = sentences.set_index(schema.SENTENCE_ID)
    missing = sorted(set(gold[schema.SENTENCE_ID]) - set(corpus.index))
    assert not missing, f"{len(missing)} gold ids not produced by the segmenter, e.g. {missing[:3]}"
    joined = gold.merge(
        corpus, left_on=schema.SENTENCE_ID, right_index=True, suffixes=("", "_corpus")
    )
    for column in (schema.TEXT, schema.ARTICLE_ID, schema.OUTLET):
        differs = joined[joined[column] != joined[f"{column}_corpus"]]
        assert differs.empty, f"{column} differs for {differs[schema.SENTENCE_ID].tolist()[:3]}"


def test_every_corpus_sentence_has_gold(gold, sentences):
    unlabelled = sentences[~sentences[schema.SENTENCE_ID].isin(gold[schema.SENTENCE_ID])]
    assert unlabelled.empty, unlabelled[[schema.ARTICLE_ID, schema.TEXT]].head().to_string()


def test_no_duplicate_ids(sentences, articles):
    assert sentences[schema.SENTENCE_ID].is_unique
    assert articles[schema.ARTICLE_ID].is_unique


def test_minimum_counts(gold, codebook):
    content = gold[~gold[schema.BOILERPLATE]]
    assert len(gold) >= 1200
    assert len(content) >= 900
    assert gold[schema.BOILERPLATE].sum() >= 150
    for frame_id in codebook.frame_ids:
        positives = content[schema.FRAMES].map(lambda fs, f=frame_id: f in fs).sum()
        assert positives >= 100, f"{frame_id}: {positives} positives"
    stance = content[schema.STANCE].value_counts()
    for class_id in codebook.stance_ids:
        assert stance.get(class_id, 0) >= 120, f"{class_id}: {stance.get(class_id, 0)}"


def test_outlets_and_articles(articles, gold):
    per_outlet = articles.groupby(schema.OUTLET)[schema.ARTICLE_ID].nunique()
    assert len(per_outlet) >= 10
    assert len(articles) >= 48
    assert (per_outlet >= 3).all(), per_outlet[per_outlet < 3].to_dict()
    assert gold.groupby(schema.OUTLET)[schema.ARTICLE_ID].nunique().min() >= 3


def test_boilerplate_has_no_frames_and_default_stance(gold, codebook):
    boilerplate = gold[gold[schema.BOILERPLATE]]
    assert (boilerplate[schema.FRAMES].map(len) == 0).all()
    assert (boilerplate[schema.STANCE] == codebook.stance_default).all()


def test_second_pass_is_a_subset_with_enough_content(gold, codebook):
    second = load_gold(SECOND_PASS, codebook)
    assert second[schema.SENTENCE_ID].is_unique
    assert set(second[schema.SENTENCE_ID]) <= set(gold[schema.SENTENCE_ID])
    assert (~second[schema.BOILERPLATE]).sum() >= 200
    texts = gold.set_index(schema.SENTENCE_ID)[schema.TEXT]
    expected = texts.loc[second[schema.SENTENCE_ID]].to_numpy()
    assert (second[schema.TEXT].to_numpy() == expected).all()


def test_no_article_in_two_splits():
    if not LABELLED.exists():
        pytest.skip(f"{LABELLED.relative_to(REPO)} not built; run `dvc repro split` first")
    labelled = pd.read_parquet(LABELLED)
    per_article = labelled.groupby(schema.ARTICLE_ID)[schema.SPLIT].nunique()
    leaked = per_article[per_article > 1]
    assert leaked.empty, f"articles in several splits: {leaked.index.tolist()[:5]}"
    assert set(labelled[schema.SPLIT]) == {*schema.SPLITS, schema.HELDOUT}
