"""Label Studio's side of the loop: the labeling config, import tasks, and both export formats.

Every label name comes from the codebook: a frame added to `labels/codebook.yaml` appears in the
labeling config, in pre-annotations and in the import's validation without a code change.
Formats: https://labelstud.io/guide/task_format (tasks, full JSON export) and JSON_MIN, one flat
record per annotation where a single choice is a string and several are {"choices": [...]}.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

from framescope import schema
from framescope.labels.codebook import Codebook

# Control names in the labeling config; they key the results in every export.
TEXT_NAME = "text"
FRAMES_NAME = "frames"
STANCE_NAME = "stance"
BOILERPLATE_NAME = "boilerplate"
BOILERPLATE_CHOICE = "boilerplate"

# Task data fields (besides text and sentence_id).
TITLE = "title"
CONTEXT_BEFORE = "context_before"
CONTEXT_AFTER = "context_after"


class ExportError(ValueError):
    """A file is not a Label Studio export we can read; the message names the file."""


@dataclass(frozen=True)
class Annotation:
    """One annotator's labels for one task, as read from an export (not yet validated)."""

    source: str  # "FILE#INDEX" of the record in the export
    task_id: Any
    sentence_id: str | None
    annotator: str
    frames: tuple[str, ...]
    stance: str | None
    boilerplate: bool
    text: str | None = None
    data: dict[str, Any] = field(default_factory=dict, compare=False)


def labeling_config(codebook: Codebook) -> str:
    """The Label Studio labeling config (XML) for the codebook's frames, stance and boilerplate."""
    view = ET.Element("View")
    ET.SubElement(view, "Header", value="$outlet: $title", size="5")
    ET.SubElement(view, "Text", name=CONTEXT_BEFORE, value=f"${CONTEXT_BEFORE}")
    focus = ET.SubElement(view, "View", style="background:#fff8d6;padding:6px;font-weight:bold")
    ET.SubElement(focus, "Text", name=TEXT_NAME, value=f"${TEXT_NAME}")
    ET.SubElement(view, "Text", name=CONTEXT_AFTER, value=f"${CONTEXT_AFTER}")

    ET.SubElement(view, "Header", value="Frames (any number, or none)", size="6")
    frames = ET.SubElement(
        view, "Choices", name=FRAMES_NAME, toName=TEXT_NAME, choice="multiple", showInline="false"
    )
    for frame in codebook.frames:
        ET.SubElement(frames, "Choice", value=frame.id, hint=f"{frame.name}: {frame.definition}")

    ET.SubElement(view, "Header", value=f"Stance toward {codebook.target}", size="6")
    stance = ET.SubElement(
        view, "Choices", name=STANCE_NAME, toName=TEXT_NAME, choice="single-radio",
        showInline="true", required="true",
    )  # fmt: skip
    for cls in codebook.stance_classes:
        ET.SubElement(stance, "Choice", value=cls.id, hint=cls.definition)

    types = ", ".join(t.id for t in codebook.boilerplate_types)
    bp = ET.SubElement(view, "Choices", name=BOILERPLATE_NAME, toName=TEXT_NAME, choice="single")
    hint = codebook.boilerplate_definition + (f" Types: {types}." if types else "")
    ET.SubElement(bp, "Choice", value=BOILERPLATE_CHOICE, hint=hint)
    ET.indent(view)
    return ET.tostring(view, encoding="unicode") + "\n"


def _choices(name: str, values: list[str]) -> dict[str, Any]:
    return {
        "from_name": name,
        "to_name": TEXT_NAME,
        "type": "choices",
        "value": {"choices": values},
    }


def result_items(frames: list[str], stance: str, boilerplate: bool) -> list[dict[str, Any]]:
    """Labels as Label Studio `result` items (used for pre-annotations)."""
    items = [_choices(FRAMES_NAME, list(frames))] if frames else []
    items.append(_choices(STANCE_NAME, [stance]))
    if boilerplate:
        items.append(_choices(BOILERPLATE_NAME, [BOILERPLATE_CHOICE]))
    return items


