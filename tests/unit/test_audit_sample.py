"""The audit's design: strata, allocation, inclusion probabilities, the sample file."""

from __future__ import annotations

import pandas as pd
import pytest

from framescope import schema
from framescope.audit.sample import (
    Design,
    SampleError,
    allocate,
    draw,
    read_sample,
    stratum_sizes,
    write_sample,
)
from framescope.audit.strata import assign_strata, corpus_fingerprint, predicted_cell

FRAMES = ("bargaining_chip", "costly_risk", "propaganda_failure")


def _corpus(n_plain: int = 40, n_chip: int = 12, n_rare: int = 3) -> pd.DataFrame:
    rows = []
    for outlet in ("Herald", "Ledger"):
        kinds = [([], "neutral", False)] * n_plain + [
            (["bargaining_chip"], "favorable", False)
        ] * n_chip
        kinds += [(["costly_risk"], "unfavorable", False)] * n_rare + [([], "neutral", True)] * 10
        for i, (frames, stance, bp) in enumerate(kinds):
            rows.append(
                {
                    schema.SENTENCE_ID: f"{outlet}-{i}",
                    schema.ARTICLE_ID: f"{outlet}-a{i % 7}",
                    schema.OUTLET: outlet,
                    schema.TEXT: f"sentence {i}",
                    schema.FRAMES: frames,
                    schema.STANCE: stance,
                    schema.BOILERPLATE: bp,
                }
            )
    return pd.DataFrame(rows)


def test_predicted_cell_orders_frames_and_names_boilerplate():
    assert predicted_cell(["costly_risk", "bargaining_chip"], "favorable", False, FRAMES) == (
        "bargaining_chip+costly_risk | favorable"
    )
    assert predicted_cell([], "neutral", False, FRAMES) == "no frame | neutral"
    assert predicted_cell(["costly_risk"], "neutral", True, FRAMES) == "boilerplate"


def test_small_cells_pool_into_their_outlets_other_stratum():
    strata = assign_strata(_corpus(), FRAMES, min_size=5)
    sizes = stratum_sizes(strata)
    assert sizes["Herald / no frame | neutral"] == 40
    assert sizes["Herald / boilerplate"] == 10
    assert sizes["Ledger / other"] == 3  # the 3 costly_risk sentences
    assert not any("costly_risk" in s for s in sizes)


def test_allocation_floors_then_proportional_and_exact_total():
    sizes = pd.Series({"a": 100, "b": 10, "c": 1})
    alloc = allocate(sizes, 20, min_per_stratum=3)
    assert alloc.sum() == 20 and alloc["c"] == 1 and alloc["b"] >= 3
    assert alloc["a"] > alloc["b"]
    assert allocate(sizes, 500, 3).equals(sizes)  # more than the corpus: a census
    with pytest.raises(SampleError, match="needs at least 7"):
        allocate(sizes, 5, min_per_stratum=3)


def test_draw_records_inclusion_probability_and_is_seeded():
    corpus = _corpus()
    strata = assign_strata(corpus, FRAMES, min_size=5)
    sample = draw(corpus, strata, 30, 2, seed=4)
    assert len(sample) == 30 and sample[schema.SENTENCE_ID].is_unique
    counts = sample.groupby(schema.STRATUM).size()
    expected = counts / sample.groupby(schema.STRATUM)[schema.STRATUM_SIZE].first()
    got = sample.groupby(schema.STRATUM)[schema.INCLUSION_PROBABILITY].first()
    pd.testing.assert_series_equal(got, expected, check_names=False)
    assert (
        (sample[schema.DESIGN_WEIGHT] * sample[schema.INCLUSION_PROBABILITY]).round(9).eq(1).all()
    )
    # The design weights of a stratum add up to its size: the sample stands for the corpus.
    assert sample[schema.DESIGN_WEIGHT].sum() == pytest.approx(len(corpus))
    shuffled = corpus.sample(frac=1, random_state=1)
    again = draw(shuffled, strata.loc[shuffled.index], 30, 2, seed=4)
    assert set(again[schema.SENTENCE_ID]) == set(sample[schema.SENTENCE_ID])
    other = draw(corpus, strata, 30, 2, seed=5)
    assert set(other[schema.SENTENCE_ID]) != set(sample[schema.SENTENCE_ID])


def test_fingerprint_changes_with_a_prediction_not_with_order():
    corpus = _corpus()
    assert corpus_fingerprint(corpus) == corpus_fingerprint(corpus.iloc[::-1])
    changed = corpus.copy()
    changed.at[0, schema.STANCE] = "favorable"
    assert corpus_fingerprint(changed) != corpus_fingerprint(corpus)


def test_sample_file_round_trip_and_a_foreign_file(tmp_path):
    corpus = _corpus()
    strata = assign_strata(corpus, FRAMES, min_size=5)
    sample = draw(corpus, strata, 30, 2, seed=4)
    design = Design(
        "a1", corpus_fingerprint(corpus), 4, 30, 2, 5, "scored", "m", stratum_sizes(strata)
    )
    write_sample(sample, design, tmp_path / "sample.parquet")
    back, read_design = read_sample(tmp_path / "sample.parquet")
    assert (
        read_design == design
        and back[schema.FRAMES].map(list).tolist() == sample[schema.FRAMES].tolist()
    )
    corpus.to_parquet(tmp_path / "other.parquet")
    with pytest.raises(SampleError, match="not written by `framescope audit sample`"):
        read_sample(tmp_path / "other.parquet")
    with pytest.raises(SampleError, match="file not found"):
        read_sample(tmp_path / "missing.parquet")
