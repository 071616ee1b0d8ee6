"""`mlflow server` on 127.0.0.1 for the pipeline tests: a free port, wait for /health, stop the
whole process group afterwards (bounded in time)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def mlflow_server(root: Path, store: Path, *extra: str) -> Iterator[str]:
    """Serve `store` (a SQLite file) from `root`; yields the base URL. The log is root/server.log."""
    if not (BIN / "mlflow").exists():
        pytest.skip("the mlflow command is not installed in this environment")
    port = free_port()
    log = (root / "server.log").open("w")
    command = [str(BIN / "mlflow"), "server", "--backend-store-uri", f"sqlite:///{store}"]
    command += [*extra, "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    process = subprocess.Popen(
        command, cwd=root, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"mlflow server did not start:\n{(root / 'server.log').read_text()}")
            time.sleep(1)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
        log.close()
