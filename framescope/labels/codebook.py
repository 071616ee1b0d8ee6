"""The codebook: the story, its frames, stance classes and boilerplate types, typed and validated.

Nothing else in framescope names a frame or a stance class: the label space is read from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from framescope.files import read_yaml

_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class CodebookError(ValueError):
    """The codebook is missing, unparseable or breaks the schema; the message names the key."""


def _req(node: dict[str, Any], key: str, where: str, kind: type | tuple[type, ...] = str) -> Any:
    if not isinstance(node, dict):
        raise CodebookError(f"{where}: expected a mapping, got {type(node).__name__}")
    if key not in node:
        raise CodebookError(f"{where}.{key}: missing required key")
    value = node[key]
    if not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
        raise CodebookError(f"{where}.{key}: expected {names}, got {type(value).__name__}")
    if isinstance(value, str) and not value.strip():
        raise CodebookError(f"{where}.{key}: must not be empty")
    return value


def _strings(node: dict[str, Any], key: str, where: str, minimum: int = 0) -> tuple[str, ...]:
    values = node.get(key, []) if minimum == 0 else _req(node, key, where, list)
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        raise CodebookError(f"{where}.{key}: expected a list of non-empty strings")
    if len(values) < minimum:
        raise CodebookError(f"{where}.{key}: needs at least {minimum} entries, has {len(values)}")
    return tuple(v.strip() for v in values)


def _patterns(node: dict[str, Any], where: str) -> tuple[str, ...]:
    """Optional `include_patterns`: regular expressions for the weak-supervision LFs."""
    patterns = _strings(node, "include_patterns", where)
    for i, pattern in enumerate(patterns):
        try:
            re.compile(pattern)
        except re.error as err:
            raise CodebookError(
                f"{where}.include_patterns[{i}]: bad regular expression ({err})"
            ) from None
    return patterns


def _check_id(value: str, where: str) -> str:
    if not _ID.match(value):
        raise CodebookError(f"{where}: {value!r} is not a snake_case id")
    return value


@dataclass(frozen=True)
class Frame:
    id: str
    name: str
    definition: str
    include_cues: tuple[str, ...]
    exclude_cues: tuple[str, ...]
    positive_examples: tuple[str, ...]
    negative_examples: tuple[str, ...]
    include_patterns: tuple[str, ...] = ()
    stance_hint: str | None = None  # the stance class a cue of this frame tends to come with


@dataclass(frozen=True)
class StanceClass:
    id: str
    definition: str
    include_cues: tuple[str, ...]
    examples: tuple[str, ...]
    polarity: int = 0  # +1 counts for, -1 against the target in net_stance
    include_patterns: tuple[str, ...] = ()


@dataclass(frozen=True)
class BoilerplateType:
    id: str
    description: str
    include_cues: tuple[str, ...]
    examples: tuple[str, ...]
    include_patterns: tuple[str, ...] = ()


@dataclass(frozen=True)
class WeakCues:
    """How the weak-supervision LFs read cues (codebook section `weak_supervision`)."""

    negation_cues: tuple[str, ...] = ()
    negation_window: int = 4  # words before a cue
    attribution_cues: tuple[str, ...] = ()
    short_line_max_words: int = 3
    all_caps_min_letters: int = 8
    content_min_words: int = 12


@dataclass(frozen=True)
class Codebook:
    story_id: str
    target: str
    description: str
    language: str
    frames: tuple[Frame, ...]
    stance_classes: tuple[StanceClass, ...]
    stance_default: str
    boilerplate_definition: str
    boilerplate_types: tuple[BoilerplateType, ...]
    weak: WeakCues = WeakCues()

    def __post_init__(self) -> None:
        for kind, ids in (("frames", self.frame_ids), ("stance.classes", self.stance_ids)):
            if len(set(ids)) != len(ids):
                raise CodebookError(f"{kind}: duplicate ids in {list(ids)}")
        if not self.frames:
            raise CodebookError("frames: at least one frame is required")
        if len(self.stance_classes) < 2:
            raise CodebookError("stance.classes: at least two classes are required")
        if self.stance_default not in self.stance_ids:
            raise CodebookError(
                f"stance.default: {self.stance_default!r} is not one of {list(self.stance_ids)}"
            )
        for i, f in enumerate(self.frames):
            if f.stance_hint is not None and f.stance_hint not in self.stance_ids:
                raise CodebookError(
                    f"frames[{i}].stance_hint: {f.stance_hint!r} is not one of "
                    f"{list(self.stance_ids)}"
                )

    @property
    def frame_ids(self) -> tuple[str, ...]:
        return tuple(f.id for f in self.frames)

    @property
    def stance_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.stance_classes)

    @property
    def stance_polarity(self) -> tuple[int, ...]:
        return tuple(c.polarity for c in self.stance_classes)

    def frame(self, frame_id: str) -> Frame:
        for f in self.frames:
            if f.id == frame_id:
                return f
        raise KeyError(frame_id)

    def check_labels(self, frames: list[str], stance: str, where: str) -> None:
        """Raise CodebookError if a label is not in the codebook."""
        unknown = [f for f in frames if f not in self.frame_ids]
        if unknown:
            raise CodebookError(
                f"{where}: unknown frame(s) {unknown}; allowed {list(self.frame_ids)}"
            )
        if stance not in self.stance_ids:
            raise CodebookError(
                f"{where}: unknown stance {stance!r}; allowed {list(self.stance_ids)}"
            )


def _polarity(node: dict[str, Any], where: str) -> int:
    value = node.get("polarity", 0)
    if value not in (-1, 0, 1) or isinstance(value, bool):
        raise CodebookError(f"{where}.polarity: must be -1, 0 or 1, got {value!r}")
    return int(value)


def _frame(node: Any, where: str) -> Frame:
    return Frame(
        id=_check_id(_req(node, "id", where), f"{where}.id"),
        name=_req(node, "name", where),
        definition=_req(node, "definition", where).strip(),
        include_cues=_strings(node, "include_cues", where, 1),
        exclude_cues=_strings(node, "exclude_cues", where),
        positive_examples=_strings(node, "positive_examples", where, 1),
        negative_examples=_strings(node, "negative_examples", where),
        include_patterns=_patterns(node, where),
        stance_hint=_req(node, "stance_hint", where) if "stance_hint" in node else None,
    )


def _weak(raw: Any) -> WeakCues:
    where = "weak_supervision"
    if raw is None:
        return WeakCues()
    if not isinstance(raw, dict):
        raise CodebookError(f"{where}: expected a mapping")
    unknown = sorted(set(raw) - set(WeakCues.__dataclass_fields__))
    if unknown:
        raise CodebookError(f"{where}.{unknown[0]}: unknown key")
    numbers = {}
    for key in ("negation_window", "short_line_max_words", "all_caps_min_letters"):
        numbers[key] = raw.get(key, getattr(WeakCues, key))
    numbers["content_min_words"] = raw.get("content_min_words", WeakCues.content_min_words)
    for key, value in numbers.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise CodebookError(f"{where}.{key}: expected a whole number >= 1, got {value!r}")
    return WeakCues(
        negation_cues=_strings(raw, "negation_cues", where),
        attribution_cues=_strings(raw, "attribution_cues", where),
        **numbers,
    )


def parse_codebook(raw: Any) -> Codebook:
    """Validate a parsed YAML document and build a Codebook."""
    if not isinstance(raw, dict):
        raise CodebookError("codebook: top level must be a mapping")
    story = _req(raw, "story", "codebook", dict)
    frames = _req(raw, "frames", "codebook", list)
    stance = _req(raw, "stance", "codebook", dict)
    boilerplate = _req(raw, "boilerplate", "codebook", dict)
    classes = _req(stance, "classes", "stance", list)
    types = boilerplate.get("types", [])
    if not isinstance(types, list):
        raise CodebookError("boilerplate.types: expected a list")
    return Codebook(
        story_id=_check_id(_req(story, "id", "story"), "story.id"),
        target=_req(story, "target", "story"),
        description=str(story.get("description", "")).strip(),
        language=_req(story, "language", "story"),
        frames=tuple(_frame(f, f"frames[{i}]") for i, f in enumerate(frames)),
        stance_classes=tuple(
            StanceClass(
                id=_check_id(_req(c, "id", f"stance.classes[{i}]"), f"stance.classes[{i}].id"),
                definition=_req(c, "definition", f"stance.classes[{i}]").strip(),
                include_cues=_strings(c, "include_cues", f"stance.classes[{i}]"),
                examples=_strings(c, "examples", f"stance.classes[{i}]", 1),
                polarity=_polarity(c, f"stance.classes[{i}]"),
                include_patterns=_patterns(c, f"stance.classes[{i}]"),
            )
            for i, c in enumerate(classes)
        ),
        stance_default=_req(stance, "default", "stance"),
        boilerplate_definition=_req(boilerplate, "definition", "boilerplate").strip(),
        boilerplate_types=tuple(
            BoilerplateType(
                id=_check_id(
                    _req(t, "id", f"boilerplate.types[{i}]"), f"boilerplate.types[{i}].id"
                ),
                description=_req(t, "description", f"boilerplate.types[{i}]").strip(),
                include_cues=_strings(t, "include_cues", f"boilerplate.types[{i}]"),
                examples=_strings(t, "examples", f"boilerplate.types[{i}]"),
                include_patterns=_patterns(t, f"boilerplate.types[{i}]"),
            )
            for i, t in enumerate(types)
        ),
        weak=_weak(raw.get("weak_supervision")),
    )


def load_codebook(path: str | Path) -> Codebook:
    """Read and validate a codebook YAML file."""
    raw = read_yaml(path, "codebook", CodebookError)
    try:
        return parse_codebook(raw)
    except CodebookError as err:
        raise CodebookError(f"{path}: {err}") from None
