"""The `framescope` console script, run as a real subprocess against a tiny model built here.

The model is trained once per session on a synthetic labelled table (no repo-trained model,
no DVC outputs), so these tests work on a fresh checkout.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from pipeline_params import tfidf_config, train_config
from synthetic import TEMPLATES as _TEMPLATES
from synthetic import labelled_table as _labelled

from framescope import schema

REPO = Path(__file__).resolve().parents[2]
CODEBOOK = REPO / "labels" / "codebook.yaml"
EXIT_OK, EXIT_USAGE, EXIT_REJECTS = 0, 2, 3


def _executable() -> str:
    candidate = Path(sys.executable).parent / "framescope"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("framescope")
    if found is None:
        pytest.skip("the framescope console script is not installed")
    return found


@pytest.fixture(scope="session")
def cli_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A working directory for CLI runs, away from the repo's mlflow.db and models/."""
    return tmp_path_factory.mktemp("cli_home")


@pytest.fixture(scope="session")
def cli_env(cli_home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["MLFLOW_TRACKING_URI"] = f"sqlite:///{cli_home / 'session.db'}"
    env.pop("MLFLOW_REGISTRY_URI", None)
    return env


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory, cli_home: Path) -> Path:
    from framescope.classifiers.base import LabelSpace
    from framescope.labels.codebook import load_codebook
    from framescope.tracking import save_model
    from framescope.training.train import example_texts, train

    labels = LabelSpace.from_codebook(load_codebook(CODEBOOK))
    train_set, dev_set = _labelled(6, 0), _labelled(2, 100)
    config = train_config(tfidf_lr=tfidf_config(char_ngram_max=0, max_iter=500))
    bundle = train("tfidf_lr", train_set, dev_set, labels, config, seed=13)
    target = tmp_path_factory.mktemp("tiny_model") / "model"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{cli_home / 'build.db'}")
        mp.chdir(cli_home)
        save_model(bundle, target, example_texts(dev_set))
    assert (target / "MLmodel").exists()
    return target


@pytest.fixture(scope="session")
def labels():
    from framescope.classifiers.base import LabelSpace
    from framescope.labels.codebook import load_codebook

    return LabelSpace.from_codebook(load_codebook(CODEBOOK))


def run_cli(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_executable(), *map(str, args)],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("framescope:")]


# ----------------------------------------------------------------------------- predict


