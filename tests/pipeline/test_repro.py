"""End to end: `dvc repro` on a copy of the repo, then the outputs, the MLflow store and DVC state.

The copy leaves out every pipeline output, the DVC cache and the MLflow store, so the run starts
from scratch. Params are shrunk (200 bootstrap samples, no character n-grams, only the tfidf_lr
family: the transformer families have their own tests) to keep it fast.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent

# Names skipped anywhere in the tree, and paths (relative to the repo root) skipped exactly.
_SKIP_NAMES = {
    ".venv",
    ".git",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    ".mypy_cache",
    ".hypothesis",
    "mlruns",
    "mlartifacts",
}
_SKIP_PATHS = {
    ".encoders",  # the copy trains tfidf_lr only; no encoder, no embedding cache
    ".cache",
    ".label-studio",
    "mlflow.db",
    "dvc.lock",
    ".dvc/cache",
    ".dvc/tmp",
    "data/stages",
    "data/scored",
    "models/champion",
    "models/candidates",
    "models/registry.json",
    "metrics",
    "reports",
    "tests",
    "build",
    "dist",
    ".work",
    ".whl",
}


# Nothing under the inputs is left out: ingest must skip data/demo/README.md by itself.
_SKIP_UNDER_INPUTS: tuple[str, ...] = ()


def _ignore(directory: str, names: list[str]) -> list[str]:
    rel = Path(directory).relative_to(REPO)
    return [
        n
        for n in names
        if n in _SKIP_NAMES
        or n.endswith(".egg-info")
        or (rel / n).as_posix() in _SKIP_PATHS
        or (rel.parts[:2] == ("data", "demo") and n in _SKIP_UNDER_INPUTS)
    ]


def _dvc() -> str:
    candidate = VENV_BIN / "dvc"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("dvc")
    if found is None:
        pytest.skip("dvc is not installed")
    return found


def _env() -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("MLFLOW_TRACKING_URI", "MLFLOW_REGISTRY_URI")
    }
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


def _run(args: list[str], cwd: Path, timeout: int = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=cwd, env=_env(), capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def repro(tmp_path_factory: pytest.TempPathFactory):
    """A fresh copy of the repo after one `dvc repro`: (copy, completed process, seconds)."""
    copy = tmp_path_factory.mktemp("repro") / "framescope"
    shutil.copytree(REPO, copy, ignore=_ignore)
    assert (copy / ".dvc").is_dir(), "the repo's .dvc/ folder was not copied"
    if not (copy / ".git").exists():
        # The copy has no git repository: tell DVC not to look for one.
        done = _run([_dvc(), "config", "core.no_scm", "true"], copy)
        assert done.returncode == 0, done.stderr

    params_file = copy / "configs" / "params.yaml"
    params = yaml.safe_load(params_file.read_text(encoding="utf-8"))
    params["outlets"]["bootstrap_samples"] = 200
    params["train"]["tfidf_lr"]["char_ngram_max"] = 0
    params["train"]["families"] = ["tfidf_lr"]
    params["weak"]["similarity"] = False  # no MiniLM here: the similarity LFs have unit tests
    params_file.write_text(yaml.safe_dump(params, sort_keys=False), encoding="utf-8")

    started = time.perf_counter()
    done = _run([_dvc(), "repro"], copy)
    seconds = time.perf_counter() - started
    print(f"\nfirst dvc repro: {seconds:.1f} s (exit {done.returncode})")
    assert done.returncode == 0, f"dvc repro failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return copy, done, seconds


@pytest.fixture(scope="module")
def client(repro):
    import mlflow

    copy = repro[0]
    db = copy / "mlflow.db"
    assert db.exists(), "the pipeline did not write the default MLflow store <repo>/mlflow.db"
    return mlflow.MlflowClient(tracking_uri=f"sqlite:///{db}")


@pytest.fixture(scope="module")
def runs(client):
    experiment = client.get_experiment_by_name("framescope")
    assert experiment is not None
    return client.search_runs([experiment.experiment_id], max_results=1000)


def test_repro_ran_every_stage(repro):
    _, done, _ = repro
    for stage in (
        "ingest",
        "segment",
        "split",
        "weak_label",
        "train@tfidf_lr",
        "select",
        "evaluate",
        "score",
        "outlets",
        "report",
    ):
        assert f"Running stage '{stage}'" in done.stdout


def test_evaluate_metrics(repro):
    copy = repro[0]
    metrics = json.loads((copy / "metrics" / "evaluate.json").read_text())
    for key in ("frames.macro_f1", "stance.macro_f1", "boilerplate.f1"):
        assert 0.0 <= metrics[key] <= 1.0, key
    assert metrics["frames.macro_f1"] > 0.4


def test_outlet_report(repro):
    copy = repro[0]
    table = pd.read_csv(copy / "reports" / "outlets.csv")
    assert len(table) >= 10
    assert table["outlet"].is_unique
    shares = [c for c in table.columns if c.startswith("frame_share.") and "." not in c[12:]]
    assert len(shares) >= 3
    for share in shares:
        assert f"{share}.ci_low" in table.columns and f"{share}.ci_high" in table.columns
        assert table[share].between(0, 1).all()
        assert (table[f"{share}.ci_low"] <= table[share] + 1e-9).all()
        assert (table[share] <= table[f"{share}.ci_high"] + 1e-9).all()
    assert len(json.loads((copy / "reports" / "outlets.json").read_text())) == len(table)
    corrected = [c for c in table.columns if c.startswith("frame_share_corrected.")]
    assert corrected, "no shares corrected by the evaluate stage's precision/recall"
    pairwise = pd.read_csv(copy / "reports" / "pairwise.csv")
    assert len(pairwise) > 0 and pairwise["q_value"].between(0, 1).all()
    assert "<img" in (copy / "reports" / "outlets.html").read_text(encoding="utf-8")


def test_champion_alias_in_registry(repro, client):
    copy = repro[0]
    version = client.get_model_version_by_alias("framescope", "champion")
    assert version.name == "framescope"
    registry = json.loads((copy / "models" / "registry.json").read_text())
    assert registry["version"] == str(version.version)
    assert (copy / "models" / "champion" / "MLmodel").exists()


def test_train_and_evaluate_runs(repro, runs):
    registry = json.loads((repro[0] / "models" / "registry.json").read_text())
    stages = [r.data.tags.get("stage") for r in runs]
    assert stages.count("train") == 1
    assert stages.count("select") == 1
    assert stages.count("evaluate") == 1
    train = next(r for r in runs if r.data.tags.get("stage") == "train")
    assert train.data.tags["family"] == "tfidf_lr"
    assert "dev_score" in train.data.metrics and "test.frames.macro_f1" in train.data.metrics
    select = next(r for r in runs if r.data.tags.get("stage") == "select")
    assert select.info.run_id == registry["run_id"]
    assert select.data.tags["family"] == registry["family"] == "tfidf_lr"
    evaluate = next(r for r in runs if r.data.tags.get("stage") == "evaluate")
    assert "frames.macro_f1" in evaluate.data.metrics
    # The logged-model URI (models:/m-...), not the registry one the outlet runs carry.
    assert evaluate.data.tags["model_uri"] == registry["model_uri"]
    assert evaluate.data.tags["model_version"] == registry["version"]


def test_outlets_parent_with_one_child_per_outlet(repro, runs):
    copy = repro[0]
    table = pd.read_csv(copy / "reports" / "outlets.csv")
    parents = [
        r
        for r in runs
        if r.data.tags.get("stage") == "outlets" and "mlflow.parentRunId" not in r.data.tags
    ]
    assert len(parents) == 1
    parent = parents[0]
    assert parent.data.tags["corpus"] == "scored"
    children = [r for r in runs if r.data.tags.get("mlflow.parentRunId") == parent.info.run_id]
    assert sorted(c.info.run_name for c in children) == sorted(table["outlet"])
    for child in children:
        tags, metrics = child.data.tags, child.data.metrics
        assert tags["model_uri"].startswith("models:/framescope/")
        assert tags["corpus"] == "scored"
        frame_metrics = [m for m in metrics if m.startswith("frame_share.") and "." not in m[12:]]
        assert len(frame_metrics) >= 3
        for name in frame_metrics:
            assert f"{name}.ci_low" in metrics and f"{name}.ci_high" in metrics
        row = table[table["outlet"] == child.info.run_name].iloc[0]
        assert metrics[frame_metrics[0]] == pytest.approx(row[frame_metrics[0]])


def test_top_level_runs_have_git_commit(runs):
    top = [r for r in runs if "mlflow.parentRunId" not in r.data.tags]
    assert len(top) == 6  # weak_label, train, select, evaluate, score, outlets parent
    assert all(r.data.tags.get("git_commit") for r in top)


def _inputs(run) -> dict[str, tuple[str, str, str]]:
    """name -> (digest, source JSON, context) of a run's input datasets."""
    return {
        d.dataset.name: (
            d.dataset.digest,
            d.dataset.source,
            next(t.value for t in d.tags if t.key == "mlflow.data.context"),
        )
        for d in run.inputs.dataset_inputs
    }


