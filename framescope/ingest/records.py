"""An article record: the columns read, the options, a reject, dates and outlets normalised.

Every reader (framescope.ingest.formats) turns its raw fields into one record with
`make_article`, or into a `Reject` with its reason.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from framescope import schema
from framescope.ingest.segment import normalise

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
TABLE_SUFFIXES = {".jsonl", ".ndjson", ".csv", ".parquet"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | TABLE_SUFFIXES
# Bigger than any real article; beyond it a "document" is a dump or an attack, not coverage.
MAX_ARTICLE_BYTES = 10_000_000

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
