"""What a user reads back from the MLflow store: input datasets with DVC digests, the experiment
kind, a live training run with epoch curves, a FAILED run with its error, lineage tags."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
import yaml
from pipeline_params import finetune_config, train_config
from synthetic import labelled_table

from framescope import tracking
from framescope.classifiers.base import LabelSpace
from framescope.tracking.lineage import content_hash, lineage_tags, tag_key


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A fresh SQLite store, and its client."""
    import mlflow

    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    monkeypatch.chdir(tmp_path)
    return mlflow.MlflowClient(tracking_uri=uri)


def _lock(tmp_path: Path, stages: dict) -> Path:
    path = tmp_path / "dvc.lock"
    path.write_text(yaml.safe_dump({"schema": "2.0", "stages": stages}), encoding="utf-8")
    return path


def test_content_hash_of_a_file_is_the_md5_dvc_records(tmp_path):
    path = tmp_path / "table.parquet"
    path.write_bytes(b"some bytes")
    assert content_hash(path) == hashlib.md5(b"some bytes").hexdigest()


def test_content_hash_of_a_folder_comes_from_dvc_lock_or_is_computed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = Path("data/scored")
    folder.mkdir(parents=True)
    (folder / "a.json").write_text("{}")
    computed = content_hash(folder)
    assert computed.endswith(".dir")
    assert content_hash(folder) == computed  # stable
    (folder / "a.json").write_text('{"changed": 1}')
    assert content_hash(folder) != computed
    _lock(tmp_path, {"score": {"outs": [{"path": "data/scored", "md5": "feed.dir"}]}})
    assert content_hash(folder) == "feed.dir"


def test_inputs_experiment_kind_and_description_are_read_back(store, tmp_path):
    table = pd.DataFrame({"text": ["a", "b", "c"], "split": ["train", "train", "dev"]})
    path = tmp_path / "labelled.parquet"
    table.to_parquet(path)
    with tracking.run("lineage", "train", run_name="train x on gold", description="what") as run:
        tracking.log_input(path.name, "training", table, name="labelled:train")
        tracking.log_input(path.name, "validation", table.head(1), name="labelled:dev")
    experiment = store.get_experiment_by_name("lineage")
    assert experiment.tags["mlflow.experimentKind"] == "custom_model_development"
    got = store.get_run(run.info.run_id)
    assert got.info.run_name == "train x on gold"
    assert got.data.tags["mlflow.note.content"] == "what"
    inputs = {
        d.dataset.name: (d.dataset.digest, d.dataset.source, {t.key: t.value for t in d.tags})
        for d in got.inputs.dataset_inputs
    }
    digest = hashlib.md5(path.read_bytes()).hexdigest()
    assert inputs["labelled:train"][0] == digest
    assert '"labelled.parquet"' in inputs["labelled:train"][1]
    assert inputs["labelled:train"][2]["mlflow.data.context"] == "training"
    assert inputs["labelled:dev"][2]["mlflow.data.context"] == "validation"


def test_a_failed_training_leaves_a_failed_run_with_the_error(store):
    with (
        pytest.raises(ValueError, match="bad labels"),
        tracking.run("lineage", "train", run_name="train broken"),
    ):
        tracking.log_epoch(1, {"loss": 0.5})
        raise ValueError("bad labels")
    (run,) = store.search_runs([store.get_experiment_by_name("lineage").experiment_id])
    assert run.info.status == "FAILED"
    assert run.data.tags["error"] == "ValueError: bad labels"
    assert run.info.end_time >= run.info.start_time


def test_lineage_tags_follow_dvc_lock(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    stage = {
        "deps": [
            {"path": "data/stages/labelled.parquet", "md5": "aaa"},
            {"path": "framescope/training", "md5": "code.dir"},
        ],
        "params": {"configs/params.yaml": {"seed": 13, "train.tfidf_lr": {"C": 4.0}}},
    }
    _lock(
        tmp_path, {"split": {"deps": [{"path": "labels/gold", "md5": "g.dir"}]}, "train@x": stage}
    )
    tags = lineage_tags(["split", "train@x", "select"], "abc123")
    assert tags["lineage.git_commit"] == "abc123"
    assert tags["lineage.dvc.labels/gold"] == "g.dir"
    assert tags["lineage.dvc.data/stages/labelled.parquet"] == "aaa"
    assert not any("framescope/" in key for key in tags)  # code: the commit says it
    assert '"seed": 13' in tags["lineage.params"]
    assert tags["lineage.stage.select"] == "not in dvc.lock"
    assert tag_key("lineage.stage.train@x") == "lineage.stage.train:x"


def test_the_finetune_run_has_loss_and_dev_score_per_epoch(store, tiny_base_model, codebook):
    from framescope.training.train import train

    labels = LabelSpace.from_codebook(codebook)
    config = train_config(
        family="finetune",
        base_model=str(tiny_base_model),
        finetune=finetune_config(epochs=2, batch_size=16, learning_rate=1e-3, patience=5),
    )
    config = replace(config, finetune=replace(config.finetune, shared_encoder=True))
    with tracking.run("lineage", "train", run_name="train finetune") as run:
        train(
            "finetune",
            labelled_table(2, 0),
            labelled_table(1, 100),
            labels,
            config,
            7,
            log=str,
            on_epoch=tracking.log_epoch,
        )
    for name in ("epoch.loss", "epoch.dev_score"):
        history = store.get_metric_history(run.info.run_id, name)
        assert [m.step for m in sorted(history, key=lambda m: m.step)] == [1, 2], name
    assert store.get_run(run.info.run_id).info.status == "FINISHED"
