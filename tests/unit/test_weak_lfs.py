"""Labeling functions: each kind votes on its cue, abstains without it, and comes from the codebook."""

from __future__ import annotations

import pytest
import yaml

from framescope.labels.codebook import WeakCues, load_codebook
from framescope.weak.cues import CueMatcher, attributed
from framescope.weak.lfs import (
    ABSENT,
    ABSTAIN,
    PRESENT,
    Candidate,
    Threshold,
    all_caps_lf,
    article_sentence_lf,
    boilerplate_cue_lf,
    boilerplate_similarity_lf,
    build_lfs,
    frame_cue_lf,
    frame_similarity_lf,
    other_language_lf,
    short_line_lf,
    stance_cue_lf,
    stance_from_frame_lf,
    stance_reported_speech_lf,
    stance_similarity_lf,
    tasks,
)

X = Candidate
PLAIN = X("The weather in the region was mild on Tuesday.")


@pytest.fixture
def chip(codebook):
    return codebook.frame("bargaining_chip")


def test_negation_window_and_clitics(codebook):
    matcher = CueMatcher(("traded",), (), codebook.weak)
    assert matcher.find("Officials denied that the districts would be traded.").negated
    assert matcher.find("Kyiv didn't say the land would be traded.").negated
    assert not matcher.find("The land could be traded, an adviser said.").negated
    far = CueMatcher(("traded",), (), WeakCues(negation_cues=("no",), negation_window=2))
    assert not far.find("No one doubts that the land will be traded.").negated


def test_attribution(codebook):
    assert attributed("The figures were published, the ministry said.", codebook.weak)
    assert not attributed("The figures were published on Monday.", codebook.weak)


def test_frame_keyword(codebook, chip):
    lf = frame_cue_lf(chip, codebook.weak, "keyword")
    assert lf(X("Kyiv sees the land as a bargaining chip.")) == PRESENT
    assert lf(X("Kyiv denied the land was ever a bargaining chip.")) == ABSENT
    assert lf(PLAIN) == ABSTAIN


def test_frame_pattern(codebook, chip):
    lf = frame_cue_lf(chip, codebook.weak, "pattern")
    assert lf(X("The held land could be exchanged for occupied towns.")) == PRESENT
    assert lf(PLAIN) == ABSTAIN


def test_frame_similarity():
    lf = frame_similarity_lf("bargaining_chip", Threshold(high=0.6, low=0.2))
    key = "frame.bargaining_chip"
    assert lf(X("a", {key: 0.7})) == PRESENT
    assert lf(X("a", {key: 0.1})) == ABSENT
    assert lf(X("a", {key: 0.4})) == ABSTAIN
    assert lf(X("a")) == ABSTAIN  # no encoder: no similarity, no vote


def test_stance_keyword(codebook):
    lf = stance_cue_lf(codebook, codebook.stance_ids.index("unfavorable"), "keyword")
    assert lf(X("Critics call it a reckless gamble.")) == codebook.stance_ids.index("unfavorable")
    assert lf(X("It was not a reckless gamble, he said.")) == ABSTAIN
    assert lf(PLAIN) == ABSTAIN


def test_stance_pattern(codebook):
    i = codebook.stance_ids.index("unfavorable")
    lf = stance_cue_lf(codebook, i, "pattern")
    assert lf(X("Ukrainian units were forced to withdraw from the town.")) == i
    assert lf(PLAIN) == ABSTAIN


def test_stance_from_frame(codebook, chip):
    lf = stance_from_frame_lf(codebook, chip)
    assert lf(X("The land is Kyiv's trump card.")) == codebook.stance_ids.index("favorable")
    assert lf(PLAIN) == ABSTAIN


def test_stance_reported_speech(codebook):
    lf = stance_reported_speech_lf(codebook)
    neutral = codebook.stance_ids.index("neutral")
    assert lf(X("The convoy left at dawn, the governor said.")) == neutral
    assert lf(X("It was a reckless gamble, the governor said.")) == ABSTAIN  # evaluative cue
    assert lf(PLAIN) == ABSTAIN


