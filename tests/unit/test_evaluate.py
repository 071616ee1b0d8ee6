"""evaluate(): hand-computed P/R/F1, macro-F1, accuracy and confusion on a toy pair."""

from __future__ import annotations

import pandas as pd
import pytest

from framescope import schema
from framescope.classifiers.base import LabelSpace
from framescope.training.evaluate import confusion_rows, evaluate, format_report, headline

LABELS = LabelSpace(("a", "b"), ("pos", "neu", "neg"), "neu", (1, 0, -1))

GOLD = pd.DataFrame(
    {
        schema.FRAMES: [["a"], ["a", "b"], [], ["b"], []],
        schema.STANCE: ["pos", "neg", "neu", "neu", "neu"],
        schema.BOILERPLATE: [False, False, False, False, True],
    }
)
PRED = pd.DataFrame(
    {
        schema.FRAMES: [["a"], ["a"], ["a"], ["b"], ["a", "b"]],
        schema.STANCE: ["pos", "pos", "neu", "neg", "pos"],
        schema.BOILERPLATE: [False, False, True, False, True],
    }
)


@pytest.fixture(scope="module")
def metrics():
    return evaluate(PRED, GOLD, LABELS)


def test_counts(metrics):
    assert metrics["n_sentences"] == 5
    assert metrics["n_content"] == 4


def test_frame_scores_on_gold_content_only(metrics):
    # a: truth 1 1 0 0, predicted 1 1 1 0 (row 5 is gold boilerplate: not scored)
    a = metrics["frames"]["a"]
    assert a["precision"] == pytest.approx(2 / 3)
    assert a["recall"] == pytest.approx(1.0)
    assert a["f1"] == pytest.approx(0.8)
    assert a["support"] == 2
    # b: truth 0 1 0 1, predicted 0 0 0 1
    b = metrics["frames"]["b"]
    assert (b["precision"], b["recall"], b["support"]) == (1.0, 0.5, 2)
    assert b["f1"] == pytest.approx(2 / 3)
    assert metrics["frames"]["macro_f1"] == pytest.approx((0.8 + 2 / 3) / 2)


def test_stance_scores(metrics):
    # content truth: pos neg neu neu; predicted: pos pos neu neg
    stance = metrics["stance"]
    assert stance["pos"]["precision"] == pytest.approx(0.5)
    assert stance["pos"]["recall"] == 1.0
    assert stance["pos"]["f1"] == pytest.approx(2 / 3)
    assert stance["neu"]["precision"] == 1.0
    assert stance["neu"]["recall"] == 0.5
    assert stance["neu"]["support"] == 2
    assert stance["neg"]["f1"] == 0.0
    assert stance["macro_f1"] == pytest.approx(4 / 9)
    assert stance["accuracy"] == pytest.approx(0.5)
    assert metrics["confusion"]["stance"] == {
        "labels": ["pos", "neu", "neg"],
        "matrix": [[1, 0, 0], [0, 1, 1], [1, 0, 0]],
    }


def test_boilerplate_scores(metrics):
    # truth 0 0 0 0 1, predicted 0 0 1 0 1
    b = metrics["boilerplate"]
    assert (b["precision"], b["recall"], b["support"]) == (0.5, 1.0, 1)
    assert b["f1"] == pytest.approx(2 / 3)
    assert metrics["confusion"]["boilerplate"] == [[3, 1], [0, 1]]


def test_perfect_predictions_score_one():
    perfect = evaluate(GOLD, GOLD, LABELS)
    assert perfect["frames"]["macro_f1"] == 1.0
    assert perfect["stance"]["accuracy"] == 1.0
    assert perfect["boilerplate"]["f1"] == 1.0


def test_headline_and_report(metrics):
    flat = headline(metrics)
    assert flat["frames.macro_f1"] == pytest.approx((0.8 + 2 / 3) / 2)
    assert flat["frames.a.precision"] == pytest.approx(2 / 3)
    assert flat["stance.neg.f1"] == 0.0
    assert flat["boilerplate.recall"] == 1.0
    assert "frames.macro_f1" in format_report(metrics)
    rows = confusion_rows(GOLD, PRED)
    assert rows.values.tolist() == [["pos", "pos"], ["neg", "pos"], ["neu", "neu"], ["neu", "neg"]]
