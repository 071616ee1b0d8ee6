"""Counterfactual copies of training sentences: other numbers, other sources, same labels.

Who reports a claim and how many villages it concerns is not framing, yet the MiniLM families
changed labels when only an outlet name or a number changed (behavioural invariance test). Each
copy rewrites the numbers of a train sentence (digits, thousands separators, words; quantifiers
such as "several" become numbers) and attributes it to a randomly chosen source ("X reported
that ...", "..., X said", "according to X, ..."); the labels stay those of the original.

The pools are invented or generic names and random numbers; they deliberately leave out the
names and numbers the behavioural test uses, so that test still measures generalisation.
Only ever applied to the train split: dev and test stay real sentences.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from framescope import schema
from framescope.classifiers.masking import MASK, NUMBER, ONES, TENS, is_label
from framescope.config import AugmentConfig

# Invented mastheads (place x title) for variety, so the model learns that any name can stand
# there, plus a few real agencies and generic sources; no word of the behavioural test's names.
_PLACES = (
    "Coastal",
    "Granite",
    "Silverton",
    "Westbrook",
    "Northgate",
    "Lakeside",
    "Amber",
    "Danube",
    "Caspian",
    "Baltic",
    "Prairie",
    "Kestrel",
    "Orion",
    "Vostok",
    "Carpathian",
    "Volga",
    "Sable",
    "Juniper",
    "Maple",
    "Ridgeway",
    "Eastport",
    "Redwood",
    "Highland",
    "Riverside",
    "Summit",
    "Bayview",
    "Oakridge",
    "Pinecrest",
    "Stonebridge",
    "Fairhaven",
    "Meadowbrook",
    "Crescent",
    "Aurora",
    "Polaris",
    "Zenith",
    "Evergreen",
    "Cobalt",
    "Saffron",
    "Dniester",
    "Tamarisk",
)
_TITLES = (
    "Sentinel",
    "Dispatch",
    "Post",
    "Gazette",
    "Chronicle",
    "Bulletin",
    "Herald",
    "Times",
    "Tribune",
    "Monitor",
    "Express",
    "Record",
    "Journal",
    "Press",
    "Radio",
    "TV",
    "Telegraph",
    "Standard",
    "Examiner",
    "Inquirer",
    "Reporter",
    "Mirror",
    "Star",
    "Globe",
    "News Agency",
    "Press Agency",
    "Wire",
    "Broadcasting",
    "Almanac",
    "Evening News",
)
_OTHER_SOURCES = (
    "AFP",
    "the Associated Press",
    "TASS",
    "Interfax",
    "the BBC",
    "CNN",
    "Ukrinform",
    "RIA",
    "Bloomberg",
    "Al Jazeera",
    "a local newspaper",
    "state television",
    "a news agency",
    "one broadcaster",
    "a regional paper",
    "an independent outlet",
    MASK,  # what the saved model's name mask turns the training outlets into
)
SOURCES = tuple(
    [f"{place} {title}" for place in _PLACES for title in _TITLES] + list(_OTHER_SOURCES)
)  # fmt: skip

# Each wrapper gets the sentence without its final punctuation; {s0} starts lower-case.
_WRAPPERS = (
    "{src} reported that {s0}.",
    "According to {src}, {s0}.",
    "{s}, {src} said.",
    "{s}, {src} reported.",
    "{s}, according to {src}.",
    "{src} said that {s0}.",
    "As {src} reported, {s0}.",
    "{s}, {src} wrote.",
    "{s}, {src} estimated.",
    "{s}, sources told {src}.",
    "In an interview with {src}, {s0}.",
)
_END = re.compile(r"[.!?]+[\"”']?$")
_LOWER_FIRST = {
    "the", "a", "an", "it", "this", "that", "these", "those", "there", "some", "many", "most",
    "in", "on", "at", "by", "for", "after", "before", "since", "during", "while", "but", "and",
    "yet", "so", "both", "each", "all", "its", "their", "his", "her", "one", "two", "three",
    "others", "other", "several", "more", "less", "few", "as", "if", "when", "with", "without",
}  # fmt: skip

# Numbers the behavioural invariance test uses: never produced here.
HELD_OUT_VALUES = frozenset({300, 1250, 40})


def spell(n: int) -> str | None:
    """`n` in words when it has a short spelling (below 100, or round hundreds or thousands)."""
    if 0 <= n < 20:
        return ONES[n]
    if n < 100:
        return TENS[n // 10] + ("" if n % 10 == 0 else "-" + ONES[n % 10])
    if n < 1000 and n % 100 == 0:
        return f"{ONES[n // 100]} hundred"
    if n < 100_000 and n % 1000 == 0:
        return f"{spell(n // 1000)} thousand"
    return None


def random_number(rng: np.random.Generator) -> str:
    """A count between 2 and 50,000 (log-uniform, often round), as digits, with a thousands
    separator or in words; never one of HELD_OUT_VALUES."""
    while True:
        n = int(np.exp(rng.uniform(np.log(2), np.log(50_000))))
        if n >= 100 and rng.random() < 0.6:  # reported counts are often round
            step = 10 ** (len(str(n)) - 2)
            n = max(step, n // step * step)
        if n not in HELD_OUT_VALUES:
            break
    words = spell(n)
    form = rng.integers(3)
    if form == 2 and words is not None:
        return words
    if form == 1 and n >= 1000:
        return f"{n:,}"
    return str(n)


def renumber(text: str, rng: np.random.Generator) -> str:
    """`text` with its counts (not years, dates or "No. 2") replaced by random numbers."""

    def swap(match: re.Match[str]) -> str:
        if is_label(match):
            return match.group(0)
        return random_number(rng)

    return NUMBER.sub(swap, text)


def random_source(rng: np.random.Generator) -> str:
    """An invented masthead four times in five, else a real agency or a generic source."""
    if rng.random() < 0.2:
        return _OTHER_SOURCES[rng.integers(len(_OTHER_SOURCES))]
    place, title = _PLACES[rng.integers(len(_PLACES))], _TITLES[rng.integers(len(_TITLES))]
    return f"{'the ' if rng.random() < 0.6 else ''}{place} {title}"


def attribute(text: str, rng: np.random.Generator) -> str:
    """`text` attributed to a random source; an already masked outlet gets a name instead."""
    source = random_source(rng)
    if MASK in text:
        return text.replace(MASK, source)
    body = _END.sub("", text.strip())
    first, _, rest = body.partition(" ")
    lower = first.lower() if first.lower() in _LOWER_FIRST else first
    wrapper = _WRAPPERS[rng.integers(len(_WRAPPERS))]
    filled = wrapper.format(src=source, s=body, s0=f"{lower} {rest}".strip())
    return filled[0].upper() + filled[1:]


def _can_attribute(text: str, boilerplate: bool) -> bool:
    # Wrapping "Subscribe now" or a headline fragment in "X reported that" makes no sentence.
    return not boilerplate and (
        MASK in text or (len(text.split()) >= 6 and bool(_END.search(text)))
    )


def augment(train_set: pd.DataFrame, config: AugmentConfig, seed: int) -> pd.DataFrame:
    """`train_set` plus `config.copies` rewritten copies of each row a rewrite applies to.

    A copy keeps every column but the text (and gets a suffixed sentence id); rows that no
    enabled rewrite changes get no copy. Seeded: the same input and seed give the same rows.
    """
    if config.copies == 0 or not (config.names or config.numbers):
        return train_set
    rng = np.random.default_rng(seed)
    rewrites: list[Callable[[str, bool], str]] = []
    if config.numbers:
        rewrites.append(lambda t, _b: renumber(t, rng))
    if config.names:
        rewrites.append(lambda t, b: attribute(t, rng) if _can_attribute(t, b) else t)
    copies = []
    for copy in range(1, config.copies + 1):
        texts = []
        for text, boilerplate in zip(
            train_set[schema.TEXT], train_set[schema.BOILERPLATE], strict=True
        ):
            for rewrite in rewrites:
                text = rewrite(text, bool(boilerplate))
            texts.append(text)
        changed = train_set[schema.TEXT].to_numpy() != np.array(texts, dtype=object)
        extra = train_set.assign(**{schema.TEXT: texts})[changed]
        if schema.SENTENCE_ID in extra:
            extra = extra.assign(
                **{schema.SENTENCE_ID: extra[schema.SENTENCE_ID].astype(str) + f"#aug{copy}"}
            )
        copies.append(extra)
    return pd.concat([train_set, *copies], ignore_index=True)


__all__ = [
    "HELD_OUT_VALUES",
    "SOURCES",
    "attribute",
    "augment",
    "random_number",
    "random_source",
    "renumber",
    "spell",
]