def test_runs_name_their_input_datasets_with_dvc_digests(repro, client, runs):
    """Train, evaluate and score runs say which data (and which version of it) they read."""
    import hashlib

    copy = repro[0]
    labelled = hashlib.md5((copy / "data/stages/labelled.parquet").read_bytes()).hexdigest()
    lock = yaml.safe_load((copy / "dvc.lock").read_text())["stages"]
    demo = next(d["md5"] for d in lock["score"]["deps"] if d["path"] == "data/demo")
    scored = next(o["md5"] for o in lock["score"]["outs"] if o["path"] == "data/scored")
    by_stage = {
        r.data.tags.get("stage"): r for r in runs if "mlflow.parentRunId" not in r.data.tags
    }

    train = _inputs(by_stage["train"])
    assert train["labelled:train"][0] == labelled and train["labelled:train"][2] == "training"
    assert train["labelled:dev"][2] == "validation" and train["labelled:test"][2] == "test"
    assert "data/stages/labelled.parquet" in train["labelled:train"][1]
    assert by_stage["train"].info.run_name.startswith("train tfidf_lr on gold")
    evaluate = _inputs(by_stage["evaluate"])["labelled:test"]
    assert (evaluate[0], evaluate[2]) == (labelled, "test")
    assert _inputs(by_stage["score"])["demo"][0] == demo
    assert _inputs(by_stage["score"])["demo"][2] == "scoring"
    outlet_runs = [r for r in runs if r.data.tags.get("stage") == "outlets"]
    assert all(_inputs(r)["scored"][0] == scored for r in outlet_runs)
    experiment = client.get_experiment_by_name("framescope")
    assert experiment.tags["mlflow.experimentKind"] == "custom_model_development"
    assert all(r.data.tags.get("mlflow.note.content") for r in by_stage.values())


