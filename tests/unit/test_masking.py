"""Outlet-name masking: the model must not learn who is speaking instead of how."""

from __future__ import annotations

from pipeline_params import tfidf_config, train_config

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
    from framescope.training.train import train

    table = labelled_table(3, 0).assign(outlet="Harbor Ledger Daily")
    dev = labelled_table(1, 50).assign(outlet="Harbor Ledger Daily")
    config = train_config(tfidf_lr=tfidf_config(char_ngram_max=0, max_iter=300))
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


def test_number_mask_writes_every_count_as_one_placeholder():
    from framescope.classifiers.masking import NUMBER_MASK, NumberMask

    mask = NumberMask()
    variants = [f"Reuters said {n} soldiers were killed." for n in ("300", "1,250", "forty")]
    assert {mask(v) for v in variants} == {f"Reuters said {NUMBER_MASK} soldiers were killed."}
    # after a capitalised word only a short number is a designation ("Challenger 2")
    assert mask("It cost Kyiv 300 of its troops.") == f"It cost Kyiv {NUMBER_MASK} of its troops."
    assert mask("forty-five days, two thousand men, 1.5 million people") == (
        f"{NUMBER_MASK} days, {NUMBER_MASK} men, {NUMBER_MASK} people"
    )


def test_number_mask_keeps_years_dates_labels_and_quantifiers():
    from framescope.classifiers.masking import NumberMask

    mask = NumberMask()
    for text in (
        "The August 2024 incursion began on Aug. 6.",
        "Britain sent Challenger 2 tanks; Brigade No. 2 moved in.",
        "Several hundred soldiers, one of them a medic, and dozens of tanks.",
        "Nothing to count here.",
    ):
        assert mask(text) == text


def test_trained_bundle_masks_numbers_only_when_asked(codebook):
    from dataclasses import replace

    from synthetic import labelled_table

    from framescope.classifiers.base import LabelSpace
    from framescope.classifiers.masking import NUMBER_MASK
    from framescope.training.train import train

    table, dev = labelled_table(3, 0), labelled_table(1, 50)
    config = train_config(
        tfidf_lr=tfidf_config(char_ngram_max=0, max_iter=300), mask_numbers=("tfidf_lr",)
    )
    labels = LabelSpace.from_codebook(codebook)
    masked = train("tfidf_lr", table, dev, labels, config, 13)
    assert masked.prepare(["It cost 300 troops."]) == [f"It cost {NUMBER_MASK} troops."]
    a, b = masked.scores(["It cost 300 troops."]), masked.scores(["It cost forty troops."])
    assert (a.frames == b.frames).all() and (a.stance == b.stance).all()
    plain = train("tfidf_lr", table, dev, labels, replace(config, mask_numbers=("finetune",)), 13)
    assert plain.prepare(["It cost 300 troops."]) == ["It cost 300 troops."]
