"""Reading coverage: every input format in, one stream of normalised articles (or rejects) out.

Formats: .txt/.md with YAML front matter, raw .html (main text extracted by trafilatura,
metadata from meta tags), .jsonl, .csv and .parquet exports, and any of them gzipped. Readers
are generators, so a batch never holds more than one file's records at a time.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import io
import json
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

from framescope import schema
from framescope.segment import normalise

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
TABLE_SUFFIXES = {".jsonl", ".ndjson", ".csv", ".parquet"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | TABLE_SUFFIXES

csv.field_size_limit(1 << 30)


@dataclass(frozen=True)
class Columns:
    """Which column of a table export holds which article field."""

    text: str = "text"
    outlet: str = "outlet"
    date: str = "date"
    url: str = "url"
    title: str = "title"
    id: str = "id"


@dataclass(frozen=True)
class Reject:
    source: str
    reason: str

    def as_record(self) -> dict[str, str]:
        return {schema.SOURCE: self.source, schema.REASON: self.reason}


@dataclass
class ReadOptions:
    columns: Columns = field(default_factory=Columns)
    default_outlet: str | None = None
    glob: str = "*"


def content_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def parse_date(value: Any) -> str | None:
    """ISO date (YYYY-MM-DD) from a date, datetime or string; None when absent or unparseable."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    for candidate in (text, text[:10]):
        try:
            return dt.date.fromisoformat(candidate).isoformat()
        except ValueError:
            continue
    for fmt in ("%d/%m/%Y", "%d.%m.%Y", "%B %d, %Y", "%b %d, %Y", "%d %B %Y"):
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def outlet_from_url(url: str | None) -> str | None:
    if not url:
        return None
    host = urlparse(url).hostname or ""
    return host.removeprefix("www.") or None


def make_article(raw: dict[str, Any], source: str, options: ReadOptions) -> dict[str, Any] | Reject:
    """Validate and normalise one raw record into an article row."""
    text = raw.get("text")
    if not isinstance(text, str) or not text.strip():
        return Reject(source, "empty text")
    title = str(raw.get("title") or "").strip() or None
    body = normalise(text)
    # The headline is part of the coverage: keep it as the first line of the text.
    if title and not body.startswith(normalise(title)):
        body = f"{normalise(title)}\n\n{body}"
    url = str(raw.get("url") or "").strip() or None
    outlet = str(raw.get("outlet") or "").strip() or options.default_outlet or outlet_from_url(url)
    given_id = str(raw.get("id") or "").strip()
    # Without an id, the url names the article; without a url, outlet and text do (the same
    # syndicated text in two outlets is two articles).
    article_id = given_id or content_hash(url or f"{outlet}\x1f{body}")
    return {
        schema.ARTICLE_ID: article_id,
        schema.OUTLET: outlet or "unknown",
        schema.TITLE: title,
        schema.DATE: parse_date(raw.get("date")),
        schema.URL: url,
        schema.TEXT: body,
        schema.SOURCE: source,
        schema.CONTENT_HASH: content_hash(body),
    }


def _front_matter(text: str) -> tuple[dict[str, Any], str]:
    if not text.startswith("---"):
        return {}, text
    parts = text.split("\n---", 1)
    if len(parts) != 2:
        return {}, text
    meta = yaml.safe_load(parts[0].removeprefix("---")) or {}
    if not isinstance(meta, dict):
        raise ValueError("front matter is not a mapping")
    return meta, parts[1].split("\n", 1)[1] if "\n" in parts[1] else ""


def _html_record(html: str) -> dict[str, Any]:
    import trafilatura  # heavy import, only when HTML is read

    doc = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=False
    )
    if doc is None or not getattr(doc, "text", None):
        return {"text": ""}
    fields = ("text", "title", "date", "url", "sitename")
    text, title, date, url, sitename = (getattr(doc, name, None) for name in fields)
    return {"text": text, "title": title, "date": date, "url": url, "outlet": sitename}


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:
        raise ValueError("binary content")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # never fails; old exports are often Latin-1


def _table_rows(name: str, data: bytes) -> Iterator[tuple[str, dict[str, Any] | str]]:
    """Yield (row label, row dict or error) for JSONL/CSV/Parquet content."""
    if name.endswith(".parquet"):
        import pyarrow.parquet as pq

        table = pq.ParquetFile(io.BytesIO(data))
        index = 0
        for batch in table.iter_batches(batch_size=1024):
            for row in batch.to_pylist():
                index += 1
                yield f"row {index}", row
        return
    text = _decode(data)
    if name.endswith(".csv"):
        for index, row in enumerate(csv.DictReader(io.StringIO(text, newline="")), start=1):
            yield f"row {index}", row
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            yield f"line {number}", f"malformed JSON ({err.msg})"
            continue
        yield f"line {number}", row if isinstance(row, dict) else "line is not a JSON object"


