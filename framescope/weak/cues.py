"""Reading the codebook's cues in a sentence: keywords and patterns, negation and attribution."""

from __future__ import annotations

import re
from dataclasses import dataclass

from framescope.labels.codebook import WeakCues

_WORD = re.compile(r"[\w']+")


def _phrase(cue: str) -> re.Pattern[str]:
    """A keyword cue as a case-insensitive regex that matches whole words only."""
    left = r"(?<!\w)" if cue[:1].isalnum() else ""
    right = r"(?!\w)" if cue[-1:].isalnum() else ""
    return re.compile(left + re.escape(cue.lower()) + right, re.IGNORECASE)


@dataclass(frozen=True)
class CueHit:
    """Where a cue matched and whether a negation stands just before it."""

    start: int
    end: int
    negated: bool


class CueMatcher:
    """Keyword cues (whole words) and regex patterns, with a negation window before each hit."""

    def __init__(
        self, keywords: tuple[str, ...], patterns: tuple[str, ...], weak: WeakCues
    ) -> None:
        self.regexes = [_phrase(c) for c in keywords] + [
            re.compile(p, re.IGNORECASE) for p in patterns
        ]
        self.negations = tuple(n.lower() for n in weak.negation_cues)
        self.window = weak.negation_window

    def __bool__(self) -> bool:
        return bool(self.regexes)

    def hits(self, text: str) -> list[CueHit]:
        found = []
        for regex in self.regexes:
            for m in regex.finditer(text):
                found.append(CueHit(m.start(), m.end(), self.negated_at(text, m.start())))
        return sorted(found, key=lambda h: h.start)

    def find(self, text: str) -> CueHit | None:
        """The first plain hit; a negated hit only if every hit is negated; else None."""
        found = self.hits(text)
        plain = [h for h in found if not h.negated]
        return (plain or found)[0] if found else None

    def negated_at(self, text: str, start: int) -> bool:
        words = _WORD.findall(text[:start].lower())[-self.window :]
        before = " ".join(words)
        for cue in self.negations:
            if cue.startswith("n'"):  # a clitic: "didn't", "won't"
                if any(w.endswith(cue) for w in words):
                    return True
            elif re.search(r"(?<!\w)" + re.escape(cue) + r"(?!\w)", before):
                return True
        return False


def attributed(text: str, weak: WeakCues) -> bool:
    """Whether the sentence reports what someone said (an attribution cue appears in it)."""
    return any(_phrase(c).search(text) for c in weak.attribution_cues)


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


__all__ = ["CueHit", "CueMatcher", "attributed", "word_count"]
