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
from framescope.segment import normalise_sentence

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


def _key(text: str) -> bytes:
    return hashlib.blake2b(normalise_sentence(text).encode("utf-8"), digest_size=8).digest()


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

    def predict(self, texts: list[str]) -> pd.DataFrame:
        keys = [_key(t) for t in texts]
        rows: dict[bytes, tuple[Any, ...]] = {}
        missing: dict[bytes, str] = {}
        for key, text in zip(keys, texts, strict=True):
            if key in rows or key in missing:
                self.hits += 1
                continue
            cached = self.cache.get(key)
            if cached is None:
                missing[key] = text
                self.misses += 1
            else:
                self.cache.move_to_end(key)
                rows[key] = cached
                self.hits += 1
        fresh = self._fill(missing)
        rows.update(fresh)
        for key, row in fresh.items():
            self.cache[key] = row
        while len(self.cache) > self.cache_size:
            self.cache.popitem(last=False)
        table = pd.DataFrame.from_records([rows[k] for k in keys], columns=self.columns)
        return table.astype(self.dtypes)
