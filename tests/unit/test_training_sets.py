"""The named sets candidates are scored on, and the selection score on the chosen one."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from synthetic import labelled_table

from framescope import schema
from framescope.classifiers.base import LabelSpace
from framescope.training import evaluate as ev
from framescope.training.sets import labelled_sets, report_sets, selection_score


def _parts(heldout: bool = True) -> dict[str, pd.DataFrame]:
    demo, v2 = labelled_table(1, 0), labelled_table(1, 100)
    test = pd.concat(
        [demo.assign(gold_file="labels/gold/demo.jsonl"), v2.assign(gold_file="labels/v2.jsonl")],
        ignore_index=True,
    )
    return {
        "train": demo,
        "dev": demo,
        "test": test,
        schema.HELDOUT: v2 if heldout else v2.iloc[:0],
    }


def test_sets_are_dev_test_heldout_and_the_test_split_per_gold_file():
    sets = labelled_sets(_parts())
    assert list(sets) == ["dev", "test", "heldout", "test_demo", "test_v2"]
    assert len(sets["test_demo"]) + len(sets["test_v2"]) == len(sets["test"])
    assert set(sets["test_demo"][schema.GOLD_FILE]) == {"labels/gold/demo.jsonl"}
    assert "heldout" not in labelled_sets(_parts(heldout=False))


def test_report_files_found_and_missing(tmp_path, codebook):
    row = {"text": "A line.", "frames": [], "stance": "neutral", "boilerplate": False}
    (tmp_path / "real.jsonl").write_text(json.dumps(row) + "\n")
    found, missing = report_sets(
        {"real": "real.jsonl", "gone": "nowhere.jsonl"}, codebook, root=tmp_path
    )
    assert list(found) == ["real"] and len(found["real"]) == 1
    assert missing == {"gone": "nowhere.jsonl"}


def test_candidate_score_is_measured_on_the_select_on_set(codebook):
    labels = LabelSpace.from_codebook(codebook)
    sets = labelled_sets(_parts())
    heldout = set(sets["heldout"][schema.TEXT])

    def predict(table: pd.DataFrame) -> pd.DataFrame:
        # right on dev, everything wrong on the held-out sentences
        wrong = table[schema.TEXT].isin(heldout)
        frames = [[] if w else f for w, f in zip(wrong, table[schema.FRAMES], strict=True)]
        stance = [
            "unfavorable" if w else s for w, s in zip(wrong, table[schema.STANCE], strict=True)
        ]
        return table.assign(**{schema.FRAMES: frames, schema.STANCE: stance})

    metrics = ev.candidate_metrics("x", predict, sets, labels, "heldout")
    assert metrics["selected_on"] == "heldout"
    assert metrics["dev_score"] == pytest.approx(1.0)
    assert metrics["score"] == pytest.approx(selection_score(metrics["heldout"]))
    assert metrics["score"] < 0.5
    with pytest.raises(ValueError, match="'elsewhere' has no sentences"):
        ev.candidate_metrics("x", predict, sets, labels, "elsewhere")