def test_predict_one_line_per_input_in_order(tiny_model, cli_env, cli_home, tmp_path, labels):
    records = [
        {
            "id": "s1",
            "text": "Kyiv hopes the captured land is a bargaining chip.",
            "outlet": "A",
            "extra": 1,
        },
        {"text": "Subscribe to our newsletter for the latest updates.", "extra": {"k": [1, 2]}},
        {"id": 7, "text": "The raid humiliated the Kremlin.", "outlet": "B"},
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    output = tmp_path / "out.jsonl"

    done = run_cli(
        ["predict", "--input", source, "--output", output, "--model", tiny_model], cli_env, cli_home
    )

    assert done.returncode == EXIT_OK, done.stderr
    out = _read_jsonl(output)
    assert len(out) == len(records)
    assert [o["text"] for o in out] == [r["text"] for r in records]
    assert [o["id"] for o in out] == ["s1", 2, 7]  # missing id -> 1-based line number
    assert out[0]["outlet"] == "A" and out[2]["outlet"] == "B"
    assert out[0]["extra"] == 1 and out[1]["extra"] == {"k": [1, 2]}
    for o in out:
        assert "error" not in o
        assert isinstance(o["frames"], list)
        assert set(o["frames"]) <= set(labels.frame_ids)
        assert set(o["frame_scores"]) == set(labels.frame_ids)
        assert all(0.0 <= v <= 1.0 for v in o["frame_scores"].values())
        assert o["stance"] in labels.stance_ids
        assert set(o["stance_scores"]) == set(labels.stance_ids)
        assert sum(o["stance_scores"].values()) == pytest.approx(1.0, abs=1e-4)
        assert isinstance(o["boilerplate"], bool)
        assert 0.0 <= o["boilerplate_score"] <= 1.0
    assert not output.with_suffix(".rejects.jsonl").exists()


_EXIT_CODE_BUG = (
    "main() calls app(standalone_mode=False) and ignores its return value: click returns the "
    "code of typer.Exit(3) instead of raising, so a run with rejects exits 0, not 3"
)


@pytest.fixture(scope="module")
def predict_with_bad_lines(tiny_model, cli_env, cli_home, tmp_path_factory):
    """One `framescope predict` run on input with a malformed line and a line without text."""
    base = tmp_path_factory.mktemp("predict_bad")
    lines = [
        json.dumps({"id": "a", "text": "The incursion drained scarce reserves."}),
        '{"id": "b", "text": "unterminated',
        json.dumps({"id": "c", "body": "no text field here"}),
        json.dumps({"id": "d", "text": "Ukrainian forces remained in Kursk."}),
    ]
    source = base / "mixed.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    output = base / "mixed_out.jsonl"
    done = run_cli(
        ["predict", "--input", source, "--output", output, "--model", tiny_model], cli_env, cli_home
    )
    return done, source, output, lines


def test_predict_bad_lines_exit_3(predict_with_bad_lines):
    done = predict_with_bad_lines[0]
    assert done.returncode == EXIT_REJECTS, done.stderr


def test_predict_bad_lines_output_rejects_and_stderr(predict_with_bad_lines):
    done, source, output, lines = predict_with_bad_lines
    assert done.returncode == EXIT_REJECTS, done.stderr
    out = _read_jsonl(output)
    assert len(out) == len(lines)
    assert [o["id"] for o in out] == ["a", None, None, "d"]
    assert "error" not in out[0] and "error" not in out[3]
    assert out[1]["error"] and out[1]["line"] == 2
    assert "text" in out[2]["error"] and out[2]["line"] == 3
    assert "stance" in out[0] and "stance" in out[3]

    rejects = _read_jsonl(output.with_suffix(".rejects.jsonl"))
    assert [r["line"] for r in rejects] == [2, 3]
    assert all(r["reason"] for r in rejects)
    assert rejects[0]["source"] == f"{source}:2"

    errors = _error_lines(done.stderr)
    assert len(errors) == 1, done.stderr
    assert str(source) in errors[0]
    assert "1 more" in errors[0]


def test_predict_missing_input_is_usage_error(tiny_model, cli_env, cli_home, tmp_path):
    missing = tmp_path / "nope.jsonl"
    done = run_cli(
        ["predict", "--input", missing, "--output", tmp_path / "o.jsonl", "--model", tiny_model],
        cli_env,
        cli_home,
    )
    assert done.returncode == EXIT_USAGE
    errors = _error_lines(done.stderr)
    assert len(errors) == 1, done.stderr
    assert str(missing) in errors[0]
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "o.jsonl").exists()


def test_predict_model_path_not_a_model_is_usage_error(cli_env, cli_home, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"text": "Hello."}) + "\n", encoding="utf-8")
    not_a_model = tmp_path / "empty_dir"
    not_a_model.mkdir()
    done = run_cli(
        ["predict", "--input", source, "--output", tmp_path / "o.jsonl", "--model", not_a_model],
        cli_env,
        cli_home,
    )
    assert done.returncode == EXIT_USAGE
    errors = _error_lines(done.stderr)
    assert len(errors) == 1, done.stderr
    assert str(not_a_model) in errors[0]
    assert "Traceback" not in done.stderr


# ----------------------------------------------------------------------------- score

_MD = """---
title: {title}
outlet: {outlet}
date: 2024-08-{day:02d}
url: https://{host}/a/{day}
---
Kyiv hopes the captured land will be a bargaining chip at the negotiating table.

The incursion drained scarce reserves and cost Ukraine heavy losses.

Subscribe to our newsletter for the latest updates.
"""


def _make_corpus(root: Path, with_rejects: bool) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "a.md").write_text(
        _MD.format(title="Raid deepens", outlet="Alpha Times", day=10, host="alpha.example"),
        encoding="utf-8",
    )
    (root / "b.md").write_text(
        _MD.format(title="Costly gamble", outlet="Beta Post", day=12, host="beta.example"),
        encoding="utf-8",
    )
    export = [
        json.dumps(
            {
                "id": "j1",
                "outlet": "Alpha Times",
                "title": "Kremlin embarrassed",
                "text": "The raid humiliated the Kremlin. State television struggled to "
                "explain the failure.",
            }
        ),
        json.dumps(
            {
                "id": "j2",
                "outlet": "Beta Post",
                "title": "Front exposed",
                "text": "Analysts warned the operation was a costly gamble. Ukrainian "
                "forces remained in the region.",
            }
        ),
    ]
    if with_rejects:
        export.insert(1, '{"id": "broken", "text": ')
        (root / "empty.txt").write_text("", encoding="utf-8")
    (root / "export.jsonl").write_text("\n".join(export) + "\n", encoding="utf-8")
    return root


