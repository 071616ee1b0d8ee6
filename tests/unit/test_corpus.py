"""Reading coverage: every format in, normalised articles or rejects out, never an exception."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

import pytest

from framescope import schema
from framescope.ingest.corpus import collect_articles, read_articles
from framescope.ingest.formats import read_file
from framescope.ingest.records import Columns, ReadOptions, Reject, make_article, parse_date

MD = """---
id: kyl-2024-08-09-test
outlet: The Kyiv Ledger
date: 2024-08-09
url: https://kyivledger.example/war/test
title: "Kremlin scrambles as Ukrainian units push deeper"
author: Oksana Hrytsenko
---
Ukrainian assault groups pressed further into Russia's Kursk region on Thursday.

Advertisement

Moscow struggled to explain how its border
had been breached so easily.
"""

HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Sudzha falls to Ukrainian units | Example Herald</title>
<meta property="og:title" content="Sudzha falls to Ukrainian units">
<meta property="og:site_name" content="Example Herald">
<meta property="og:url" content="https://herald.example/war/sudzha-falls">
<meta property="article:published_time" content="2024-08-16T09:00:00+00:00">
<script>var tracking = "SCRIPT_SHOULD_NOT_APPEAR"; function f(){}</script>
</head><body>
<nav><a href="/">Home</a> <a href="/world">NAVIGATION_LINK_WORLD</a></nav>
<article>
<h1>Sudzha falls to Ukrainian units</h1>
<p>Ukrainian forces took full control of the Russian town of Sudzha on Thursday, the commander
in chief said, after more than a week of fighting in the Kursk region.</p>
<p>The town, which had about 5,000 residents before the war, is home to the last working gas
transit point between Russia and Europe, and its loss is an embarrassment for Moscow.</p>
<p>Russian officials did not comment on the claim, and state television kept its coverage of
the incursion to short bulletins on Thursday evening.</p>
</article>
<footer>Copyright FOOTER_TEXT</footer>
</body></html>
"""


def _read(path: Path, options: ReadOptions | None = None) -> list:
    return list(read_file(path, options or ReadOptions()))


def _record(**fields) -> str:
    return json.dumps(fields, ensure_ascii=False)


def test_front_matter_markdown(tmp_path):
    path = tmp_path / "a.md"
    path.write_text(MD, encoding="utf-8")
    [article] = _read(path)
    assert article[schema.ARTICLE_ID] == "kyl-2024-08-09-test"
    assert article[schema.OUTLET] == "The Kyiv Ledger"
    assert article[schema.DATE] == "2024-08-09"
    assert article[schema.URL] == "https://kyivledger.example/war/test"
    assert article[schema.TITLE] == "Kremlin scrambles as Ukrainian units push deeper"
    assert article[schema.SOURCE] == str(path)
    # the headline is the first line of text; the hard wrap is undone; front matter is gone
    assert article[schema.TEXT].split("\n") == [
        "Kremlin scrambles as Ukrainian units push deeper",
        "",
        "Ukrainian assault groups pressed further into Russia's Kursk region on Thursday.",
        "",
        "Advertisement",
        "",
        "Moscow struggled to explain how its border had been breached so easily.",
    ]
    assert "author" not in article[schema.TEXT]


def test_headline_not_repeated_when_text_already_starts_with_it():
    article = make_article(
        {"title": "Sudzha falls", "text": "Sudzha falls\n\nUkrainian units took the town."},
        "src",
        ReadOptions(),
    )
    assert article[schema.TEXT] == "Sudzha falls\n\nUkrainian units took the town."


