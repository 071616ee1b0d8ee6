"""A tiny TF-IDF model for the scoring tests, trained here on synthetic sentences."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from framescope import schema

REPO = Path(__file__).resolve().parents[2]

_SENTENCES = [
    (
        "Kyiv sees the captured land as a bargaining chip for talks {i}.",
        ["bargaining_chip"],
        "favorable",
        False,
    ),
    (
        "The incursion drained scarce reserves and cost Ukraine heavy losses {i}.",
        ["costly_risk"],
        "unfavorable",
        False,
    ),
    (
        "The raid humiliated the Kremlin and exposed its propaganda {i}.",
        ["propaganda_failure"],
        "favorable",
        False,
    ),
    ("Ukrainian forces remained in the Kursk region on Tuesday {i}.", [], "neutral", False),
    ("Subscribe to our newsletter for the latest updates {i}.", [], "neutral", True),
]


def _labelled(n: int, offset: int) -> pd.DataFrame:
    rows = [
        {
            schema.TEXT: text.format(i=offset + k),
            schema.FRAMES: list(frames),
            schema.STANCE: stance,
            schema.BOILERPLATE: boilerplate,
        }
        for k in range(n)
        for text, frames, stance, boilerplate in _SENTENCES
    ]
    return pd.DataFrame(rows)


@pytest.fixture(scope="session")
def scoring_model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from pipeline_params import tfidf_config, train_config

    from framescope.classifiers.base import LabelSpace
    from framescope.labels.codebook import load_codebook
    from framescope.tracking import save_model
    from framescope.training.train import example_texts, train

    labels = LabelSpace.from_codebook(load_codebook(REPO / "labels" / "codebook.yaml"))
    dev = _labelled(2, 100)
    config = train_config(tfidf_lr=tfidf_config(char_ngram_max=0, max_iter=300))
    bundle = train("tfidf_lr", _labelled(5, 0), dev, labels, config, seed=13)
    home = tmp_path_factory.mktemp("scoring_model")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{home / 'build.db'}")
        mp.chdir(home)
        save_model(bundle, home / "model", example_texts(dev))
    return home / "model"


@pytest.fixture(scope="session")
def scoring_model(scoring_model_path: Path):
    import mlflow.pyfunc

    return mlflow.pyfunc.load_model(str(scoring_model_path))
