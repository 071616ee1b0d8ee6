"""The `framescope` Typer app, the helpers its commands share, and the console entry point."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from framescope.errors import EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, UserError

DEFAULT_MODEL_PATH = Path("models/champion")
DEFAULT_MODEL_URI = "models:/framescope@champion"
PARAMS_FILE = Path("configs/params.yaml")
# `--params` left out: ./configs/params.yaml, else the one of the checkout framescope is installed
# from (`make` installs it editable), so `framescope score` works from any folder.
DEFAULT_PARAMS: Path | None = None
ParamsOption = Annotated[
    Path | None,
    typer.Option(help="Params file for settings not given here (default: configs/params.yaml)."),
]

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Label news coverage by frame and stance, score corpora, compare outlets.",
)


def params_path(path: Path | None) -> Path:
    """The params file a command reads its defaults from (see DEFAULT_PARAMS)."""
    if path is not None:
        return path
    checkout = Path(__file__).resolve().parents[2] / PARAMS_FILE
    return PARAMS_FILE if PARAMS_FILE.exists() or not checkout.exists() else checkout


def load_params(path: Path | None) -> Any:
    """The pipeline's params (seed, outlet settings): the one place their defaults are written."""
    from framescope.config import ConfigError
    from framescope.config import load_params as load

    path = params_path(path)
    if not path.exists():
        raise UserError(f"params {path}: not found (pass --params FILE, like configs/params.yaml)")
    try:
        return load(path)
    except ConfigError as err:
        raise UserError(str(err)) from None


def check_tracking() -> None:
    from framescope import tracking

    try:
        tracking.check(tracking.tracking_uri())
    except tracking.TrackingError as err:
        raise UserError(str(err)) from None


def default_model() -> str:
    """The champion of the latest `dvc repro` here, else the registry's champion alias."""
    return (
        str(DEFAULT_MODEL_PATH) if (DEFAULT_MODEL_PATH / "MLmodel").exists() else DEFAULT_MODEL_URI
    )


def load_model(model: str | None, serving: Any = None) -> tuple[Any, str]:
    """The model and its URI. A local framescope model directory is read directly (the same
    predictions as through MLflow, without MLflow's seconds of start-up); URIs go to MLflow.
    `serving` (a framescope.scoring.serving.Serving) sets the runtime; its uri is replaced."""
    import dataclasses

    from framescope.scoring.serving import Serving, ServingError, is_local, serve

    uri = model or default_model()
    if is_local(uri) and not Path(uri, "MLmodel").exists():
        raise UserError(f"model {uri}: not a framescope model directory (no MLmodel file)")
    chosen = Serving(uri) if serving is None else dataclasses.replace(serving, uri=uri)
    try:
        return serve(chosen), uri
    except ServingError as err:
        raise UserError(str(err)) from None
    except Exception as err:  # MLflow raises many types for a bad URI or store
        raise UserError(
            f"model {uri}: cannot be loaded ({err.__class__.__name__}: {str(err)[:200]})"
        ) from None


def main() -> None:
    """Console entry point: maps user errors to one line and exit code 2."""
    try:
        # Without standalone mode click returns typer.Exit's code instead of raising it.
        code = app(standalone_mode=False)
    except UserError as err:
        typer.echo(f"framescope: error: {err}", err=True)
        sys.exit(EXIT_USAGE)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except Exception as err:
        import click

        if isinstance(err, click.exceptions.ClickException):
            err.show()
            sys.exit(EXIT_USAGE)
        if isinstance(err, click.exceptions.Abort):
            sys.exit(EXIT_INTERNAL)
        raise
    sys.exit(code if isinstance(code, int) else EXIT_OK)