def _map_columns(row: dict[str, Any], columns: Columns) -> dict[str, Any]:
    return {
        "text": row.get(columns.text),
        "outlet": row.get(columns.outlet),
        "date": row.get(columns.date),
        "url": row.get(columns.url),
        "title": row.get(columns.title),
        "id": row.get(columns.id),
    }


def read_file(path: Path, options: ReadOptions) -> Iterator[dict[str, Any] | Reject]:
    """Articles (or rejects) from one file; never raises for bad content."""
    source = str(path)
    try:
        data = path.read_bytes()
        name = path.name.lower()
        if name.endswith(".gz"):
            data = gzip.decompress(data)
            name = name.removesuffix(".gz")
    except (OSError, EOFError, zlib.error, gzip.BadGzipFile) as err:
        yield Reject(source, f"unreadable file ({err.__class__.__name__}: {err})")
        return
    suffix = Path(name).suffix
    if suffix in TABLE_SUFFIXES:
        try:
            if suffix != ".parquet" and not data.strip():
                yield Reject(source, "empty file")
                return
            for label, row in _table_rows(name, data):
                where = f"{source}:{label}"
                if isinstance(row, str):
                    yield Reject(where, row)
                elif suffix == ".csv" and options.columns.text not in row:
                    yield Reject(where, f"no text column {options.columns.text!r}")
                else:
                    yield make_article(_map_columns(row, options.columns), where, options)
        except Exception as err:  # a corrupt export must not stop the batch
            yield Reject(source, f"unreadable {suffix[1:]} ({err.__class__.__name__}: {err})")
        return
    try:
        text = _decode(data)
        if suffix in HTML_SUFFIXES:
            raw = _html_record(text)
        else:
            meta, body = _front_matter(text)
            raw = {**meta, "text": body}
    except Exception as err:
        yield Reject(source, f"unreadable {suffix[1:] or 'file'} ({err.__class__.__name__}: {err})")
        return
    yield make_article(raw, source, options)


def iter_files(paths: Iterable[str | Path], glob: str = "*") -> Iterator[Path | Reject]:
    """Files under the given paths, recursively, in a stable order; missing paths are rejects."""
    for root in map(Path, paths):
        if root.is_file():
            yield root
        elif root.is_dir():
            for path in sorted(root.rglob(glob)):
                # A README in a folder of coverage documents the folder; it is not an article.
                if path.is_file() and _readable_suffix(path) and not _is_readme(path):
                    yield path
        else:
            yield Reject(str(root), "no such file or folder")


def _is_readme(path: Path) -> bool:
    return path.name.lower().startswith("readme.")


def _readable_suffix(path: Path) -> bool:
    name = path.name.lower().removesuffix(".gz")
    return Path(name).suffix in SUFFIXES


def read_articles(
    paths: Iterable[str | Path], options: ReadOptions | None = None
) -> Iterator[dict[str, Any] | Reject]:
    """Every article (or reject) from files and folders, lazily."""
    options = options or ReadOptions()
    for item in iter_files(paths, options.glob):
        if isinstance(item, Reject):
            yield item
        else:
            yield from read_file(item, options)


def collect_articles(
    stream: Iterable[dict[str, Any] | Reject],
) -> tuple[list[dict[str, Any]], list[Reject]]:
    """Split a stream into unique articles and rejects.

    An exact duplicate (same outlet, same normalised text) is a scraping artefact and is
    rejected; the same text from two outlets is syndication and stays in both.
    """
    articles: list[dict[str, Any]] = []
    rejects: list[Reject] = []
    seen: dict[tuple[str, str], str] = {}
    ids: dict[str, str] = {}
    for item in stream:
        if isinstance(item, Reject):
            rejects.append(item)
            continue
        key = (item[schema.OUTLET], item[schema.CONTENT_HASH])
        if key in seen:
            rejects.append(Reject(item[schema.SOURCE], f"duplicate of article {seen[key]}"))
            continue
        if item[schema.ARTICLE_ID] in ids:
            rejects.append(
                Reject(
                    item[schema.SOURCE],
                    f"article id {item[schema.ARTICLE_ID]!r} already used with other text",
                )
            )
            continue
        seen[key] = ids[item[schema.ARTICLE_ID]] = item[schema.ARTICLE_ID]
        articles.append(item)
    return articles, rejects
