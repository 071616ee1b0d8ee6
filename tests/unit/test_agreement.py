"""Agreement: Cohen's kappa and Krippendorff's alpha against worked values, and the report."""

from __future__ import annotations

import pandas as pd
import pytest

from framescope import schema
from framescope.annotate.agreement import ANNOTATOR, agreement, cohen_kappa, krippendorff_alpha


def test_cohen_kappa_worked_example():
    # 10 items, 8 agreements; each rater says "y" 5 times: p_o = 0.8, p_e = 0.5 -> kappa 0.6.
    a = list("yyyyynnnnn")
    b = list("yyyynynnnn")
    assert cohen_kappa(a, b) == pytest.approx(0.6)


def test_cohen_kappa_perfect_opposite_and_undefined():
    assert cohen_kappa([1, 0, 1, 0], [1, 0, 1, 0]) == pytest.approx(1.0)
    assert cohen_kappa([1, 0, 1, 0], [0, 1, 0, 1]) == pytest.approx(-1.0)
    assert cohen_kappa([1, 1, 1], [1, 1, 1]) is None  # chance agreement is 1
    with pytest.raises(ValueError, match="different numbers"):
        cohen_kappa([1], [1, 0])


def test_krippendorff_alpha_matches_the_published_nominal_example():
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability": 4 coders, 12 units,
    # missing values; nominal alpha = 0.743.
    coders = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
        [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
    ]
    units = [[c[u] for c in coders if c[u] is not None] for u in range(12)]
    assert krippendorff_alpha(units) == pytest.approx(0.743, abs=5e-4)


def test_krippendorff_alpha_perfect_and_undefined():
    assert krippendorff_alpha([["a", "a"], ["b", "b"], ["a", "a", "a"]]) == pytest.approx(1.0)
    assert krippendorff_alpha([["a", "a"], ["a"]]) is None  # no variation at all


def _row(sid, who, frames, stance, boilerplate=False):
    return {
        schema.SENTENCE_ID: sid,
        ANNOTATOR: who,
        schema.FRAMES: frames,
        schema.STANCE: stance,
        schema.BOILERPLATE: boilerplate,
    }


def test_report_compares_frames_and_stance_on_content_only():
    table = pd.DataFrame(
        [
            _row("s1", "ann", ["costly_risk"], "unfavorable"),
            _row("s1", "bob", ["costly_risk"], "unfavorable"),
            _row("s2", "ann", [], "favorable"),
            _row("s2", "bob", [], "neutral"),
            # ann calls s3 boilerplate: it counts for boilerplate, not for stance or frames
            _row("s3", "ann", [], "neutral", True),
            _row("s3", "bob", ["costly_risk"], "favorable"),
            _row("s4", "ann", [], "neutral"),  # rated once: not in the report
        ]
    )
    report = agreement(table, ("bargaining_chip", "costly_risk"))
    assert report["sentences_rated_twice_or_more"] == 3
    assert report["labels"]["boilerplate"]["n_sentences"] == 3
    assert report["labels"]["stance"]["n_sentences"] == 2
    assert report["labels"]["costly_risk"]["pairs"] == [
        {"a": "ann", "b": "bob", "n": 2, "kappa": 1.0}
    ]
    stance_kappa = report["labels"]["stance"]["pairs"][0]["kappa"]
    assert stance_kappa == pytest.approx(
        cohen_kappa(["unfavorable", "favorable"], ["unfavorable", "neutral"]), abs=1e-4
    )
    assert report["labels"]["bargaining_chip"]["alpha"] is None  # nobody used it
