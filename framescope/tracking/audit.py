"""An audit in MLflow: a run per audit, a child run per outlet, sample and labels as artifacts."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from framescope.tracking.runs import _started, log_artifact, log_metrics, log_table, run
from framescope.tracking.store import _mlflow, retry_locked


def log_audit(
    table: pd.DataFrame,
    experiment: str,
    name: str,
    tags: Mapping[str, str],
    params: Mapping[str, Any],
    artifacts: list[str | Path],
) -> str:
    """The audit run (params, the estimate table, `artifacts` files) and a child run per row of
    `table` (an outlet, or all outlets) with every numeric column as a metric. Returns its id."""
    mlflow = _mlflow()
    description = (
        f"Audit {name}: {len(table)} rows (outlets and all outlets), audited shares, precision "
        "and recall with intervals; the sample and its labels are artifacts."
    )
    with run(
        experiment, "audit", params, run_name=f"audit: {name}", tags=dict(tags),
        description=description,
    ) as parent:  # fmt: skip
        log_table(table, "audit.json")
        for path in artifacts:
            log_artifact(path, "audit")
        for row in table.to_dict("records"):
            outlet = str(row["outlet"])
            with _started(mlflow, run_name=outlet, nested=True):
                retry_locked(mlflow.set_tags, {**tags, "stage": "audit", "outlet": outlet})
                log_metrics({k: v for k, v in row.items() if isinstance(v, int | float)})
        return str(parent.info.run_id)
