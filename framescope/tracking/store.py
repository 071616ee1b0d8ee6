"""Where runs go, and that it answers: the tracking URI, fast failure, a locked SQLite store.

The tracking URI comes from MLFLOW_TRACKING_URI, defaulting to the embedded SQLite store
`mlflow.db` in the working directory.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

_log = logging.getLogger(__name__)


class TrackingError(RuntimeError):
    """The tracking server or store could not be reached or written."""


def tracking_uri() -> str:
    return os.environ.get("MLFLOW_TRACKING_URI") or f"sqlite:///{Path.cwd() / 'mlflow.db'}"


# A dead tracking server must fail fast, not after MLflow's default minutes of retries. The
# artifact progress bars (sub-second local copies in every stage log) are off unless asked for.
_ENV_DEFAULTS = {
    "MLFLOW_HTTP_REQUEST_TIMEOUT": "10",
    "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "1",
    "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR": "false",
}
_checked: set[str] = set()


def check_server(uri: str, timeout: float = 5.0) -> None:
    """Raise TrackingError, in seconds, when an http(s) tracking server does not answer."""
    import urllib.error
    import urllib.request

    if not uri.startswith(("http://", "https://")) or uri in _checked:
        return
    try:
        with urllib.request.urlopen(f"{uri.rstrip('/')}/health", timeout=timeout):
            pass
    except urllib.error.HTTPError:
        pass  # it answered; a server without /health is still a server
    except (OSError, ValueError) as err:
        reason = getattr(err, "reason", err)
        raise TrackingError(
            f"MLFLOW_TRACKING_URI {uri}: tracking server not reachable ({reason}); "
            "start it, point MLFLOW_TRACKING_URI elsewhere, or use --no-mlflow"
        ) from None
    _checked.add(uri)


# A SQLite store another process is writing to is locked. MLflow already waits 20 s per
# statement (busy_timeout); framescope then retries the whole call with backoff, and reports
# the lock in one line when it persists. Total wait: about attempts x 20 s + the backoffs.
LOCK_ATTEMPTS = 3
LOCK_BACKOFF_S = 2.0
LOCK_PROBE_TIMEOUT_S = 5.0


def _is_locked(err: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = err
    while current is not None and id(current) not in seen:
        if "database is locked" in str(current) or "database table is locked" in str(current):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def _locked(uri: str, attempts: int, started: float) -> TrackingError:
    return TrackingError(
        f"MLFLOW_TRACKING_URI {uri}: database is locked (another process is writing to it); "
        f"gave up after {attempts} attempts over {time.monotonic() - started:.0f} s; "
        "let that process finish, use a tracking server for concurrent runs, or use --no-mlflow"
    )


def retry_locked(call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """call(*args, **kwargs), retried with backoff while the SQLite store is locked."""
    started = time.monotonic()
    for attempt in range(1, LOCK_ATTEMPTS + 1):
        try:
            return call(*args, **kwargs)
        except Exception as err:
            if not _is_locked(err):
                raise
            if attempt == LOCK_ATTEMPTS:
                raise _locked(tracking_uri(), attempt, started) from None
            wait = LOCK_BACKOFF_S * 2 ** (attempt - 1)
            _log.warning(
                "tracking store %s is locked; retrying in %.0f s (attempt %d of %d)",
                tracking_uri(), wait, attempt, LOCK_ATTEMPTS,
            )  # fmt: skip
            time.sleep(wait)
    raise AssertionError("unreachable")


def _sqlite_path(uri: str) -> Path | None:
    if not uri.startswith("sqlite:///"):
        return None
    path = uri.removeprefix("sqlite:///").partition("?")[0]
    return None if path in ("", ":memory:") else Path(path)


def check_store(uri: str) -> None:
    """Raise TrackingError, before any work, when a SQLite store stays locked for writing.

    Takes SQLite's write lock and gives it back at once (BEGIN IMMEDIATE; ROLLBACK), with the
    same retries as every other call. A store that does not exist yet is left to MLflow.
    """
    path = _sqlite_path(uri)
    if path is None or not path.is_file():
        return

    def probe() -> None:
        connection = sqlite3.connect(path, timeout=LOCK_PROBE_TIMEOUT_S, isolation_level=None)
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("ROLLBACK")
        finally:
            connection.close()

    try:
        retry_locked(probe)
    except sqlite3.DatabaseError as err:
        message = f"MLFLOW_TRACKING_URI {uri}: not a usable SQLite store ({err})"
        raise TrackingError(message) from None


def check(uri: str) -> None:
    """The tracking store answers: a server within seconds, a SQLite file is not locked."""
    if uri in _checked:
        return
    check_server(uri)
    check_store(uri)
    _checked.add(uri)


def _mlflow() -> Any:
    import mlflow

    uri = tracking_uri()
    for key, value in _ENV_DEFAULTS.items():
        os.environ.setdefault(key, value)
    check(uri)
    mlflow.set_tracking_uri(uri)
    return mlflow
