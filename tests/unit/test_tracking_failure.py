"""A tracking server that is down: a clear one-line error within seconds, nothing written."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from framescope import tracking


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
