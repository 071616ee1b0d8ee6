"""Data checks for weak supervision: the unlabelled demo corpus, and real text kept out of silver."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from framescope import schema
from framescope.ingest.corpus import ReadOptions, collect_articles, read_articles

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
