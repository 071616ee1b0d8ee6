"""`mlflow server` on 127.0.0.1 for the pipeline tests, on a free port (tests/local_server.py)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from local_server import free_port, served

BIN = Path(sys.executable).parent


@contextlib.contextmanager
def mlflow_server(root: Path, store: Path, *extra: str) -> Iterator[str]:
    """Serve `store` (a SQLite file) from `root`; yields the base URL. The log is root/server.log."""
    if not (BIN / "mlflow").exists():
        pytest.skip("the mlflow command is not installed in this environment")
    port = free_port()
    command = [str(BIN / "mlflow"), "server", "--backend-store-uri", f"sqlite:///{store}"]
    command += [*extra, "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    base = f"http://127.0.0.1:{port}"
    with served("mlflow server", command, root, f"{base}/health"):
        yield base
