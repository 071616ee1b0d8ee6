"""The fast TF-IDF transform gives scikit-learn's matrix entry for entry, on awkward text too."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from framescope.classifiers import ngrams
from framescope.classifiers.ngrams import FastTfidf, char_wb_ngrams

TRAIN = [
    "Kyiv sees the captured land as a bargaining chip for talks.",
    "The incursion drained scarce reserves and cost Ukraine heavy losses.",
    "The raid humiliated the Kremlin and exposed its propaganda.",
    "Subscribe to our newsletter for the latest updates.",
    "A b c aa aaa aaaa: Ärger über Straßen, naïve café.",
]
AWKWARD = [
    *TRAIN,
    "",
    " ",
    "a",
    "I I I",
    "aaaa aaaa aaaa",  # repeated n-grams inside and across words
    "Kremlin\u00a0propaganda\u2028talks\u3000losses\x1cland",  # unusual whitespace
    "tab\tand\n\nnew  lines   and spaces",
    "İstanbul ﬁne ẞ STRASSE ÄRGER",  # case mapping that changes length
    "Unseen words only: zyxw qvvq",
    "Kyiv Kyiv Kyiv sees sees the the land",
]


def _same(left: object, right: object) -> None:
    a, b = sparse.csr_matrix(left), sparse.csr_matrix(right)
    assert a.shape == b.shape
    assert np.array_equal(a.indptr, b.indptr)
    assert np.array_equal(a.indices, b.indices)
    assert a.indices.dtype == b.indices.dtype
    assert np.array_equal(a.data, b.data)  # exactly, not approximately


@pytest.mark.parametrize(
    "settings",
    [
        {"analyzer": "char_wb", "ngram_range": (2, 5), "sublinear_tf": True},
        {"analyzer": "char_wb", "ngram_range": (1, 3), "lowercase": False, "binary": True},
        {"analyzer": "char_wb", "ngram_range": (3, 4), "strip_accents": "unicode"},
        {"analyzer": "word", "ngram_range": (1, 2), "sublinear_tf": True},
        {"analyzer": "char", "ngram_range": (2, 4)},
    ],
)
def test_fast_transform_equals_scikit_learn(settings):
    vectorizer = TfidfVectorizer(**settings).fit(TRAIN)
    fast = FastTfidf(vectorizer)
    assert fast.supported
    _same(fast.transform(AWKWARD), vectorizer.transform(AWKWARD))
    _same(fast.transform(AWKWARD[::-1]), vectorizer.transform(AWKWARD[::-1]))  # cache warm


def test_word_cache_stays_bounded_and_exact(monkeypatch):
    monkeypatch.setattr(ngrams, "WORD_CACHE", 3)
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5)).fit(TRAIN)
    fast = FastTfidf(vectorizer)
    _same(fast.transform(AWKWARD), vectorizer.transform(AWKWARD))
    assert len(fast.words) <= 3


def test_unusual_vectorizers_fall_back_to_scikit_learn():
    vectorizer = TfidfVectorizer(analyzer=lambda doc: doc.split()).fit(TRAIN)
    fast = FastTfidf(vectorizer)
    assert not fast.supported
    _same(fast.transform(AWKWARD), vectorizer.transform(AWKWARD))


def test_char_wb_ngrams_match_scikit_learn_word_by_word():
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5))
    for word in ["a", "ab", "abc", "abcdef", "ẞß"]:
        assert char_wb_ngrams(word, 2, 5) == vectorizer._char_wb_ngrams(word)


def test_tfidf_heads_pickle_without_the_fast_transform(scoring_model):
    heads = scoring_model.unwrap_python_model().bundle.heads
    texts = ["Kyiv sees the captured land as a bargaining chip."]
    before = heads.scores(texts)
    assert "_fast" in heads.__dict__
    copy = pickle.loads(pickle.dumps(heads))
    assert "_fast" not in copy.__dict__
    np.testing.assert_array_equal(copy.scores(texts).frames, before.frames)


@pytest.mark.parametrize(
    "settings",
    [
        {"analyzer": "word", "ngram_range": (1, 3)},
        {"analyzer": "word", "ngram_range": (2, 3), "lowercase": False},
        {"analyzer": "word", "ngram_range": (1, 1), "strip_accents": "unicode", "binary": True},
        {"analyzer": "word", "ngram_range": (1, 2), "token_pattern": r"[^,]+"},  # spaces inside
        {"analyzer": "word", "ngram_range": (1, 2), "stop_words": ["the", "a"]},
    ],
)
def test_word_ngrams_equal_scikit_learn(settings):
    vectorizer = TfidfVectorizer(**settings).fit(TRAIN)
    fast = FastTfidf(vectorizer)
    plain = "token_pattern" not in settings and "stop_words" not in settings
    assert (fast.tokens is not None) == plain  # the tuple path only where it is exact
    _same(fast.transform(AWKWARD), vectorizer.transform(AWKWARD))