def _annotator(value: Any) -> str:
    if isinstance(value, dict):  # some versions export completed_by as a user object
        value = value.get("email") or value.get("id")
    return "unknown" if value is None else str(value)


def _from_results(results: Any, where: str) -> tuple[tuple[str, ...], str | None, bool]:
    if not isinstance(results, list):
        raise ExportError(f"{where}: annotation `result` is not a list")
    picked: dict[str, list[str]] = {}
    for item in results:
        if not isinstance(item, dict) or "from_name" not in item:
            raise ExportError(f"{where}: result item without from_name")
        choices = (item.get("value") or {}).get("choices", [])
        picked.setdefault(item["from_name"], []).extend(str(c) for c in choices)
    return _labels(picked, where)


def _labels(picked: dict[str, list[str]], where: str) -> tuple[tuple[str, ...], str | None, bool]:
    stances = picked.get(STANCE_NAME, [])
    if len(stances) > 1:
        raise ExportError(f"{where}: several stances {stances}")
    boilerplate = picked.get(BOILERPLATE_NAME, [])
    return (
        tuple(picked.get(FRAMES_NAME, [])),
        stances[0] if stances else None,
        BOILERPLATE_CHOICE in boilerplate or "true" in boilerplate,
    )


def _min_value(value: Any) -> list[str]:
    """A JSON_MIN field: one choice is a string, several are {"choices": [...]}."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [str(c) for c in value.get("choices", [])]
    if isinstance(value, list):
        return [c for v in value for c in _min_value(v)]
    return [str(value)]


def _full(task: dict[str, Any], where: str) -> list[Annotation]:
    data = task.get("data") or {}
    annotations = task.get("annotations", task.get("completions")) or []
    out = []
    for i, ann in enumerate(annotations):
        if not isinstance(ann, dict) or ann.get("was_cancelled"):
            continue  # a skipped task is no label
        frames, stance, boilerplate = _from_results(ann.get("result"), f"{where}.annotations[{i}]")
        out.append(
            Annotation(
                source=where,
                task_id=task.get("id"),
                sentence_id=data.get(schema.SENTENCE_ID),
                annotator=_annotator(ann.get("completed_by")),
                frames=frames,
                stance=stance,
                boilerplate=boilerplate,
                text=data.get(TEXT_NAME),
                data=data,
            )
        )
    return out


def _minimal(record: dict[str, Any], where: str) -> Annotation:
    picked = {
        name: _min_value(record.get(name)) for name in (FRAMES_NAME, STANCE_NAME, BOILERPLATE_NAME)
    }
    frames, stance, boilerplate = _labels(picked, where)
    return Annotation(
        source=where,
        task_id=record.get("id"),
        sentence_id=record.get(schema.SENTENCE_ID),
        annotator=_annotator(record.get("annotator")),
        frames=frames,
        stance=stance,
        boilerplate=boilerplate,
        text=record.get(TEXT_NAME),
        data=record,
    )


def read_export(raw: Any, name: str) -> tuple[list[Annotation], int]:
    """Annotations in a full JSON or JSON_MIN export, and the number of tasks without any."""
    if not isinstance(raw, list):
        raise ExportError(f"{name}: expected a JSON list of tasks (Label Studio JSON or JSON_MIN)")
    annotations: list[Annotation] = []
    unannotated = 0
    for i, record in enumerate(raw):
        where = f"{name}#{i}"
        if not isinstance(record, dict):
            raise ExportError(f"{where}: task is not a JSON object")
        if "data" in record and isinstance(record["data"], dict):
            found = _full(record, where)
            unannotated += not found
            annotations.extend(found)
        elif schema.SENTENCE_ID in record or TEXT_NAME in record:
            annotated = {"annotator", "annotation_id", STANCE_NAME, FRAMES_NAME, BOILERPLATE_NAME}
            if annotated & record.keys():
                annotations.append(_minimal(record, where))
            else:
                unannotated += 1
        else:
            raise ExportError(f"{where}: neither a full-export task (`data`) nor a JSON_MIN record")
    return annotations, unannotated
