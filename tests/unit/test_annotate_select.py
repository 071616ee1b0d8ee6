"""Choosing what to annotate: uncertainty measures, greedy k-center, seeding, MiniLM adapter."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from framescope import schema
from framescope.annotate.select import dedupe_texts, k_center, select, uncertainty
from framescope.classifiers.base import LabelSpace

LABELS = LabelSpace(("f1", "f2"), ("pos", "neu", "neg"), "neu", (1, 0, -1))


def _pool(rows):
    """rows: (f1, f2, boilerplate, pos, neu, neg) scores per sentence."""
    table = pd.DataFrame(
        rows,
        columns=[
            "frame_score.f1",
            "frame_score.f2",
            schema.BOILERPLATE_SCORE,
            "stance_score.pos",
            "stance_score.neu",
            "stance_score.neg",
        ],
    )
    table[schema.SENTENCE_ID] = [f"s{i}" for i in range(len(rows))]
    table[schema.TEXT] = [f"text number {i}" for i in range(len(rows))]
    return table


CONFIDENT = (0.01, 0.99, 0.01, 0.98, 0.01, 0.01)
UNSURE_STANCE = (0.01, 0.99, 0.01, 0.34, 0.33, 0.33)
UNSURE_FRAME = (0.5, 0.99, 0.01, 0.98, 0.01, 0.01)
UNSURE_ALL = (0.5, 0.5, 0.5, 0.34, 0.33, 0.33)


@pytest.mark.parametrize("measure", ["entropy", "margin"])
def test_uncertainty_ranks_coin_flips_first(measure):
    pool = _pool([CONFIDENT, UNSURE_STANCE, UNSURE_ALL, UNSURE_FRAME])
    chosen = select(pool, "uncertainty", 2, seed=0, labels=LABELS, measure=measure)
    assert chosen[schema.SENTENCE_ID].iloc[0] == "s2"
    assert "s0" not in set(chosen[schema.SENTENCE_ID])
    assert chosen["priority"].is_monotonic_decreasing


def test_uncertainty_values_are_bounded_and_differ_by_measure():
    pool = _pool([CONFIDENT, UNSURE_FRAME, UNSURE_ALL])
    binary = pool[["frame_score.f1", "frame_score.f2", schema.BOILERPLATE_SCORE]].to_numpy()
    stance = pool[["stance_score.pos", "stance_score.neu", "stance_score.neg"]].to_numpy()
    entropy = uncertainty(binary, stance, "entropy")
    margin = uncertainty(binary, stance, "margin")
    assert ((entropy >= 0) & (entropy <= 1)).all() and entropy[2] == pytest.approx(1.0, abs=1e-3)
    # one coin-flip frame: margin calls it maximally unsure, entropy averages it with the rest
    assert margin[1] == pytest.approx(1.0) and entropy[1] < 0.5
    with pytest.raises(ValueError, match="measure 'gini'"):
        uncertainty(binary, stance, "gini")


def test_k_center_covers_every_cluster_before_repeating_one():
    rng = np.random.default_rng(0)
    centres = np.array([[0, 0], [10, 0], [0, 10], [10, 10]], dtype=float)
    points = np.concatenate([c + rng.normal(0, 0.1, (25, 2)) for c in centres])
    picks = k_center(points, 4, seed=3)
    assert sorted({p // 25 for p in picks}) == [0, 1, 2, 3]
    assert len(set(picks)) == 4


def test_k_center_starts_away_from_labelled_points():
    points = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0]])
    assert k_center(points, 1, seed=0, centers=np.array([[0.0, 0.0]])) == [2]
    assert k_center(points, 10, seed=0) != [] and len(k_center(points, 10, seed=0)) == 3


def test_random_and_diversity_are_seeded():
    pool = _pool([CONFIDENT] * 30)

    def embed(texts):
        return np.array([[len(t), int(t.split()[-1])] for t in texts], dtype=float)

    for strategy in ("random", "diversity"):
        a = select(pool, strategy, 5, seed=1, labels=LABELS, embed=embed)
        b = select(pool, strategy, 5, seed=1, labels=LABELS, embed=embed)
        c = select(pool, strategy, 5, seed=2, labels=LABELS, embed=embed)
        assert a[schema.SENTENCE_ID].tolist() == b[schema.SENTENCE_ID].tolist()
        assert len(set(a[schema.SENTENCE_ID])) == 5
        if strategy == "random":
            assert a[schema.SENTENCE_ID].tolist() != c[schema.SENTENCE_ID].tolist()


def test_select_needs_what_its_strategy_uses():
    pool = _pool([CONFIDENT])
    with pytest.raises(ValueError, match="strategy 'best'"):
        select(pool, "best", 1, seed=0)
    with pytest.raises(ValueError, match="needs the label space"):
        select(pool, "uncertainty", 1, seed=0)
    with pytest.raises(ValueError, match="needs an embedding function"):
        select(pool, "diversity", 1, seed=0)


def test_dedupe_keeps_one_copy_of_repeated_text():
    pool = pd.DataFrame({schema.TEXT: ["Same line.", "same  LINE.", "Other."]})
    assert dedupe_texts(pool)[schema.TEXT].tolist() == ["Same line.", "Other."]


def test_embedder_is_normalised_and_order_independent(tiny_bert):
    from framescope.annotate.embed import load_embedder

    embed = load_embedder(str(tiny_bert))
    texts = ["kyiv held land", "the border troops of moscow talks", "losses"]
    vectors = embed(texts)
    assert vectors.shape == (3, 32) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.allclose(embed(texts[::-1])[::-1], vectors, atol=1e-5)
    assert not np.allclose(vectors[0], vectors[1])


def test_embedding_model_errors_name_the_model(tmp_path):
    from framescope.annotate.embed import EmbedError, load_embedder

    with pytest.raises(EmbedError, match="missing: not a model directory"):
        load_embedder(str(tmp_path / "missing"))
