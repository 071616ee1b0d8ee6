"""Every MLflow call framescope makes lives in this package: `store` (where runs go and that it
answers), `runs` (runs, metrics, artifacts, outlet runs), `lineage` (input datasets, lineage
tags), `models` (pyfunc models) and `audit` (audit runs).

The names below are the API the stages use: `from framescope import tracking; tracking.run(...)`.
"""

from framescope.tracking.audit import log_audit
from framescope.tracking.lineage import (
    content_hash,
    dataset,
    lineage_tags,
    log_input,
    tag_model_version,
)
from framescope.tracking.models import (
    input_example_texts,
    load_model,
    log_model,
    model_version,
    save_model,
)
from framescope.tracking.runs import (
    git_commit,
    log_artifact,
    log_epoch,
    log_metrics,
    log_outlet_comparison,
    log_table,
    run,
)
from framescope.tracking.store import (
    TrackingError,
    check,
    check_server,
    check_store,
    retry_locked,
    tracking_uri,
)

__all__ = [
    "TrackingError",
    "check",
    "check_server",
    "check_store",
    "content_hash",
    "dataset",
    "git_commit",
    "input_example_texts",
    "lineage_tags",
    "load_model",
    "log_artifact",
    "log_audit",
    "log_epoch",
    "log_input",
    "log_metrics",
    "log_model",
    "log_outlet_comparison",
    "log_table",
    "model_version",
    "retry_locked",
    "run",
    "save_model",
    "tag_model_version",
    "tracking_uri",
]