def _summary_numbers(stdout: str) -> dict[str, int]:
    import re

    match = re.search(r"articles read (\d+), scored (\d+), rejected (\d+)", stdout)
    assert match, stdout
    read, scored, rejected = map(int, match.groups())
    return {"read": read, "scored": scored, "rejected": rejected}


@pytest.fixture(scope="module")
def scored_dir(tiny_model, cli_env, cli_home, tmp_path_factory):
    """One `framescope score` run on a corpus with two bad inputs; (out dir, result, corpus)."""
    base = tmp_path_factory.mktemp("score")
    corpus = _make_corpus(base / "corpus", with_rejects=True)
    out = base / "scored"
    done = run_cli(["score", corpus, "--out", out, "--model", tiny_model], cli_env, cli_home)
    return out, done, corpus


def test_score_with_rejects_exits_3(scored_dir):
    done = scored_dir[1]
    assert done.returncode == EXIT_REJECTS, (done.stdout, done.stderr)


def test_score_writes_outputs_with_rejects(scored_dir, tiny_model, labels):
    out, done, _ = scored_dir
    assert done.returncode == EXIT_REJECTS, done.stderr
    for name in (
        "sentences.parquet",
        "articles.parquet",
        "outlets.csv",
        "rejects.jsonl",
        "labels.json",
        "run.json",
    ):
        assert (out / name).exists(), name

    numbers = _summary_numbers(done.stdout)
    assert numbers == {"read": 6, "scored": 4, "rejected": 2}
    assert numbers["read"] == numbers["scored"] + numbers["rejected"]

    rejects = _read_jsonl(out / "rejects.jsonl")
    assert len(rejects) == 2
    assert all(r["reason"] for r in rejects)
    sources = " ".join(r["source"] for r in rejects)
    assert "empty.txt" in sources and "export.jsonl:line 2" in sources

    articles = pd.read_parquet(out / "articles.parquet")
    assert len(articles) == 4
    assert set(articles[schema.OUTLET]) == {"Alpha Times", "Beta Post"}
    sentences = pd.read_parquet(out / "sentences.parquet")
    assert len(sentences) > 0
    for column in (*schema.SENTENCE_COLUMNS, schema.FRAMES, schema.STANCE, schema.BOILERPLATE):
        assert column in sentences.columns
    assert set(sentences[schema.ARTICLE_ID]) == set(articles[schema.ARTICLE_ID])

    assert json.loads((out / "labels.json").read_text()) == labels.as_dict()
    run_info = json.loads((out / "run.json").read_text())
    assert run_info["model_uri"] == str(tiny_model)
    assert run_info["summary"]["read"] == 6 and run_info["summary"]["rejected"] == 2

    table = pd.read_csv(out / "outlets.csv")
    assert sorted(table["outlet"]) == ["Alpha Times", "Beta Post"]


def test_score_clean_input_exits_0(tiny_model, cli_env, cli_home, tmp_path):
    corpus = _make_corpus(tmp_path / "clean", with_rejects=False)
    out = tmp_path / "out"
    done = run_cli(["score", corpus, "--out", out, "--model", tiny_model], cli_env, cli_home)
    assert done.returncode == EXIT_OK, done.stderr
    assert _summary_numbers(done.stdout) == {"read": 4, "scored": 4, "rejected": 0}
    assert (out / "rejects.jsonl").read_text() == ""


def test_score_missing_input_is_usage_error(tiny_model, cli_env, cli_home, tmp_path):
    missing = tmp_path / "no_such_folder"
    done = run_cli(
        ["score", missing, "--out", tmp_path / "out", "--model", tiny_model], cli_env, cli_home
    )
    assert done.returncode == EXIT_USAGE, (done.returncode, done.stdout, done.stderr)


