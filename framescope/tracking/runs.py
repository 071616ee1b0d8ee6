"""MLflow runs: tagged with commit, stage and params; metrics, artifacts, tables; outlet runs."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from framescope.tracking.store import _mlflow, retry_locked


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
