"""ONNX Runtime parity with torch for the fine-tuned family (tiny BERT built in code)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from pipeline_params import finetune_config, tfidf_config, train_config
from synthetic import labelled_table

from framescope.classifiers.base import LabelSpace
from framescope.classifiers.bundle import predict_frame
from framescope.training.train import train

pytest.importorskip("onnxruntime", reason="onnxruntime is a pinned dependency")

TEXTS = [
    "Kyiv sees the captured land as a bargaining chip for future talks.",
    "Subscribe to our newsletter.",
    "The incursion drained scarce reserves and cost Ukraine heavy losses, analysts said on Monday "
    "after a week of fighting around the town and the villages near the border.",
    "Photo",
    "",
]


@pytest.fixture(scope="module")
def bundles(tiny_base_model, codebook, tmp_path_factory):
    from framescope.classifiers.onnx_runtime import to_onnx

    labels = LabelSpace.from_codebook(codebook)
    config = train_config(
        family="finetune",
        base_model=str(tiny_base_model),
        finetune=finetune_config(epochs=1, learning_rate=1e-3, shared_encoder=False),
    )
    bundle = train("finetune", labelled_table(2, 0), labelled_table(1, 50), labels, config, 3)
    folder = tmp_path_factory.mktemp("onnx")
    return bundle, to_onnx(bundle, folder / "fp32"), to_onnx(bundle, folder / "int8", quantize=True)


@pytest.mark.parametrize("quantize", [False, True])
def test_the_frozen_encoder_family_runs_on_onnx(tiny_base_model, codebook, tmp_path, quantize):
    from framescope.classifiers.onnx_runtime import OnnxEncoder, to_onnx

    labels = LabelSpace.from_codebook(codebook)
    config = train_config(family="embed_lr")
    config = replace(config, embed_lr=replace(config.embed_lr, encoder=str(tiny_base_model)))
    bundle = train("embed_lr", labelled_table(2, 0), labelled_table(1, 50), labels, config, 3)
    converted = to_onnx(bundle, tmp_path, quantize=quantize)
    assert isinstance(converted.heads.encoder, OnnxEncoder)
    assert bundle.heads.encoder is not None and not isinstance(bundle.heads.encoder, OnnxEncoder)
    a, b = bundle.scores(TEXTS), converted.scores(TEXTS)
    tolerance = 0.2 if quantize else 1e-4
    for name in ("frames", "stance", "boilerplate"):
        assert np.abs(getattr(a, name) - getattr(b, name)).max() < tolerance, name
    if not quantize:
        left, right = predict_frame(bundle, TEXTS), predict_frame(converted, TEXTS)
        assert left["stance"].tolist() == right["stance"].tolist()


def test_onnx_matches_torch(bundles):
    torch_bundle, onnx_bundle, _ = bundles
    a, b = torch_bundle.scores(TEXTS), onnx_bundle.scores(TEXTS)
    for name in ("frames", "stance", "boilerplate"):
        assert np.abs(getattr(a, name) - getattr(b, name)).max() < 1e-4, name
    left, right = predict_frame(torch_bundle, TEXTS), predict_frame(onnx_bundle, TEXTS)
    assert list(left.columns) == list(right.columns)
    assert left["stance"].tolist() == right["stance"].tolist()
    assert [list(f) for f in left["frames"]] == [list(f) for f in right["frames"]]


def test_int8_onnx_runs_and_stays_close(bundles):
    torch_bundle, _, int8_bundle = bundles
    a, b = torch_bundle.scores(TEXTS), int8_bundle.scores(TEXTS)
    assert np.isfinite(b.frames).all() and np.allclose(b.stance.sum(axis=1), 1)
    assert np.abs(a.stance - b.stance).max() < 0.2


def test_int8_keeps_the_first_half_of_the_ffn_outputs_in_fp32(bundles):
    import onnx

    from framescope.classifiers.onnx_runtime import fp32_matmuls

    _, fp32_bundle, int8_bundle = bundles
    kept = fp32_matmuls(fp32_bundle.heads.paths[0])
    assert kept and all("/layer.0/output/dense/" in name for name in kept)  # 2 layers: the first
    ops = {n.name: n.op_type for n in onnx.load(str(int8_bundle.heads.paths[0])).graph.node}
    assert all(ops[name] == "MatMul" for name in kept)
    assert "MatMulInteger" in ops.values() or "DynamicQuantizeMatMul" in ops.values()
    late = [name for name, op in ops.items() if "/layer.1/output/dense/" in name]
    assert late and "MatMul" not in {ops[name] for name in late}  # the second layer's: int8


def test_onnx_refuses_non_transformer_families(codebook, tmp_path):
    from framescope.classifiers.onnx_runtime import OnnxError, to_onnx

    labels = LabelSpace.from_codebook(codebook)
    config = train_config(tfidf_lr=tfidf_config(char_ngram_max=0, max_iter=200))
    bundle = train("tfidf_lr", labelled_table(2, 0), labelled_table(1, 50), labels, config, 3)
    with pytest.raises(OnnxError, match="'tfidf_lr'"):
        to_onnx(bundle, tmp_path)


def test_score_cli_onnx_runtime_matches_torch(bundles, tmp_path):
    """`framescope score --runtime onnx` gives the torch run's labels on the same corpus."""
    import os
    import subprocess
    import sys

    import pandas as pd

    from framescope.tracking import save_model

    torch_bundle = bundles[0]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path / 'mlflow.db'}")
        mp.chdir(tmp_path)
        model = save_model(torch_bundle, tmp_path / "model", TEXTS[:2])
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i, text in enumerate(TEXTS[:3]):
        (corpus / f"a{i}.md").write_text(f"---\noutlet: Wire {i % 2}\n---\n{text} {text}\n")
    results = {}
    for runtime in ("torch", "onnx"):
        out = tmp_path / runtime
        done = subprocess.run(
            [sys.executable, "-c", "from framescope.cli import main; main()", "score",
             str(corpus), "--out", str(out), "--model", str(model), "--no-mlflow",
             "--runtime", runtime],
            capture_output=True, text=True, cwd=tmp_path, timeout=300,
            env={**os.environ, "MLFLOW_TRACKING_URI": f"sqlite:///{tmp_path / 'cli.db'}"},
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-2000:]
        results[runtime] = pd.read_parquet(out / "sentences.parquet").sort_values("sentence_id")
    left, right = results["torch"], results["onnx"]
    assert len(left) == len(right) > 0
    assert left["stance"].tolist() == right["stance"].tolist()
    assert [list(f) for f in left["frames"]] == [list(f) for f in right["frames"]]
