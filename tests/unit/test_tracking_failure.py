"""A tracking server that is down: a clear one-line error within seconds, nothing written."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from framescope import tracking
from framescope.tracking import store


def _dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again on exit: nothing listens there


def test_check_server_fails_fast_and_names_the_uri(monkeypatch):
    uri = f"http://127.0.0.1:{_dead_port()}"
    started = time.perf_counter()
    with pytest.raises(
        tracking.TrackingError, match=f"MLFLOW_TRACKING_URI {uri}: tracking server not reachable"
    ):
        tracking.check_server(uri, timeout=2)
    assert time.perf_counter() - started < 10


def test_local_stores_are_not_probed():
    tracking.check_server("sqlite:///nowhere/mlflow.db")  # no network, no error
    tracking.check_server("file:///tmp/mlruns")


def test_score_against_a_dead_server_exits_2_and_writes_nothing(tmp_path: Path):
    article = tmp_path / "in" / "a.md"
    article.parent.mkdir()
    article.write_text("---\noutlet: Test Wire\n---\nKyiv holds the land as leverage.\n")
    model = tmp_path / "model"
    model.mkdir()
    (model / "MLmodel").write_text("not loaded: the tracking check comes first\n")
    out = tmp_path / "out"
    env = {"MLFLOW_TRACKING_URI": f"http://127.0.0.1:{_dead_port()}", "PATH": ""}
    started = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from framescope.cli import main; main()",
            "score",
            str(article.parent),
            "--out",
            str(out),
            "--model",
            str(model),
        ],
        capture_output=True,
        text=True,
        env={**env, "HOME": str(tmp_path)},
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert time.perf_counter() - started < 30
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert (
        len(lines) == 1
        and "tracking server not reachable" in lines[0]
        and "--no-mlflow" in lines[0]
    )
    assert not out.exists()


# --- A locked SQLite store: retried with backoff, then one clear line ------------------------


def _locked_error() -> Exception:
    from mlflow.exceptions import MlflowException

    return MlflowException("(sqlite3.OperationalError) database is locked")


@pytest.fixture
def quick_retries(monkeypatch, tmp_path: Path) -> Path:
    """Short waits, a fresh check cache, and MLFLOW_TRACKING_URI at a SQLite file in tmp_path."""
    monkeypatch.setattr(store, "LOCK_ATTEMPTS", 4)
    monkeypatch.setattr(store, "LOCK_BACKOFF_S", 0.2)
    monkeypatch.setattr(store, "LOCK_PROBE_TIMEOUT_S", 0.2)
    monkeypatch.setattr(store, "_checked", set())
    db = tmp_path / "mlflow.db"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{db}")
    return db


def test_a_lock_that_clears_is_retried(quick_retries):
    calls = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise _locked_error()
        return "written"

    assert tracking.retry_locked(flaky) == "written"
    assert len(calls) == 3


def test_a_lock_that_stays_is_reported_in_one_line(quick_retries):
    calls = []

    def locked() -> None:
        calls.append(1)
        raise _locked_error()

    with pytest.raises(tracking.TrackingError) as raised:
        tracking.retry_locked(locked)
    message = str(raised.value)
    assert len(calls) == store.LOCK_ATTEMPTS
    assert f"MLFLOW_TRACKING_URI sqlite:///{quick_retries}" in message
    assert "database is locked" in message and "4 attempts" in message
    assert "--no-mlflow" in message and "\n" not in message


def test_other_errors_are_not_retried(quick_retries):
    calls = []

    def broken() -> None:
        calls.append(1)
        raise ValueError("bad metric name")

    with pytest.raises(ValueError, match="bad metric name"):
        tracking.retry_locked(broken)
    assert len(calls) == 1


def _hold_lock(db: Path):
    """Another writer: an open connection holding SQLite's exclusive lock on db."""
    import sqlite3

    holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    return holder


def test_check_store_reports_a_real_lock(quick_retries):
    import sqlite3

    sqlite3.connect(quick_retries).execute("CREATE TABLE t (x)").connection.close()
    holder = _hold_lock(quick_retries)
    try:
        started = time.perf_counter()
        with pytest.raises(tracking.TrackingError, match="database is locked"):
            tracking.check_store(f"sqlite:///{quick_retries}")
        assert time.perf_counter() - started < 10
    finally:
        holder.close()
    tracking.check_store(f"sqlite:///{quick_retries}")  # released: no error


def test_check_store_leaves_a_missing_store_to_mlflow(tmp_path: Path):
    tracking.check_store(f"sqlite:///{tmp_path / 'new' / 'mlflow.db'}")
    assert not (tmp_path / "new").exists()


def test_a_run_waits_out_a_lock_and_is_recorded(quick_retries):
    """A real MLflow store locked by another writer for ~1 s: the run goes through the retries."""
    import threading

    import mlflow

    with tracking.run("locks", "first"):
        tracking.log_metrics({"n": 1})
    holder = _hold_lock(quick_retries)
    store._checked.clear()
    release = threading.Timer(1.0, holder.close)
    release.start()
    try:
        with tracking.run("locks", "second"):
            tracking.log_metrics({"n": 2})
    finally:
        release.join()
    client = mlflow.MlflowClient(tracking_uri=f"sqlite:///{quick_retries}")
    experiment = client.get_experiment_by_name("locks")
    runs = client.search_runs([experiment.experiment_id])
    assert sorted(r.data.metrics["n"] for r in runs) == [1.0, 2.0]
    assert all(r.info.status == "FINISHED" for r in runs)


def test_score_against_a_locked_store_exits_2_in_one_line(quick_retries, monkeypatch, capsys):
    """Checked before any output is written, like a dead server."""
    import sqlite3

    from framescope.cli import main

    sqlite3.connect(quick_retries).execute("CREATE TABLE t (x)").connection.close()
    article = quick_retries.parent / "in" / "a.md"
    article.parent.mkdir()
    article.write_text("---\noutlet: Test Wire\n---\nKyiv holds the land as leverage.\n")
    out = quick_retries.parent / "out"
    monkeypatch.setattr(
        sys, "argv", ["framescope", "score", str(article.parent), "--out", str(out)]
    )
    holder = _hold_lock(quick_retries)
    try:
        with pytest.raises(SystemExit) as exited:
            main()
    finally:
        holder.close()
    assert exited.value.code == 2
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(lines) == 1 and "database is locked" in lines[0], lines
    assert not out.exists()


def test_a_file_that_is_not_sqlite_is_reported(tmp_path: Path):
    store = tmp_path / "mlflow.db"
    store.write_bytes(b"this is a text file, not a database" * 100)
    with pytest.raises(tracking.TrackingError, match="not a usable SQLite store"):
        tracking.check_store(f"sqlite:///{store}")
