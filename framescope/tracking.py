"""Every MLflow call framescope makes lives here.

The tracking URI comes from MLFLOW_TRACKING_URI, defaulting to the embedded SQLite store
`mlflow.db` in the working directory.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from framescope.classifiers.bundle import ARTIFACT, Bundle, predict_frame, write_bundle

_MODEL_PACKAGES = (
    "mlflow",
    "scikit-learn",
    "scipy",
    "pandas",
    "numpy",
    "joblib",
    "blingfire",
    "pyyaml",
)
_TRANSFORMER_PACKAGES = ("torch", "transformers", "tokenizers", "safetensors")
_log = logging.getLogger(__name__)


class TrackingError(RuntimeError):
    """The tracking server or store could not be reached or written."""


def tracking_uri() -> str:
    return os.environ.get("MLFLOW_TRACKING_URI") or f"sqlite:///{Path.cwd() / 'mlflow.db'}"


# A dead tracking server must fail fast, not after MLflow's default minutes of retries.
_HTTP_DEFAULTS = {"MLFLOW_HTTP_REQUEST_TIMEOUT": "10", "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "1"}
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
    for key, value in _HTTP_DEFAULTS.items():
        os.environ.setdefault(key, value)
    check(uri)
    mlflow.set_tracking_uri(uri)
    return mlflow


def git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10, check=True
        )
        return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _flatten(prefix: str, value: Any, out: dict[str, Any]) -> dict[str, Any]:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), inner, out)
    else:
        out[prefix] = value
    return out


@contextmanager
def run(
    experiment: str,
    stage: str,
    params: Mapping[str, Any] | None = None,
    run_name: str | None = None,
    tags: Mapping[str, str] | None = None,
    nested: bool = False,
) -> Iterator[Any]:
    """An MLflow run tagged with the git commit, the stage and its params."""
    mlflow = _mlflow()
    if not nested:
        retry_locked(mlflow.set_experiment, experiment)
    with _started(mlflow, run_name=run_name or stage, nested=nested) as active:
        retry_locked(mlflow.set_tags, {"git_commit": git_commit(), "stage": stage, **(tags or {})})
        if params:
            retry_locked(mlflow.log_params, _flatten("", params, {}))
        yield active


@contextmanager
def _started(mlflow: Any, **kwargs: Any) -> Iterator[Any]:
    """mlflow.start_run as a context manager whose start and end survive a locked store."""
    active = retry_locked(mlflow.start_run, **kwargs)
    try:
        yield active
    except BaseException:
        retry_locked(mlflow.end_run, "FAILED")
        raise
    retry_locked(mlflow.end_run)


def log_metrics(metrics: Mapping[str, float]) -> None:
    # NaN (a share that cannot be corrected) is left out rather than logged.
    clean = {
        k.replace("@", "_at_"): float(v)
        for k, v in metrics.items()
        if v is not None and float(v) == float(v)
    }
    retry_locked(_mlflow().log_metrics, clean)


def log_artifact(path: str | Path, artifact_path: str | None = None) -> None:
    retry_locked(_mlflow().log_artifact, str(path), artifact_path)


def log_table(table: pd.DataFrame, artifact_file: str) -> None:
    retry_locked(_mlflow().log_table, data=table, artifact_file=artifact_file)


def _model_kwargs(bundle: Bundle, example_texts: list[str], workdir: Path) -> dict[str, Any]:
    from mlflow.models import infer_signature

    from framescope.classifiers.pyfunc import FramescopeModel  # imports MLflow

    example = pd.DataFrame({"text": example_texts})
    requirements = []
    packages = _MODEL_PACKAGES + (_TRANSFORMER_PACKAGES if bundle.family != "tfidf_lr" else ())
    for package in packages:
        try:
            requirements.append(f"{package}=={metadata.version(package)}")
        except metadata.PackageNotFoundError:
            continue
    return {
        "python_model": FramescopeModel(),
        "artifacts": {ARTIFACT: str(write_bundle(bundle, workdir / ARTIFACT))},
        "signature": infer_signature(example, predict_frame(bundle, example_texts)),
        "input_example": example,
        "pip_requirements": requirements,
        # The package travels with the model, so it loads where framescope is not installed.
        "code_paths": [str(Path(__file__).parent)],
    }


def save_model(bundle: Bundle, path: str | Path, example_texts: list[str]) -> Path:
    """Write the pyfunc to a local directory (a DVC output), replacing what was there."""
    import shutil

    mlflow = _mlflow()
    path = Path(path)
    if path.exists():
        shutil.rmtree(path)
    with tempfile.TemporaryDirectory() as tmp:
        mlflow.pyfunc.save_model(str(path), **_model_kwargs(bundle, example_texts, Path(tmp)))
    return path


def log_model(
    bundle: Bundle, example_texts: list[str], registered_name: str, alias: str | None
) -> dict[str, Any]:
    """Log the pyfunc to the active run, register it and point `alias` at the new version."""
    mlflow = _mlflow()
    with tempfile.TemporaryDirectory() as tmp:
        info = retry_locked(
            mlflow.pyfunc.log_model,
            name="model",
            registered_model_name=registered_name,
            **_model_kwargs(bundle, example_texts, Path(tmp)),
        )
    version = str(info.registered_model_version)
    if alias:
        retry_locked(
            mlflow.MlflowClient().set_registered_model_alias, registered_name, alias, version
        )
    return {"model_uri": info.model_uri, "registered_model": registered_name, "version": version}


def input_example_texts(model_dir: str | Path) -> list[str]:
    """The input example a saved pyfunc directory carries, as texts."""
    from mlflow.models import Model

    example: Any = Model.load(str(model_dir)).load_input_example(str(model_dir))
    return [str(t) for t in example["text"]]


def load_model(uri: str) -> Any:
    """Load a pyfunc from a local path or an MLflow URI (models:/name@alias, runs:/...)."""
    mlflow = _mlflow()
    return retry_locked(mlflow.pyfunc.load_model, uri)


def model_version(uri: str) -> str | None:
    """The registry version behind a models:/name@alias or models:/name/N URI, if any."""
    if not uri.startswith("models:/"):
        return None
    mlflow = _mlflow()
    name, _, ref = uri.removeprefix("models:/").partition("@")
    client = mlflow.MlflowClient()
    if ref:
        return str(retry_locked(client.get_model_version_by_alias, name, ref).version)
    return name.rpartition("/")[2] or None


def log_outlet_comparison(
    table: pd.DataFrame,
    metric_names: list[str],
    experiment: str,
    corpus: str,
    model_uri: str,
    model_version: str | None,
    params: Mapping[str, Any] | None = None,
    tables: Mapping[str, pd.DataFrame] | None = None,
    charts: Mapping[str, bytes] | None = None,
) -> str:
    """A parent run for the batch and one child run per outlet, named after the outlet.

    Child runs carry the same metric names, so MLflow's run comparison lines outlets up side
    by side. `tables` (artifact file -> table) go to the parent via log_table, `charts`
    (file name -> PNG bytes) under its `charts/`. Returns the parent run id.
    """
    mlflow = _mlflow()
    tags = {
        "corpus": corpus,
        "model_uri": model_uri,
        "model_version": model_version or "unregistered",
        "git_commit": git_commit(),  # once per batch, not once per outlet
    }
    with run(experiment, "outlets", params, run_name=f"outlets: {corpus}", tags=tags) as parent:
        log_table(table, "outlets.json")
        for artifact_file, extra in (tables or {}).items():
            log_table(extra, artifact_file)
        if charts:
            with tempfile.TemporaryDirectory() as tmp:
                for name, png in charts.items():
                    Path(tmp, name).write_bytes(png)
                retry_locked(mlflow.log_artifacts, tmp, "charts")
        for row in table.to_dict("records"):
            with _started(mlflow, run_name=str(row["outlet"]), nested=True):
                retry_locked(
                    mlflow.set_tags,
                    {
                        **tags,
                        "stage": "outlets",
                        "outlet": str(row["outlet"]),
                        **({"evidence": str(row["evidence"])} if "evidence" in row else {}),
                    },
                )
                child_params = ("n_articles", "n_sentences", "date_from", "date_to")
                retry_locked(
                    mlflow.log_params, {k: row[k] for k in child_params if pd.notna(row.get(k))}
                )
                metrics = {"n_articles": row["n_articles"], "n_sentences": row["n_sentences"]}
                for name in metric_names:
                    for suffix in ("", ".ci_low", ".ci_high"):
                        if name + suffix in row:
                            metrics[name + suffix] = row[name + suffix]
                log_metrics(metrics)
        return str(parent.info.run_id)
