"""Gold loading and joining, and the article-grouped, outlet-stratified split."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from framescope import schema
from framescope.classifiers.base import LabelSpace
from framescope.labels.dataset import (
    GoldError,
    audited_rows,
    join_gold,
    label_arrays,
    load_gold,
    split_articles,
    with_audited,
)


def _sentences(articles_per_outlet: dict[str, int], per_article: int = 4) -> pd.DataFrame:
    rows = []
    for outlet, n in articles_per_outlet.items():
        for a in range(n):
            for s in range(per_article):
                rows.append(
                    {
                        schema.SENTENCE_ID: f"{outlet}-{a}-{s}",
                        schema.ARTICLE_ID: f"{outlet}-{a}",
                        schema.OUTLET: outlet,
                        schema.TEXT: f"sentence {s} of {outlet} {a}",
                    }
                )
    return pd.DataFrame(rows)


OUTLETS = {"Herald": 10, "Ledger": 5, "Wire": 3, "Blog": 2, "Solo": 1}


def test_no_article_is_in_two_splits():
    table = _sentences(OUTLETS)
    split = split_articles(table, 0.2, 0.2, seed=13)
    assert split.name == schema.SPLIT
    assert set(split) <= set(schema.SPLITS)
    assert split.notna().all()
    per_article = split.groupby(table[schema.ARTICLE_ID]).nunique()
    assert (per_article == 1).all()


def test_every_outlet_with_three_articles_is_in_every_split():
    table = _sentences(OUTLETS)
    split = split_articles(table, 0.2, 0.2, seed=13)
    articles = table.assign(split=split).drop_duplicates(schema.ARTICLE_ID)
    counts = articles.groupby([schema.OUTLET, "split"]).size().unstack(fill_value=0)
    for outlet, n in OUTLETS.items():
        if n >= 3:
            assert (counts.loc[outlet, list(schema.SPLITS)] >= 1).all(), outlet
        else:
            assert counts.loc[outlet, "train"] == n, outlet  # too small to hold out
    assert counts.loc["Herald"].to_dict() == {"dev": 2, "test": 2, "train": 6}
    assert counts.loc["Ledger"].to_dict() == {"dev": 1, "test": 1, "train": 3}
    assert counts.loc["Wire"].to_dict() == {"dev": 1, "test": 1, "train": 1}


def test_heldout_outlets_go_whole_to_the_heldout_split():
    table = _sentences(OUTLETS)
    split = split_articles(table, 0.2, 0.2, seed=13, heldout_outlets=["Ledger", "Solo"])
    by_outlet = split.groupby(table[schema.OUTLET]).agg(set)
    assert by_outlet["Ledger"] == {schema.HELDOUT} and by_outlet["Solo"] == {schema.HELDOUT}
    assert schema.HELDOUT not in by_outlet["Herald"] | by_outlet["Wire"] | by_outlet["Blog"]
    assert by_outlet["Herald"] == set(schema.SPLITS)  # the other outlets split as before


def test_an_unknown_heldout_outlet_is_an_error_naming_it():
    with pytest.raises(GoldError, match=r"split.heldout_outlets: \['Nowhere'\]"):
        split_articles(_sentences(OUTLETS), 0.2, 0.2, seed=13, heldout_outlets=["Nowhere"])


def _audited(n: int, **extra: object) -> pd.DataFrame:
    return pd.DataFrame(
        {
            schema.SENTENCE_ID: [f"user-{i}" for i in range(n)],
            schema.ARTICLE_ID: [f"user-article-{i // 2}" for i in range(n)],
            schema.OUTLET: "Users' Outlet",
            schema.TEXT: [f"An audited sentence {i}." for i in range(n)],
            schema.FRAMES: [["costly_risk"]] * n,
            schema.STANCE: "unfavorable",
            schema.BOILERPLATE: False,
            schema.SOURCE: "audit:spring",
            **extra,
        }
    )


def test_audited_gold_rows_train_only_and_need_no_corpus_sentence():
    sentences = _sentences({"Herald": 5}).assign(**{schema.POSITION: 0})
    gold = pd.concat([_gold_for(sentences), _audited(4)], ignore_index=True)
    corpus_gold, audited = audited_rows(gold)
    assert len(audited) == 4 and len(corpus_gold) == len(sentences)
    labelled = join_gold(sentences, corpus_gold)  # no orphan error: audited rows are apart
    labelled[schema.SPLIT] = split_articles(labelled, 0.2, 0.2, seed=13)
    joined = with_audited(labelled, audited)
    added = joined[joined[schema.SENTENCE_ID].str.startswith("user-")]
    assert len(joined) == len(labelled) + 4 and list(joined.columns) == list(labelled.columns)
    assert set(added[schema.SPLIT]) == {"train"} and set(added[schema.POSITION]) == {-1}
    assert added[schema.TEXT].tolist() == audited[schema.TEXT].tolist()


def test_audited_rows_without_their_text_are_an_error():
    with pytest.raises(GoldError, match="audited gold rows need article_id, outlet, text"):
        audited_rows(_audited(2).drop(columns=schema.TEXT))


def test_same_seed_same_split_and_different_seed_different_split():
    table = _sentences({"Herald": 12, "Ledger": 12, "Wire": 12})
    first = split_articles(table, 0.2, 0.2, seed=13)
    again = split_articles(table, 0.2, 0.2, seed=13)
    other = split_articles(table, 0.2, 0.2, seed=14)
    pd.testing.assert_series_equal(first, again)
    assert not first.equals(other)


def test_split_does_not_depend_on_row_order():
    table = _sentences(OUTLETS)
    shuffled = table.sample(frac=1, random_state=0)
    a = split_articles(table, 0.2, 0.2, seed=5).groupby(table[schema.ARTICLE_ID]).first()
    b = split_articles(shuffled, 0.2, 0.2, seed=5).groupby(shuffled[schema.ARTICLE_ID]).first()
    pd.testing.assert_series_equal(a.sort_index(), b.sort_index())


def _gold_for(sentences: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            schema.SENTENCE_ID: sentences[schema.SENTENCE_ID],
            schema.FRAMES: [[] for _ in range(len(sentences))],
            schema.STANCE: "neutral",
            schema.BOILERPLATE: False,
        }
    )


def test_join_gold_adds_labels():
    sentences = _sentences({"Herald": 2}, per_article=2)
    gold = _gold_for(sentences)
    gold.loc[0, schema.STANCE] = "favorable"
    joined = join_gold(sentences, gold)
    assert len(joined) == len(sentences)
    first = joined[joined[schema.SENTENCE_ID] == "Herald-0-0"]
    assert first[schema.STANCE].item() == "favorable"
    assert "_merge" not in joined.columns


def test_join_gold_fails_on_sentence_without_label():
    sentences = _sentences({"Herald": 2}, per_article=2)
    gold = _gold_for(sentences).iloc[1:]
    with pytest.raises(GoldError, match=r"1 sentences have no gold label, e\.g\. Herald-0-0"):
        join_gold(sentences, gold)


def test_join_gold_fails_on_orphan_gold_id():
    sentences = _sentences({"Herald": 2}, per_article=2)
    gold = pd.concat(
        [_gold_for(sentences), _gold_for(pd.DataFrame({schema.SENTENCE_ID: ["ghost"]}))],
        ignore_index=True,
    )
    with pytest.raises(GoldError, match=r"1 gold sentence ids are not in the corpus, e\.g\. ghost"):
        join_gold(sentences, gold)


def _gold_line(**overrides) -> str:
    row = {
        "sentence_id": "s1",
        "article_id": "a1",
        "outlet": "Herald",
        "text": "Kyiv holds Sudzha.",
        "frames": ["bargaining_chip"],
        "stance": "favorable",
        "boilerplate": False,
    }
    row.update(overrides)
    return json.dumps(row)


def test_load_gold_reads_valid_rows(tmp_path, codebook):
    path = tmp_path / "gold.jsonl"
    path.write_text(_gold_line() + "\n\n" + _gold_line(sentence_id="s2", frames=[]) + "\n")
    gold = load_gold(path, codebook)
    assert gold[schema.SENTENCE_ID].tolist() == ["s1", "s2"]


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        (
            _gold_line(frames=["victory_lap"]),
            r"gold\.jsonl:2: unknown frame\(s\) \['victory_lap'\]",
        ),
        (_gold_line(stance="positive"), r"gold\.jsonl:2: unknown stance 'positive'"),
        ('{"sentence_id": "s2", "text": ', r"gold\.jsonl:2: malformed JSON"),
        (_gold_line(boilerplate="no"), r"gold\.jsonl:2: frames must be a list"),
        (
            json.dumps({"sentence_id": "s2", "text": "x", "frames": []}),
            r"gold\.jsonl:2: missing key",
        ),
    ],
)
def test_load_gold_errors_give_file_and_line(tmp_path, codebook, bad_line, message):
    path = tmp_path / "gold.jsonl"
    path.write_text(_gold_line() + "\n" + bad_line + "\n")
    with pytest.raises(GoldError, match=message):
        load_gold(path, codebook)


def test_load_gold_empty_or_missing(tmp_path, codebook):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    with pytest.raises(GoldError, match="no gold rows"):
        load_gold(empty, codebook)
    with pytest.raises(GoldError, match="gold file not found"):
        load_gold(tmp_path / "missing.jsonl", codebook)


def test_label_arrays_follow_frame_order():
    labels = LabelSpace(("a", "b"), ("pos", "neg"), "neg", (1, -1))
    table = pd.DataFrame(
        {
            schema.FRAMES: [["b"], [], ["a", "b"]],
            schema.STANCE: ["pos", "neg", "pos"],
            schema.BOILERPLATE: [False, True, False],
        }
    )
    frames, stance, boilerplate = label_arrays(table, labels)
    assert frames.tolist() == [[0, 1], [0, 0], [1, 1]]
    assert stance == ["pos", "neg", "pos"]
    assert boilerplate.tolist() == [0, 1, 0]
