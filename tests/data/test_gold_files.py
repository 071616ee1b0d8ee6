"""Data tier: the gold files training reads agree with each other, and the split does not leak."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from framescope import schema
from framescope.annotate.agreement import ANNOTATOR, agreement
from framescope.config import load_params
from framescope.labels.dataset import load_gold
from framescope.labels.goldset import gold_paths, load_gold_files, split_leaks

REPO = Path(__file__).resolve().parents[2]
GOLD_DIR = REPO / "labels" / "gold"
LABELLED = REPO / "data" / "stages" / "labelled.parquet"


@pytest.fixture(scope="module")
def paths() -> list[Path]:
    return gold_paths(load_params(REPO / "configs" / "params.yaml").gold_patterns, REPO)


def test_training_reads_every_gold_file_but_agreement_passes(paths):
    names = {p.name for p in paths}
    assert "demo.jsonl" in names
    assert not any(n.endswith(".second_pass.jsonl") for n in names)
    on_disk = {p.name for p in GOLD_DIR.glob("*.jsonl") if ".second_pass." not in p.name}
    assert names == on_disk


def test_no_sentence_is_labelled_differently_in_two_training_files(paths, codebook):
    gold = load_gold_files(paths, codebook)  # raises GoldError naming both files
    assert gold[schema.SENTENCE_ID].is_unique


def test_split_leaks_little_content_text_across_splits():
    if not LABELLED.exists():
        pytest.skip(f"{LABELLED.relative_to(REPO)} not built; run `dvc repro split` first")
    labelled = pd.read_parquet(LABELLED)
    content = labelled[~labelled[schema.BOILERPLATE]]
    leaked = split_leaks(labelled)[schema.TEXT].nunique()
    # Repeated stock lines exist (one background sentence recurs across outlets); more than a
    # handful means syndicated articles are straddling splits.
    assert leaked <= 0.01 * content[schema.TEXT].nunique(), leaked


def test_readme_agreement_table_matches_a_recomputation(codebook):
    first = load_gold(GOLD_DIR / "demo.jsonl", codebook).assign(**{ANNOTATOR: "first"})
    second = load_gold(GOLD_DIR / "demo.second_pass.jsonl", codebook).assign(
        **{ANNOTATOR: "second"}
    )
    both = pd.concat([first[first[schema.SENTENCE_ID].isin(second[schema.SENTENCE_ID])], second])
    report = agreement(both, codebook.frame_ids)
    readme = (REPO / "labels" / "README.md").read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| (\w+)(?: \(3 classes\))? \| ([01]\.\d{3}) \|$", readme, re.M))
    assert set(table) == {*codebook.frame_ids, "stance", "boilerplate"}
    for label, value in table.items():
        assert report["labels"][label]["pairs"][0]["kappa"] == pytest.approx(float(value), abs=6e-4)
