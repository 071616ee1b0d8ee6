"""A comparison logged to a real `mlflow server` on a loopback port, read back over REST.

Checks what a reader of the tracking server sees: one parent run, one child run per outlet
with metrics and `.ci_low`/`.ci_high`, params (articles, date range), tags (corpus, model
version, evidence), the tables and the charts as artifacts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from mlflow_server import mlflow_server

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent


def _get(base: str, endpoint: str, **query: str) -> Any:
    url = f"{base}{endpoint}?{urllib.parse.urlencode(query)}" if query else f"{base}{endpoint}"
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


def _post(base: str, path: str, body: dict[str, Any]) -> Any:
    request = urllib.request.Request(
        f"{base}{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    """`mlflow server` on 127.0.0.1:<free port>, stopped (its own process group) afterwards."""
    root = tmp_path_factory.mktemp("mlflow_server")
    store = root / "store.db"
    with mlflow_server(root, store, "--artifacts-destination", str(root / "artifacts")) as base:
        yield base


@pytest.fixture(scope="module")
def logged(server, tmp_path_factory: pytest.TempPathFactory):
    """Run `framescope outlets` against the server; returns (base url, outlet table, stdout)."""
    from synthetic import synthetic_scored_table as _synthetic_scored

    folder = tmp_path_factory.mktemp("served") / "scored"
    folder.mkdir()
    sentences, articles, labels = _synthetic_scored()
    sentences.to_parquet(folder / "sentences.parquet", index=False)
    articles.to_parquet(folder / "articles.parquet", index=False)
    (folder / "labels.json").write_text(json.dumps(labels.as_dict()))
    (folder / "run.json").write_text(
        json.dumps({"model_uri": "models:/framescope/7", "model_version": "7"})
    )
    env = {**os.environ, "MLFLOW_TRACKING_URI": server}
    args = ["outlets", str(folder), "--samples", "200", "--min-sentences", "30"]
    done = subprocess.run(
        [str(BIN / "framescope"), *args, "--experiment", "served"],
        env=env,
        cwd=folder.parent,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return server, pd.read_csv(folder / "outlets.csv"), done.stdout


def test_parent_and_child_runs_read_back_over_rest(logged):
    base, table, stdout = logged
    experiment = _get(base, "/api/2.0/mlflow/experiments/get-by-name", experiment_name="served")
    experiment_id = experiment["experiment"]["experiment_id"]
    runs = _post(
        base, "/api/2.0/mlflow/runs/search", {"experiment_ids": [experiment_id], "max_results": 50}
    )["runs"]
    tags = [{t["key"]: t["value"] for t in r["data"].get("tags", [])} for r in runs]
    parents = [r for r, t in zip(runs, tags, strict=True) if "mlflow.parentRunId" not in t]
    assert len(parents) == 1
    parent_id = parents[0]["info"]["run_id"]
    assert f"parent run {parent_id}" in stdout
    children = {
        t["mlflow.runName"]: (r, t)
        for r, t in zip(runs, tags, strict=True)
        if t.get("mlflow.parentRunId") == parent_id
    }
    assert sorted(children) == ["Herald", "Ledger", "Tiny"]
    for outlet, (run, tag) in children.items():
        row = table[table["outlet"] == outlet].iloc[0]
        metrics = {m["key"]: m["value"] for m in run["data"]["metrics"]}
        params = {p["key"]: p["value"] for p in run["data"]["params"]}
        for name in ("frame_share.bargaining_chip", "net_stance"):
            assert metrics[name] == pytest.approx(row[name])
            assert metrics[f"{name}.ci_low"] <= metrics[name] <= metrics[f"{name}.ci_high"]
        assert params["n_articles"] == str(row["n_articles"])
        assert params["date_from"] == row["date_from"] and params["date_to"] == row["date_to"]
        assert tag["corpus"] == "scored" and tag["model_version"] == "7"
        assert tag["evidence"] == ("insufficient" if outlet == "Tiny" else "ok")


def test_tables_and_charts_are_parent_artifacts(logged):
    base, _, stdout = logged
    parent_id = stdout.rsplit("parent run ", 1)[1].split()[0]
    top = _get(base, "/api/2.0/mlflow/artifacts/list", run_id=parent_id)
    names = {f["path"] for f in top["files"]}
    assert {"outlets.json", "pairwise.json", "trends.json", "evidence.json", "charts"} <= names
    charts = _get(base, "/api/2.0/mlflow/artifacts/list", run_id=parent_id, path="charts")
    assert {Path(f["path"]).name for f in charts["files"]} == {
        "frame_heatmap.png",
        "net_stance.png",
        "trends.png",
    }
    assert all(int(f["file_size"]) > 5000 for f in charts["files"])
