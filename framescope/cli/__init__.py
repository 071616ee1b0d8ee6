"""The `framescope` command line: one module per group of commands, registered on one app.

Exit codes are in `framescope.errors`.
"""

from framescope.cli import annotate, annotate_live, authored, outlets, predict, score  # noqa: F401
from framescope.cli.app import app, main
from framescope.cli.audit import audit_app

app.add_typer(annotate.annotate_app, name="annotate")
app.add_typer(audit_app, name="audit")

__all__ = ["app", "main"]
