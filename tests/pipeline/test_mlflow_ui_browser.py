"""The MLflow UI as a user opens it: `mlflow server` on 127.0.0.1 on a store the stages' tracking
calls wrote, the runs table rendered by headless Chromium, its Dataset column filled.

A train run and a score run are logged the way pipelines/train.py and pipelines/score.py log
them (framescope.tracking: inputs with their DVC digest, the experiment kind, names and notes).
The screenshot is kept as test-artifacts/mlflow_runs.png (or $FRAMESCOPE_TEST_ARTIFACTS).
Chromium: as for the report browser test (`make chromium`); skipped, saying why, without it.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from browser import blue_pixels, browser, screenshot
from mlflow_server import mlflow_server

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
RUN_NAME = "train tfidf_lr on gold 0123abcd"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """A store with a train run (gold train/dev inputs) and a score run (a folder input):
    (store file, experiment id, the train split's digest)."""
    root = tmp_path_factory.mktemp("mlflow_ui")
    table = pd.DataFrame(
        {"text": ["Kyiv holds the line.", "Talks stall.", "Subscribe now."], "split": "train"}
    )
    code = f"""
import pandas as pd
from framescope import tracking
table = pd.read_parquet("labelled.parquet")
with tracking.run("framescope", "train", {{"family": "tfidf_lr"}}, run_name={RUN_NAME!r},
                  description="Candidate tfidf_lr on the gold train split"):
    tracking.log_input("labelled.parquet", "training", table, name="labelled:train")
    tracking.log_input("labelled.parquet", "validation", table, name="labelled:dev")
    for epoch in (1, 2):
        tracking.log_epoch(epoch, {{"loss": 1.0 / epoch}})
with tracking.run("framescope", "score", run_name="score demo with champion v1"):
    tracking.log_input("demo", "scoring")
import mlflow
print(mlflow.get_experiment_by_name("framescope").experiment_id)
"""
    table.to_parquet(root / "labelled.parquet")
    (root / "demo").mkdir()
    (root / "demo" / "a.md").write_text("# An article\n\nKyiv holds the line.\n")
    db = root / "store.db"
    env = {**os.environ, "MLFLOW_TRACKING_URI": f"sqlite:///{db}"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stderr[-3000:]
    digest = hashlib.md5((root / "labelled.parquet").read_bytes()).hexdigest()
    return db, done.stdout.strip().splitlines()[-1], digest


@pytest.fixture(scope="module")
def ui(store):
    """`mlflow server` (UI + REST) on 127.0.0.1:<free port>, stopped afterwards."""
    db = store[0]
    with mlflow_server(db.parent, db) as base:
        yield base


def _runs_page(base: str, experiment_id: str) -> str:
    return f"{base}/#/experiments/{experiment_id}/runs"


# The UI is a JavaScript app: Chromium runs it for this much virtual time before dumping.
_BUDGET = "--virtual-time-budget=30000"


def test_the_runs_table_shows_each_runs_dataset_and_digest(chromium, ui, store):
    _, experiment_id, digest = store
    done = browser(chromium, _BUDGET, "--dump-dom", _runs_page(ui, experiment_id))
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    assert RUN_NAME in dom, "the runs table did not render the train run"
    # The Dataset column: name (digest), the digest being the DVC content hash of the file.
    assert f"labelled:train ({digest})" in dom, "the Dataset column shows no training dataset"
    assert "demo (" in dom, "the score run's input folder is not in the Dataset column"


def test_the_runs_table_screenshot_is_kept(chromium, ui, store):

    folder = Path(os.environ.get("FRAMESCOPE_TEST_ARTIFACTS", REPO / "test-artifacts"))
    folder.mkdir(parents=True, exist_ok=True)
    shot = folder / "mlflow_runs.png"
    image = screenshot(chromium, shot, 1600, 900, _runs_page(ui, store[1]), _BUDGET)
    # A rendered page has MLflow's blue links (run names, datasets); a blank or error page not.
    blue = blue_pixels(image, 60)
    assert blue > 500, f"only {blue} blue pixels: the runs table did not render ({shot})"
