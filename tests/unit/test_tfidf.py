"""`tfidf_lr`'s saved heads: the same training gives the same bytes, in any process."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
from pipeline_params import tfidf_config
from synthetic import labelled_table

from framescope import schema
from framescope.classifiers.base import LabelSpace
from framescope.classifiers.tfidf import fit_tfidf
from framescope.labels.dataset import label_arrays

TESTS = Path(__file__).resolve().parents[1]
REPO = TESTS.parent

# A fresh interpreter fits and pickles the heads as the test below does (tests/unit on the path).
FIT_AND_PICKLE = """
import pickle, sys
from framescope.classifiers.base import LabelSpace
from framescope.labels.codebook import load_codebook
from test_tfidf import _fit

heads, texts = _fit(LabelSpace.from_codebook(load_codebook("labels/codebook.yaml")))
heads.scores(texts)
sys.stdout.buffer.write(pickle.dumps(heads))
"""


def _fit(labels: LabelSpace):
    table = labelled_table(2, 0)
    frames, stance, boilerplate = label_arrays(table, labels)
    texts = table[schema.TEXT].tolist()
    heads = fit_tfidf(labels, texts, frames, stance, boilerplate, tfidf_config(max_iter=300), 13)
    return heads, texts


def test_pickled_heads_hold_no_memory_address(codebook):
    heads, texts = _fit(LabelSpace.from_codebook(codebook))
    before = heads.scores(texts)  # scoring makes scikit-learn cache id(stop_words)
    assert hasattr(heads.word, "_stop_words_id")  # what the pickle must leave out
    restored = pickle.loads(pickle.dumps(heads))
    assert not hasattr(restored.word, "_stop_words_id")
    assert not hasattr(restored.char, "_stop_words_id")
    assert hasattr(heads.word, "_stop_words_id")  # the live heads are left as they were
    after = restored.scores(texts)
    np.testing.assert_array_equal(before.frames, after.frames)
    np.testing.assert_array_equal(before.stance, after.stance)


def test_two_processes_pickle_identical_bytes():
    env_path = os.pathsep.join(map(str, (Path(__file__).parent, TESTS, REPO)))
    runs = [
        subprocess.run(
            [sys.executable, "-c", FIT_AND_PICKLE],
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": env_path},
            capture_output=True,
            check=True,
        ).stdout
        for _ in range(2)
    ]
    assert runs[0] and runs[0] == runs[1]