def test_score_negative_workers_is_a_one_line_usage_error(tiny_model, cli_env, cli_home, tmp_path):
    corpus = _make_corpus(tmp_path / "corpus", with_rejects=False)
    args = ["score", corpus, "--out", tmp_path / "out", "--model", tiny_model, "--workers", "-1"]
    done = run_cli(args, cli_env, cli_home)
    assert done.returncode == EXIT_USAGE, (done.returncode, done.stdout, done.stderr)
    assert done.stderr.strip() == "framescope: error: --workers -1: must be >= 0 (0: one per CPU)"
    assert not (tmp_path / "out").exists()


def test_score_with_workers_prints_the_same_summary(
    scored_dir, tiny_model, cli_env, cli_home, tmp_path
):
    _, done, corpus = scored_dir
    args = ["score", corpus, "--out", tmp_path / "out", "--model", tiny_model]
    pooled = run_cli([*args, "--workers", "2", "--chunk-size", "1"], cli_env, cli_home)
    single = run_cli([*args, "--workers", "1", "--chunk-size", "1"], cli_env, cli_home)
    assert pooled.returncode == single.returncode == done.returncode
    assert pooled.stdout.split(";")[:2] == single.stdout.split(";")[:2]


# ----------------------------------------------------------------------------- outlets


def _copy_scored(scored_dir, tmp_path: Path, name: str) -> Path:
    out, _, _ = scored_dir
    target = tmp_path / name
    shutil.copytree(out, target)
    (target / "outlets.csv").unlink()
    return target


def test_outlets_no_mlflow_prints_table_and_writes_files(
    scored_dir, cli_env, cli_home, tmp_path, labels
):
    directory = _copy_scored(scored_dir, tmp_path, "batch")
    env = {**cli_env, "MLFLOW_TRACKING_URI": f"sqlite:///{tmp_path / 'must_not_exist.db'}"}
    done = run_cli(["outlets", directory, "--no-mlflow", "--samples", "200"], env, cli_home)

    assert done.returncode == EXIT_OK, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    assert lines[0].split()[0] == "outlet"
    assert "frame_share.bargaining_chip" in lines[0]
    body = [line for line in lines[1:] if not line.startswith("logged")]
    assert len(body) == 2
    assert body[0].strip().startswith("Alpha Times")
    assert body[1].strip().startswith("Beta Post")
    assert "logged to MLflow" not in done.stdout
    assert not (tmp_path / "must_not_exist.db").exists()

    table = pd.read_csv(directory / "outlets.csv")
    assert list(table["outlet"]) == ["Alpha Times", "Beta Post"]
    for frame in labels.frame_ids:
        for suffix in ("", ".ci_low", ".ci_high"):
            assert f"frame_share.{frame}{suffix}" in table.columns
    share = table["frame_share.costly_risk"]
    assert (table["frame_share.costly_risk.ci_low"] <= share + 1e-9).all()
    assert (share <= table["frame_share.costly_risk.ci_high"] + 1e-9).all()
    as_json = json.loads((directory / "outlets.json").read_text())
    assert [r["outlet"] for r in as_json] == ["Alpha Times", "Beta Post"]


def test_outlets_on_a_non_score_folder_is_usage_error(cli_env, cli_home, tmp_path):
    folder = tmp_path / "random"
    folder.mkdir()
    (folder / "notes.txt").write_text("hello", encoding="utf-8")
    done = run_cli(["outlets", folder, "--no-mlflow"], cli_env, cli_home)
    assert done.returncode == EXIT_USAGE
    errors = _error_lines(done.stderr)
    assert len(errors) == 1, done.stderr
    assert str(folder) in errors[0]
    assert "Traceback" not in done.stderr


