"""Validation against the codebook and corpus, majority and manual adjudication, settling."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from framescope import schema
from framescope.annotate.adjudicate import adjudicate, settle, validate
from framescope.annotate.studio import Annotation

CORPUS = pd.DataFrame(
    {
        schema.SENTENCE_ID: ["s1", "s2", "s3"],
        schema.ARTICLE_ID: "a1",
        schema.OUTLET: "Synthetic Herald",
        schema.TEXT: ["First invented line.", "Second invented line.", "Third invented line."],
    }
).set_index(schema.SENTENCE_ID)


def _ann(sid, who, frames=(), stance="neutral", boilerplate=False, text=None):
    return Annotation(
        source=f"x.json#{sid}",
        task_id=sid,
        sentence_id=sid,
        annotator=who,
        frames=tuple(frames),
        stance=stance,
        boilerplate=boilerplate,
        text=text,
    )


@pytest.mark.parametrize(
    ("annotation", "reason"),
    [
        (_ann("s9", "ann"), "sentence s9 is not in the corpus"),
        (_ann(None, "ann"), "task data has no sentence_id"),
        (_ann("s1", "ann", text="Edited text."), "text of sentence s1 differs from the corpus"),
        (_ann("s1", "ann", ["victory_lap"]), r"unknown frame\(s\) \['victory_lap'\]; allowed"),
        (_ann("s1", "ann", stance=None), "missing stance"),
        (_ann("s1", "ann", stance="positive"), "unknown stance 'positive'; allowed"),
    ],
)
def test_invalid_annotations_are_rejected_with_a_reason(codebook, annotation, reason):
    checked = validate([annotation, _ann("s2", "ann")], codebook, CORPUS)
    assert checked.rows[schema.SENTENCE_ID].tolist() == ["s2"]
    [reject] = checked.rejects
    assert reject["source"].startswith("x.json#")
    assert re.search(reason, reject[schema.REASON])


def test_boilerplate_gets_no_frames_and_default_stance(codebook):
    checked = validate(
        [
            _ann("s1", "ann", ["costly_risk"], "unfavorable", True),
            _ann("s2", "ann", (), None, True),
        ],
        codebook,
        CORPUS,
    )
    assert checked.rejects == [] and checked.normalised == 1
    assert checked.rows[schema.FRAMES].tolist() == [[], []]
    assert set(checked.rows[schema.STANCE]) == {codebook.stance_default}


def test_frames_come_out_in_codebook_order(codebook):
    checked = validate(
        [_ann("s1", "ann", ["propaganda_failure", "bargaining_chip"])], codebook, CORPUS
    )
    assert checked.rows[schema.FRAMES].iloc[0] == ["bargaining_chip", "propaganda_failure"]


def _rows(codebook, annotations):
    return validate(annotations, codebook, CORPUS).rows


def test_majority_resolves_two_against_one(codebook):
    rows = _rows(
        codebook,
        [
            _ann("s1", "a", ["costly_risk"], "unfavorable"),
            _ann("s1", "b", ["costly_risk"], "unfavorable"),
            _ann("s1", "c", [], "neutral"),
            _ann("s2", "a", [], "favorable"),
        ],
    )
    gold, conflicts = adjudicate(rows, codebook, CORPUS, "majority")
    assert conflicts == []
    by_id = {g[schema.SENTENCE_ID]: g for g in gold}
    assert by_id["s1"][schema.FRAMES] == ["costly_risk"]
    assert by_id["s1"][schema.STANCE] == "unfavorable"
    assert by_id["s1"][schema.NOTE] == "majority of 3 annotators"
    assert by_id["s2"][schema.STANCE] == "favorable" and schema.NOTE not in by_id["s2"]
    assert by_id["s1"][schema.TEXT] == "First invented line."


def test_tie_goes_to_conflicts_and_manual_sends_any_disagreement(codebook):
    rows = _rows(
        codebook,
        [
            _ann("s1", "a", ["costly_risk"], "unfavorable"),
            _ann("s1", "b", [], "unfavorable"),
            _ann("s2", "a", [], "neutral"),
            _ann("s2", "b", [], "neutral"),
            _ann("s2", "c", [], "favorable"),
        ],
    )
    gold, conflicts = adjudicate(rows, codebook, CORPUS, "majority")
    assert [g[schema.SENTENCE_ID] for g in gold] == ["s2"]
    [conflict] = conflicts
    assert conflict[schema.SENTENCE_ID] == "s1" and conflict["disputed"] == ["costly_risk"]
    assert conflict[schema.FRAMES] is None and len(conflict["annotations"]) == 2
    gold, conflicts = adjudicate(rows, codebook, CORPUS, "manual")
    assert gold == [] and [c["disputed"] for c in conflicts] == [["costly_risk"], ["stance"]]


def test_settled_conflicts_become_gold_and_unsettled_stay_open(codebook):
    rows = _rows(
        codebook,
        [
            _ann("s1", "a", [], "favorable"),
            _ann("s1", "b", [], "neutral"),
            _ann("s3", "a", [], "favorable"),
            _ann("s3", "b", [], "neutral"),
        ],
    )
    _, conflicts = adjudicate(rows, codebook, CORPUS, "majority")
    filled = [dict(c) for c in conflicts]
    filled[0].update(
        {schema.FRAMES: ["bargaining_chip"], schema.STANCE: "favorable", schema.BOILERPLATE: False}
    )
    gold, still_open = settle(conflicts, filled, codebook, "c.jsonl")
    assert [g[schema.SENTENCE_ID] for g in gold] == ["s1"]
    assert gold[0][schema.NOTE].startswith("settled by hand")
    assert [c[schema.SENTENCE_ID] for c in still_open] == ["s3"]
    filled[1].update({schema.FRAMES: ["nope"], schema.STANCE: "neutral", schema.BOILERPLATE: False})
    with pytest.raises(ValueError, match=r"c.jsonl:2: unknown frame"):
        settle(conflicts, filled, codebook, "c.jsonl")
