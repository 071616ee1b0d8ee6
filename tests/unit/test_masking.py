"""Outlet-name masking: the model must not learn who is speaking instead of how."""

from __future__ import annotations

from framescope.classifiers.masking import MASK, NameMask, name_variants


def test_variants_drop_leading_the_and_generic_tail():
    assert name_variants("Novaya Vest Agency") == {"Novaya Vest Agency", "Novaya Vest"}
    assert name_variants("The Kyiv Ledger") == {"The Kyiv Ledger", "Kyiv Ledger"}
    assert name_variants("NewsPulse") == {"NewsPulse"}


def test_mask_whole_words_any_case_longest_first():
    mask = NameMask.from_outlets(["Novaya Vest Agency", "The Kyiv Ledger"])
    assert mask("Officials told NOVAYA VEST AGENCY.") == f"Officials told {MASK}."
    assert mask("A commander told Novaya Vest on Monday.") == f"A commander told {MASK} on Monday."
    assert mask("The Kyiv Ledger said") == f"{MASK} said"
    assert mask("Kyiv Ledgers are not names") == "Kyiv Ledgers are not names"  # whole words only
    assert mask("Nothing to mask here.") == "Nothing to mask here."


def test_empty_mask_is_identity_and_survives_pickling():
    import pickle

    assert NameMask()("Any text, Novaya Vest.") == "Any text, Novaya Vest."
    mask = NameMask.from_outlets(["Daily Clarion"])
    mask("warm the compiled pattern")
    restored = pickle.loads(pickle.dumps(mask))
    assert restored("the Daily Clarion reported") == f"the {MASK} reported"


def test_trained_bundle_masks_at_prediction_time(codebook):
    """Training and scoring see the same text: the mask is part of the saved bundle."""
    from synthetic import labelled_table

    from framescope.classifiers.base import LabelSpace
    from framescope.config import TfidfConfig, TrainConfig
    from framescope.train import train

    table = labelled_table(3, 0).assign(outlet="Harbor Ledger Daily")
    dev = labelled_table(1, 50).assign(outlet="Harbor Ledger Daily")
    config = TrainConfig(tfidf_lr=TfidfConfig(char_ngram_max=0, max_iter=300))
    bundle = train("tfidf_lr", table, dev, LabelSpace.from_codebook(codebook), config, 13)
    assert bundle.prepare(["Subscribe to Harbor Ledger now."]) == [f"Subscribe to {MASK} now."]
    a = bundle.scores(["Harbor Ledger reported heavy losses."])
    b = bundle.scores([f"{MASK} reported heavy losses."])
    assert (a.frames == b.frames).all() and (a.stance == b.stance).all()


def test_quick_check_keeps_every_case_insensitive_match():
    mask = NameMask.from_outlets(["Novaya Vest Agency", "Straße Zeitung"])
    assert mask("A source told NOVAYA VEST on Monday.") == "A source told the outlet on Monday."
    assert (
        mask("Read it in the STRASSE ZEITUNG.") == "Read it in the STRASSE ZEITUNG."
    )  # not a name
    assert mask("Read it in the Straße Zeitung.") == "Read it in the the outlet."
    assert mask("Nothing to see here.") == "Nothing to see here."
