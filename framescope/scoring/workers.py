"""Scoring one chunk into one part, in this process or in a pool of worker processes.

The reading process keeps everything that depends on order (deduplication, the manifest,
positions); a chunk's own work (segmenting, language ID, prediction, writing its part files)
needs nothing from other chunks, so `--workers N` hands chunks to N processes and records the
parts in reading order as they come back. A part a worker wrote that the manifest does not yet
name is removed on resume, as with one process.

Workers are started with `spawn` on every platform: they inherit nothing by accident, and on
Linux a fork of a process that already runs pyarrow, BLAS or torch threads can deadlock. Each
worker gets the loaded model once, through the pool initializer, and keeps its own cache.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

import framescope
from framescope import schema
from framescope.ingest import langid
from framescope.ingest.segment import segment_articles
from framescope.scoring.parts import PartStore, article_frame
from framescope.scoring.predictor import SentencePredictor, sentence_key, set_threads

LANG = "lang"
IN_FLIGHT_PER_WORKER = 2  # chunks queued or running per worker: one scoring, one waiting


@dataclass
class Chunk:
    """One part's worth of reading: articles to score, records rejected, where reading stood."""

    articles: list[dict[str, Any]]
    rejects: list[dict[str, Any]]
    duplicates: int
    position: tuple[int, int]
    done_bytes: int


def usable_cpus() -> int:
    """CPUs this process may run on (the affinity mask where the platform has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def worker_count(workers: int) -> int:
    """`--workers` as a process count: 0 means one per usable CPU."""
    return workers or usable_cpus()


def score_part(
    predictor: SentencePredictor, store: PartStore, index: int, chunk: Chunk, language: str
) -> tuple[dict[str, Any], bytes]:
    """Score a chunk and write it as part `index`; its manifest entry (less the reading
    position) and its sentences' cache keys, concatenated."""
    articles = article_frame(chunk.articles)
    sentences = segment_articles(articles)
    texts = sentences[schema.TEXT].tolist()
    sentences[LANG] = langid.detect_all(texts)
    keys = [sentence_key(t) for t in texts]
    predictions = predictor.predict(texts, keys)
    sentences = pd.concat([sentences.reset_index(drop=True), predictions], axis=1)
    name = store.write_part(index, articles, sentences, chunk.rejects)
    foreign = (~langid.counts_for(sentences[LANG], language)).sum()
    part = {
        "name": name,
        "scored": len(articles),
        "rejected": len(chunk.rejects),
        "duplicates": chunk.duplicates,
        "sentences": len(sentences),
        "other_language": int(foreign),
        "undated": int(articles[schema.DATE].isna().sum()),
    }
    return part, b"".join(keys)


class InProcess:
    """Scores each chunk as it is submitted: `--workers 1`."""

    def __init__(self, model: Any, out: Path, settings: Any) -> None:
        self.predictor = SentencePredictor(model, settings.cache_size, settings.batch_size)
        self.store = PartStore(out)
        self.language = settings.language
        self.done: deque[tuple[Chunk, tuple[dict[str, Any], bytes]]] = deque()

    def submit(self, index: int, chunk: Chunk) -> None:
        self.done.append(
            (chunk, score_part(self.predictor, self.store, index, chunk, self.language))
        )

    def ready(self, finishing: bool) -> Iterator[tuple[Chunk, tuple[dict[str, Any], bytes]]]:
        while self.done:
            yield self.done.popleft()

    def close(self) -> None:
        pass


_WORKER: dict[str, Any] = {}  # set by _start_worker inside each worker process


def _watch_parent(parent: int) -> None:
    # A killed reading process (kill -9) cannot stop its pool: workers notice and exit.
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _start_worker(model: Any, out: str, settings: Any, threads: int | None, parent: int) -> None:
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    set_threads(threads)  # after the model's unpickling imported torch, if it uses torch
    _WORKER["predictor"] = SentencePredictor(model, settings.cache_size, settings.batch_size)
    _WORKER["store"] = PartStore(out)
    _WORKER["language"] = settings.language


def _score_in_worker(index: int, chunk: Chunk) -> tuple[dict[str, Any], bytes]:
    return score_part(_WORKER["predictor"], _WORKER["store"], index, chunk, _WORKER["language"])


@contextlib.contextmanager
def _own_code_first() -> Iterator[None]:
    """Workers import the framescope this process runs, not the copy a model carries: MLflow
    puts a loaded model's code/ folder first on sys.path, and spawned children inherit it."""
    root = str(Path(framescope.__file__).resolve().parents[1])
    saved = list(sys.path)
    sys.path.insert(0, root)
    try:
        yield
    finally:
        sys.path[:] = saved


class Pool:
    """Scores chunks in `workers` processes, at most IN_FLIGHT_PER_WORKER each in flight, and
    hands results back in submission order."""

    def __init__(self, model: Any, out: Path, settings: Any, workers: int) -> None:
        threads = settings.threads or max(1, usable_cpus() // workers)
        self.path = _own_code_first()
        self.path.__enter__()
        self.executor = ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(model, str(out), settings, threads, os.getpid()),
        )
        self.limit = workers * IN_FLIGHT_PER_WORKER
        self.queue: deque[tuple[Chunk, Future[tuple[dict[str, Any], bytes]]]] = deque()

    def submit(self, index: int, chunk: Chunk) -> None:
        self.queue.append((chunk, self.executor.submit(_score_in_worker, index, chunk)))

    def ready(self, finishing: bool) -> Iterator[tuple[Chunk, tuple[dict[str, Any], bytes]]]:
        """Finished chunks in order: while the queue is full, or all of them when finishing."""
        while self.queue and (finishing or len(self.queue) >= self.limit):
            chunk, future = self.queue.popleft()
            yield chunk, future.result()

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)
        self.path.__exit__(None, None, None)