def test_the_champion_version_carries_its_lineage(repro, client):
    """From the registered model to the code (commit) and data (dvc.lock hashes) that made it."""
    copy = repro[0]
    version = client.get_model_version_by_alias("framescope", "champion")
    tags = version.tags
    assert tags["lineage.git_commit"]
    lock = yaml.safe_load((copy / "dvc.lock").read_text())["stages"]
    for dep in lock["train@tfidf_lr"]["deps"]:
        if dep["path"].startswith("data/"):
            assert tags[f"lineage.dvc.{dep['path']}"] == dep["md5"], dep["path"]
    gold = next(d["md5"] for d in lock["split"]["deps"] if d["path"] == "labels/gold")
    assert tags["lineage.dvc.labels/gold"] == gold
    demo = next(d["md5"] for d in lock["ingest"]["deps"] if d["path"] == "data/demo")
    assert tags["lineage.dvc.data/demo"] == demo
    assert json.loads(tags["lineage.params"])["train.tfidf_lr"]["char_ngram_max"] == 0
    assert tags["family"] == "tfidf_lr"


def test_every_run_has_git_commit(runs):
    missing = [r.info.run_name for r in runs if not r.data.tags.get("git_commit")]
    assert missing == []


def test_up_to_date_afterwards(repro, runs):
    # Depends on `runs` so the MLflow checks read the store before these DVC commands run.
    copy = repro[0]
    status = _run([_dvc(), "status"], copy)
    assert status.returncode == 0, status.stderr
    assert "up to date" in status.stdout, status.stdout
    again = _run([_dvc(), "repro"], copy)
    assert again.returncode == 0, again.stderr
    assert "Running stage" not in again.stdout, again.stdout


