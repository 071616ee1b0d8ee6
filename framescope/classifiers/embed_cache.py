"""Encoder outputs kept on disk, by model and text: a new head parameter does not re-encode.

One SQLite file per model fingerprint (a hash of the weights, the vocabulary and the pooling
code's version), one row per distinct text. The cache is process-wide (`use_cache`): the stages
turn it on from train.embed_cache, and every `Encoder.embed` in the process then goes through it,
the saved candidates scored through their pyfunc included (their weights hash the same).
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import numpy as np

VERSION = "mean-pool-l2-128"  # bump when pooling, normalisation or truncation change
_CHUNK = 500  # texts per SQL lookup (SQLite's variable limit is far above)
_STORE_EVERY = 2048  # texts encoded between two commits


class EmbeddingCache:
    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self.hits = 0
        self.misses = 0

    def _connect(self, fingerprint: str) -> sqlite3.Connection:
        self.directory.mkdir(parents=True, exist_ok=True)
        # Scoring workers may share a store: wait for another writer rather than fail.
        db = sqlite3.connect(self.directory / f"{fingerprint}.sqlite", timeout=120)
        db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB)")
        return db

    def embed(
        self,
        fingerprint: str,
        dim: int,
        texts: list[str],
        encode: Callable[[list[str]], np.ndarray],
    ) -> np.ndarray:
        """Vectors for `texts`: stored ones read back, the others encoded once and stored."""
        keys = [hashlib.sha1(t.encode("utf-8")).hexdigest() for t in texts]
        found: dict[str, np.ndarray] = {}
        db = self._connect(fingerprint)
        with closing(db), db:  # closed after; committed unless encoding failed
            unique = list(dict.fromkeys(keys))
            for i in range(0, len(unique), _CHUNK):
                chunk = unique[i : i + _CHUNK]
                marks = ",".join("?" * len(chunk))
                for key, blob in db.execute(
                    f"SELECT key, vector FROM vectors WHERE key IN ({marks})", chunk
                ):
                    found[key] = np.frombuffer(blob, dtype=np.float32)
            todo = {k: t for k, t in zip(keys, texts, strict=True) if k not in found}
            pending = list(todo.items())
            # Stored chunk by chunk: a run stopped half way keeps what it encoded.
            for i in range(0, len(pending), _STORE_EVERY):
                chunk_keys, chunk_texts = zip(*pending[i : i + _STORE_EVERY], strict=True)
                vectors = encode(list(chunk_texts))
                blobs = (v.astype(np.float32).tobytes() for v in vectors)
                rows = zip(chunk_keys, blobs, strict=True)
                db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", rows)
                db.commit()
                found.update(zip(chunk_keys, vectors, strict=True))
        self.misses += len(todo)  # texts encoded
        self.hits += sum(1 for k in keys if k not in todo)  # texts read back
        out = np.zeros((len(texts), dim), dtype=np.float32)
        for i, key in enumerate(keys):
            out[i] = found[key]
        return out


_ACTIVE: EmbeddingCache | None = None


def use_cache(directory: str | Path | None) -> EmbeddingCache | None:
    """Turn the process-wide cache on at `directory` (None or "": off); returns it."""
    global _ACTIVE
    _ACTIVE = EmbeddingCache(directory) if directory else None
    return _ACTIVE


def active() -> EmbeddingCache | None:
    return _ACTIVE


__all__ = ["VERSION", "EmbeddingCache", "active", "use_cache"]
