"""Sentence-level language ID: the letter minimum, and clear cases."""

from __future__ import annotations

import pandas as pd
import pytest

from framescope.ingest import langid


@pytest.mark.parametrize(
    ("text", "enough"),
    [
        ("", False),
        ("Advertisement", True),  # 13 letters
        ("12:30 abc", False),
        ("a b c d e f g h i j k", False),  # 11 letters
        ("a b c d e f g h i j k l", True),  # 12
        ("1234567890 " * 4 + "abcdefghijkl", True),  # letters only after character 40
        ("1234567890 " * 40 + "abcdefghijkl", False),  # ... or only after character 400
        ("...........................................abcdef" + "g" * 6, True),
    ],
)
def test_letter_minimum_counts_the_first_400_characters(text, enough):
    assert langid._enough_letters(text) is enough
    assert enough == (
        len(text[:400]) >= langid.MIN_LETTERS
        and sum(map(str.isalpha, text[:400])) >= langid.MIN_LETTERS
    )


def test_clear_sentences_get_their_language_and_short_ones_undetermined():
    assert (
        langid.detect("Ukrainian troops still hold several villages in the Kursk region.") == "en"
    )
    assert (
        langid.detect("Украинские войска по-прежнему удерживают несколько сел в Курской области.")
        == "ru"
    )
    assert langid.detect("12:30") == langid.UNDETERMINED
    counted = langid.counts_for(pd.Series(["und", "en", "ru"]), "en")
    assert counted.tolist() == [True, True, False]
