"""Masking what is not framing out of the text the heads see: outlet names and counts.

Outlets name themselves ("a commander told Novaya Vest", "Subscribe to Novaya Vest"), so a
classifier can learn the outlet instead of the framing: the behavioural invariance test caught
exactly that. How many villages or soldiers a sentence counts is not framing either, yet the
MiniLM families changed labels when only "300" became "forty"; `NumberMask` writes every count
(digits or words, not years, dates or labels such as "No. 2") as one placeholder. The masks
live inside the saved model and run at training and scoring alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

MASK = "the outlet"
NUMBER_MASK = "100"  # one count for all: a real number keeps the sentence natural for MiniLM
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


ONES = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
)  # fmt: skip
TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_NUMBER_WORDS = [w for w in ONES[2:] + TENS if w]  # not "one": mostly a pronoun
_MONTHS = "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|January|February|March|April|May|June|July|August|September|October|November|December"  # noqa: E501
_WORDS = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
_COMPOUND = rf"(?:{'|'.join(w for w in TENS if w)})-(?:{'|'.join(ONES[1:10])})"  # "forty-five"
_SCALE = r"(?:\s+(?:hundred|thousand|million|billion))?"  # "two hundred", "1.5 million"
# Group 1: digits ("300", "1,250", "1.5 million"); group 2: number words ("forty-five",
# "two thousand"); group 3: quantifiers.
NUMBER = re.compile(
    rf"(?<![\w.,/-])(\d{{1,3}}(?:,\d{{3}})+{_SCALE}|\d+(?:\.\d+)?{_SCALE})(?![\w/-]|[.,]\d)"
    rf"|\b((?:{_COMPOUND}|{_WORDS}){_SCALE})\b"
    r"|\b(several (?:hundred|thousand)|several|dozens of|hundreds of|thousands of|scores of"
    r"|a few|a handful of|a number of|a dozen|numerous|many|some)\b",
    re.IGNORECASE,
)
# "No. 2" and "Aug. 6" are labels and dates; so is a short number after a capitalised word
# that does not start the sentence ("Challenger 2", "Su 34"), but not "cost Kyiv 300 troops".
_KEEP_AFTER = re.compile(rf"(?:\bNo\.|\b(?:{_MONTHS})\.?) $")
_DESIGNATION_AFTER = re.compile(r"\S\s+[A-Z][\w-]* $")


def is_label(match: re.Match[str]) -> bool:
    """A year, a date ("Aug. 6") or a label ("No. 2", "Challenger 2"): not a count."""
    token = match.group(1)
    if token is None:
        return False
    before = match.string[: match.start()]
    year = token.isdigit() and len(token) == 4 and 1900 <= int(token) <= 2100
    designation = token.isdigit() and len(token) <= 2 and bool(_DESIGNATION_AFTER.search(before))
    return year or designation or bool(_KEEP_AFTER.search(before))


@dataclass(frozen=True)
class NumberMask:
    """Writes every count, in digits or words, as `NUMBER_MASK`; quantifiers ("several",
    "dozens of") carry meaning and stay, and so do years, dates and labels."""

    def __call__(self, text: str) -> str:
        def mask(match: re.Match[str]) -> str:
            if match.group(3) is not None or is_label(match):
                return match.group(0)
            return NUMBER_MASK

        return NUMBER.sub(mask, text)


__all__ = [
    "MASK",
    "NUMBER",
    "NUMBER_MASK",
    "ONES",
    "TENS",
    "NameMask",
    "NumberMask",
    "is_label",
    "name_variants",
]
