"""The codebook: the real file loads, errors name the key, and a new frame needs no code change."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from pipeline_params import tfidf_config, train_config

from framescope import schema
from framescope.classifiers.base import LabelSpace
from framescope.classifiers.bundle import frame_score_column, predict_frame
from framescope.labels.codebook import CodebookError, load_codebook
from framescope.training.train import train

REAL = Path(__file__).resolve().parents[2] / "labels" / "codebook.yaml"


def _raw() -> dict[str, Any]:
    return yaml.safe_load(REAL.read_text(encoding="utf-8"))


def _write(tmp_path: Path, raw: Any) -> Path:
    path = tmp_path / "codebook.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_real_codebook_loads_with_its_frames_and_stance(codebook):
    assert codebook.story_id == "kursk_2024"
    assert codebook.frame_ids == ("bargaining_chip", "costly_risk", "propaganda_failure")
    assert codebook.stance_ids == ("favorable", "neutral", "unfavorable")
    assert codebook.stance_default == "neutral"
    assert codebook.stance_polarity == (1, 0, -1)
    assert codebook.frame("costly_risk").name == "Costly risk"
    assert all(f.positive_examples and f.include_cues for f in codebook.frames)
    assert "other_language" in {t.id for t in codebook.boilerplate_types}


def test_check_labels_rejects_unknown_frame_and_stance(codebook):
    codebook.check_labels(["bargaining_chip"], "neutral", "x")
    with pytest.raises(CodebookError, match=r"row 7: unknown frame\(s\) \['victory'\]"):
        codebook.check_labels(["victory"], "neutral", "row 7")
    with pytest.raises(CodebookError, match="row 8: unknown stance 'positive'"):
        codebook.check_labels([], "positive", "row 8")


def _missing_definition(raw):
    del raw["frames"][0]["definition"]


def _bad_default(raw):
    raw["stance"]["default"] = "mixed"


def _duplicate_frame(raw):
    raw["frames"].append(copy.deepcopy(raw["frames"][0]))


def _bad_polarity(raw):
    raw["stance"]["classes"][2]["polarity"] = 2


def _bool_polarity(raw):
    raw["stance"]["classes"][0]["polarity"] = True


def _bad_frame_id(raw):
    raw["frames"][1]["id"] = "Costly Risk"


def _empty_name(raw):
    raw["frames"][2]["name"] = "  "


def _no_positive_examples(raw):
    raw["frames"][0]["positive_examples"] = []


def _one_stance_class(raw):
    raw["stance"]["classes"] = raw["stance"]["classes"][:1]
    raw["stance"]["default"] = raw["stance"]["classes"][0]["id"]


def _stance_not_mapping(raw):
    raw["stance"] = ["favorable"]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (_missing_definition, r"frames\[0\]\.definition: missing required key"),
        (_bad_default, r"stance\.default: 'mixed' is not one of"),
        (_duplicate_frame, r"frames: duplicate ids"),
        (_bad_polarity, r"stance\.classes\[2\]\.polarity: must be -1, 0 or 1, got 2"),
        (_bool_polarity, r"stance\.classes\[0\]\.polarity"),
        (_bad_frame_id, r"frames\[1\]\.id: 'Costly Risk' is not a snake_case id"),
        (_empty_name, r"frames\[2\]\.name: must not be empty"),
        (_no_positive_examples, r"frames\[0\]\.positive_examples: needs at least 1"),
        (_one_stance_class, r"stance\.classes: at least two classes"),
        (_stance_not_mapping, r"codebook\.stance: expected dict"),
    ],
)
def test_invalid_codebook_error_names_the_key(tmp_path, mutate, message):
    raw = _raw()
    mutate(raw)
    path = _write(tmp_path, raw)
    with pytest.raises(CodebookError, match=message) as info:
        load_codebook(path)
    assert str(path) in str(info.value)


def test_not_yaml_is_a_codebook_error(tmp_path):
    path = tmp_path / "codebook.yaml"
    path.write_text("frames: [\n  - id: x\n  bad: {", encoding="utf-8")
    with pytest.raises(CodebookError, match="not valid YAML"):
        load_codebook(path)


def test_yaml_that_is_not_a_mapping_is_rejected(tmp_path):
    path = tmp_path / "codebook.yaml"
    path.write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(CodebookError, match="top level must be a mapping"):
        load_codebook(path)


def test_missing_file_is_a_codebook_error(tmp_path):
    with pytest.raises(CodebookError, match="codebook file not found"):
        load_codebook(tmp_path / "nope.yaml")


NEW_FRAME = {
    "id": "energy_transit",
    "name": "Energy transit",
    "definition": "The sentence links the operation to gas transit through Sudzha.",
    "include_cues": ["gas transit", "pipeline"],
    "positive_examples": ["Gas still flowed through the Sudzha metering station."],
}


@pytest.fixture
def four_frame_codebook(tmp_path):
    raw = _raw()
    raw["frames"].append(NEW_FRAME)
    return load_codebook(_write(tmp_path, raw))


def test_a_fourth_frame_loads_without_code_change(four_frame_codebook):
    assert four_frame_codebook.frame_ids[-1] == "energy_transit"
    assert len(four_frame_codebook.frame_ids) == 4
    four_frame_codebook.check_labels(["energy_transit"], "neutral", "x")


def _synthetic_table(frame_ids: tuple[str, ...]) -> pd.DataFrame:
    vocab = {
        "bargaining_chip": "bargaining chip leverage swap negotiating table",
        "costly_risk": "heavy losses reserves drained overstretched brigades",
        "propaganda_failure": "kremlin humiliation embarrassment deadline missed",
        "energy_transit": "gas pipeline transit metering station flows",
    }
    stances = ["favorable", "neutral", "unfavorable"]
    rows = []
    for i in range(12):
        for frame_id in frame_ids:
            rows.append(
                {
                    schema.SENTENCE_ID: f"{frame_id}-{i}",
                    schema.ARTICLE_ID: f"a{i}",
                    schema.OUTLET: "o",
                    schema.TEXT: f"{vocab[frame_id]} item{i}",
                    schema.FRAMES: [frame_id],
                    schema.STANCE: stances[i % 3],
                    schema.BOILERPLATE: False,
                }
            )
        rows.append(
            {
                schema.SENTENCE_ID: f"bp-{i}",
                schema.ARTICLE_ID: f"a{i}",
                schema.OUTLET: "o",
                schema.TEXT: f"subscribe newsletter inbox advertisement {i}",
                schema.FRAMES: [],
                schema.STANCE: "neutral",
                schema.BOILERPLATE: True,
            }
        )
    return pd.DataFrame(rows)


def test_model_trained_on_four_frame_codebook_predicts_the_new_frame(four_frame_codebook):
    labels = LabelSpace.from_codebook(four_frame_codebook)
    table = _synthetic_table(labels.frame_ids)
    config = train_config(tfidf_lr=tfidf_config(word_ngram_max=1, char_ngram_max=0, max_iter=500))
    bundle = train("tfidf_lr", table, table, labels, config, seed=13)
    assert bundle.labels.frame_ids[-1] == "energy_transit"
    out = predict_frame(
        bundle,
        [
            "Gas pipeline transit flows through the metering station",
            "heavy losses drained reserves",
        ],
    )
    assert frame_score_column("energy_transit") in out.columns
    assert [c for c in out.columns if c.startswith("frame_score.")] == [
        frame_score_column(f) for f in labels.frame_ids
    ]
    assert "energy_transit" in out[schema.FRAMES].iloc[0]
    assert "energy_transit" not in out[schema.FRAMES].iloc[1]
    assert (
        out[frame_score_column("energy_transit")].iloc[0]
        > out[frame_score_column("energy_transit")].iloc[1]
    )
