"""Issue 9's bad-input matrix, generated here: every input is scored or rejected with a reason,
the batch goes on, and the summary reconciles (read = scored + rejected)."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pandas as pd
import pytest
from pipeline_params import FAST_FIGURES

from framescope import schema
from framescope.ingest.corpus import ReadOptions
from framescope.scoring.engine import ScoreSettings, score_paths
from framescope.scoring.output import read_scored

EN = "Ukrainian units pressed deeper into the Kursk region on Thursday, officials said."
RU = "Украинские войска продвинулись вглубь Курской области в четверг, сообщили официальные лица."


def _jsonl(*records: dict | str) -> str:
    return "".join(
        (r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records
    )


def make_bad_inputs(root: Path) -> dict[str, tuple[str, str | None]]:
    """Write the matrix under `root`; return {source: ("scored" | "rejected", reason part)}."""
    root.mkdir(parents=True, exist_ok=True)
    expect: dict[str, tuple[str, str | None]] = {}

    def put(name: str, data: bytes, outcome: str, reason: str | None = None) -> Path:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        expect[str(path)] = (outcome, reason)
        return path

    put("empty.txt", b"", "rejected", "empty file")
    put("whitespace.md", b"  \n\t \n   ", "rejected", "empty file")
    put("binary.txt", bytes(range(256)) * 64, "rejected", "binary content")
    put("bad_utf8.txt", f"{EN} Caf\xe9 \xff\xfe owners.".encode("latin-1"), "scored")
    put(
        "latin1.txt",
        "Café owners in Sudzha said the incursion surprised them.".encode("latin-1"),
        "scored",
    )
    put("utf16.txt", f"Title here\n\n{EN}".encode("utf-16"), "scored")
    put("huge.txt", (EN + " ").encode() * (50_000_000 // (len(EN) + 1)), "rejected", "too large")
    put(
        "scripts.html",
        b"<html><head><style>body{color:red}</style><script>var a = 1;</script></head>"
        b"<body><script>document.write('x')</script><style>p{}</style></body></html>",
        "rejected",
        "empty text",
    )
    whole = gzip.compress(_jsonl({"id": "g1", "text": f"{EN} " * 2000}).encode())
    put("truncated.jsonl.gz", whole[: len(whole) // 2], "rejected", "unreadable file")
    bad_line = put(
        "malformed.jsonl", _jsonl({"id": "m1", "text": EN}, '{"id": "m2", "te').encode(), "scored"
    )
    expect.pop(str(bad_line))
    expect[f"{bad_line}:line 1"] = ("scored", None)
    expect[f"{bad_line}:line 2"] = ("rejected", "malformed JSON")
    put("no_text.csv", b"id,outlet,body\nc1,Wire,Some body text.\n", "rejected", "no text column")
    put("no_meta.txt", f"{EN} Nobody signed it.".encode(), "scored")
    dates = put(
        "dates.jsonl",
        _jsonl(
            {"id": "d1", "outlet": "W", "date": "the day after tomorrow", "text": EN + " One."},
            {"id": "d2", "outlet": "W", "date": "2999-01-01", "text": EN + " Two."},
        ).encode(),
        "scored",
    )
    expect.pop(str(dates))
    expect[f"{dates}:line 1"] = expect[f"{dates}:line 2"] = ("scored", None)
    dups = put(
        "dup_ids.jsonl",
        _jsonl(
            {"id": "same", "text": EN + " First."}, {"id": "same", "text": EN + " Other."}
        ).encode(),
        "scored",
    )
    expect.pop(str(dups))
    expect[f"{dups}:line 1"] = ("scored", None)
    expect[f"{dups}:line 2"] = ("rejected", "already used")
    put("long_sentence.txt", ("word " * 20_000).encode(), "scored")
    put(
        "scripts_mix.txt",
        f"{EN} 🎉🔥 مرحبا بالعالم שלום עולם 東京 Київ.\n\n😀😀😀".encode(),
        "scored",
    )
    put("cyrillic.txt", f"{RU}\n\n{RU} Ещё одно предложение.".encode(), "scored")
    put("with space/ünïcödé файл.md", f"---\noutlet: Ёлка News\n---\n{EN}".encode(), "scored")
    loop = root / "loop"
    loop.mkdir()
    (loop / "again").symlink_to("..", target_is_directory=True)
    expect[str(loop / "again")] = ("rejected", "symlink loop")
    (root / "self.txt").symlink_to(root / "self.txt")
    expect[str(root / "self.txt")] = ("rejected", "symlink loop")
    (root / "gone.md").symlink_to(root / "never_existed.md")
    expect[str(root / "gone.md")] = ("rejected", "broken symbolic link")
    return expect


@pytest.fixture(scope="module")
def bad_run(scoring_model, tmp_path_factory):
    base = tmp_path_factory.mktemp("bad")
    expect = make_bad_inputs(base / "in")
    out = base / "out"
    summary = score_paths(
        [str(base / "in")], out, scoring_model, settings=ScoreSettings(chunk_size=3), **FAST_FIGURES
    )
    return expect, out, summary


def test_summary_reconciles(bad_run):
    expect, out, summary = bad_run
    rejects = [json.loads(line) for line in (out / "rejects.jsonl").read_text().splitlines()]
    articles = pd.read_parquet(out / "articles.parquet")
    assert summary.read == summary.scored + summary.rejected
    assert summary.scored == len(articles) == sum(o == "scored" for o, _ in expect.values())
    assert summary.rejected == len(rejects) == sum(o == "rejected" for o, _ in expect.values())


@pytest.mark.parametrize(
    "case",
    [
        "empty.txt",
        "whitespace.md",
        "binary.txt",
        "huge.txt",
        "scripts.html",
        "truncated.jsonl.gz",
        "malformed.jsonl:line 2",
        "no_text.csv",
        "dup_ids.jsonl:line 2",
        "loop/again",
        "self.txt",
        "gone.md",
    ],
)
def test_each_bad_input_is_rejected_with_its_reason(bad_run, case):
    expect, out, _ = bad_run
    source = next(s for s in expect if s.endswith(case))
    reasons = {
        r["source"]: r["reason"]
        for r in map(json.loads, (out / "rejects.jsonl").read_text().splitlines())
    }
    assert source in reasons, sorted(reasons)
    assert expect[source][1] in reasons[source]


@pytest.mark.parametrize(
    "case",
    [
        "bad_utf8.txt",
        "latin1.txt",
        "utf16.txt",
        "malformed.jsonl:line 1",
        "no_meta.txt",
        "dates.jsonl:line 1",
        "dates.jsonl:line 2",
        "long_sentence.txt",
        "scripts_mix.txt",
        "cyrillic.txt",
        "ünïcödé файл.md",
    ],
)
def test_each_odd_but_valid_input_is_scored(bad_run, case):
    expect, out, _ = bad_run
    source = next(s for s in expect if s.endswith(case))
    articles = pd.read_parquet(out / "articles.parquet").set_index(schema.SOURCE)
    assert source in articles.index
    sentences = pd.read_parquet(out / "sentences.parquet")
    assert (sentences[schema.ARTICLE_ID] == articles.loc[source, schema.ARTICLE_ID]).any()


def test_decoding_keeps_the_text(bad_run):
    expect, out, _ = bad_run
    articles = pd.read_parquet(out / "articles.parquet").set_index(schema.SOURCE)
    text = {Path(s).name: t for s, t in articles[schema.TEXT].items()}
    assert "Café owners in Sudzha" in text["latin1.txt"]
    assert EN in text["utf16.txt"] and "\x00" not in text["utf16.txt"]
    assert text["ünïcödé файл.md"].strip() == EN
    assert (
        articles.loc[str(next(s for s in expect if s.endswith("ünïcödé файл.md"))), schema.OUTLET]
        == "Ёлка News"
    )


def test_missing_and_bad_dates_are_null_not_guessed(bad_run):
    _, out, summary = bad_run
    articles = pd.read_parquet(out / "articles.parquet")
    by_id = articles.set_index(schema.ARTICLE_ID)
    assert pd.isna(by_id.loc["d1", schema.DATE]) and pd.isna(by_id.loc["d2", schema.DATE])
    assert summary.undated == int(articles[schema.DATE].isna().sum()) > 0
    no_meta = articles[articles[schema.SOURCE].str.endswith("no_meta.txt")].iloc[0]
    assert no_meta[schema.OUTLET] == "unknown"


def test_long_sentence_is_one_sentence(bad_run):
    _, out, _ = bad_run
    sentences = pd.read_parquet(out / "sentences.parquet")
    assert sentences[schema.TEXT].str.len().max() >= 99_000


def test_cyrillic_sentences_are_counted_and_left_out_of_outlet_figures(bad_run):
    _, out, summary = bad_run
    everything, _ = read_scored(out, all_languages=True)
    english_only, _ = read_scored(out)
    foreign = everything[everything["lang"] == "ru"]
    assert len(foreign) >= 2
    assert summary.other_language == len(everything) - len(english_only) >= len(foreign)
    assert not english_only[schema.SENTENCE_ID].isin(foreign[schema.SENTENCE_ID]).any()


def test_unreadable_file_is_a_reject(scoring_model, tmp_path, monkeypatch):
    (tmp_path / "in").mkdir()
    locked = tmp_path / "in" / "locked.txt"
    locked.write_text(EN, encoding="utf-8")
    (tmp_path / "in" / "ok.txt").write_text(EN + " More.", encoding="utf-8")
    if os.geteuid() != 0:
        locked.chmod(0)
    else:  # root reads anything: make the open fail the way a permission error does
        real_open = Path.open

        def deny(self, *args, **kwargs):
            if self == locked:
                raise PermissionError(13, "Permission denied", str(self))
            return real_open(self, *args, **kwargs)

        monkeypatch.setattr(Path, "open", deny)
    summary = score_paths([str(tmp_path / "in")], tmp_path / "out", scoring_model, **FAST_FIGURES)
    [reject] = map(json.loads, (tmp_path / "out" / "rejects.jsonl").read_text().splitlines())
    assert reject["source"] == str(locked) and "Permission" in reject["reason"]
    assert (summary.scored, summary.rejected) == (1, 1)


@pytest.mark.slow
def test_folder_of_10000_tiny_files(scoring_model, tmp_path):
    folder = tmp_path / "tiny"
    folder.mkdir()
    for i in range(10_000):
        (folder / f"{i:05d}.txt").write_text(f"Note {i}: the front held near Sudzha.", "utf-8")
    summary = score_paths(
        [str(folder)],
        tmp_path / "out",
        scoring_model,
        settings=ScoreSettings(chunk_size=2000, progress=False),
        **FAST_FIGURES,
    )
    assert (summary.read, summary.scored, summary.rejected) == (10_000, 10_000, 0)
    assert len(pd.read_parquet(tmp_path / "out" / "articles.parquet")) == 10_000
    assert len(list((tmp_path / "out" / "sentences.parquet").glob("part-*.parquet"))) == 5


def test_cli_on_the_matrix_exits_3_and_names_rejects(bad_run, scoring_model_path, tmp_path):
    import re
    import subprocess
    import sys

    expect, _, summary = bad_run
    folder = Path(next(iter(expect))).parent
    done = subprocess.run(
        [
            Path(sys.executable).parent / "framescope",
            "score",
            folder,
            "--out",
            tmp_path / "o",
            "--model",
            scoring_model_path,
            "--no-mlflow",
            "--samples",
            "100",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert done.returncode == 3, done.stderr
    match = re.search(r"articles read (\d+), scored (\d+), rejected (\d+)", done.stdout)
    assert match, done.stdout
    assert tuple(map(int, match.groups())) == (summary.read, summary.scored, summary.rejected)
    assert not (tmp_path / "mlflow.db").exists()
    assert json.loads((tmp_path / "o" / "run.json").read_text())["summary"]["read"] == summary.read


def test_truncated_gzip_keeps_the_records_before_the_cut(tmp_path):
    from framescope.ingest.corpus import Reject, read_file

    records = [{"id": f"g{i}", "text": f"Story {i} about Sudzha. " * 40} for i in range(400)]
    whole = gzip.compress(_jsonl(*records).encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(whole[: len(whole) // 2])
    items = list(read_file(path, ReadOptions()))
    *articles, last = items
    assert isinstance(last, Reject) and "unreadable file after" in last.reason
    assert 0 < len(articles) < 400
    assert [a[schema.ARTICLE_ID] for a in articles] == [f"g{i}" for i in range(len(articles))]
