"""`framescope audit` end to end on the demo unlabelled corpus, and its one-line errors.

The corpus is scored once with `models/champion` (the tiny test model where no champion was
built), then: audit sample -> a simulated Label Studio export -> audit report, with HTML, MLflow
and gold rows checked. The simulated annotators never see costly_risk, so the audited share of
that frame is 0 wherever the model predicted it: the report must follow the labels.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from test_annotate_cli import run  # the in-process console entry point

from framescope import schema
from framescope.annotate.studio import result_items

REPO = Path(__file__).resolve().parents[2]
CHAMPION = REPO / "models" / "champion"


@pytest.fixture(scope="module")
def scored(request, tmp_path_factory) -> Path:
    model = (
        CHAMPION
        if (CHAMPION / "MLmodel").exists()
        else request.getfixturevalue("scoring_model_path")
    )
    out = tmp_path_factory.mktemp("audit") / "scored"
    exe = Path(sys.executable).parent / "framescope"
    done = subprocess.run(
        [str(exe), "score", str(REPO / "data" / "demo_unlabelled"), "--out", str(out),
         "--model", str(model), "--no-mlflow"],
        capture_output=True, text=True, timeout=600, cwd=out.parent,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return out


@pytest.fixture
def audit_dir(scored, tmp_path, monkeypatch, capsys) -> Path:
    folder = tmp_path / "first-audit"
    code, out, _ = run(["audit", "sample", scored, "--out", folder, "--n", 60], monkeypatch, capsys)
    assert code == 0, out
    return folder


def _export(audit_dir: Path, scored: Path, drop_frame: str = "costly_risk", only=None) -> Path:
    """Annotations: the model's labels without `drop_frame`; the first 10 tasks twice."""
    predictions = pd.read_parquet(scored / "sentences.parquet").set_index(schema.SENTENCE_ID)
    records = []
    for i, task in enumerate(json.loads((audit_dir / "tasks.json").read_text())):
        row = predictions.loc[task["data"][schema.SENTENCE_ID]]
        frames = [f for f in row[schema.FRAMES] if f != drop_frame]
        result = result_items(frames, row[schema.STANCE], bool(row[schema.BOILERPLATE]))
        users = [1, 2] if i < 10 else [1]
        annotations = [{"id": u, "completed_by": u, "result": result} for u in users]
        records.append({"id": i, "data": task["data"], "annotations": annotations})
    path = audit_dir / "export.json"
    path.write_text(json.dumps(records[:only] if only else records))
    return path


def test_sample_writes_unanchored_tasks_and_the_design(audit_dir, scored, monkeypatch, capsys):
    tasks = json.loads((audit_dir / "tasks.json").read_text())
    assert len(tasks) == 60 and all("predictions" not in t for t in tasks)
    assert (audit_dir / "labeling_config.xml").read_text().startswith("<View>")
    sample = pd.read_parquet(audit_dir / "sample.parquet")
    assert set(sample[schema.SENTENCE_ID]) == {t["data"][schema.SENTENCE_ID] for t in tasks}
    assert (sample[schema.INCLUSION_PROBABILITY] > 0).all()
    anchored = audit_dir.parent / "anchored"
    code, _, _ = run(
        ["audit", "sample", scored, "--out", anchored, "--n", 60, "--pre-annotate"],
        monkeypatch, capsys,
    )  # fmt: skip
    assert code == 0
    assert all(t["predictions"] for t in json.loads((anchored / "tasks.json").read_text()))