def test_stance_similarity():
    lf = stance_similarity_lf("favorable", 0, Threshold(high=0.5, low=0.1))
    assert lf(X("a", {"stance.favorable": 0.8})) == 0
    assert lf(X("a", {"stance.favorable": 0.05})) == ABSTAIN  # never votes "not favorable"


def test_boilerplate_keyword(codebook):
    donation = next(t for t in codebook.boilerplate_types if t.id == "donation_ask")
    lf = boilerplate_cue_lf("donation_ask", donation.include_cues, (), codebook.weak, "keyword")
    assert lf(X("Please donate to keep our reporters in the field.")) == PRESENT
    assert lf(PLAIN) == ABSTAIN


@pytest.mark.parametrize(
    ("type_id", "line"),
    [
        ("related_links", "More at https://example.org/story"),
        ("author_bio", "Write to the desk at desk@paper.example"),
        ("photo_credit", "Photo: Jane Doe / Example Agency"),
        ("photo_caption", "A tank drives past a ruined shop in the town on Aug. 17, 2024."),
    ],
)
def test_boilerplate_pattern(codebook, type_id, line):
    t = next(t for t in codebook.boilerplate_types if t.id == type_id)
    lf = boilerplate_cue_lf(t.id, (), t.include_patterns, codebook.weak, "pattern")
    assert lf(X(line)) == PRESENT
    assert lf(PLAIN) == ABSTAIN


def test_all_caps(codebook):
    lf = all_caps_lf(codebook.weak)
    assert lf(X("KREMLIN IN CHAOS")) == PRESENT
    assert lf(X("UK")) == ABSTAIN and lf(PLAIN) == ABSTAIN


def test_short_line(codebook):
    lf = short_line_lf(codebook.weak)
    assert lf(X("Advertisement")) == PRESENT
    assert lf(PLAIN) == ABSTAIN


def test_article_sentence(codebook):
    lf = article_sentence_lf(codebook.weak)
    assert (
        lf(
            X(
                "Ukrainian units crossed the border early on a Tuesday morning in August, officials said."
            )
        )
        == ABSENT
    )
    assert (
        lf(X("Share this article on every network you use today and tomorrow | X | Facebook"))
        == ABSTAIN
    )


def test_other_language_with_the_offline_detector(codebook):
    from framescope.ingest.langid import detect

    lf = other_language_lf(codebook.language, detect)
    assert lf(X("Підписуйтеся на наш канал, щоб першими дізнаватися новини.")) == PRESENT
    assert lf(PLAIN) == ABSTAIN


def test_boilerplate_similarity():
    lf = boilerplate_similarity_lf(Threshold(high=0.7, low=0.3))
    assert lf(X("a", {"boilerplate": 0.9})) == PRESENT
    assert lf(X("a", {"boilerplate": 0.1})) == ABSENT


def test_build_lfs_covers_every_task_and_names_are_unique(codebook):
    thresholds = {
        k: Threshold(0.5, 0.2) for k in ("frame.costly_risk", "stance.neutral", "boilerplate")
    }
    lfs = build_lfs(codebook, thresholds, detect=lambda text: "en")
    names = [lf.name for lf in lfs]
    assert len(names) == len(set(names))
    assert {lf.task for lf in lfs} == set(tasks(codebook))
    assert {
        "frame_similarity.costly_risk",
        "stance_similarity.neutral",
        "boilerplate_similarity",
    } <= set(names)
    assert "frame_similarity.bargaining_chip" not in names  # no threshold, no LF


def test_a_new_codebook_frame_brings_its_own_lfs(repo_root, tmp_path):
    raw = yaml.safe_load((repo_root / "labels" / "codebook.yaml").read_text(encoding="utf-8"))
    raw["frames"].append(
        {
            "id": "energy_transit",
            "name": "Energy transit",
            "definition": "Gas transit through the held territory.",
            "include_cues": ["gas transit"],
            "positive_examples": ["Gas still flowed through the metering station."],
        }
    )
    (tmp_path / "cb.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    lfs = build_lfs(load_codebook(tmp_path / "cb.yaml"))
    mine = [lf for lf in lfs if lf.task == "frame.energy_transit"]
    assert [lf.name for lf in mine] == ["frame_keyword.energy_transit"]
    assert mine[0](X("Gas transit through the pipeline stopped.")) == PRESENT
