"""Serving a transformer model: scoring workers, bf16 under autocast, ONNX exports reused.

A tiny fine-tuned BERT built in code stands in for MiniLM.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pipeline_params import finetune_config, train_config
from synthetic import labelled_table

from framescope.classifiers.base import LabelSpace
from framescope.scoring.serving import Serving, ServingError, serve
from framescope.training.train import train

TEXTS = [
    "Kyiv sees the captured land as a bargaining chip for future talks.",
    "Subscribe to our newsletter.",
    "The incursion drained scarce reserves and cost Ukraine heavy losses, analysts said on Monday "
    "after a week of fighting around the town and the villages near the border.",
    "The Kremlin failed to defend its own border, and its deadlines passed.",
    "",
]
SCORES = [
    "frame_score.bargaining_chip",
    "frame_score.costly_risk",
    "frame_score.propaganda_failure",
    "stance_score.favorable",
    "stance_score.neutral",
    "stance_score.unfavorable",
    "boilerplate_score",
]


@pytest.fixture(scope="module")
def finetune_model(tiny_base_model, codebook, tmp_path_factory) -> Path:
    from framescope.tracking import save_model

    labels = LabelSpace.from_codebook(codebook)
    config = train_config(
        family="finetune",
        base_model=str(tiny_base_model),
        finetune=finetune_config(epochs=1, learning_rate=1e-3),
    )
    bundle = train("finetune", labelled_table(2, 0), labelled_table(1, 50), labels, config, 3)
    home = tmp_path_factory.mktemp("served")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{home / 'build.db'}")
        mp.chdir(home)
        return save_model(bundle, home / "model", TEXTS[:2])


def _score(model: Path, corpus: Path, out: Path, *extra: str) -> pd.DataFrame:
    done = subprocess.run(
        [sys.executable, "-c", "from framescope.cli import main; main()", "score", str(corpus),
         "--out", str(out), "--model", str(model), "--no-mlflow", "--no-progress", *extra],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "MLFLOW_TRACKING_URI": f"sqlite:///{out.parent / 'cli.db'}"},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-500:] + done.stderr[-3000:]
    table = pd.read_parquet(out / "sentences.parquet")
    return table.sort_values("sentence_id").reset_index(drop=True)


def test_workers_score_a_transformer_model_as_one_process_does(finetune_model, tmp_path):
    """Each worker loads the model itself: a pickle of the bundle leaves the network out."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(6):
        text = " ".join(TEXTS[(i + k) % 4] for k in range(3)) + f" Report number {i} ends here."
        (corpus / f"a{i}.md").write_text(f"---\noutlet: Wire {i % 2}\n---\n{text}\n")
    one = _score(finetune_model, corpus, tmp_path / "one")
    two = _score(finetune_model, corpus, tmp_path / "two", "--workers", "2", "--chunk-size", "2")
    assert len(one) == len(two) >= 12
    assert one["stance"].tolist() == two["stance"].tolist()
    assert [list(f) for f in one["frames"]] == [list(f) for f in two["frames"]]
    # Batches of other sizes and one thread per worker round floats differently, not labels.
    assert np.abs(one[SCORES].to_numpy() - two[SCORES].to_numpy()).max() < 1e-4


def test_bf16_runs_under_autocast_and_stays_close_to_fp32(finetune_model):
    frame = pd.DataFrame({"text": TEXTS})
    fp32 = serve(Serving(str(finetune_model))).predict(frame)
    bf16 = serve(Serving(str(finetune_model), precision="bf16")).predict(frame)
    gap = np.abs(fp32[SCORES].to_numpy() - bf16[SCORES].to_numpy()).max()
    assert 0 < gap < 0.05  # bf16 arithmetic did run (not bit-identical), and stayed close


def test_a_served_model_pickles_as_where_it_came_from(finetune_model, monkeypatch):
    import framescope.classifiers.onnx_runtime as onnx_runtime

    pytest.importorskip("onnxruntime", reason="onnxruntime is a pinned dependency")
    served = serve(Serving(str(finetune_model), runtime="onnx", quantize=True))
    assert served.serving.onnx_dir is not None
    frame = pd.DataFrame({"text": TEXTS})

    def no_export(*args, **kwargs):
        raise AssertionError("a worker exported the model again")

    monkeypatch.setattr(onnx_runtime, "_export", no_export)
    copy = pickle.loads(pickle.dumps(served))  # what a scoring worker receives
    assert copy.serving == served.serving
    pd.testing.assert_frame_equal(copy.predict(frame), served.predict(frame))


@pytest.mark.parametrize(
    ("choices", "message"),
    [
        ({"precision": "fp16"}, "--precision fp16: must be one of fp32, bf16"),
        ({"runtime": "tensorrt"}, "--runtime tensorrt: must be one of torch, onnx"),
        ({"runtime": "onnx", "precision": "bf16"}, "--precision bf16: only with --runtime torch"),
        ({"quantize": True}, "--quantize: only with --runtime onnx"),
    ],
)
def test_runtime_choices_that_cannot_apply_are_refused(choices, message):
    with pytest.raises(ServingError, match=message):
        Serving("models/champion", **choices)


def test_the_cli_names_a_bad_precision_before_reading_anything(tmp_path):
    from typer.testing import CliRunner

    from framescope.cli import app
    from framescope.errors import UserError

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    args = ["score", str(corpus), "--out", str(tmp_path / "out"), "--no-mlflow"]
    result = CliRunner().invoke(app, [*args, "--precision", "fp16"])
    assert isinstance(result.exception, UserError)  # main() prints it as one line, exit 2
    assert "--precision fp16: must be one of fp32, bf16" in str(result.exception)
    spark = CliRunner().invoke(app, [*args, "--engine", "spark", "--precision", "bf16"])
    assert "the spark engine runs the pyfunc" in str(spark.exception)
    assert not (tmp_path / "out").exists()
