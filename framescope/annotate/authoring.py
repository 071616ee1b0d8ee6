"""Labelled articles written by hand, one unit per sentence, into an ingestable article and gold.

An authored article is one JSON file: its metadata (`article_id`, `outlet`, `date`, `url`,
`title`, `author`; optionally `genre`, `outlet_kind`, `outlet_group`) and `units`, each a
sentence with its paragraph number `p` and its labels (`frames`, `stance`, `boilerplate`,
optional `note`). `units[0]` is the headline.

The article becomes Markdown with front matter, the format ingest reads, and the gold rows take
their `sentence_id` from the segmenter run on that very file, so they join the pipeline's
sentences exactly. A unit the segmenter cuts in pieces gives each piece its labels (a copyright
line of two sentences is boilerplate twice); a unit it runs into the next starts that next unit
on a paragraph of its own (`write_article`); any other mismatch is an error naming the unit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from framescope import schema
from framescope.ingest.formats import read_file
from framescope.ingest.records import ReadOptions, Reject
from framescope.ingest.segment import Sentence, normalise_sentence, segment
from framescope.labels.codebook import Codebook

META = ("article_id", "outlet", "date", "url", "title", "author")
EXTRA_META = ("genre", "outlet_kind", "outlet_group")


class AuthoringError(ValueError):
    """An authored article that cannot become an article and its gold rows."""


class MergedUnit(AuthoringError):
    """The segmenter ran unit `index` into the next one."""

    def __init__(self, message: str, index: int) -> None:
        super().__init__(message)
        self.index = index


@dataclass(frozen=True)
class Authored:
    meta: dict[str, str]
    units: list[dict[str, Any]]


def read_authored(path: str | Path, codebook: Codebook) -> Authored:
    """One authored JSON file, its metadata and labels checked against the codebook."""
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise AuthoringError(f"{path}: not a readable JSON file ({err})") from None
    missing = [k for k in (*META, "units") if not raw.get(k)]
    if missing:
        raise AuthoringError(f"{path}: missing {missing[0]}")
    units = raw["units"]
    if units[0].get("text") != raw["title"]:
        raise AuthoringError(f"{path}: units[0] must be the title")
    for i, unit in enumerate(units):
        _check_unit(unit, codebook, f"{path} unit {i}")
    meta = {k: str(raw[k]) for k in (*META, *EXTRA_META) if raw.get(k)}
    return Authored(meta, units)


def _check_unit(unit: dict[str, Any], codebook: Codebook, where: str) -> None:
    frames, stance, boilerplate = unit.get("frames"), unit.get("stance"), unit.get("boilerplate")
    if not isinstance(unit.get("text"), str) or not unit["text"].strip():
        raise AuthoringError(f"{where}: empty text")
    if not isinstance(frames, list) or any(f not in codebook.frame_ids for f in frames):
        raise AuthoringError(f"{where}: frames {frames!r} not a list of {codebook.frame_ids}")
    if stance not in codebook.stance_ids:
        raise AuthoringError(f"{where}: stance {stance!r} not in {codebook.stance_ids}")
    if not isinstance(boilerplate, bool):
        raise AuthoringError(f"{where}: boilerplate must be true or false")
    if boilerplate and (frames or stance != codebook.stance_default):
        raise AuthoringError(f"{where}: a boilerplate unit has no frame and the default stance")


def to_markdown(article: Authored) -> str:
    """The article as Markdown with front matter: a paragraph per `p`, its units joined."""
    front = {("id" if k == "article_id" else k): v for k, v in article.meta.items()}
    paragraphs: list[list[str]] = []
    last = None
    for unit in article.units[1:]:  # units[0] is the title, which ingest puts first
        if unit["p"] != last:
            paragraphs.append([])
            last = unit["p"]
        paragraphs[-1].append(unit["text"].strip())
    body = "\n\n".join(" ".join(p) for p in paragraphs)
    return f"---\n{yaml.safe_dump(front, sort_keys=False, allow_unicode=True)}---\n{body}\n"


def gold_rows(article: Authored, markdown_file: Path) -> list[dict[str, Any]]:
    """Gold rows for the article as ingest reads `markdown_file` and the segmenter cuts it."""
    records = list(read_file(markdown_file, ReadOptions()))
    if len(records) != 1 or isinstance(records[0], Reject):
        raise AuthoringError(f"{markdown_file}: ingest does not read it as one article")
    record = records[0]
    sentences = segment(record[schema.ARTICLE_ID], record[schema.TEXT])
    rows: list[dict[str, Any]] = []
    pending = iter(sentences)
    for i, unit in enumerate(article.units):
        want, pieces = normalise_sentence(unit["text"]), list[Sentence]()
        # A unit the segmenter cuts in pieces (a copyright line of two sentences, say) gives
        # each piece its labels; a sentence that runs past its unit is an error.
        while normalise_sentence(" ".join(s.text for s in pieces)) != want:
            piece = next(pending, None)
            got = normalise_sentence(" ".join(s.text for s in [*pieces, piece] if s))
            if piece is None or not want.startswith(got):
                raise MergedUnit(
                    f"{markdown_file}: unit {i} {unit['text'][:60]!r} is segmented as {got[:80]!r}",
                    i,
                )
            pieces.append(piece)
        rows.extend(_row(record, sentence, unit) for sentence in pieces)
    extra = next(pending, None)
    if extra is not None:
        raise AuthoringError(f"{markdown_file}: text after the last unit: {extra.text[:60]!r}")
    return rows


def _row(record: dict[str, Any], sentence: Any, unit: dict[str, Any]) -> dict[str, Any]:
    row = {
        schema.SENTENCE_ID: sentence.sentence_id,
        schema.ARTICLE_ID: record[schema.ARTICLE_ID],
        schema.OUTLET: record[schema.OUTLET],
        schema.TEXT: sentence.text,
        schema.FRAMES: list(unit["frames"]),
        schema.STANCE: unit["stance"],
        schema.BOILERPLATE: unit["boilerplate"],
    }
    if unit.get("note"):
        row[schema.NOTE] = str(unit["note"])
    return row


def write_article(article: Authored, folder: Path, attempts: int = 20) -> list[dict[str, Any]]:
    """Write the article's Markdown into `folder` and return its gold rows. Where the segmenter
    runs a unit into the next (short transcript turns such as "LEV: Oh no."), the next unit
    starts a paragraph of its own: the text and every label stay as written."""
    path = folder / f"{article.meta['article_id']}.md"
    units = [dict(u) for u in article.units]
    for _ in range(attempts):
        current = Authored(article.meta, units)
        path.write_text(to_markdown(current), encoding="utf-8")
        try:
            return gold_rows(current, path)
        except MergedUnit as merged:
            if merged.index + 1 >= len(units):
                raise
            base = units[merged.index]["p"]
            for unit in units[merged.index + 1 :]:
                unit["p"] = unit["p"] + 1 if unit["p"] > base else base + 1
    raise AuthoringError(f"{path}: segmenter still merges units after {attempts} paragraph breaks")
