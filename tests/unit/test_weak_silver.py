"""Silver labels: the label corpus step on synthetic gold, leakage guards and the train mix."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pipeline_params import train_config, weak_config
from synthetic import labelled_table

from framescope import schema
from framescope.classifiers.base import LabelSpace
from framescope.training.train import fit_heads, resample_by_weight
from framescope.weak.labeller import label_corpus, label_model_rows
from framescope.weak.lfs import STANCE
from framescope.weak.silver import (
    drop_gold_texts,
    fit_label_models,
    mix_silver,
    silver_labels,
)


def _gold(n_per_template: int = 4) -> pd.DataFrame:
    table = labelled_table(n_per_template * 3, 0)
    table[schema.SENTENCE_ID] = [f"s{i}" for i in range(len(table))]
    table[schema.ARTICLE_ID] = [f"a{i % 9}" for i in range(len(table))]
    table[schema.OUTLET] = "Gazette"
    table[schema.SPLIT] = np.array(["train", "dev", "test"])[np.arange(len(table)) % 3]
    return table


def _unlabelled() -> pd.DataFrame:
    texts = [
        "Kyiv hopes the captured districts become a bargaining chip at the negotiating table.",
        "Analysts said the raid drained reserves and cost Ukraine heavy losses near Pokrovsk.",
        "Subscribe to our newsletter for the latest updates.",
        "Photo: Jane Doe / Example Agency",
        "Ukrainian forces remained in the Kursk region on Tuesday, officials said.",
    ]
    return pd.DataFrame(
        {
            schema.SENTENCE_ID: [f"u{i}" for i in range(len(texts))],
            schema.ARTICLE_ID: "u",
            schema.OUTLET: "Unlabelled Times",
            schema.TEXT: texts,
        }
    )


@pytest.fixture(scope="module")
def weak_result(request):
    codebook = request.getfixturevalue("codebook")
    unlabelled = pd.concat(
        [_unlabelled(), _gold().query("split == 'test'").head(2)[_unlabelled().columns]]
    )
    return label_corpus(codebook, unlabelled, _gold(), weak_config(), detect=lambda t: "en")


def test_silver_labels_follow_the_cues(weak_result):
    silver = weak_result.silver.set_index(schema.SENTENCE_ID)
    assert silver.loc["u0", schema.FRAMES] == ["bargaining_chip"]
    assert "costly_risk" in silver.loc["u1", schema.FRAMES]
    assert bool(silver.loc["u2", schema.BOILERPLATE]) and bool(silver.loc["u3", schema.BOILERPLATE])
    assert set(silver[schema.LABEL_SOURCE]) == {"silver"}


def test_gold_test_sentences_never_become_silver(weak_result):
    test_texts = set(_gold().query("split == 'test'")[schema.TEXT])
    assert not test_texts & set(weak_result.silver[schema.TEXT])
    assert len(weak_result.silver) == len(_unlabelled())


def test_the_comparison_names_a_choice_per_task(weak_result, codebook):
    rows = label_model_rows(weak_result.label_models)
    assert set(rows["task"]) == {f"frame.{f}" for f in codebook.frame_ids} | {STANCE, "boilerplate"}
    assert rows.groupby(["task", "split"])["chosen"].sum().eq(1).all()
    assert set(weak_result.lf_analysis["task"]) == set(rows["task"])


def test_auto_choice_takes_the_better_model_on_dev():
    # One accurate LF outvoted by two poor ones: Dawid-Skene learns to trust it, majority cannot.
    rng = np.random.default_rng(0)
    truth = rng.integers(0, 2, 1000)
    votes = np.column_stack(
        [np.where(rng.random(1000) < acc, truth, 1 - truth) for acc in (0.95, 0.55, 0.55)]
    )
    fit, gold, balance = {"t": (["a", "b", "c"], votes)}, {"t": truth}, {"t": np.array([0.5, 0.5])}
    models = fit_label_models(fit, fit, gold, balance)
    assert models.chosen["t"] == "dawid_skene"
    assert models.scores["t"]["dawid_skene"]["f1"] > models.scores["t"]["majority"]["f1"]
    assert fit_label_models(fit, fit, gold, balance, "majority").chosen["t"] == "majority"


def test_boilerplate_silver_gets_no_frame_and_the_default_stance(codebook):
    n = 2
    proba = {f"frame.{f}": np.array([[0.0, 1.0]] * n) for f in codebook.frame_ids}
    proba[STANCE] = np.array([[0.9, 0.05, 0.05]] * n)
    proba["boilerplate"] = np.array([[0.1, 0.9], [0.9, 0.1]])
    silver = silver_labels(_unlabelled().head(n), proba, codebook)
    assert silver[schema.FRAMES].tolist() == [[], list(codebook.frame_ids)]
    assert silver[schema.STANCE].tolist() == ["neutral", "favorable"]


def test_drop_gold_texts_ignores_case_and_punctuation():
    silver = pd.DataFrame({schema.TEXT: ["Talks stalled, again.", "Something new."]})
    gold = pd.DataFrame({schema.TEXT: ["talks stalled again"]})
    assert drop_gold_texts(silver, gold)[schema.TEXT].tolist() == ["Something new."]


def test_mix_silver_weight_zero_is_gold_only():
    gold, silver = _gold(1), _gold(1).assign(**{schema.TEXT: "x"})
    assert len(mix_silver(gold, silver, 0.0)) == len(gold)
    mixed = mix_silver(gold, silver, 0.3)
    assert len(mixed) == 2 * len(gold)
    assert mixed.groupby(schema.LABEL_SOURCE)[schema.WEIGHT].first().to_dict() == {
        "gold": 1.0,
        "silver": 0.3,
    }


def test_resample_by_weight_keeps_gold_once_and_silver_by_weight():
    table = pd.DataFrame({schema.WEIGHT: [1.0] * 10 + [0.5] * 1000 + [2.0] * 5})
    out = resample_by_weight(table, seed=0)
    assert (out[schema.WEIGHT] == 1.0).sum() == 10
    assert (out[schema.WEIGHT] == 2.0).sum() == 10
    assert 430 < (out[schema.WEIGHT] == 0.5).sum() < 570


def test_silver_weight_changes_the_tfidf_model():
    # Silver copies with flipped stance: at weight 0.01 gold decides, at weight 5 silver does.
    labels = LabelSpace(
        ("bargaining_chip", "costly_risk", "propaganda_failure"),
        ("favorable", "neutral", "unfavorable"),
        "neutral",
        (1, 0, -1),
    )
    gold = labelled_table(10, 0)
    flip = {"favorable": "unfavorable", "unfavorable": "favorable", "neutral": "neutral"}
    flipped = gold.assign(**{schema.STANCE: gold[schema.STANCE].map(flip)})
    text = ["The raid humiliated the Kremlin and exposed Putin's propaganda as hollow 99."]
    found = {}
    for weight in (0.01, 5.0):
        heads = fit_heads(
            "tfidf_lr", mix_silver(gold, flipped, weight), gold, labels, train_config(), 0
        )
        found[weight] = labels.stance_ids[heads.scores(text).stance[0].argmax()]
    assert found == {0.01: "favorable", 5.0: "unfavorable"}
