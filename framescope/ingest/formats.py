"""Every input format in, raw article records (or rejects) out: one reader per file format.

Formats: .txt/.md with YAML front matter, raw .html (main text extracted by trafilatura,
metadata from meta tags), .jsonl, .csv and .parquet exports, and any of them gzipped. Readers
are generators and table exports are streamed row by row, so memory never holds more than one
article (or one Parquet row group) of a file. Bad content never raises: it becomes a Reject.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import yaml

from framescope.ingest.records import (
    HTML_SUFFIXES,
    TABLE_SUFFIXES,
    Columns,
    ReadOptions,
    Reject,
    make_article,
)

_GZIP_ERRORS = (OSError, EOFError, zlib.error, gzip.BadGzipFile)


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
