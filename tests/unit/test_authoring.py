"""Authored articles become Markdown that ingest reads and gold rows keyed by the segmenter."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from framescope.annotate.authoring import (
    AuthoringError,
    read_authored,
    to_markdown,
    write_article,
)
from framescope.ingest.formats import read_file
from framescope.ingest.records import ReadOptions
from framescope.ingest.segment import segment

TITLE = "Villagers near the border count the days"


def _unit(p, text, frames=(), stance="neutral", boilerplate=False):
    return {
        "p": p,
        "text": text,
        "frames": list(frames),
        "stance": stance,
        "boilerplate": boilerplate,
    }


def _article(units):
    return {
        "article_id": "tst-2024-09-01-border",
        "outlet": "Test Herald",
        "genre": "regional paper",
        "date": "2024-09-01",
        "url": "https://testherald.example/border",
        "title": TITLE,
        "author": "A. Writer",
        "units": [_unit(0, TITLE), *units],
    }


def _write(tmp_path: Path, article: dict) -> Path:
    path = tmp_path / "a.json"
    path.write_text(json.dumps(article), encoding="utf-8")
    return path


UNITS = [
    _unit(1, "The shelling started again before dawn."),
    _unit(
        1,
        "Kyiv wants the land it holds on the table when talks begin.",
        ["bargaining_chip"],
        "favorable",
    ),
    _unit(2, "© 2024 Test Herald. All rights reserved.", boilerplate=True),
    _unit(3, "LEV: Oh no."),
    _unit(3, "MASHA: It was always going to be like this, they said."),
]


def test_gold_rows_join_the_segmenter_and_keep_every_label(tmp_path, codebook):
    article = read_authored(_write(tmp_path, _article(UNITS)), codebook)
    rows = write_article(article, tmp_path)
    record = next(read_file(tmp_path / "tst-2024-09-01-border.md", ReadOptions()))
    ids = [s.sentence_id for s in segment(record["article_id"], record["text"])]
    assert [r["sentence_id"] for r in rows] == ids  # every sentence labelled, in order
    chip = next(r for r in rows if r["text"].startswith("Kyiv wants"))
    assert chip["frames"] == ["bargaining_chip"] and chip["stance"] == "favorable"
    # the copyright line is cut in two by the segmenter: both pieces are boilerplate
    assert [r["boilerplate"] for r in rows if "Test Herald" in r["text"] or "rights" in r["text"]]
    assert sum(r["boilerplate"] for r in rows) == 2
    assert record["outlet"] == "Test Herald" and rows[0]["text"] == TITLE


def test_markdown_has_front_matter_and_one_paragraph_per_p(codebook, tmp_path):
    text = to_markdown(read_authored(_write(tmp_path, _article(UNITS[:2])), codebook))
    assert text.startswith("---\nid: tst-2024-09-01-border\n")
    assert "genre: regional paper" in text
    assert "before dawn. Kyiv wants" in text  # same p: one paragraph


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"stance": "positive"}, "stance 'positive' not in"),
        ({"frames": ["leverage"]}, "frames ['leverage'] not a list of"),
        ({"boilerplate": "yes"}, "boilerplate must be true or false"),
        ({"boilerplate": True, "frames": ["costly_risk"]}, "a boilerplate unit has no frame"),
    ],
)
def test_bad_labels_name_the_unit(tmp_path, codebook, change, message):
    bad = _article([{**UNITS[0], **change}])
    with pytest.raises(AuthoringError, match=rf"unit 1: .*{re.escape(message)}"):
        read_authored(_write(tmp_path, bad), codebook)


def test_a_title_that_is_not_the_first_unit_is_an_error(tmp_path, codebook):
    bad = _article(UNITS)
    bad["units"] = bad["units"][1:]
    with pytest.raises(AuthoringError, match="units\\[0\\] must be the title"):
        read_authored(_write(tmp_path, bad), codebook)


def test_cli_writes_articles_gold_and_rejects(tmp_path, codebook, repo_root):
    from typer.testing import CliRunner

    from framescope.cli import app

    good = tmp_path / "src" / "good.json"
    good.parent.mkdir()
    good.write_text(json.dumps(_article(UNITS)), encoding="utf-8")
    (tmp_path / "src" / "bad.json").write_text("{not json", encoding="utf-8")
    gold = tmp_path / "gold.jsonl"
    result = CliRunner().invoke(
        app,
        [
            "annotate",
            "authored",
            str(tmp_path / "src"),
            "--articles",
            str(tmp_path / "art"),
            "--gold",
            str(gold),
            "--codebook",
            str(repo_root / "labels" / "codebook.yaml"),
        ],
    )
    assert result.exit_code == 3, result.output
    assert (tmp_path / "art" / "test_herald" / "tst-2024-09-01-border.md").exists()
    assert len(gold.read_text().splitlines()) == len(UNITS) + 2  # title + the cut copyright line
    rejects = [json.loads(x) for x in gold.with_suffix(".rejects.jsonl").read_text().splitlines()]
    assert [Path(r["source"]).name for r in rejects] == ["bad.json"]
