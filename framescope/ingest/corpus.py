"""Reading coverage: files and folders in, one stream of normalised, deduplicated articles
(or rejects) out. The per-format readers are in framescope.ingest.formats, the record in
framescope.ingest.records.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from framescope import schema
from framescope.ingest.formats import read_file
from framescope.ingest.records import (  # noqa: F401  (re-exported: the ingest API)
    SUFFIXES,
    Columns,
    ReadOptions,
    Reject,
)
from framescope.ingest.walk import FileEntry, list_files


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
