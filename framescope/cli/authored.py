"""`framescope annotate authored`: hand-written labelled articles into articles and gold."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from framescope.cli.annotate import CODEBOOK, _codebook, annotate_app
from framescope.errors import EXIT_REJECTS, UserError


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "outlet"


@annotate_app.command("authored")
def authored_command(
    sources: Annotated[list[Path], typer.Argument(help="Authored article JSON files or folders.")],
    articles: Annotated[Path, typer.Option(help="Folder for the Markdown articles.")],
    gold: Annotated[Path, typer.Option(help="Gold JSONL to write.")],
    codebook: Annotated[Path, typer.Option(help="Codebook YAML.")] = CODEBOOK,
) -> None:
    """Write each authored article as Markdown (articles/<outlet>/<id>.md) and its gold rows,
    ids from the segmenter; an article that cannot be converted goes to GOLD.rejects.jsonl."""
    from framescope.annotate.authoring import AuthoringError, read_authored, write_article
    from framescope.files import write_jsonl

    book = _codebook(codebook)
    files = sorted(f for s in sources for f in ([s] if s.is_file() else s.rglob("*.json")))
    if not files:
        raise UserError(f"{', '.join(map(str, sources))}: no authored .json file")
    rows, rejects = [], []
    for path in files:
        try:
            article = read_authored(path, book)
            folder = articles / _slug(article.meta["outlet"])
            folder.mkdir(parents=True, exist_ok=True)
            rows += write_article(article, folder)
        except AuthoringError as err:
            rejects.append({"source": str(path), "reason": str(err)})
    write_jsonl(rows, gold)
    typer.echo(f"articles {len(files) - len(rejects)}, gold rows {len(rows)} -> {gold}")
    if rejects:
        write_jsonl(rejects, gold.with_suffix(".rejects.jsonl"))
        typer.echo(f"framescope: {rejects[0]['reason']} (and {len(rejects) - 1} more)", err=True)
        raise typer.Exit(EXIT_REJECTS)
