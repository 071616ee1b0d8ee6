"""MLflow runs: tagged with commit, stage and params; metrics, artifacts, tables; outlet runs."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from framescope.tracking.lineage import log_input
from framescope.tracking.store import _mlflow, retry_locked

# The experiment opens on runs and models in the UI, not on the GenAI overview.
EXPERIMENT_KIND = "mlflow.experimentKind"
MODEL_DEVELOPMENT = "custom_model_development"
NOTE = "mlflow.note.content"


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
    description: str | None = None,
    system_metrics: bool = False,
) -> Iterator[Any]:
    """An MLflow run tagged with the git commit, the stage and its params.

    `description` is the run's note (shown under Description in the UI). `system_metrics`
    samples CPU and memory while the run is open, where psutil is installed. A run left by an
    exception ends FAILED with the error as its `error` tag.
    """
    mlflow = _mlflow()
    if not nested:
        found = retry_locked(mlflow.set_experiment, experiment)
        if found.tags.get(EXPERIMENT_KIND) != MODEL_DEVELOPMENT:
            retry_locked(mlflow.set_experiment_tag, EXPERIMENT_KIND, MODEL_DEVELOPMENT)
    extra = {"log_system_metrics": True} if system_metrics and _has_psutil() else {}
    with _started(mlflow, run_name=run_name or stage, nested=nested, **extra) as active:
        note = {NOTE: description} if description else {}
        retry_locked(
            mlflow.set_tags, {"git_commit": git_commit(), "stage": stage, **note, **(tags or {})}
        )
        if params:
            retry_locked(mlflow.log_params, _flatten("", params, {}))
        yield active


@contextmanager
def _started(mlflow: Any, **kwargs: Any) -> Iterator[Any]:
    """mlflow.start_run as a context manager whose start and end survive a locked store."""
    active = retry_locked(mlflow.start_run, **kwargs)
    try:
        yield active
    except BaseException as err:
        try:
            retry_locked(mlflow.set_tag, "error", f"{type(err).__name__}: {err}"[:5000])
        finally:
            retry_locked(mlflow.end_run, "FAILED")
        raise
    retry_locked(mlflow.end_run)


def _has_psutil() -> bool:
    try:
        import psutil  # noqa: F401
    except ImportError:
        return False
    return True


def log_metrics(metrics: Mapping[str, float], step: int | None = None) -> None:
    """Metrics on the active run; with `step`, one point of a curve (epoch, say)."""
    # NaN (a share that cannot be corrected) is left out rather than logged.
    clean = {
        k.replace("@", "_at_"): float(v)
        for k, v in metrics.items()
        if v is not None and float(v) == float(v)
    }
    retry_locked(_mlflow().log_metrics, clean, step=step)


def log_epoch(epoch: int, metrics: Mapping[str, float]) -> None:
    """An `on_epoch` callback for training: `epoch.<name>` at step `epoch` (learning curves)."""
    log_metrics({f"epoch.{k}": v for k, v in metrics.items()}, step=epoch)


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
    scored: str | Path | None = None,
) -> str:
    """A parent run for the batch and one child run per outlet, named after the outlet.

    Child runs carry the same metric names, so MLflow's run comparison lines outlets up side
    by side. `tables` (artifact file -> table) go to the parent via log_table, `charts`
    (file name -> PNG bytes) under its `charts/`. `scored` (the scored folder) is logged as
    every run's input, context scoring. Returns the parent run id.
    """
    mlflow = _mlflow()
    tags = {
        "corpus": corpus,
        "model_uri": model_uri,
        "model_version": model_version or "unregistered",
        "git_commit": git_commit(),  # once per batch, not once per outlet
    }
    span = _span(table)
    description = (
        f"Outlet comparison of the {corpus} corpus{span}: {len(table)} outlets scored by "
        f"{model_uri} (version {model_version or 'unregistered'}); one child run per outlet."
    )
    with run(
        experiment,
        "outlets",
        params,
        run_name=f"outlets: {corpus}{span}",
        tags=tags,
        description=description,
    ) as parent:
        source = log_input(scored, "scoring", _scored_table(scored)) if scored else None
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
                if source is not None:
                    retry_locked(mlflow.log_input, source, context="scoring")
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


def _span(table: pd.DataFrame) -> str:
    """' 2022-01-03 to 2022-12-30' from the outlets' date columns, or ''."""
    if "date_from" not in table or "date_to" not in table:
        return ""
    first, last = table["date_from"].dropna(), table["date_to"].dropna()
    if first.empty or last.empty:
        return ""
    return f" {str(first.min())[:10]} to {str(last.max())[:10]}"


def _scored_table(scored: str | Path) -> pd.DataFrame | None:
    sentences = Path(scored, "sentences.parquet")
    return pd.read_parquet(sentences) if sentences.exists() else None
