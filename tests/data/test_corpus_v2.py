"""Data tier: corpus v2's articles and gold agree, and it looks like what it claims to be."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from framescope import schema
from framescope.ingest.corpus import ReadOptions, collect_articles, read_articles
from framescope.ingest.segment import segment_articles
from framescope.labels.dataset import join_gold, load_gold

REPO = Path(__file__).resolve().parents[2]
ARTICLES = REPO / "data" / "corpus_v2" / "articles"
GOLD = REPO / "labels" / "gold_v2" / "corpus_v2.jsonl"
SECOND_PASS = REPO / "labels" / "gold_v2" / "corpus_v2.second_pass.jsonl"
FRONT = ("genre", "outlet_kind", "outlet_group")


@pytest.fixture(scope="module")
def gold(codebook) -> pd.DataFrame:
    return load_gold(GOLD, codebook)


@pytest.fixture(scope="module")
def sentences() -> pd.DataFrame:
    articles, rejects = collect_articles(read_articles([ARTICLES], ReadOptions()))
    assert not rejects, rejects[:1]
    return segment_articles(pd.DataFrame(articles, columns=schema.ARTICLE_COLUMNS))


def test_every_ingested_sentence_has_exactly_one_gold_row(gold, sentences):
    joined = join_gold(sentences, gold, "error")  # raises on orphans either way
    assert len(joined) == len(sentences) == len(gold)


def test_it_has_the_shape_of_real_coverage(gold):
    """The issue's corpus: >= 6,000 sentences, >= 150 articles, >= 30 outlets; boilerplate at
    its real rate and most content without a frame."""
    assert len(gold) >= 6000
    assert gold[schema.ARTICLE_ID].nunique() >= 150 and gold[schema.OUTLET].nunique() >= 30
    assert 0.15 <= gold[schema.BOILERPLATE].mean() <= 0.20
    content = gold[~gold[schema.BOILERPLATE]]
    assert 0.60 <= (content[schema.FRAMES].str.len() == 0).mean() <= 0.70
    for frame in ("bargaining_chip", "costly_risk", "propaganda_failure"):
        assert content[schema.FRAMES].apply(lambda f, x=frame: x in f).sum() >= 200


def test_articles_are_fictional_and_carry_selection_fields(gold):
    demo_ids = set(pd.read_json(REPO / "labels" / "gold" / "demo.jsonl", lines=True)["article_id"])
    for path in ARTICLES.rglob("*.md"):
        front = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
        assert front["url"].split("/")[2].endswith(".example"), path
        assert all(front.get(k) for k in FRONT), path
        assert front["id"] not in demo_ids
    groups = {
        yaml.safe_load(p.read_text(encoding="utf-8").split("---\n")[1])["outlet_group"]
        for p in ARTICLES.rglob("*.md")
    }
    assert groups == {"international", "ukrainian", "russian_state", "russian_exile"}


def test_second_pass_covers_whole_articles_and_15_percent(gold, codebook):
    second = load_gold(SECOND_PASS, codebook)
    assert set(second[schema.SENTENCE_ID]) <= set(gold[schema.SENTENCE_ID])
    assert len(second) >= 0.15 * len(gold)
    chosen = set(second[schema.ARTICLE_ID])
    assert len(gold[gold[schema.ARTICLE_ID].isin(chosen)]) == len(second)  # whole articles
