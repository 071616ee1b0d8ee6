"""Sentence predictions for a whole run: cached, length-bucketed, batched.

Real coverage repeats itself (newsletter prompts, background paragraphs, wire copy), so every
normalised sentence is predicted once per run: a bounded LRU cache keyed by an 8-byte hash keeps
memory flat on any corpus size. Misses go to the model sorted by length, so a transformer family
pads each batch to similar lengths; under `torch.inference_mode` where torch is loaded.
"""

from __future__ import annotations

import contextlib
import hashlib
import sys
from collections import OrderedDict
from typing import Any

import pandas as pd

from framescope import schema
from framescope.ingest.segment import normalise_sentence

DEFAULT_CACHE_SIZE = 50_000
DEFAULT_BATCH_SIZE = 512


def set_threads(threads: int | None) -> None:
    """Cap the threads BLAS and torch use (None: leave the libraries' defaults)."""
    if not threads:
        return
    from threadpoolctl import threadpool_limits

    threadpool_limits(threads)
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(threads)


def _no_grad() -> Any:
    # Only a family that already imported torch pays for it; TF-IDF never imports it.
    if "torch" in sys.modules:
        return sys.modules["torch"].inference_mode()
    return contextlib.nullcontext()


def sentence_key(text: str) -> bytes:
    """The cache key of a sentence: 8 bytes of hash of its normalised text."""
    return hashlib.blake2b(normalise_sentence(text).encode("utf-8"), digest_size=8).digest()


def _look_up(cache: OrderedDict[bytes, Any], keys: list[bytes]) -> tuple[int, dict[bytes, int]]:
    """Hits among `keys` (repeats and cached keys, refreshed), and each miss's first position."""
    hits = 0
    missing: dict[bytes, int] = {}
    seen: set[bytes] = set()
    for i, key in enumerate(keys):
        if key in seen:
            hits += 1
        elif key in cache:
            cache.move_to_end(key)
            hits += 1
        else:
            missing[key] = i
        seen.add(key)
    return hits, missing


def _evict(cache: OrderedDict[bytes, Any], size: int) -> None:
    while len(cache) > size:
        cache.popitem(last=False)


class CacheCount:
    """The hits and misses a SentencePredictor of `size` counts, from the keys alone.

    A run split over worker processes gives each its own cache; counting here, in reading
    order, reports the numbers one process would, whatever the number of workers.
    """

    def __init__(self, size: int = DEFAULT_CACHE_SIZE) -> None:
        self.size = size
        self.cache: OrderedDict[bytes, None] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def add(self, keys: list[bytes]) -> None:
        hits, missing = _look_up(self.cache, keys)
        self.hits += hits
        self.misses += len(missing)
        self.cache.update(dict.fromkeys(missing))
        _evict(self.cache, self.size)


class SentencePredictor:
    """A framescope pyfunc behind a per-run sentence cache. `predict` keeps input order."""

    def __init__(
        self,
        model: Any,
        cache_size: int = DEFAULT_CACHE_SIZE,
        batch_size: int = DEFAULT_BATCH_SIZE,
    ) -> None:
        self.model = model
        self.cache_size = cache_size
        self.batch_size = batch_size
        self.cache: OrderedDict[bytes, tuple[Any, ...]] = OrderedDict()
        self.hits = 0
        self.misses = 0
        empty = self._model_predict(["x"]).iloc[:0]
        self.columns = list(empty.columns)
        self.dtypes = empty.dtypes.to_dict()

    def _model_predict(self, texts: list[str]) -> pd.DataFrame:
        with _no_grad():
            return self.model.predict(pd.DataFrame({schema.TEXT: texts}))

    def _fill(self, missing: dict[bytes, str]) -> dict[bytes, tuple[Any, ...]]:
        ordered = sorted(missing.items(), key=lambda kv: len(kv[1]))  # length buckets
        found: dict[bytes, tuple[Any, ...]] = {}
        for i in range(0, len(ordered), self.batch_size):
            batch = ordered[i : i + self.batch_size]
            table = self._model_predict([text for _, text in batch])
            rows = table[self.columns].itertuples(index=False, name=None)
            for (key, _), row in zip(batch, rows, strict=True):
                found[key] = row
        return found

    def predict(self, texts: list[str], keys: list[bytes] | None = None) -> pd.DataFrame:
        """Predictions for `texts`; `keys`: their `sentence_key`s, when already computed."""
        keys = [sentence_key(t) for t in texts] if keys is None else keys
        hits, missing = _look_up(self.cache, keys)
        self.hits += hits
        self.misses += len(missing)
        fresh = self._fill({key: texts[i] for key, i in missing.items()})
        for key in missing:  # first-seen order, as CacheCount keeps it
            self.cache[key] = fresh[key]
        table = pd.DataFrame.from_records([self.cache[k] for k in keys], columns=self.columns)
        _evict(self.cache, self.cache_size)
        return table.astype(self.dtypes)
