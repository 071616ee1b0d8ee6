"""Behavioural tests (CheckList style) for the trained model: invariance, direction, minimum
functionality. Every sentence here was written for these tests.

Thresholds are failure rates, as in CheckList: a model may miss an odd case, but not many.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from framescope import schema
from framescope.classifiers.bundle import frame_score_column

# --- Invariance: outlet names and numbers are not framing ------------------------------------

INVARIANCE_TEMPLATES = [
    "{outlet} reported that {n} Ukrainian soldiers had been killed in the Kursk fighting.",
    "According to {outlet}, Kyiv still holds about {n} square kilometres of Russian territory.",
    "{outlet} said Moscow had missed its deadline to retake the region, {n} days after the raid.",
    "Officials told {outlet} the land could be traded in talks; {n} villages remain under Kyiv's control.",
    "{outlet} counted {n} destroyed armoured vehicles on the road to Sudzha.",
    "Residents interviewed by {outlet} said {n} families had fled their homes.",
    "{outlet} quoted a Kremlin spokesman who denied that {n} conscripts had been captured.",
    "The operation has cost Kyiv {n} of its best troops, {outlet} estimated.",
]
OUTLETS = ["Reuters", "the Harbor Ledger", "Novaya Vest"]
NUMBERS = ["300", "1,250", "forty"]


def _labels(row) -> tuple:
    return (tuple(row[schema.FRAMES]), row[schema.STANCE], bool(row[schema.BOILERPLATE]))


# The MiniLM families pass these only when trained with counterfactual copies (train.augment);
# embed_lr on its own still fails them (docs/models.md), the champion must not.


def test_outlet_names_and_numbers_do_not_change_labels(predict):
    failures = 0
    for template in INVARIANCE_TEMPLATES:
        variants = [template.format(outlet=o, n=n) for o, n in itertools.product(OUTLETS, NUMBERS)]
        out = predict(variants)
        labels = {_labels(row) for row in out.to_dict("records")}
        failures += len(labels) > 1
    rate = failures / len(INVARIANCE_TEMPLATES)
    message = f"{failures}/{len(INVARIANCE_TEMPLATES)} templates changed label when only outlet or number changed"
    assert rate <= 0.25, message


def test_outlet_names_and_numbers_barely_move_scores(predict):
    shifts = []
    for template in INVARIANCE_TEMPLATES:
        variants = [template.format(outlet=o, n=n) for o, n in itertools.product(OUTLETS, NUMBERS)]
        scores = predict(variants)[[c for c in predict(variants[:1]).columns if "_score" in c]]
        shifts.append(float((scores.max() - scores.min()).max()))
    median = float(np.median(shifts))
    assert median < 0.25, f"median largest score shift {median:.2f}"


# --- Directional: adding a frame's cue raises that frame's score ------------------------------

NEUTRAL_BASES = [
    "Ukrainian units remained in several villages of the Kursk region this week",
    "The governor of the region held a meeting with local officials on Monday",
    "Kyiv's troops crossed the border in early August",
    "Satellite images show new trenches near the town",
    "The foreign minister discussed the situation with his counterparts",
    "Both armies moved reserves towards the area",
]
DIRECTIONS = [
    ("bargaining_chip", ", which Kyiv sees as a bargaining chip in talks."),
    ("costly_risk", ", at a heavy cost in troops and armour needed elsewhere."),
    (
        "propaganda_failure",
        ", a humiliation for the Kremlin, which failed to defend its own border.",
    ),
]


@pytest.mark.parametrize(("frame", "suffix"), DIRECTIONS, ids=[d[0] for d in DIRECTIONS])
def test_adding_a_frame_cue_raises_its_score(predict, frame, suffix):
    before = predict([b + "." for b in NEUTRAL_BASES])[frame_score_column(frame)].to_numpy()
    after = predict([b + suffix for b in NEUTRAL_BASES])[frame_score_column(frame)].to_numpy()
    raised = int((after > before).sum())
    assert raised == len(NEUTRAL_BASES), f"{frame}: raised for {raised}/{len(NEUTRAL_BASES)}"
    assert float(np.mean(after - before)) > 0.1


# --- Minimum functionality: clear cases of every label ---------------------------------------

FRAME_CASES = {
    "bargaining_chip": [
        "Kyiv hopes to swap the captured Kursk territory for Ukrainian land in future peace talks.",
        "Holding part of Kursk gives Zelensky a strong card at the negotiating table.",
        "Officials described the occupied Russian villages as leverage for an eventual ceasefire deal.",
    ],
    "costly_risk": [
        "The Kursk gamble has drained Ukraine's reserves while Russian troops advance in Donetsk.",
        "Ukraine lost dozens of tanks and hundreds of soldiers holding the Kursk salient.",
        "Critics warn that Kyiv risks losing its best brigades if the pocket is encircled.",
    ],
    "propaganda_failure": [
        "The incursion humiliated the Kremlin, which could not defend its own border.",
        "Putin's deadline to expel the Ukrainians from Kursk passed without result.",
        "Russian state television struggled to explain why foreign troops were on Russian soil.",
    ],
}

STANCE_CASES = {
    "favorable": [
        "The bold Kursk offensive was a brilliant success that restored faith in Ukraine's army.",
        "Ukraine's daring raid into Kursk proved that Russia is far weaker than it claims.",
    ],
    "unfavorable": [
        "The Kursk incursion was a reckless blunder that squandered Ukraine's best units.",
        "Ukraine's adventure in Kursk has been a costly failure that weakened the whole front.",
    ],
    "neutral": [
        "Ukrainian troops entered the Kursk region on 6 August 2024.",
        "The regional governor said evacuations were continuing on Tuesday.",
    ],
}

BOILERPLATE_CASES = [
    "Subscribe to our newsletter to get the latest news in your inbox.",
    "Photo: Reuters",
    "Support independent journalism: donate today.",
    "Share this article on Facebook, Twitter and Telegram.",
]


@pytest.mark.parametrize("frame", list(FRAME_CASES))
def test_clear_sentences_carry_their_frame(predict, frame):
    out = predict(FRAME_CASES[frame])
    hits = sum(frame in list(frames) for frames in out[schema.FRAMES])
    assert hits >= len(FRAME_CASES[frame]) - 1, f"{frame}: {hits}/{len(FRAME_CASES[frame])}"
    assert not out[schema.BOILERPLATE].any()


@pytest.mark.parametrize("stance", list(STANCE_CASES))
def test_clear_sentences_carry_their_stance(predict, stance):
    out = predict(STANCE_CASES[stance])
    hits = int((out[schema.STANCE] == stance).sum())
    assert hits >= 1, f"{stance}: {hits}/{len(STANCE_CASES[stance])} -> {list(out[schema.STANCE])}"


def test_boilerplate_lines_are_flagged_and_carry_nothing(predict):
    out = predict(BOILERPLATE_CASES)
    flagged = int(out[schema.BOILERPLATE].sum())
    assert flagged >= len(BOILERPLATE_CASES) - 1, f"{flagged}/{len(BOILERPLATE_CASES)} flagged"
    for _, row in out[out[schema.BOILERPLATE]].iterrows():
        assert list(row[schema.FRAMES]) == []
