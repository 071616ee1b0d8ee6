"""Batch scoring: files and folders of coverage in, labelled sentences and outlet figures out.

The local engine streams: articles are read lazily, scored `chunk_size` at a time and written
as Parquet parts plus a manifest (scoring.parts), so memory is bounded by the chunk, not the
corpus. `resume=True` continues a killed run from its manifest and ends with the same
output an uninterrupted run writes.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from framescope import schema
from framescope.classifiers.base import LabelSpace
from framescope.files import write_csv, write_json
from framescope.ingest.corpus import (
    Deduplicator,
    Position,
    ReadOptions,
    Reject,
    iter_files,
    read_positioned,
)
from framescope.ingest.walk import FileEntry, list_files
from framescope.scoring.output import outlet_table
from framescope.scoring.parts import ARTICLES, FORMAT, SENTENCES, PartStore
from framescope.scoring.predictor import DEFAULT_BATCH_SIZE, DEFAULT_CACHE_SIZE, CacheCount
from framescope.scoring.progress import Progress
from framescope.scoring.workers import Chunk, InProcess, Pool, worker_count

CHUNK = 4096


class ScoreError(ValueError):
    """The run cannot start as asked (for example a resume with other inputs)."""


@dataclass
class ScoreSettings:
    chunk_size: int = 500  # articles per part
    language: str = "en"  # the model's language; other sentences leave the outlet figures
    cache_size: int = DEFAULT_CACHE_SIZE
    batch_size: int = DEFAULT_BATCH_SIZE
    resume: bool = False
    progress: bool | None = None  # None: a bar on a terminal, log lines otherwise
    workers: int = 1  # processes that score chunks; 0: one per usable CPU
    threads: int | None = None  # BLAS/torch threads per worker (None: CPUs / workers)

    def __post_init__(self) -> None:
        if self.chunk_size < 1:
            raise ScoreError(f"chunk size must be >= 1, got {self.chunk_size}")
        if self.workers < 0:
            raise ScoreError(f"workers must be >= 0 (0: one per CPU), got {self.workers}")


@dataclass
class Summary:
    read: int = 0
    scored: int = 0
    rejected: int = 0
    duplicates: int = 0
    sentences: int = 0
    other_language: int = 0
    undated: int = 0
    seconds: float = 0.0
    cache_hits: int = 0
    language: str = "en"
    parts: list[dict[str, Any]] = field(default_factory=list, repr=False)

    def add(self, part: dict[str, Any]) -> None:
        for key in ("scored", "rejected", "duplicates", "sentences", "other_language", "undated"):
            setattr(self, key, getattr(self, key) + part[key])
        self.read = self.scored + self.rejected

    def line(self) -> str:
        rate = self.sentences / self.seconds if self.seconds else 0.0
        return (
            f"articles read {self.read}, scored {self.scored}, rejected {self.rejected} "
            f"({self.duplicates} duplicates); sentences {self.sentences} "
            f"({self.other_language} not in {self.language!r}, left out of outlet figures); "
            f"{self.seconds:.1f} s, {rate:,.0f} sentences/s"
        )

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("parts")
        return out


def label_space(model: Any) -> LabelSpace:
    """The label space a loaded framescope pyfunc predicts."""
    return model.unwrap_python_model().bundle.labels


def predict_sentences(model: Any, sentences: pd.DataFrame) -> pd.DataFrame:
    """Sentences with the model's prediction columns appended (no cache, one call per CHUNK)."""
    parts = [
        model.predict(sentences[[schema.TEXT]].iloc[i : i + CHUNK].reset_index(drop=True))
        for i in range(0, len(sentences), CHUNK)
    ]
    if not parts:
        parts = [model.predict(pd.DataFrame({schema.TEXT: ["x"]})).iloc[:0]]
    predictions = pd.concat(parts, ignore_index=True)
    return pd.concat([sentences.reset_index(drop=True), predictions], axis=1)


def input_files(paths: list[str], options: ReadOptions) -> list[FileEntry]:
    """The files a run reads, in reading order (bad paths included, as problem entries)."""
    from framescope.ingest.corpus import _readable_suffix

    return list_files(paths, options.glob, _readable_suffix)


def _fingerprint(
    paths: list[str], options: ReadOptions, settings: ScoreSettings, engine: str
) -> dict[str, Any]:
    """What must not change between a run and its resume."""
    return {
        "engine": engine,
        "inputs": [str(p) for p in paths],
        "columns": asdict(options.columns),
        "default_outlet": options.default_outlet,
        "glob": options.glob,
        "max_article_bytes": options.max_article_bytes,
        "chunk_size": settings.chunk_size,
        "language": settings.language,
    }


def _start(
    store: PartStore, fingerprint: dict[str, Any], resume: bool
) -> tuple[list[dict[str, Any]], Position, Deduplicator]:
    """Parts already written, where to read on, and the duplicate state they imply."""
    manifest = store.manifest() if resume else None
    dedup = Deduplicator()
    if manifest is None:
        store.reset()
        return [], (0, 0), dedup
    if manifest.get("fingerprint") != fingerprint:
        old = manifest.get("fingerprint", {})
        changed = sorted(k for k in fingerprint if old.get(k) != fingerprint[k])
        raise ScoreError(
            f"{store.out}: cannot resume, the run was started with other settings ({changed})"
        )
    parts = manifest["parts"]
    names = [p["name"] for p in parts]
    store.remove_strays(names)
    columns = [schema.ARTICLE_ID, schema.OUTLET, schema.CONTENT_HASH]
    for table in store.iter_part(names, ARTICLES, columns):
        for article_id, outlet, content in table.itertuples(index=False, name=None):
            dedup.remember(article_id, outlet, content)
    position = tuple(parts[-1]["position"]) if parts else (0, 0)
    return parts, (int(position[0]), int(position[1])), dedup


