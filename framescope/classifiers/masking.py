"""Masking the training corpus's own outlet names out of the text the heads see.

Outlets name themselves ("a commander told Novaya Vest", "Subscribe to Novaya Vest"), so a
classifier can learn the outlet instead of the framing: the behavioural invariance test caught
exactly that. The mask lives inside the saved model and runs at training and scoring alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

MASK = "the outlet"
# Generic last words of outlet names, dropped to get the short name outlets use for themselves.
_GENERIC_TAIL = {
    "agency", "weekly", "daily", "review", "institute", "wire", "courier", "observer",
    "news", "times", "post", "journal", "gazette", "herald", "tribune", "independent",
}  # fmt: skip


def name_variants(outlet: str) -> set[str]:
    """The outlet's name, without a leading "The", and without a generic last word."""
    words = outlet.split()
    if words and words[0].lower() == "the":
        words = words[1:]
    variants = {outlet.strip(), " ".join(words)}
    if len(words) >= 2 and words[-1].lower() in _GENERIC_TAIL:
        variants.add(" ".join(words[:-1]))
    return {v for v in variants if len(v) >= 3}


@dataclass
class NameMask:
    """Replaces known outlet names (whole words, any case) with a neutral phrase."""

    names: tuple[str, ...] = ()
    _pattern: re.Pattern[str] | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def from_outlets(cls, outlets: Iterable[str]) -> NameMask:
        names = set().union(*(name_variants(o) for o in outlets if isinstance(o, str)))
        return cls(tuple(sorted(names, key=lambda n: (-len(n), n))))  # longest first

    def __call__(self, text: str) -> str:
        if not self.names:
            return text
        # Most sentences name no outlet: a substring test on case-folded text (necessary for
        # a match) is three times cheaper than the case-insensitive regex over every sentence.
        folded = text.casefold()
        if not any(name in folded for name in self._folded()):
            return text
        if self._pattern is None:
            alternatives = "|".join(re.escape(n) for n in self.names)
            self._pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
        return self._pattern.sub(MASK, text)

    def _folded(self) -> tuple[str, ...]:
        folded = self.__dict__.get("_folded_names")
        if folded is None:
            folded = self.__dict__["_folded_names"] = tuple(n.casefold() for n in self.names)
        return folded

    def __getstate__(self) -> dict[str, object]:
        return {"names": self.names, "_pattern": None}


__all__ = ["MASK", "NameMask", "name_variants"]