def _outputs(copy: Path) -> dict[str, bytes]:
    """Every metrics, plots and report file the pipeline wrote, by path."""
    found = {}
    for folder in ("metrics", "reports"):
        for path in sorted((copy / folder).rglob("*")):
            if path.is_file() and path.name != ".gitignore":
                found[path.relative_to(copy).as_posix()] = path.read_bytes()
    return found


def test_a_second_run_from_clean_gives_identical_metrics(repro, runs):
    """Seeds and deterministic CPU settings: from clean again (every output deleted by
    `dvc repro -f`, and a new MLflow store, whose registry numbers the model version the
    reports cite) every metrics file and report is reproduced byte for byte."""
    copy = repro[0]
    first = _outputs(copy)
    assert "metrics/evaluate.json" in first and "reports/outlets.csv" in first
    (copy / "mlflow.db").rename(copy / "mlflow.first.db")
    again = _run([_dvc(), "repro", "-f"], copy)
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    assert "Running stage 'train@tfidf_lr'" in again.stdout
    second = _outputs(copy)
    assert sorted(second) == sorted(first)
    differ = [name for name in first if first[name] != second[name]]
    assert not differ, f"not reproduced byte for byte: {differ}"


def test_calibration_metrics_and_reliability_plots(repro):
    copy = repro[0]
    metrics = json.loads((copy / "metrics" / "evaluate.json").read_text())
    for head in ("frames", "stance", "boilerplate"):
        assert 0.0 <= metrics[f"{head}.ece"] <= 1.0
        bins = pd.read_csv(copy / "metrics" / "plots" / f"reliability_{head}.csv")
        assert list(bins.columns) == ["confidence", "observed", "count"] and len(bins) >= 2
    candidate = json.loads((copy / "metrics" / "candidates" / "tfidf_lr.json").read_text())
    assert candidate["family"] == "tfidf_lr" and 0 < candidate["dev_score"] <= 1
    selected = json.loads((copy / "metrics" / "select.json").read_text())
    assert selected["champion"] == "tfidf_lr"


def test_experiment_forcing_a_family(repro, runs):
    """`dvc exp run -S ...train.family=<family>` reruns select and after, and `dvc exp show`
    lists its metrics. Runs last: it needs git in the copy, and leaves the workspace changed."""
    copy = repro[0]
    # The copy skipped these folders; without their .gitignore, `git add -A` would track DVC outs.
    for ignore in ("reports/.gitignore", "data/stages/.gitignore"):
        shutil.copy(REPO / ignore, copy / ignore)
    for args in (
        [_dvc(), "config", "--unset", "core.no_scm"],
        ["git", "init", "-q"],
        ["git", "add", "-A"],
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "base"],
    ):
        done = _run(args, copy)
        assert done.returncode == 0, done.stderr
    done = _run([_dvc(), "exp", "run", "-S", "configs/params.yaml:train.family=tfidf_lr"], copy)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "Running stage 'select'" in done.stdout
    assert "Running stage 'train@tfidf_lr'" not in done.stdout  # training params unchanged
    shown = _run([_dvc(), "exp", "show", "--json"], copy)
    assert shown.returncode == 0, shown.stderr
    assert "frames.macro_f1" in shown.stdout and "dev_score" in shown.stdout
