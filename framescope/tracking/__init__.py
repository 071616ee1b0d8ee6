"""Every MLflow call framescope makes lives in this package: `store` (where runs go and that it
answers), `runs` (runs, metrics, artifacts, outlet runs) and `models` (pyfunc models).

The names below are the API the stages use: `from framescope import tracking; tracking.run(...)`.
"""

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
    "git_commit",
    "input_example_texts",
    "load_model",
    "log_artifact",
    "log_metrics",
    "log_model",
    "log_outlet_comparison",
    "log_table",
    "model_version",
    "retry_locked",
    "run",
    "save_model",
    "tracking_uri",
]
