"""Fast checks that the inputs the pipeline is configured with fit together (no `dvc repro`)."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from framescope import schema
from framescope.config import load_params
from framescope.ingest.corpus import ReadOptions, collect_articles, read_articles
from framescope.ingest.segment import segment_articles
from framescope.labels.codebook import load_codebook
from framescope.labels.dataset import join_gold
from framescope.labels.goldset import gold_paths, load_gold_files

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def ingested():
    params = load_params(REPO / "configs" / "params.yaml")
    cwd = os.getcwd()
    os.chdir(REPO)  # params name their inputs relative to the repo root, as `dvc repro` runs
    try:
        articles, rejects = collect_articles(
            read_articles(params.ingest.inputs, ReadOptions(glob=params.ingest.glob))
        )
    finally:
        os.chdir(cwd)
    return params, pd.DataFrame(articles, columns=schema.ARTICLE_COLUMNS), rejects


_README_BUG = (
    "data/demo/README.md is ingested as an article (ingest.glob '*' matches it and .md is an "
    "article format), so it lands in articles.parquet with outlet 'unknown' and its sentences "
    "have no gold label: `dvc repro` fails in split"
)


def test_ingest_reads_no_documentation_files(ingested):
    _, articles, _ = ingested
    names = [Path(s.split(":")[0]).name.lower() for s in articles[schema.SOURCE]]
    readmes = [name for name in names if name == "readme.md"]
    assert readmes == []


def test_demo_articles_all_name_an_outlet_except_docs(ingested):
    _, articles, rejects = ingested
    assert rejects == []
    real = articles[~articles[schema.SOURCE].str.lower().str.endswith("readme.md")]
    assert len(real) >= 50
    assert (real[schema.OUTLET] != "unknown").all()


def test_every_ingested_sentence_has_a_gold_label(ingested):
    params, articles, _ = ingested
    paths = gold_paths(params.gold_patterns, REPO)
    gold = load_gold_files(paths, load_codebook(REPO / params.codebook))
    join_gold(segment_articles(articles), gold)  # raises GoldError like the split stage
