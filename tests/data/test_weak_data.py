"""Data checks for weak supervision: the unlabelled demo corpus, and real text kept out of silver."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from framescope import schema
from framescope.corpus import ReadOptions, collect_articles, read_articles

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"


def test_unlabelled_demo_corpus_reads_and_has_no_gold():
    articles, rejects = collect_articles(
        read_articles([REPO / "data" / "demo_unlabelled"], ReadOptions())
    )
    assert len(articles) == 12 and not rejects
    gold = pd.read_json(REPO / "labels" / "gold" / "demo.jsonl", lines=True)
    ids = {a[schema.ARTICLE_ID] for a in articles}
    assert not ids & set(gold[schema.ARTICLE_ID])
    assert all(a[schema.URL].split("/")[2].endswith(".example") for a in articles)


@pytest.mark.shared
def test_real_silver_corpus_leaves_out_every_dev_article():
    dev_file = SHARED / "dev" / "kyiv_independent_kursk_dev.jsonl"
    if not dev_file.exists():
        pytest.skip(f"{dev_file} not found: ../shared is not beside the checkout")
    import sys

    sys.path.insert(0, str(REPO / "benchmarks"))
    from weak_real import real_articles

    dev = pd.read_json(dev_file, lines=True)
    articles, counts = real_articles("kursk", dev)
    assert counts["dev_articles_left_out"] > 0
    assert not set(articles[schema.URL]) & set(dev[schema.URL])
    assert articles[schema.TEXT].str.contains("kursk", case=False).all()