def test_outlets_logs_parent_and_child_runs(
    scored_dir, cli_env, cli_home, tmp_path, tiny_model, labels
):
    import mlflow

    directory = _copy_scored(scored_dir, tmp_path, "corpus_x")
    uri = f"sqlite:///{tmp_path / 'm.db'}"
    workdir = tmp_path / "work"
    workdir.mkdir()
    done = run_cli(
        ["outlets", directory, "--samples", "200"], {**cli_env, "MLFLOW_TRACKING_URI": uri}, workdir
    )
    assert done.returncode == EXIT_OK, done.stderr
    assert "logged to MLflow" in done.stdout

    client = mlflow.MlflowClient(tracking_uri=uri)
    experiment = client.get_experiment_by_name("framescope")
    assert experiment is not None
    runs = client.search_runs([experiment.experiment_id], max_results=100)
    parents = [r for r in runs if "mlflow.parentRunId" not in r.data.tags]
    assert len(parents) == 1
    parent = parents[0]
    assert parent.data.tags["stage"] == "outlets"
    assert parent.data.tags["corpus"] == "corpus_x"
    assert "git_commit" in parent.data.tags

    children = [r for r in runs if r.data.tags.get("mlflow.parentRunId") == parent.info.run_id]
    assert len(children) == len(runs) - 1
    assert sorted(c.info.run_name for c in children) == ["Alpha Times", "Beta Post"]
    for child in children:
        tags, metrics = child.data.tags, child.data.metrics
        assert tags["corpus"] == "corpus_x"
        assert tags["model_uri"] == str(tiny_model)
        assert tags["outlet"] == child.info.run_name
        for frame in labels.frame_ids:
            for suffix in ("", ".ci_low", ".ci_high"):
                assert f"frame_share.{frame}{suffix}" in metrics
            assert 0.0 <= metrics[f"frame_share.{frame}"] <= 1.0
        assert "net_stance" in metrics
        assert -1.0 <= metrics["net_stance"] <= 1.0
        assert metrics["n_articles"] == 2


def test_outlets_child_runs_carry_git_commit(scored_dir, cli_env, cli_home, tmp_path):
    import mlflow

    directory = _copy_scored(scored_dir, tmp_path, "corpus_y")
    uri = f"sqlite:///{tmp_path / 'g.db'}"
    workdir = tmp_path / "work"
    workdir.mkdir()
    done = run_cli(
        ["outlets", directory, "--samples", "200"], {**cli_env, "MLFLOW_TRACKING_URI": uri}, workdir
    )
    assert done.returncode == EXIT_OK, done.stderr
    client = mlflow.MlflowClient(tracking_uri=uri)
    experiment = client.get_experiment_by_name("framescope")
    runs = client.search_runs([experiment.experiment_id], max_results=100)
    assert len(runs) == 3
    missing = [r.info.run_name for r in runs if "git_commit" not in r.data.tags]
    assert missing == []


# ----------------------------------------------------------------------------- evaluate


def test_evaluate_writes_metrics_json(tiny_model, cli_env, cli_home, tmp_path):
    gold_rows = [
        {"text": t.format(i=900 + k), "frames": f, "stance": s, "boilerplate": b}
        for k in range(2)
        for t, f, s, b in _TEMPLATES
    ]
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(r) + "\n" for r in gold_rows), encoding="utf-8")
    out = tmp_path / "metrics" / "eval.json"

    done = run_cli(
        ["evaluate", "--gold", gold, "--out", out, "--model", tiny_model], cli_env, cli_home
    )

    assert done.returncode == EXIT_OK, done.stderr
    assert "frames.macro_f1" in done.stdout
    metrics = json.loads(out.read_text())
    assert metrics["gold"] == str(gold)
    assert metrics["model"] == str(tiny_model)
    assert metrics["n_sentences"] == len(gold_rows)
    for value in (
        metrics["frames"]["macro_f1"],
        metrics["stance"]["macro_f1"],
        metrics["stance"]["accuracy"],
        metrics["boilerplate"]["f1"],
    ):
        assert 0.0 <= value <= 1.0
    assert set(metrics["frames"]) >= {"bargaining_chip", "costly_risk", "propaganda_failure"}
    # The gold sentences are near-copies of the training sentences: the model must fit them.
    assert metrics["frames"]["macro_f1"] > 0.6


def test_evaluate_gold_missing_fields_is_usage_error(tiny_model, cli_env, cli_home, tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"text": "Only text."}) + "\n", encoding="utf-8")
    done = run_cli(["evaluate", "--gold", gold, "--model", tiny_model], cli_env, cli_home)
    assert done.returncode == EXIT_USAGE
    errors = _error_lines(done.stderr)
    assert len(errors) == 1 and str(gold) in errors[0], done.stderr