def test_html_main_text_without_navigation_or_script(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(HTML, encoding="utf-8")
    [article] = _read(path)
    text = article[schema.TEXT]
    assert text.split("\n")[0] == "Sudzha falls to Ukrainian units"
    assert "the last working gas transit point between Russia and Europe" in text
    assert "short bulletins on Thursday evening." in text
    for junk in ("SCRIPT_SHOULD_NOT_APPEAR", "NAVIGATION_LINK_WORLD", "FOOTER_TEXT", "<p>"):
        assert junk not in text
    assert article[schema.OUTLET] == "Example Herald"
    assert article[schema.DATE] == "2024-08-16"
    assert article[schema.URL] == "https://herald.example/war/sudzha-falls"
    assert article[schema.TITLE] == "Sudzha falls to Ukrainian units"


def test_html_without_content_is_a_reject(tmp_path):
    path = tmp_path / "empty.html"
    path.write_text("<html><head><title>x</title></head><body></body></html>", encoding="utf-8")
    [item] = _read(path)
    assert isinstance(item, Reject) and item.reason.startswith("empty text")


def test_jsonl_with_malformed_line(tmp_path):
    path = tmp_path / "export.jsonl"
    path.write_text(
        "\n".join(
            [
                _record(id="a1", outlet="Wire", text="First story about Sudzha."),
                '{"id": "a2", "text": "broken',
                "",
                "[1, 2]",
                _record(id="a3", outlet="Wire", text="Third story about Kursk.", date="2024-08-09"),
                _record(id="a4", outlet="Wire", text="   "),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    items = _read(path)
    articles = [i for i in items if not isinstance(i, Reject)]
    rejects = [i for i in items if isinstance(i, Reject)]
    assert [a[schema.ARTICLE_ID] for a in articles] == ["a1", "a3"]
    assert articles[1][schema.DATE] == "2024-08-09"
    assert [(r.source, r.reason.split(" (")[0]) for r in rejects] == [
        (f"{path}:line 2", "malformed JSON"),
        (f"{path}:line 4", "line is not a JSON object"),
        (f"{path}:line 6", "empty text"),
    ]
    assert articles[0][schema.SOURCE] == f"{path}:line 1"


def test_jsonl_with_custom_columns(tmp_path):
    path = tmp_path / "export.jsonl"
    path.write_text(_record(body="Body text here.", site="Wire") + "\n", encoding="utf-8")
    options = ReadOptions(columns=Columns(text="body", outlet="site"))
    [article] = _read(path, options)
    assert article[schema.TEXT] == "Body text here."
    assert article[schema.OUTLET] == "Wire"


def test_csv_reads_rows(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        'id,outlet,date,text\nc1,Daily,16/08/2024,"Line one.\nLine two."\n', encoding="utf-8"
    )
    [article] = _read(path)
    assert article[schema.ARTICLE_ID] == "c1"
    assert article[schema.DATE] == "2024-08-16"
    assert article[schema.TEXT] == "Line one.\nLine two."


def test_csv_without_text_column_is_one_reject_naming_the_columns(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("id,outlet,body\nc1,Daily,Some text.\nc2,Daily,More text.\n", encoding="utf-8")
    [item] = _read(path)
    assert isinstance(item, Reject)
    assert item.source == str(path)
    assert "no text column 'text'" in item.reason and "body" in item.reason
    # with the right mapping the same file reads
    options = ReadOptions(columns=Columns(text="body"))
    assert [a[schema.TEXT] for a in _read(path, options)] == ["Some text.", "More text."]


@pytest.mark.parametrize("name", ["empty.md", "empty.txt", "empty.csv"])
def test_empty_file_is_a_reject(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"")
    [item] = _read(path)
    assert isinstance(item, Reject)
    assert item.source == str(path)


def test_empty_jsonl_is_a_reject(tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_bytes(b"")
    items = _read(path)
    assert len(items) == 1 and isinstance(items[0], Reject)


def test_gzipped_jsonl_and_markdown(tmp_path):
    jsonl = tmp_path / "export.jsonl.gz"
    line = _record(id="g1", outlet="W", text="Gz text.") + "\n"
    jsonl.write_bytes(gzip.compress(line.encode()))
    md = tmp_path / "story.md.gz"
    md.write_bytes(gzip.compress(MD.encode("utf-8")))
    [a] = _read(jsonl)
    [b] = _read(md)
    assert a[schema.ARTICLE_ID] == "g1" and a[schema.TEXT] == "Gz text."
    assert b[schema.ARTICLE_ID] == "kyl-2024-08-09-test"


def test_truncated_gzip_is_a_reject_not_an_exception(tmp_path):
    data = gzip.compress((_record(id="g1", text="Some text. " * 200) + "\n").encode())
    path = tmp_path / "export.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    [item] = _read(path)
    assert isinstance(item, Reject)
    assert item.reason.startswith("unreadable file")


def test_not_gzip_with_gz_suffix_is_a_reject(tmp_path):
    path = tmp_path / "story.md.gz"
    path.write_text("plain text, not gzip", encoding="utf-8")
    [item] = _read(path)
    assert isinstance(item, Reject) and item.reason.startswith("unreadable file")


def test_binary_and_bad_front_matter_are_rejects(tmp_path):
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x00\x01\x02binary")
    bad = tmp_path / "bad.md"
    bad.write_text("---\ntitle: [unclosed\n---\nBody.\n", encoding="utf-8")
    [a] = _read(binary)
    [b] = _read(bad)
    assert isinstance(a, Reject) and "binary content" in a.reason
    assert isinstance(b, Reject) and b.reason.startswith("unreadable md")


def test_latin1_file_is_read(tmp_path):
    path = tmp_path / "old.txt"
    path.write_bytes("Café in Sudzha.".encode("latin-1"))
    [article] = _read(path)
    assert article[schema.TEXT] == "Café in Sudzha."


def test_missing_path_is_a_reject(tmp_path):
    md = tmp_path / "a.md"
    md.write_text(MD, encoding="utf-8")
    items = list(read_articles([tmp_path / "missing", md]))
    assert isinstance(items[0], Reject)
    assert items[0].source == str(tmp_path / "missing")
    assert items[0].reason == "no such file or folder"
    assert items[1][schema.ARTICLE_ID] == "kyl-2024-08-09-test"


def test_folder_reads_known_suffixes_in_stable_order(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("Second text.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("First text.", encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    items = list(read_articles([tmp_path]))
    assert [i[schema.TEXT] for i in items] == ["First text.", "Second text."]
    only_sub = list(read_articles([tmp_path], ReadOptions(glob="b.*")))
    assert [i[schema.TEXT] for i in only_sub] == ["Second text."]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-08-16", "2024-08-16"),
        ("2024-08-16T09:00:00+02:00", "2024-08-16"),
        ("2024-08-16 09:00", "2024-08-16"),
        ("16/08/2024", "2024-08-16"),
        ("16.08.2024", "2024-08-16"),
        ("August 16, 2024", "2024-08-16"),
        ("Aug 16, 2024", "2024-08-16"),
        ("16 August 2024", "2024-08-16"),
        (" 2024-08-16 ", "2024-08-16"),
        (dt.date(2024, 8, 16), "2024-08-16"),
        (dt.datetime(2024, 8, 16, 23, 59), "2024-08-16"),
        ("yesterday", None),
        ("2024-13-45", None),
        ("32/13/2024", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_date(value, expected):
    assert parse_date(value) == expected


def test_outlet_falls_back_to_url_domain_then_default():
    options = ReadOptions()
    from_url = make_article({"text": "T.", "url": "https://www.herald.example/x"}, "s", options)
    assert from_url[schema.OUTLET] == "herald.example"
    default = make_article({"text": "T."}, "s", ReadOptions(default_outlet="Kyiv Ledger"))
    assert default[schema.OUTLET] == "Kyiv Ledger"
    named = make_article(
        {"text": "T.", "outlet": "Named", "url": "https://a.example/"},
        "s",
        ReadOptions(default_outlet="Default"),
    )
    assert named[schema.OUTLET] == "Named"
    assert make_article({"text": "T."}, "s", options)[schema.OUTLET] == "unknown"


def test_article_id_from_url_when_no_id_given():
    a = make_article({"text": "Same text.", "url": "https://a.example/1"}, "s", ReadOptions())
    b = make_article({"text": "Other text.", "url": "https://a.example/1"}, "s", ReadOptions())
    assert a[schema.ARTICLE_ID] == b[schema.ARTICLE_ID]


def _article(id_, outlet, text, url=None):
    raw = {"id": id_, "outlet": outlet, "text": text, "url": url}
    return make_article(raw, f"src-{id_}", ReadOptions())


def test_collect_drops_exact_duplicates_within_an_outlet():
    first = _article("a1", "Herald", "Sudzha fell on Thursday.")
    again = _article("a2", "Herald", "Sudzha  fell on Thursday.\n")  # same after normalising
    other = _article("a3", "Herald", "A different story.")
    articles, rejects = collect_articles([first, again, other])
    assert [a[schema.ARTICLE_ID] for a in articles] == ["a1", "a3"]
    assert rejects == [Reject("src-a2", "duplicate of article a1")]


def test_collect_keeps_same_text_in_two_outlets():
    a = _article("h1", "Herald", "Syndicated wire copy about Kursk.")
    b = _article("l1", "Ledger", "Syndicated wire copy about Kursk.")
    articles, rejects = collect_articles([a, b])
    assert [x[schema.OUTLET] for x in articles] == ["Herald", "Ledger"]
    assert rejects == []


def test_collect_keeps_same_text_in_two_outlets_without_ids():
    options = ReadOptions()
    a = make_article({"outlet": "Herald", "text": "Syndicated wire copy."}, "s1", options)
    b = make_article({"outlet": "Ledger", "text": "Syndicated wire copy."}, "s2", options)
    articles, rejects = collect_articles([a, b])
    assert len(articles) == 2 and rejects == []


def test_collect_rejects_reused_id_with_different_text():
    a = _article("x1", "Herald", "First version.")
    b = _article("x1", "Herald", "A completely different story.")
    articles, rejects = collect_articles([a, b, Reject("bad.jsonl:line 3", "malformed JSON")])
    assert [x[schema.TEXT] for x in articles] == ["First version."]
    assert rejects[0].source == "src-x1"
    assert "article id 'x1' already used" in rejects[0].reason
    assert rejects[1] == Reject("bad.jsonl:line 3", "malformed JSON")


def test_reject_as_record():
    assert Reject("f.jsonl:line 2", "malformed JSON").as_record() == {
        schema.SOURCE: "f.jsonl:line 2",
        schema.REASON: "malformed JSON",
    }
