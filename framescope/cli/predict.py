"""`framescope predict` and `framescope evaluate`: label sentences, score a model on gold."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from framescope.cli.app import app, load_model
from framescope.errors import EXIT_REJECTS, UserError


def _prediction_record(row: dict[str, Any], labels: Any) -> dict[str, Any]:
    from framescope import schema
    from framescope.classifiers.bundle import frame_score_column, stance_score_column

    return {
        schema.FRAMES: list(row[schema.FRAMES]),
        schema.FRAME_SCORES: {
            f: round(float(row[frame_score_column(f)]), 6) for f in labels.frame_ids
        },
        schema.STANCE: row[schema.STANCE],
        schema.STANCE_SCORES: {
            c: round(float(row[stance_score_column(c)]), 6) for c in labels.stance_ids
        },
        schema.BOILERPLATE: bool(row[schema.BOILERPLATE]),
        schema.BOILERPLATE_SCORE: round(float(row[schema.BOILERPLATE_SCORE]), 6),
    }


def _read_jsonl_for_predict(path: Path) -> tuple[list[dict[str, Any] | None], list[dict[str, Any]]]:
    """Input records (None where a line is bad) and the rejects with their reasons."""
    records: list[dict[str, Any] | None] = []
    rejects: list[dict[str, Any]] = []
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as err:
        raise UserError(f"input {path}: cannot be read ({err.strerror or err})") from None
    for number, line in enumerate(lines, start=1):
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ValueError("line is not a JSON object")
            if not isinstance(record.get("text"), str):
                raise ValueError("no string field 'text'")
        except ValueError as err:
            reason = err.msg if isinstance(err, json.JSONDecodeError) else str(err)
            rejects.append({"source": f"{path}:{number}", "line": number, "reason": reason})
            records.append(None)
            continue
        records.append(record)
    return records, rejects


@app.command()
def predict(
    input: Annotated[
        Path, typer.Option("--input", help="JSONL with `text` and optional `id`, `outlet`.")
    ],
    output: Annotated[Path, typer.Option("--output", help="JSONL, one line per input line.")],
    model: Annotated[str | None, typer.Option(help="Model path or MLflow URI.")] = None,
) -> None:
    """Label sentences: one output line per input line, in the same order."""
    import pandas as pd

    from framescope.files import write_jsonl
    from framescope.scoring.engine import label_space

    records, rejects = _read_jsonl_for_predict(input)
    loaded, _ = load_model(model)
    labels = label_space(loaded)
    good = [r for r in records if r is not None]
    predictions = (
        loaded.predict(pd.DataFrame({"text": [r["text"] for r in good]})).to_dict("records")
        if good
        else []
    )
    out: list[dict[str, Any]] = []
    answers = iter(predictions)
    bad = iter(rejects)
    for number, record in enumerate(records, start=1):
        if record is None:
            reject = next(bad)
            out.append({"id": None, "line": number, "error": reject["reason"]})
            continue
        out.append(
            {**record, "id": record.get("id", number), **_prediction_record(next(answers), labels)}
        )
    write_jsonl(out, output)
    if rejects:
        write_jsonl(rejects, output.with_suffix(".rejects.jsonl"))
    typer.echo(
        f"sentences read {len(records)}, predicted {len(good)}, rejected {len(rejects)}", err=True
    )
    if rejects:
        first = rejects[0]
        typer.echo(
            f"framescope: {first['source']}: {first['reason']} (and {len(rejects) - 1} more)",
            err=True,
        )
        raise typer.Exit(EXIT_REJECTS)


@app.command()
def evaluate(
    gold: Annotated[
        Path, typer.Option("--gold", help="JSONL with text, frames, stance, boilerplate.")
    ],
    model: Annotated[str | None, typer.Option(help="Model path or MLflow URI.")] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the metrics here as JSON.")
    ] = None,
) -> None:
    """Per-label P/R/F1 and macro-F1 of a model on any gold file."""
    import pandas as pd

    from framescope.files import write_json
    from framescope.scoring.engine import label_space
    from framescope.training import evaluate as ev

    records, rejects = _read_jsonl_for_predict(gold)
    if rejects:
        raise UserError(f"{rejects[0]['source']}: {rejects[0]['reason']}")
    table = pd.DataFrame(records)
    missing = {"frames", "stance", "boilerplate"} - set(table.columns)
    if missing:
        raise UserError(f"gold {gold}: missing field(s) {sorted(missing)}")
    loaded, uri = load_model(model)
    predictions = loaded.predict(table[["text"]])
    metrics = ev.evaluate(predictions, table, label_space(loaded))
    family = getattr(getattr(loaded.unwrap_python_model(), "bundle", None), "family", "unknown")
    typer.echo(f"model {uri} ({family}) on {gold} ({len(table)} sentences)")
    typer.echo(ev.format_report(metrics))
    if out:
        write_json({"model": uri, "family": family, "gold": str(gold), **metrics}, out)
