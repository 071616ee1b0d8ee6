"""Counterfactual augmentation: copies of train sentences with other numbers and sources."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from framescope import schema
from framescope.classifiers.base import LabelSpace
from framescope.config import ConfigError
from framescope.labels.codebook import load_codebook
from framescope.training.augment import (
    HELD_OUT_VALUES,
    SOURCES,
    attribute,
    augment,
    random_number,
    random_source,
    renumber,
    spell,
)
from framescope.training.train import train

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "model"))
from pipeline_params import augment_config, train_config
from test_behaviour import NUMBERS, OUTLETS

LABELS = LabelSpace.from_codebook(
    load_codebook(Path(__file__).resolve().parents[2] / "labels" / "codebook.yaml")
)
ROWS = pd.DataFrame(
    {
        schema.SENTENCE_ID: ["s1", "s2", "s3", "s4"],
        schema.TEXT: [
            "Ukraine lost 120 tanks and several hundred soldiers in the pocket.",
            "Officials told the outlet that talks could begin in the spring.",
            "Subscribe to our newsletter.",
            "Phase No. 2: the grind",
        ],
        schema.FRAMES: [["costly_risk"], ["bargaining_chip"], [], []],
        schema.STANCE: ["unfavorable", "neutral", "neutral", "neutral"],
        schema.BOILERPLATE: [False, False, True, False],
    }
)


SPELLED = {spell(n): n for n in range(1, 100_000) if spell(n)}


def _value(number: str) -> int | None:
    return SPELLED.get(number) or (int(number.replace(",", "")) if number[0].isdigit() else None)


def test_pools_leave_out_the_behaviour_tests_names_and_numbers():
    held_out_words = {w for o in OUTLETS for w in o.lower().split()} - {"the"}
    for source in SOURCES:
        assert not held_out_words & set(re.findall(r"\w+", source.lower())), source
    assert {_value(n) for n in NUMBERS} <= HELD_OUT_VALUES
    rng = np.random.default_rng(0)
    drawn = {_value(random_number(rng)) for _ in range(5000)}
    assert not drawn & HELD_OUT_VALUES
    assert None not in drawn and len(drawn) > 500


def test_numbers_come_in_digits_separators_and_words():
    rng = np.random.default_rng(1)
    drawn = [random_number(rng) for _ in range(2000)]
    assert any("," in n for n in drawn)
    assert any(n.isalpha() for n in drawn)
    assert any(n.isdigit() and int(n) >= 1000 for n in drawn)


def test_renumber_changes_counts_not_years_dates_or_labels():
    rng = np.random.default_rng(2)
    kept = "On Aug. 6, 2024, Phase No. 2 began with a Challenger 2."
    assert renumber(kept, rng) == kept
    changed = renumber("About 1,300 sq. km and seven villages.", rng)
    assert "1,300" not in changed and "seven" not in changed
    assert changed.startswith("About ") and changed.endswith(" villages.")


def test_attribute_names_a_source_or_replaces_the_masked_outlet():
    rng = np.random.default_rng(3)
    out = [attribute("The raid was a costly gamble.", rng) for _ in range(50)]
    assert all(any(s.lower() in o.lower() for s in SOURCES) for o in out)
    names = [random_source(rng) for _ in range(200)]
    assert all(n in SOURCES or n.removeprefix("the ") in SOURCES for n in names)
    assert len(set(names)) > 100
    assert all("costly gamble" in o for o in out)
    assert len(set(out)) > 10
    replaced = attribute("Officials told the outlet on Monday.", rng)
    assert replaced.startswith("Officials told ") and replaced.endswith(" on Monday.")


def test_augment_adds_labelled_copies_and_is_seeded():
    config = augment_config(copies=2)
    out = augment(ROWS, config, seed=7)
    assert out.iloc[: len(ROWS)].equals(ROWS)
    extra = out.iloc[len(ROWS) :]
    # s3 (boilerplate, no number) and s4 (a label, no count) have nothing to rewrite
    assert sorted(extra[schema.SENTENCE_ID]) == ["s1#aug1", "s1#aug2", "s2#aug1", "s2#aug2"]
    original = ROWS.set_index(schema.SENTENCE_ID)
    for _, row in extra.iterrows():
        source = original.loc[row[schema.SENTENCE_ID].split("#")[0]]
        assert row[schema.TEXT] != source[schema.TEXT]
        assert list(row[schema.FRAMES]) == list(source[schema.FRAMES])
        assert row[schema.STANCE] == source[schema.STANCE]
        assert row[schema.BOILERPLATE] == source[schema.BOILERPLATE]
    assert augment(ROWS, config, seed=7).equals(out)
    assert not augment(ROWS, config, seed=8).equals(out)


@pytest.mark.parametrize(
    "config", [augment_config(copies=0), augment_config(names=False, numbers=False)]
)
def test_augment_off_is_identity(config):
    assert augment(ROWS, config, seed=7) is ROWS


def test_only_numbers_or_only_names():
    numbers = augment(ROWS, augment_config(copies=1, names=False), seed=7).iloc[len(ROWS) :]
    assert list(numbers[schema.SENTENCE_ID]) == ["s1#aug1"]
    names = augment(ROWS, augment_config(copies=1, numbers=False), seed=7).iloc[len(ROWS) :]
    assert list(names[schema.SENTENCE_ID]) == ["s1#aug1", "s2#aug1"]
    assert "120" in names[schema.TEXT].iloc[0]


def test_copies_must_be_in_range_and_families_known():
    with pytest.raises(ConfigError, match=r"train\.augment\.copies"):
        augment_config(copies=-1)
    with pytest.raises(ConfigError, match=r"train\.augment\.families"):
        augment_config(families=("ensemble",))


@pytest.mark.parametrize(("family", "grows"), [("finetune", True), ("tfidf_lr", False)])
def test_training_grows_train_only_for_augmented_families(monkeypatch, family, grows):
    seen = {}

    def fake_fit(family, train_set, dev_set, labels, config, seed, log=None):
        seen["train"], seen["dev"] = train_set, dev_set
        raise RuntimeError("stop after the data is seen")

    monkeypatch.setattr("framescope.training.train.fit_heads", fake_fit)
    dev = ROWS.assign(**{schema.SENTENCE_ID: ["d1", "d2", "d3", "d4"]})
    with pytest.raises(RuntimeError, match="stop"):
        train(family, ROWS, dev, LABELS, train_config(mask_numbers=()), seed=1)
    assert (len(seen["train"]) > len(ROWS)) == grows
    assert seen["dev"][schema.TEXT].tolist() == dev[schema.TEXT].tolist()
