"""Labeling functions, every one built from the codebook: cues, patterns, line shapes, language
and embedding similarity. Each votes a class index of its task or ABSTAIN.

Tasks: `frame.<id>` (0 absent, 1 present), `stance` (the index of a codebook stance class) and
`boilerplate` (0 article text, 1 boilerplate). A new frame in the codebook brings its own LFs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from framescope.labels.codebook import Codebook, Frame, WeakCues
from framescope.weak.cues import CueMatcher, attributed, word_count

ABSTAIN = -1
ABSENT, PRESENT = 0, 1  # frame tasks and the boilerplate task
STANCE = "stance"
BOILERPLATE = "boilerplate"
_TERMINAL = re.compile(r"[.?!…][\"'”’)]*\s*$")


def frame_task(frame_id: str) -> str:
    return f"frame.{frame_id}"


@dataclass(frozen=True)
class Candidate:
    """One sentence as the LFs see it: its text and its cosine similarity to each prototype
    (`frame.<id>`, `stance.<id>`, `boilerplate`), empty when no encoder was used."""

    text: str
    similarity: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class LabelingFunction:
    name: str
    task: str
    vote: Callable[[Candidate], int]

    def __call__(self, x: Candidate) -> int:
        return self.vote(x)


def labeling_function(
    name: str, task: str
) -> Callable[[Callable[[Candidate], int]], LabelingFunction]:
    """Decorator: a typed function Candidate -> class index or ABSTAIN becomes a named LF."""

    def wrap(vote: Callable[[Candidate], int]) -> LabelingFunction:
        return LabelingFunction(name, task, vote)

    return wrap


@dataclass(frozen=True)
class Threshold:
    """Cosine cut-offs of one similarity LF: vote present at or above `high`, absent below `low`."""

    high: float
    low: float = float("-inf")


# --- frames -----------------------------------------------------------------------------------


def frame_cue_lf(frame: Frame, weak: WeakCues, kind: str) -> LabelingFunction:
    """A frame's `keyword` or `pattern` cue: present; negated ("denied ... traded"): absent."""
    matcher = _matcher(frame.include_cues, frame.include_patterns, weak, kind)

    @labeling_function(f"frame_{kind}.{frame.id}", frame_task(frame.id))
    def lf(x: Candidate) -> int:
        hit = matcher.find(x.text)
        if hit is None:
            return ABSTAIN
        return ABSENT if hit.negated else PRESENT

    return lf


def frame_similarity_lf(frame_id: str, threshold: Threshold) -> LabelingFunction:
    key = frame_task(frame_id)

    @labeling_function(f"frame_similarity.{frame_id}", key)
    def lf(x: Candidate) -> int:
        return _by_threshold(x.similarity.get(key), threshold)

    return lf


# --- stance -----------------------------------------------------------------------------------


def stance_cue_lf(codebook: Codebook, index: int, kind: str) -> LabelingFunction:
    """A stance class's `keyword` or `pattern` cue, not negated: that class."""
    cls = codebook.stance_classes[index]
    matcher = _matcher(cls.include_cues, cls.include_patterns, codebook.weak, kind)

    @labeling_function(f"stance_{kind}.{cls.id}", STANCE)
    def lf(x: Candidate) -> int:
        hit = matcher.find(x.text)
        return index if hit is not None and not hit.negated else ABSTAIN

    return lf


def stance_from_frame_lf(codebook: Codebook, frame: Frame) -> LabelingFunction:
    """A plain cue of a frame with a `stance_hint`: the hinted class."""
    assert frame.stance_hint is not None
    index = codebook.stance_ids.index(frame.stance_hint)
    matcher = CueMatcher(frame.include_cues, frame.include_patterns, codebook.weak)

    @labeling_function(f"stance_from_frame.{frame.id}", STANCE)
    def lf(x: Candidate) -> int:
        hit = matcher.find(x.text)
        return index if hit is not None and not hit.negated else ABSTAIN

    return lf


def stance_reported_speech_lf(codebook: Codebook) -> LabelingFunction:
    """Attributed speech with no evaluative cue of any frame or non-default class: the default
    class. (Attributed praise or criticism is left to the cue LFs, as the codebook says.)"""
    weak = codebook.weak
    evaluative = CueMatcher(
        tuple(c for s in codebook.stance_classes if s.polarity for c in s.include_cues)
        + tuple(c for f in codebook.frames for c in f.include_cues),
        tuple(p for s in codebook.stance_classes if s.polarity for p in s.include_patterns),
        weak,
    )
    default = codebook.stance_ids.index(codebook.stance_default)

    @labeling_function("stance_reported_speech", STANCE)
    def lf(x: Candidate) -> int:
        if attributed(x.text, weak) and evaluative.find(x.text) is None:
            return default
        return ABSTAIN

    return lf


def stance_similarity_lf(class_id: str, index: int, threshold: Threshold) -> LabelingFunction:
    key = f"{STANCE}.{class_id}"

    @labeling_function(f"stance_similarity.{class_id}", STANCE)
    def lf(x: Candidate) -> int:
        return index if _by_threshold(x.similarity.get(key), threshold) == PRESENT else ABSTAIN

    return lf


# --- boilerplate ------------------------------------------------------------------------------