def score_paths(
    paths: list[str],
    out_dir: str | Path,
    model: Any,
    options: ReadOptions | None = None,
    *,
    samples: int,
    confidence: float,
    seed: int,
    settings: ScoreSettings | None = None,
) -> Summary:
    """Score every article under `paths` into `out_dir`; bad records go to rejects.jsonl."""
    started = time.perf_counter()
    options = options or ReadOptions()
    settings = settings or ScoreSettings()
    store = PartStore(out_dir)
    files = input_files(paths, options)
    fingerprint = _fingerprint(paths, options, settings, "local")
    parts, position, dedup = _start(store, fingerprint, settings.resume)
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "status": "running",
        "fingerprint": fingerprint,
        "parts": parts,
    }
    store.save_manifest(manifest)
    # Known before anything is scored; written now so the output can be read while it grows.
    write_json(label_space(model).as_dict(), store.out / "labels.json")
    summary = Summary(language=settings.language)
    for part in parts:
        summary.add(part)
    progress = Progress(sum(f.size for f in files), settings.progress)
    cache = CacheCount(settings.cache_size)
    chunks = _chunks(files, options, settings, position, dedup, bool(parts))
    first = next(chunks, None)
    second = next(chunks, None)
    workers = worker_count(settings.workers)
    # One chunk in all gains nothing from a pool but its start-up time.
    if workers > 1 and second is not None:
        scorer: InProcess | Pool = Pool(model, store.out, settings, workers)
    else:
        scorer = InProcess(model, store.out, settings)
    try:
        pending = (c for c in (first, second) if c is not None)
        for index, chunk in enumerate(itertools.chain(pending, chunks), start=len(parts)):
            scorer.submit(index, chunk)
            for done, (part, keys) in scorer.ready(finishing=False):
                _record(manifest, store, summary, cache, done, part, keys)
                progress.update(done.done_bytes, summary.scored, summary.sentences)
        for done, (part, keys) in scorer.ready(finishing=True):
            _record(manifest, store, summary, cache, done, part, keys)
            progress.update(done.done_bytes, summary.scored, summary.sentences)
    finally:
        scorer.close()
    progress.close()
    summary.cache_hits = cache.hits
    labels = label_space(model)
    _finish(store, manifest, labels, samples, confidence, seed)
    summary.seconds = time.perf_counter() - started
    return summary


def _record(
    manifest: dict[str, Any],
    store: PartStore,
    summary: Summary,
    cache: CacheCount,
    chunk: Chunk,
    part: dict[str, Any],
    keys: bytes,
) -> None:
    """A scored part joins the manifest, in reading order: only now does it count as written."""
    part["position"] = list(chunk.position)
    manifest["parts"].append(part)
    store.save_manifest(manifest)
    summary.add(part)
    cache.add([keys[i : i + 8] for i in range(0, len(keys), 8)])


def _chunks(
    files: list[FileEntry],
    options: ReadOptions,
    settings: ScoreSettings,
    position: Position,
    dedup: Deduplicator,
    resumed_parts: bool,
) -> Iterator[Chunk]:
    """Reading from `position` on, cut into chunks of `chunk_size` articles."""
    done_bytes = sum(f.size for f in files[: position[0]])
    current_file = position[0]
    articles: list[dict[str, Any]] = []
    rejects: list[Reject] = []
    duplicates = 0
    pending = yielded = False

    def cut() -> Chunk:
        return Chunk(articles, [r.as_record() for r in rejects], duplicates, position, done_bytes)

    for at, item in read_positioned(files, options, position):
        if at[0] != current_file:
            done_bytes += sum(f.size for f in files[current_file : at[0]])
            current_file = at[0]
        position, pending = at, True
        if isinstance(item, Reject):
            rejects.append(item)
        elif (duplicate := dedup.check(item)) is not None:
            rejects.append(duplicate)
            duplicates += int(duplicate.reason.startswith("duplicate"))
        else:
            articles.append(item)
        # A folder of unreadable files makes chunks too, so rejects never pile up in memory.
        if len(articles) >= settings.chunk_size or len(rejects) >= 20 * settings.chunk_size:
            yield Chunk(
                articles, [r.as_record() for r in rejects], duplicates, position, done_bytes
            )
            articles, rejects, duplicates = [], [], 0
            pending, yielded = False, True
    if pending or not (yielded or resumed_parts):
        yield cut()


def _finish(
    store: PartStore,
    manifest: dict[str, Any],
    labels: LabelSpace,
    samples: int,
    confidence: float,
    seed: int,
) -> None:
    names = [p["name"] for p in manifest["parts"]]
    language = manifest["fingerprint"]["language"]
    store.write_rejects(names)
    write_json(labels.as_dict(), store.out / "labels.json")
    part_files = [store.out / SENTENCES / f"{name}.parquet" for name in names]
    table = outlet_table(part_files, labels, language, samples, confidence, seed)
    write_csv(table, store.out / "outlets.csv")
    manifest["status"] = "complete"
    store.save_manifest(manifest)


__all__ = [
    "Reject",
    "ScoreError",
    "ScoreSettings",
    "Summary",
    "iter_files",
    "label_space",
    "predict_sentences",
    "score_paths",
]
