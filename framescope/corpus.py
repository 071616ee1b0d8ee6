"""Reading coverage: every input format in, one stream of normalised articles (or rejects) out.

Formats: .txt/.md with YAML front matter, raw .html (main text extracted by trafilatura,
metadata from meta tags), .jsonl, .csv and .parquet exports, and any of them gzipped. Readers
are generators and table exports are streamed row by row, so memory never holds more than one
article (or one Parquet row group) of a file. Bad content never raises: it becomes a Reject.
"""

from __future__ import annotations

import codecs
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
from typing import IO, Any
from urllib.parse import urlparse

import yaml

from framescope import schema
from framescope.segment import normalise
from framescope.walk import FileEntry, list_files

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
TABLE_SUFFIXES = {".jsonl", ".ndjson", ".csv", ".parquet"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | TABLE_SUFFIXES
# Bigger than any real article; beyond it a "document" is a dump or an attack, not coverage.
MAX_ARTICLE_BYTES = 10_000_000
_GZIP_ERRORS = (OSError, EOFError, zlib.error, gzip.BadGzipFile)

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
    max_article_bytes: int = MAX_ARTICLE_BYTES
    today: dt.date | None = None  # dates after it are errors; None: the real today


def content_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def parse_date(value: Any, today: dt.date | None = None) -> str | None:
    """ISO date (YYYY-MM-DD) from a date, datetime or string; None when absent, unparseable
    or in the future (a scraper's clock or a template placeholder, not a publication date)."""
    parsed = _parse_date(value)
    if parsed is None or parsed > (today or dt.date.today()) + dt.timedelta(days=1):
        return None
    return parsed.isoformat()


def _parse_date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for candidate in (text, text[:10]):
        try:
            return dt.date.fromisoformat(candidate)
        except ValueError:
            continue
    for fmt in ("%d/%m/%Y", "%d.%m.%Y", "%B %d, %Y", "%b %d, %Y", "%d %B %Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def outlet_from_url(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlparse(url).hostname or ""
    except ValueError:  # "http://[::1" and friends
        return None
    return host.removeprefix("www.") or None


def make_article(raw: dict[str, Any], source: str, options: ReadOptions) -> dict[str, Any] | Reject:
    """Validate and normalise one raw record into an article row."""
    text = raw.get("text")
    if not isinstance(text, str) or not text.strip():
        return Reject(source, "empty text")
    if len(text) > options.max_article_bytes:
        return Reject(source, f"text too long ({len(text):,} characters)")
    title = str(raw.get("title") or "").strip() or None
    body = normalise(text)
    if not body:  # only invisible characters
        return Reject(source, "empty text")
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
        schema.DATE: parse_date(raw.get("date"), options.today),
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
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:
        raise ValueError("binary content")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")  # never fails; old exports are often Latin-1
    sample = text[:4096]
    control = sum(1 for c in sample if ord(c) < 32 and c not in "\n\r\t\f")
    if control > len(sample) // 20:  # text never has 5% control characters; binary does
        raise ValueError("binary content")
    return text


def _decode_line(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("latin-1")


def _text_lines(handle: IO[bytes]) -> Iterator[str]:
    """Decoded lines of a binary stream: UTF-16 by BOM, else UTF-8 per line with a Latin-1
    fallback (one bad byte must not cost the whole export)."""
    head = handle.peek(4)[:4] if hasattr(handle, "peek") else b""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        yield from io.TextIOWrapper(handle, encoding="utf-16", newline="")
        return
    first = True
    for line in handle:
        if first and line.startswith(codecs.BOM_UTF8):
            line = line[len(codecs.BOM_UTF8) :]
        first = False
        yield _decode_line(line)


def _open(path: Path) -> IO[bytes]:
    raw = path.open("rb")
    if path.name.lower().endswith(".gz"):
        return gzip.GzipFile(fileobj=raw)  # type: ignore[return-value]
    return io.BufferedReader(raw)


def _map_columns(row: dict[str, Any], columns: Columns) -> dict[str, Any]:
    return {
        "text": row.get(columns.text),
        "outlet": row.get(columns.outlet),
        "date": row.get(columns.date),
        "url": row.get(columns.url),
        "title": row.get(columns.title),
        "id": row.get(columns.id),
    }


def _no_text_column(columns: Iterable[str], options: ReadOptions) -> str | None:
    names = list(columns)
    if options.columns.text in names:
        return None
    shown = ", ".join(names[:8]) + (" ..." if len(names) > 8 else "")
    return f"no text column {options.columns.text!r} (columns: {shown or 'none'})"


def _table_rows(
    path: Path, suffix: str, options: ReadOptions
) -> Iterator[tuple[str, dict[str, Any] | str]]:
    """(row label, row dict or error) for a JSONL/CSV/Parquet export, streamed."""
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        with _open(path) as handle:
            source: Any = io.BytesIO(handle.read()) if path.name.endswith(".gz") else path
        table = pq.ParquetFile(source)
        missing = _no_text_column(table.schema_arrow.names, options)
        if missing:
            yield "file", missing
            return
        index = 0
        for batch in table.iter_batches(batch_size=256):
            for row in batch.to_pylist():
                index += 1
                yield f"row {index}", row
        if index == 0:
            yield "file", "no rows"
        return
    with _open(path) as handle:
        lines = _text_lines(handle)
        if suffix == ".csv":
            reader = csv.DictReader(lines)
            if reader.fieldnames is None:
                yield "file", "empty file"
                return
            missing = _no_text_column(reader.fieldnames, options)
            if missing:
                yield "file", missing
                return
            index = 0
            for index, row in enumerate(reader, start=1):
                yield f"row {index}", row
            if index == 0:
                yield "file", "no rows"
            return
        seen_any = False
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            seen_any = True
            if len(line) > options.max_article_bytes:
                yield f"line {number}", f"line too long ({len(line):,} characters)"
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as err:
                yield f"line {number}", f"malformed JSON ({err.msg})"
                continue
            yield f"line {number}", row if isinstance(row, dict) else "line is not a JSON object"
        if not seen_any:
            yield "file", "empty file"


def _read_document(path: Path, options: ReadOptions) -> bytes:
    limit = options.max_article_bytes
    with _open(path) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise _TooLarge(f"file too large (over {limit:,} bytes)")
    return data


class _TooLarge(ValueError):
    pass


def read_file(path: Path, options: ReadOptions) -> Iterator[dict[str, Any] | Reject]:
    """Articles (or rejects) from one file; never raises for bad content."""
    source = str(path)
    name = path.name.lower().removesuffix(".gz")
    suffix = Path(name).suffix
    if suffix in TABLE_SUFFIXES:
        count = 0
        try:
            for label, row in _table_rows(path, suffix, options):
                count += 1
                where = source if label == "file" else f"{source}:{label}"
                if isinstance(row, str):
                    yield Reject(where, row)
                else:
                    yield make_article(_map_columns(row, options.columns), where, options)
        except _GZIP_ERRORS as err:
            what = "unreadable file" if count == 0 else f"unreadable file after {count} records"
            yield Reject(source, f"{what} ({err.__class__.__name__}: {err})")
        except Exception as err:  # a corrupt export must not stop the batch
            yield Reject(source, f"unreadable {suffix[1:]} ({err.__class__.__name__}: {err})")
        return
    try:
        data = _read_document(path, options)
    except _TooLarge as err:
        yield Reject(source, str(err))
        return
    except _GZIP_ERRORS as err:
        yield Reject(source, f"unreadable file ({err.__class__.__name__}: {err})")
        return
    if not data.strip():
        yield Reject(source, "empty file")
        return
    try:
        text = _decode(data)
        if suffix in HTML_SUFFIXES:
            raw = _html_record(text)
            if not (raw.get("text") or "").strip():
                yield Reject(source, "empty text (no main text found in the HTML)")
                return
        else:
            meta, body = _front_matter(text)
            raw = {**meta, "text": body}
    except Exception as err:
        yield Reject(source, f"unreadable {suffix[1:] or 'file'} ({err.__class__.__name__}: {err})")
        return
    yield make_article(raw, source, options)


def iter_files(paths: Iterable[str | Path], glob: str = "*") -> Iterator[Path | Reject]:
    """Files under the given paths, recursively, in a stable order; bad paths are rejects."""
    for entry in list_files(paths, glob, _readable_suffix):
        yield entry.path if entry.problem is None else Reject(str(entry.path), entry.problem)


def _readable_suffix(path: Path) -> bool:
    # A README in a folder of coverage documents the folder; it is not an article.
    if path.name.lower().startswith("readme."):
        return False
    name = path.name.lower().removesuffix(".gz")
    return Path(name).suffix in SUFFIXES


Position = tuple[int, int]  # (file number, record number within the file)


def read_positioned(
    files: list[FileEntry], options: ReadOptions, start: Position = (0, 0)
) -> Iterator[tuple[Position, dict[str, Any] | Reject]]:
    """Every article (or reject) with its position, starting after `start`.

    A position is (file number, record number in that file). Resuming from the last position
    a run saved opens no earlier file again and skips the records already seen in that one.
    """
    first_file, seen = start
    for number in range(first_file, len(files)):
        entry = files[number]
        skip = seen if number == first_file else 0
        if entry.problem is not None:
            if skip == 0:
                yield (number, 1), Reject(str(entry.path), entry.problem)
            continue
        for record, item in enumerate(read_file(entry.path, options), start=1):
            if record > skip:
                yield (number, record), item


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


class Deduplicator:
    """Drops exact duplicates (same outlet, same normalised text) and reused ids.

    An exact duplicate is a scraping artefact and is rejected; the same text from two outlets
    is syndication and stays in both. State is two small dicts of hashes.
    """

    def __init__(self) -> None:
        self.seen: dict[tuple[str, str], str] = {}
        self.ids: set[str] = set()

    def remember(self, article_id: str, outlet: str, content: str) -> None:
        self.seen.setdefault((outlet, content), article_id)
        self.ids.add(article_id)

    def check(self, item: dict[str, Any]) -> Reject | None:
        key = (item[schema.OUTLET], item[schema.CONTENT_HASH])
        if key in self.seen:
            return Reject(item[schema.SOURCE], f"duplicate of article {self.seen[key]}")
        if item[schema.ARTICLE_ID] in self.ids:
            return Reject(
                item[schema.SOURCE],
                f"article id {item[schema.ARTICLE_ID]!r} already used with other text",
            )
        self.remember(item[schema.ARTICLE_ID], *key)
        return None


def collect_articles(
    stream: Iterable[dict[str, Any] | Reject],
) -> tuple[list[dict[str, Any]], list[Reject]]:
    """Split a stream into unique articles and rejects (see Deduplicator)."""
    articles: list[dict[str, Any]] = []
    rejects: list[Reject] = []
    dedup = Deduplicator()
    for item in stream:
        if isinstance(item, Reject):
            rejects.append(item)
            continue
        duplicate = dedup.check(item)
        if duplicate:
            rejects.append(duplicate)
        else:
            articles.append(item)
    return articles, rejects