def test_report_end_to_end_html_mlflow_and_gold(audit_dir, scored, tmp_path, monkeypatch, capsys):
    import mlflow

    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    gold = tmp_path / "audit_gold.jsonl"
    code, out, err = run(
        ["audit", "report", audit_dir, _export(audit_dir, scored), "--to-gold", gold],
        monkeypatch, capsys,
    )  # fmt: skip
    assert code == 0, err
    assert "more labelled sentences" in out or "cannot halve" in out
    estimates = pd.read_csv(audit_dir / "estimates.csv")
    costly = schema.audited(schema.frame_share("costly_risk"))
    assert (estimates[costly] == 0).all()
    raw = pd.read_parquet(scored / "sentences.parquet")[schema.FRAMES].map(
        lambda f: "costly_risk" in f
    )
    assert raw.any()  # the model did predict it: the audit, not the model, decides
    html = (audit_dir / "report.html").read_text()
    for outlet in estimates[schema.OUTLET]:
        assert outlet.replace("&", "&amp;") in html
    assert "costly_risk audited" in html and "costly_risk raw" in html
    rows = [json.loads(line) for line in gold.read_text().splitlines()]
    assert len(rows) == 60 and {r["source"] for r in rows} == {"audit:first-audit"}
    assert {schema.SENTENCE_ID, schema.ARTICLE_ID, schema.OUTLET, schema.TEXT} <= rows[0].keys()
    from framescope.labels.codebook import load_codebook
    from framescope.labels.dataset import load_gold

    assert len(load_gold(gold, load_codebook(REPO / "labels" / "codebook.yaml"))) == 60

    client = mlflow.MlflowClient(tracking_uri=uri)
    runs = client.search_runs([client.get_experiment_by_name("framescope").experiment_id])
    [parent] = [r for r in runs if "mlflow.parentRunId" not in r.data.tags]
    assert parent.info.run_name == "audit: first-audit"
    children = [r for r in runs if r.data.tags.get("mlflow.parentRunId") == parent.info.run_id]
    assert len(children) == len(estimates)
    assert all(costly in c.data.metrics for c in children)
    artifacts = {a.path for a in client.list_artifacts(parent.info.run_id, "audit")}
    assert {"audit/sample.parquet", "audit/labels.jsonl", "audit/report.html"} <= artifacts


def _fails(args, monkeypatch, capsys, audit_dir: Path, expected: str) -> None:
    code, _, err = run([*args, "--no-mlflow"], monkeypatch, capsys)
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2 and len(lines) == 1 and expected in lines[0], err
    assert not (audit_dir / "report.html").exists()  # nothing half-written


def test_unknown_label_in_the_export(audit_dir, scored, monkeypatch, capsys):
    export = _export(audit_dir, scored)
    records = json.loads(export.read_text())
    records[3]["annotations"][0]["result"][0:0] = result_items(["sanctions"], "neutral", False)[:1]
    export.write_text(json.dumps(records))
    _fails(["audit", "report", audit_dir, export], monkeypatch, capsys, audit_dir, "unknown frame")


def test_sample_from_another_corpus(audit_dir, scored, tmp_path, monkeypatch, capsys):
    other = tmp_path / "rescored"
    shutil.copytree(scored, other)
    part = next((other / "sentences.parquet").glob("*.parquet"))
    table = pd.read_parquet(part)
    table.loc[0, schema.STANCE] = (
        "favorable" if table.loc[0, schema.STANCE] != "favorable" else "neutral"
    )
    table.to_parquet(part)
    args = ["audit", "report", audit_dir, _export(audit_dir, scored), "--scored", other]
    _fails(args, monkeypatch, capsys, audit_dir, "drawn from another corpus")


def test_missing_labels_and_missing_files(audit_dir, scored, tmp_path, monkeypatch, capsys):
    half = _export(audit_dir, scored, only=30)
    _fails(["audit", "report", audit_dir, half], monkeypatch, capsys, audit_dir, "30 of 60 sampled")
    _fails(["audit", "report", tmp_path, half], monkeypatch, capsys, audit_dir, "file not found")
    _fails(
        ["audit", "report", audit_dir, tmp_path / "nope.json"], monkeypatch, capsys, audit_dir,
        "nope.json: file not found",
    )  # fmt: skip


def test_sample_too_small_for_the_strata(scored, tmp_path, monkeypatch, capsys):
    code, _, err = run(
        ["audit", "sample", scored, "--out", tmp_path / "a", "--n", 3], monkeypatch, capsys
    )
    assert code == 2 and "the design needs at least" in err
    assert not (tmp_path / "a").exists()
