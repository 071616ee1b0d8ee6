"""Several gold files: which files are read, labels that disagree across files, split leakage."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from pipeline_params import raw_params

from framescope import schema
from framescope.config import ConfigError, parse_params
from framescope.labels.dataset import GoldError, join_gold
from framescope.labels.goldset import gold_paths, load_gold_files, split_leaks


def _write(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _gold(sid, frames=(), stance="neutral", boilerplate=False, text=None):
    return {
        schema.SENTENCE_ID: sid,
        schema.ARTICLE_ID: "a1",
        schema.OUTLET: "Herald",
        schema.TEXT: text or f"sentence {sid}",
        schema.FRAMES: list(frames),
        schema.STANCE: stance,
        schema.BOILERPLATE: boilerplate,
    }


def test_params_gold_accepts_a_path_or_a_list():
    assert parse_params(raw_params({"gold": "labels/gold/demo.jsonl"})).gold_patterns == (
        "labels/gold/demo.jsonl",
    )
    listed = parse_params(
        raw_params({"gold": ["labels/gold/*.jsonl", "!labels/gold/*.second_pass.jsonl"]})
    )
    assert listed.gold_patterns == ("labels/gold/*.jsonl", "!labels/gold/*.second_pass.jsonl")


@pytest.mark.parametrize("bad", [[], [3], "", 5])
def test_params_gold_rejects_other_values(bad):
    with pytest.raises(ConfigError, match=r"^gold: expected a path or a non-empty list"):
        parse_params(raw_params({"gold": bad}))


def test_params_split_unlabelled_is_checked():
    assert parse_params(raw_params({"split": {"unlabelled": "drop"}})).split.unlabelled == "drop"
    with pytest.raises(ConfigError, match=r"split.unlabelled: 'keep' not in"):
        parse_params(raw_params({"split": {"unlabelled": "keep"}}))


def test_gold_paths_globs_and_exclusions(tmp_path):
    for name in ("demo.jsonl", "round1.jsonl", "demo.second_pass.jsonl", "notes.txt"):
        _write(tmp_path / "gold" / name, [_gold("s1")])
    patterns = ["gold/*.jsonl", "!gold/*.second_pass.jsonl"]
    assert [p.name for p in gold_paths(patterns, tmp_path)] == ["demo.jsonl", "round1.jsonl"]
    assert [p.name for p in gold_paths(["gold/demo.jsonl"], tmp_path)] == ["demo.jsonl"]
    with pytest.raises(GoldError, match="matches no file"):
        gold_paths(["other/*.jsonl"], tmp_path)
    with pytest.raises(GoldError, match="leave no gold file"):
        gold_paths(["gold/demo.jsonl", "!gold/*"], tmp_path)


def test_same_label_in_two_files_is_kept_once(tmp_path, codebook):
    a = _write(tmp_path / "a.jsonl", [_gold("s1", ["costly_risk"], "unfavorable"), _gold("s2")])
    b = _write(tmp_path / "b.jsonl", [_gold("s1", ["costly_risk"], "unfavorable"), _gold("s3")])
    gold = load_gold_files([a, b], codebook)
    assert gold[schema.SENTENCE_ID].tolist() == ["s1", "s2", "s3"]


def test_different_labels_in_two_files_fail_naming_both(tmp_path, codebook):
    a = _write(tmp_path / "a.jsonl", [_gold("s1", ["costly_risk"], "unfavorable")])
    b = _write(tmp_path / "b.jsonl", [_gold("s1", [], "unfavorable")])
    with pytest.raises(GoldError) as err:
        load_gold_files([a, b], codebook)
    message = str(err.value)
    assert "1 sentence(s) labelled differently" in message and "s1" in message
    assert "a.jsonl says [costly_risk] unfavorable" in message
    assert "b.jsonl says [-] unfavorable" in message


def test_join_gold_can_drop_unlabelled_sentences():
    sentences = pd.DataFrame(
        {
            schema.SENTENCE_ID: ["s1", "s2"],
            schema.ARTICLE_ID: "a1",
            schema.TEXT: ["one", "two"],
        }
    )
    gold = pd.DataFrame([_gold("s2")])
    with pytest.raises(GoldError, match="1 sentences have no gold label"):
        join_gold(sentences, gold)
    kept = join_gold(sentences, gold, unlabelled="drop")
    assert kept[schema.SENTENCE_ID].tolist() == ["s2"]


def test_split_leaks_finds_content_text_in_two_splits():
    long_text = "Kyiv moved its reserve brigades north to hold the line"
    labelled = pd.DataFrame(
        {
            schema.TEXT: [
                long_text,
                long_text.upper() + "!",
                "Advertisement",
                "Advertisement",
                "A different sentence that only appears once in train",
            ],
            schema.BOILERPLATE: [False, False, True, True, False],
            schema.SPLIT: ["train", "test", "train", "test", "train"],
        }
    )
    leaks = split_leaks(labelled)
    assert len(leaks) == 2 and set(leaks[schema.SPLIT]) == {"train", "test"}
    same_split = labelled.assign(**{schema.SPLIT: "train"})
    assert split_leaks(same_split).empty
