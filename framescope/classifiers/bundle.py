"""A trained model's bundle and its predictions: pre-processing, three heads, post-processing.

Input: a DataFrame with a `text` column (other columns are ignored). Output: one row per input
row with `frames` (list of frame ids), `frame_score.<frame>`, `stance`, `stance_score.<class>`,
`boilerplate` and `boilerplate_score`. Column names come from the label space saved with the
model, so a model trained on a four-frame codebook predicts four frames.

Nothing here imports MLflow: `classifiers.pyfunc` wraps a bundle as an MLflow pyfunc, and
`LocalModel` serves a saved model directory without it (MLflow's import and `load_model` are
most of a scoring run's start-up).
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from framescope import schema
from framescope.classifiers.base import Heads, LabelSpace, Scores
from framescope.classifiers.calibrate import Calibration
from framescope.classifiers.masking import NameMask, NumberMask
from framescope.ingest.segment import normalise_sentence

ARTIFACT = "framescope_model"
BUNDLE_FILE = "bundle.pkl"
OLD_BUNDLE_FILE = "bundle.joblib"  # models saved before: read with joblib
BATCH = 2048


@dataclass
class Bundle:
    """Everything a trained model needs at prediction time."""

    family: str
    heads: Heads
    frame_thresholds: np.ndarray
    boilerplate_threshold: float
    calibration: Calibration | None = None
    name_mask: NameMask | None = None  # None in bundles saved before masking existed
    number_mask: NumberMask | None = None  # None: counts reach the heads as written

    def prepare(self, texts: list[str]) -> list[str]:
        """What the heads see: the same at training and scoring time."""
        texts = list(texts)
        for mask in (self.name_mask, self.number_mask):
            if mask is not None:
                texts = [mask(t) for t in texts]
        return texts

    @property
    def labels(self) -> LabelSpace:
        return self.heads.labels

    def scores(self, texts: list[str]) -> Scores:
        """Calibrated probabilities (raw ones when the bundle has no calibration)."""
        raw = self.heads.scores(self.prepare(texts))
        return self.calibration.apply(raw) if self.calibration is not None else raw


def frame_score_column(frame_id: str) -> str:
    return f"frame_score.{frame_id}"


def stance_score_column(class_id: str) -> str:
    return f"stance_score.{class_id}"


def decide(bundle: Bundle, scores: Scores) -> pd.DataFrame:
    """Turn head probabilities into labels: thresholds, argmax, and boilerplate overrides."""
    labels = bundle.labels
    is_boilerplate = scores.boilerplate >= bundle.boilerplate_threshold
    above = scores.frames >= bundle.frame_thresholds[None, :]
    above[is_boilerplate] = False  # boilerplate carries no frame ...
    stance = np.asarray(labels.stance_ids, dtype=object)[scores.stance.argmax(axis=1)]
    stance[is_boilerplate] = labels.stance_default  # ... and no stance
    columns: dict[str, Any] = {
        schema.FRAMES: [
            [f for f, on in zip(labels.frame_ids, row, strict=True) if on] for row in above
        ]
    }
    for j, frame_id in enumerate(labels.frame_ids):
        columns[frame_score_column(frame_id)] = scores.frames[:, j].astype(float)
    columns[schema.STANCE] = stance.astype(str)
    for j, class_id in enumerate(labels.stance_ids):
        columns[stance_score_column(class_id)] = scores.stance[:, j].astype(float)
    columns[schema.BOILERPLATE] = is_boilerplate
    columns[schema.BOILERPLATE_SCORE] = scores.boilerplate.astype(float)
    return pd.DataFrame(columns)


def predict_frame(bundle: Bundle, texts: list[str]) -> pd.DataFrame:
    """Predict in batches; identical normalised sentences are scored once."""
    cleaned = [normalise_sentence(t) for t in texts]
    unique = list(dict.fromkeys(cleaned))
    parts = [
        decide(bundle, bundle.scores(unique[i : i + BATCH])) for i in range(0, len(unique), BATCH)
    ]
    if not parts:
        parts = [decide(bundle, bundle.scores([""])).iloc[:0]]
    table = pd.concat(parts, ignore_index=True)
    index = {text: i for i, text in enumerate(unique)}
    return table.iloc[[index[t] for t in cleaned]].reset_index(drop=True)


def write_bundle(bundle: Bundle, directory: Path) -> Path:
    """The bundle as a directory: a pickle of the light parts plus the heads' own weights."""
    directory.mkdir(parents=True, exist_ok=True)
    # Plain pickle, not joblib: joblib's pure-Python unpickler took 0.3 s to read a TF-IDF
    # bundle (a 200,000-entry vocabulary) that the C unpickler reads in 0.02 s.
    with (directory / BUNDLE_FILE).open("wb") as handle:
        pickle.dump(bundle, handle, protocol=pickle.HIGHEST_PROTOCOL)
    bundle.heads.save_weights(directory)
    return directory


def read_bundle(directory: Path) -> Bundle:
    """Inverse of `write_bundle`. Only ever called on a model directory the user named."""
    bundle: Bundle
    if not (directory / BUNDLE_FILE).exists() and (directory / OLD_BUNDLE_FILE).exists():
        import joblib

        bundle = joblib.load(directory / OLD_BUNDLE_FILE)
    else:
        with (directory / BUNDLE_FILE).open("rb") as handle:
            bundle = pickle.load(handle)
    bundle.heads.load_weights(directory)
    return bundle


def bundle_directory(model_dir: str | Path) -> Path:
    """Where a saved pyfunc directory keeps its bundle."""
    return Path(model_dir) / "artifacts" / ARTIFACT


def input_texts(model_input: Any) -> list[str]:
    """The texts of a pyfunc input: a DataFrame's `text` column, or any sequence of strings."""
    if isinstance(model_input, pd.DataFrame):
        return model_input[schema.TEXT].astype(str).tolist()
    return [str(t) for t in model_input]


def is_model_directory(path: str | Path) -> bool:
    """A local directory holding a saved framescope pyfunc (its MLmodel and its bundle)."""
    found = bundle_directory(path)
    return (Path(path) / "MLmodel").is_file() and any(
        (found / name).is_file() for name in (BUNDLE_FILE, OLD_BUNDLE_FILE)
    )


class LocalModel:
    """A saved model directory served without MLflow: the pyfunc's `predict`, same output.

    `unwrap_python_model()` returns the model itself, as MLflow's returns the wrapper: both
    have the `bundle` the scoring code reads labels from (and the ONNX path swaps).
    """

    def __init__(self, model_dir: str | Path) -> None:
        self.bundle: Bundle = read_bundle(bundle_directory(model_dir))

    def predict(self, model_input: Any, params: Any = None) -> pd.DataFrame:
        return predict_frame(self.bundle, input_texts(model_input))

    def unwrap_python_model(self) -> LocalModel:
        return self
