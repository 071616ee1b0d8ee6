"""`framescope annotate push` / `pull`: the same round trip as `export` / `import`, against a
running Label Studio instead of through files (docs/annotation.md, "A live Label Studio").

push sends the tasks `annotate export` wrote, into a project with the labeling config `annotate
config` writes; pull saves the project's JSON export next to the reports and runs `annotate
import` on it, so validation, adjudication and agreement are that command's, unchanged.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from framescope import schema
from framescope.cli.annotate import (
    CODEBOOK,
    REPORTS,
    SCORED,
    Adjudicate,
    CodebookOption,
    GoldOut,
    ReportDir,
    Sentences,
    Settled,
    _codebook,
    _read_json,
    annotate_app,
    import_command,
)
from framescope.errors import UserError

DEFAULT_URL = "http://localhost:8080"

Url = Annotated[
    str, typer.Option("--url", envvar="LABEL_STUDIO_URL", help="Label Studio's address.")
]
ApiKey = Annotated[
    str | None,
    typer.Option(
        "--api-key",
        envvar="LABEL_STUDIO_API_KEY",
        show_envvar=True,
        help="A user's API token (Label Studio: Account & Settings).",
    ),
]
Project = Annotated[str, typer.Option("--project", help="Project title in Label Studio.")]


def _studio(url: str, api_key: str | None) -> Any:
    from framescope.annotate.live import ServerError, Studio

    if not api_key:
        raise UserError(f"Label Studio at {url}: no API key (--api-key or LABEL_STUDIO_API_KEY)")
    try:
        return Studio(url, api_key)
    except ServerError as err:
        raise UserError(str(err)) from None


def _tasks(path: Path) -> list[dict[str, Any]]:
    """The tasks file `annotate export` wrote: a list of {"data": {text, sentence_id, ...}}."""
    raw = _read_json(path, "tasks")
    if not isinstance(raw, list) or not raw:
        raise UserError(f"tasks {path}: expected a non-empty JSON list (`annotate export --out`)")
    for i, task in enumerate(raw):
        data = task.get("data") if isinstance(task, dict) else None
        if not isinstance(data, dict) or not {schema.TEXT, schema.SENTENCE_ID} <= data.keys():
            raise UserError(
                f"tasks {path}#{i}: not an `annotate export` task (needs data.text and "
                "data.sentence_id)"
            )
    return raw


@annotate_app.command("push")
def push_command(
    tasks: Annotated[Path, typer.Argument(help="Tasks JSON written by `annotate export`.")],
    project: Project,
    url: Url = DEFAULT_URL,
    api_key: ApiKey = None,
    codebook: CodebookOption = CODEBOOK,
) -> None:
    """Create (or reuse, by title) a Label Studio project with the codebook's config; add tasks."""
    from framescope.annotate.live import ServerError
    from framescope.annotate.studio import labeling_config

    config = labeling_config(_codebook(codebook))
    studio = _studio(url, api_key)
    try:
        pushed = studio.push(project, config, _tasks(tasks))
    except ServerError as err:
        raise UserError(str(err)) from None
    typer.echo(
        f"project {project!r} (id {pushed.project_id}, {'created' if pushed.created else 'reused'})"
        f" on {studio.url}: {pushed.added} tasks added, {pushed.already_there} already there"
    )


@annotate_app.command("pull")
def pull_command(
    project: Project,
    out: GoldOut,
    url: Url = DEFAULT_URL,
    api_key: ApiKey = None,
    sentences: Sentences = SCORED,
    codebook: CodebookOption = CODEBOOK,
    adjudicate: Adjudicate = "majority",
    settled: Settled = None,
    report_dir: ReportDir = REPORTS,
) -> None:
    """Export a Label Studio project's annotations and import them into gold (as `import`)."""
    from framescope.annotate.live import ServerError
    from framescope.files import write_json

    studio = _studio(url, api_key)
    try:
        project_id = studio.project_id(project)
        if project_id is None:
            raise UserError(f"Label Studio at {studio.url}: no project titled {project!r}")
        exported = studio.export(project_id)
    except ServerError as err:
        raise UserError(str(err)) from None
    # Kept on disk before importing: whatever the import rejects, the labels are not lost.
    saved = report_dir / f"{out.name.removesuffix('.jsonl')}.export.json"
    write_json(exported, saved)
    typer.echo(f"project {project!r} (id {project_id}): {len(exported)} tasks -> {saved}")
    import_command(saved, out, sentences, codebook, adjudicate, settled, report_dir)
