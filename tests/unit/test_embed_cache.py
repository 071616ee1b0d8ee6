"""The embedding cache: stored vectors come back unchanged, and only new texts are encoded."""

from __future__ import annotations

import numpy as np
import pytest

from framescope.classifiers.embed_cache import EmbeddingCache, use_cache
from framescope.classifiers.encoder import Encoder


class Counting:
    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.seen += texts
        return np.array([[len(t), t.count("a"), 1.0] for t in texts], dtype=np.float32)


def test_only_texts_not_stored_are_encoded(tmp_path):
    cache, encode = EmbeddingCache(tmp_path), Counting()
    first = cache.embed("m1", 3, ["alpha", "beta", "alpha"], encode)
    assert encode.seen == ["alpha", "beta"]  # a repeated text is encoded once
    again = cache.embed("m1", 3, ["beta", "gamma", "alpha"], encode)
    assert encode.seen == ["alpha", "beta", "gamma"]
    np.testing.assert_array_equal(again[[0, 2]], first[[1, 0]])
    np.testing.assert_array_equal(again, encode(["beta", "gamma", "alpha"]))
    assert (cache.hits, cache.misses) == (2, 3)  # read back; encoded
    cache.embed("m2", 3, ["alpha"], encode)  # another model: its own store
    assert encode.seen[-2:] == ["alpha", "alpha"]


@pytest.fixture
def cache_dir(tmp_path):
    yield use_cache(tmp_path / "cache")
    use_cache(None)


def test_an_encoder_through_the_cache_gives_its_own_vectors(tiny_base_model, tmp_path, cache_dir):
    texts = ["Kyiv holds the town.", "Moscow plays it down.", "Kyiv holds the town."]
    encoder = Encoder.load(tiny_base_model)
    cached = encoder.embed(texts)
    use_cache(None)
    np.testing.assert_allclose(cached, encoder.embed(texts), atol=1e-6)
    cache = use_cache(cache_dir.directory)
    assert cache is not None
    encoder.save(tmp_path / "copy")  # a candidate's saved copy hashes like the original
    copy = Encoder.load(tmp_path / "copy")
    assert copy.fingerprint == encoder.fingerprint
    np.testing.assert_array_equal(copy.embed(texts), cached)
    assert (cache.hits, cache.misses) == (3, 0)