def boilerplate_cue_lf(
    type_id: str, keywords: tuple[str, ...], patterns: tuple[str, ...], weak: WeakCues, kind: str
) -> LabelingFunction:
    matcher = _matcher(keywords, patterns, weak, kind)

    @labeling_function(f"boilerplate_{kind}.{type_id}", BOILERPLATE)
    def lf(x: Candidate) -> int:
        return PRESENT if matcher.find(x.text) is not None else ABSTAIN

    return lf


def all_caps_lf(weak: WeakCues) -> LabelingFunction:
    @labeling_function("boilerplate_all_caps", BOILERPLATE)
    def lf(x: Candidate) -> int:
        letters = [c for c in x.text if c.isalpha()]
        if len(letters) >= weak.all_caps_min_letters and all(c.isupper() for c in letters):
            return PRESENT
        return ABSTAIN

    return lf


def short_line_lf(weak: WeakCues) -> LabelingFunction:
    @labeling_function("boilerplate_short_line", BOILERPLATE)
    def lf(x: Candidate) -> int:
        return PRESENT if 0 < word_count(x.text) <= weak.short_line_max_words else ABSTAIN

    return lf


def article_sentence_lf(weak: WeakCues) -> LabelingFunction:
    """A long sentence with final punctuation reads as article text."""

    @labeling_function("boilerplate_article_sentence", BOILERPLATE)
    def lf(x: Candidate) -> int:
        long_enough = word_count(x.text) >= weak.content_min_words
        return ABSENT if long_enough and _TERMINAL.search(x.text) else ABSTAIN

    return lf


def other_language_lf(language: str, detect: Callable[[str], str]) -> LabelingFunction:
    """A sentence identified (offline) as another language than the story's: boilerplate."""

    @labeling_function("boilerplate_other_language", BOILERPLATE)
    def lf(x: Candidate) -> int:
        found = detect(x.text)
        return PRESENT if found not in (language, "und") else ABSTAIN

    return lf


def boilerplate_similarity_lf(threshold: Threshold) -> LabelingFunction:
    @labeling_function("boilerplate_similarity", BOILERPLATE)
    def lf(x: Candidate) -> int:
        return _by_threshold(x.similarity.get(BOILERPLATE), threshold)

    return lf


# --- the whole set ----------------------------------------------------------------------------


def build_lfs(
    codebook: Codebook,
    thresholds: Mapping[str, Threshold] | None = None,
    detect: Callable[[str], str] | None = None,
) -> list[LabelingFunction]:
    """Every LF the codebook defines. Similarity LFs only with `thresholds` (keyed like
    Candidate.similarity); the language LF only with a language detector."""
    weak = codebook.weak
    lfs: list[LabelingFunction] = []
    for frame in codebook.frames:
        lfs += [
            frame_cue_lf(frame, weak, k) for k in _kinds(frame.include_cues, frame.include_patterns)
        ]
    for i, cls in enumerate(codebook.stance_classes):
        lfs += [
            stance_cue_lf(codebook, i, k) for k in _kinds(cls.include_cues, cls.include_patterns)
        ]
    lfs += [stance_from_frame_lf(codebook, f) for f in codebook.frames if f.stance_hint]
    lfs.append(stance_reported_speech_lf(codebook))
    for t in codebook.boilerplate_types:
        lfs += [
            boilerplate_cue_lf(t.id, t.include_cues, t.include_patterns, weak, k)
            for k in _kinds(t.include_cues, t.include_patterns)
        ]
    lfs += [all_caps_lf(weak), short_line_lf(weak), article_sentence_lf(weak)]
    if detect is not None:
        lfs.append(other_language_lf(codebook.language, detect))
    if thresholds:
        for frame in codebook.frames:
            if frame_task(frame.id) in thresholds:
                lfs.append(frame_similarity_lf(frame.id, thresholds[frame_task(frame.id)]))
        for i, cls in enumerate(codebook.stance_classes):
            if f"{STANCE}.{cls.id}" in thresholds:
                lfs.append(stance_similarity_lf(cls.id, i, thresholds[f"{STANCE}.{cls.id}"]))
        if BOILERPLATE in thresholds:
            lfs.append(boilerplate_similarity_lf(thresholds[BOILERPLATE]))
    return lfs


def tasks(codebook: Codebook) -> dict[str, int]:
    """Every task and its number of classes."""
    return {frame_task(f): 2 for f in codebook.frame_ids} | {
        STANCE: len(codebook.stance_ids),
        BOILERPLATE: 2,
    }


def _kinds(keywords: tuple[str, ...], patterns: tuple[str, ...]) -> list[str]:
    return (["keyword"] if keywords else []) + (["pattern"] if patterns else [])


def _matcher(
    keywords: tuple[str, ...], patterns: tuple[str, ...], weak: WeakCues, kind: str
) -> CueMatcher:
    if kind == "keyword":
        return CueMatcher(keywords, (), weak)
    return CueMatcher((), patterns, weak)


def _by_threshold(value: float | None, threshold: Threshold) -> int:
    if value is None:
        return ABSTAIN
    if value >= threshold.high:
        return PRESENT
    return ABSENT if value < threshold.low else ABSTAIN
