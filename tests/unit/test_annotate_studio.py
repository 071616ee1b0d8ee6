"""Label Studio formats: the labeling config from the codebook, and reading both export formats."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from framescope.annotate.studio import (
    ExportError,
    labeling_config,
    read_export,
    result_items,
)
from framescope.labels.codebook import parse_codebook

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "label_studio"


def _choices(xml: str, name: str) -> tuple[ET.Element, list[str]]:
    node = ET.fromstring(xml).find(f".//Choices[@name='{name}']")
    assert node is not None, name
    return node, [c.get("value") for c in node.findall("Choice")]


def test_config_lists_the_codebook_labels(codebook):
    xml = labeling_config(codebook)
    frames, frame_values = _choices(xml, "frames")
    assert frames.get("choice") == "multiple" and frame_values == list(codebook.frame_ids)
    stance, stance_values = _choices(xml, "stance")
    assert stance.get("choice") == "single-radio" and stance.get("required") == "true"
    assert stance_values == list(codebook.stance_ids)
    assert _choices(xml, "boilerplate")[1] == ["boilerplate"]
    texts = {t.get("name"): t.get("value") for t in ET.fromstring(xml).iter("Text")}
    assert texts == {
        "context_before": "$context_before",
        "text": "$text",
        "context_after": "$context_after",
    }


def test_a_new_frame_in_the_codebook_reaches_the_config(repo_root):
    raw = yaml.safe_load((repo_root / "labels" / "codebook.yaml").read_text())
    raw["frames"].append(
        {
            "id": "escalation_risk",
            "name": "Escalation <risk> & more",  # escaped, not breaking the XML
            "definition": "The sentence presents a risk of wider war.",
            "include_cues": ["escalation"],
            "positive_examples": ["An invented sentence about escalation."],
        }
    )
    _, values = _choices(labeling_config(parse_codebook(raw)), "frames")
    assert values[-1] == "escalation_risk" and len(values) == 4


def test_result_items_round_trip_through_the_full_reader():
    task = {
        "id": 1,
        "data": {"text": "t", "sentence_id": "s"},
        "annotations": [{"completed_by": 5, "result": result_items(["a", "b"], "neutral", True)}],
    }
    [ann], unannotated = read_export([task], "x.json")
    assert (ann.frames, ann.stance, ann.boilerplate, ann.annotator) == (
        ("a", "b"),
        "neutral",
        True,
        "5",
    )
    assert unannotated == 0


def _by_annotator(annotations):
    return {a.annotator: (a.sentence_id, a.frames, a.stance, a.boilerplate) for a in annotations}


EXPECTED = {
    "1": ("syn-a1-0", ("bargaining_chip",), "favorable", False),
    "second@example.org": ("syn-a1-0", ("bargaining_chip", "costly_risk"), "favorable", False),
}


def test_full_export_fixture_reads_annotations_and_skips_cancelled():
    raw = json.loads((FIXTURES / "export_full.json").read_text())
    annotations, unannotated = read_export(raw, "export_full.json")
    assert len(annotations) == 3  # the cancelled one is no label
    assert unannotated == 1
    first_task = [a for a in annotations if a.task_id == 101]
    assert _by_annotator(first_task) == EXPECTED
    boilerplate = [a for a in annotations if a.task_id == 102]
    assert [(a.boilerplate, a.frames) for a in boilerplate] == [(True, ())]
    assert annotations[0].source == "export_full.json#0"


def test_json_min_fixture_reads_the_same_labels_as_the_full_export():
    full = read_export(json.loads((FIXTURES / "export_full.json").read_text()), "f")[0]
    minimal, unannotated = read_export(json.loads((FIXTURES / "export_min.json").read_text()), "m")
    assert unannotated == 0
    key = lambda a: (a.sentence_id, a.frames, a.stance, a.boilerplate)  # noqa: E731
    assert sorted(map(key, minimal)) == sorted(map(key, full))
    assert _by_annotator([a for a in minimal if a.task_id == 101]) == EXPECTED


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"tasks": []}, "expected a JSON list of tasks"),
        ([3], r"x.json#0: task is not a JSON object"),
        ([{"foo": 1}], r"x.json#0: neither a full-export task"),
        (
            [{"data": {"sentence_id": "s"}, "annotations": [{"result": "oops"}]}],
            r"x.json#0.annotations\[0\]: annotation `result` is not a list",
        ),
        (
            [{"sentence_id": "s", "stance": {"choices": ["favorable", "neutral"]}}],
            r"x.json#0: several stances",
        ),
    ],
)
def test_unreadable_exports_name_the_record(raw, message):
    with pytest.raises(ExportError, match=message):
        read_export(raw, "x.json")
