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
GOLD_DIRS = (REPO / "labels" / "gold", REPO / "labels" / "gold_v2")
LABELLED = REPO / "data" / "stages" / "labelled.parquet"


@pytest.fixture(scope="module")
def paths() -> list[Path]:
    return gold_paths(load_params(REPO / "configs" / "params.yaml").gold_patterns, REPO)


def test_training_reads_every_gold_file_but_agreement_passes(paths):
    names = {p.name for p in paths}
    assert {"demo.jsonl", "corpus_v2.jsonl"} <= names
    assert not any(n.endswith(".second_pass.jsonl") for n in names)
    on_disk = {
        p.name for d in GOLD_DIRS for p in d.glob("*.jsonl") if ".second_pass." not in p.name
    }
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


def _kappa_table(section: str) -> dict[str, str]:
    """The kappa table of one section of labels/README.md (up to the next `## ` heading)."""
    readme = (REPO / "labels" / "README.md").read_text(encoding="utf-8")
    text = readme.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    return dict(re.findall(r"^\| (\w+)(?: \(3 classes\))? \| ([01]\.\d{3}) \|$", text, re.M))


def _assert_matches(table: dict[str, str], first, second, codebook) -> None:
    both = pd.concat(
        [
            first[first[schema.SENTENCE_ID].isin(second[schema.SENTENCE_ID])].assign(
                **{ANNOTATOR: "first"}
            ),
            second.assign(**{ANNOTATOR: "second"}),
        ]
    )
    report = agreement(both, codebook.frame_ids)
    assert set(table) == {*codebook.frame_ids, "stance", "boilerplate"}
    for label, value in table.items():
        assert report["labels"][label]["pairs"][0]["kappa"] == pytest.approx(float(value), abs=6e-4)


def test_readme_agreement_table_matches_a_recomputation(codebook):
    first = load_gold(GOLD_DIRS[0] / "demo.jsonl", codebook)
    second = load_gold(GOLD_DIRS[0] / "demo.second_pass.jsonl", codebook)
    _assert_matches(_kappa_table("Inter-annotator agreement"), first, second, codebook)


FIRST_PASS = re.compile(
    r"first pass: frames \[(?P<frames>[^\]]*)\], (?P<stance>\w+)(?P<bp>, boilerplate)?$"
)


def test_corpus_v2_agreement_table_matches_a_recomputation(codebook):
    """Corpus v2's kappa is reported before adjudication: adjudicated rows keep the first
    pass's labels in their note, so the table can be recomputed from the committed files."""
    gold = pd.read_json(REPO / "labels" / "gold_v2" / "corpus_v2.jsonl", lines=True)
    first = gold.copy()
    for i, note in gold["note"].items():
        found = FIRST_PASS.search(note) if isinstance(note, str) else None
        if found:
            frames = [f.strip(" '") for f in found["frames"].split(",") if f.strip()]
            first.at[i, schema.FRAMES] = frames
            first.at[i, schema.STANCE] = found["stance"]
            first.at[i, schema.BOILERPLATE] = bool(found["bp"])
    second = load_gold(REPO / "labels" / "gold_v2" / "corpus_v2.second_pass.jsonl", codebook)
    _assert_matches(_kappa_table("Corpus v2"), first, second, codebook)
