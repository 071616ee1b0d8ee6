"""The `framescope` command line.

Exit codes: 0 clean; 3 finished, but some records were rejected; 2 usage error (bad option,
missing input, unloadable model); 1 internal error (a bug: the traceback is printed).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

EXIT_OK, EXIT_INTERNAL, EXIT_USAGE, EXIT_REJECTS = 0, 1, 2, 3
DEFAULT_MODEL_PATH = Path("models/champion")
DEFAULT_MODEL_URI = "models:/framescope@champion"

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)


class UserError(Exception):
    """Something the user can fix: printed as one line, exit code 2."""


def _check_tracking() -> None:
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


def _load(model: str | None, serving: Any = None) -> tuple[Any, str]:
    """The model and its URI. A local framescope model directory is read directly (the same
    predictions as through MLflow, without MLflow's seconds of start-up); URIs go to MLflow.
    `serving` (a framescope.serving.Serving) sets the runtime; its uri is replaced."""
    import dataclasses

    from framescope.serving import Serving, ServingError, is_local, serve

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
    from framescope.score import label_space

    records, rejects = _read_jsonl_for_predict(input)
    loaded, _ = _load(model)
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
def score(
    inputs: Annotated[
        list[str], typer.Argument(help="Files or folders of articles, any ingest format.")
    ],
    out: Annotated[Path, typer.Option("--out", help="Output directory.")],
    model: Annotated[str | None, typer.Option(help="Model path or MLflow URI.")] = None,
    outlet: Annotated[str | None, typer.Option(help="Outlet for records that name none.")] = None,
    glob: Annotated[
        str, typer.Option(help="Only files matching this pattern inside folders.")
    ] = "*",
    text_col: Annotated[str, typer.Option(help="Column with the article text.")] = "text",
    outlet_col: Annotated[str, typer.Option(help="Column with the outlet.")] = "outlet",
    date_col: Annotated[str, typer.Option(help="Column with the date.")] = "date",
    url_col: Annotated[str, typer.Option(help="Column with the URL.")] = "url",
    title_col: Annotated[str, typer.Option(help="Column with the headline.")] = "title",
    id_col: Annotated[str, typer.Option(help="Column with the article id.")] = "id",
    resume: Annotated[
        bool, typer.Option("--resume", help="Continue a killed run in --out.")
    ] = False,
    engine: Annotated[str, typer.Option(help="local (streaming) or spark.")] = "local",
    master: Annotated[
        str | None, typer.Option(help="Spark master URL (spark engine; default local[*]).")
    ] = None,
    language: Annotated[
        str, typer.Option(help="The model's language; other sentences leave outlet figures.")
    ] = "en",
    chunk_size: Annotated[int, typer.Option(help="Articles per Parquet part.")] = 500,
    cache_size: Annotated[int, typer.Option(help="Sentences kept in the prediction cache.")] = (
        50_000
    ),
    batch_size: Annotated[int, typer.Option(help="Sentences per model call.")] = 512,
    threads: Annotated[
        int | None,
        typer.Option(
            help="Threads for BLAS/torch/ONNX, per worker (default: the libraries'; "
            "with workers, CPUs / workers)."
        ),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            help="Processes that score chunks in parallel (local engine); 0: one per CPU. "
            "Same output for any number; each holds the model and a --cache-size cache."
        ),
    ] = 1,
    no_mlflow: Annotated[
        bool, typer.Option("--no-mlflow", help="Do not log the run to MLflow.")
    ] = False,
    progress: Annotated[
        bool | None,
        typer.Option("--progress/--no-progress", help="Progress bar (default: on a terminal)."),
    ] = None,
    samples: Annotated[int, typer.Option(help="Bootstrap resamples for outlet figures.")] = 1000,
    seed: Annotated[int, typer.Option(help="Seed for the bootstrap intervals.")] = 13,
    runtime: Annotated[
        str, typer.Option(help="torch, or onnx (ONNX Runtime for fine-tuned models).")
    ] = "torch",
    quantize: Annotated[
        bool, typer.Option("--quantize", help="With --runtime onnx: dynamic int8 weights.")
    ] = False,
    precision: Annotated[
        str,
        typer.Option(
            help="With --runtime torch: fp32, or bf16 (transformer families under autocast; "
            "fast on CPUs with AMX or AVX-512 BF16, slower than fp32 elsewhere)."
        ),
    ] = "fp32",
) -> None:
    """Score articles into DIR: Parquet parts of sentences and articles, outlet figures, rejects."""
    import dataclasses

    from framescope.corpus import Columns, ReadOptions
    from framescope.score import ScoreError, ScoreSettings
    from framescope.serving import Serving, ServingError, native_bf16

    if engine not in ("local", "spark"):
        raise UserError(f"--engine {engine}: must be local or spark")
    uri = model or default_model()
    try:
        chosen = Serving(uri, runtime, quantize, precision)
    except ServingError as err:
        raise UserError(str(err)) from None
    if engine == "spark" and chosen != Serving(uri):
        raise UserError(
            f"--runtime {runtime}, --precision {precision}: the spark engine runs the pyfunc "
            "as saved (torch, fp32); the other runtimes are for the local engine"
        )
    missing = [p for p in inputs if not Path(p).exists()]
    if missing:
        raise UserError(f"input {missing[0]}: no such file or folder")
    if no_mlflow and uri.startswith(("models:", "runs:")):
        raise UserError(f"model {uri}: --no-mlflow needs a model directory, not a registry URI")
    if not no_mlflow:
        _check_tracking()  # before any output is written: a dead server fails in seconds
    options = ReadOptions(
        columns=Columns(text_col, outlet_col, date_col, url_col, title_col, id_col),
        default_outlet=outlet,
        glob=glob,
    )
    if workers < 0:
        raise UserError(f"--workers {workers}: must be >= 0 (0: one per CPU)")
    try:
        settings = ScoreSettings(
            chunk_size, language, cache_size, batch_size, resume, progress, workers, threads
        )
    except ScoreError as err:
        raise UserError(str(err)) from None
    if engine == "spark":
        from framescope.score_spark import score_spark

        summary = score_spark(inputs, out, uri, options, settings, master, samples, seed=seed)
    else:
        from framescope.predictor import set_threads
        from framescope.score import score_paths
        from framescope.workers import usable_cpus, worker_count

        set_threads(threads)
        # Several workers share the CPUs: each ONNX session gets its share, not all of them.
        count = worker_count(workers)
        per_worker = threads or (max(1, usable_cpus() // count) if count > 1 else 0)
        if precision == "bf16" and not native_bf16():
            typer.echo(
                "framescope: --precision bf16: this CPU has no native bf16 (AMX or AVX-512 "
                "BF16); scoring will be slower than with fp32",
                err=True,
            )
        loaded, uri = _load(uri, dataclasses.replace(chosen, threads=per_worker))
        try:
            summary = score_paths(
                inputs, out, loaded, options, samples, seed=seed, settings=settings
            )
        except ScoreError as err:
            raise UserError(str(err)) from None
    typer.echo(summary.line())
    _write_run(out, uri, inputs, engine, summary, no_mlflow)
    if summary.rejected:
        raise typer.Exit(EXIT_REJECTS)


def _write_run(
    out: Path, uri: str, inputs: list[str], engine: str, summary: Any, no_mlflow: bool
) -> None:
    """run.json beside the outputs and, unless --no-mlflow, a `score` run in MLflow."""
    from framescope.files import write_json

    info = {
        "model_uri": uri,
        "model_version": None,
        "inputs": inputs,
        "engine": engine,
        "summary": summary.as_dict(),
    }
    failed = None
    if not no_mlflow:
        from framescope import tracking

        info["model_version"] = _version(tracking, uri)
        numbers = {k: v for k, v in summary.as_dict().items() if isinstance(v, int | float)}
        params = {"inputs": ",".join(inputs)[:500], "engine": engine, "model_uri": uri}
        try:
            with tracking.run("framescope", "score", params, run_name=f"score: {out.name}"):
                tracking.log_metrics(numbers)
                tracking.log_artifact(out / "manifest.json")
        except tracking.TrackingError as err:  # e.g. the SQLite store stayed locked
            failed = info["tracking_error"] = str(err)
    write_json(info, out / "run.json")
    if failed:
        raise UserError(f"{failed} (the scored output in {out} is complete; only tracking failed)")


def _version(tracking: Any, uri: str) -> str | None:
    try:
        return tracking.model_version(uri)
    except Exception:
        return None


@app.command()
def outlets(
    directory: Annotated[Path, typer.Argument(help="A `framescope score` output directory.")],
    no_mlflow: Annotated[bool, typer.Option("--no-mlflow", help="Do not log to MLflow.")] = False,
    samples: Annotated[int, typer.Option(help="Bootstrap resamples and permutations.")] = 1000,
    seed: Annotated[int, typer.Option(help="Bootstrap seed.")] = 13,
    experiment: Annotated[str, typer.Option(help="MLflow experiment.")] = "framescope",
    classifier_metrics: Annotated[
        Path | None,
        typer.Option(help="evaluate_report.json: adds frame shares corrected for its P/R."),
    ] = None,
    min_articles: Annotated[int, typer.Option(help="Fewer articles: insufficient.")] = 3,
    min_sentences: Annotated[int, typer.Option(help="Fewer content sentences: insufficient.")] = 50,
    top_k: Annotated[int, typer.Option(help="Evidence sentences per outlet and frame.")] = 5,
    period: Annotated[str, typer.Option(help="Trend period: week or month.")] = "month",
) -> None:
    """Per-outlet figures with 95% intervals, pairwise tests, trends and evidence, written
    into DIR, printed, and logged to MLflow."""
    from framescope.compare import compare_scored, log_comparison, write_comparison
    from framescope.config import ConfigError, OutletsConfig
    from framescope.correction import MetricsError
    from framescope.parts import PartStore

    if not (directory / "sentences.parquet").exists() or not (directory / "labels.json").exists():
        raise UserError(
            f"{directory}: not a framescope score output (no sentences.parquet/labels.json)"
        )
    snapshot = PartStore(directory).snapshot()
    if snapshot.names == []:
        raise UserError(f"{directory}: scoring has started but has not written a part yet")
    if snapshot.status == "running" and snapshot.names:
        typer.echo(
            f"framescope: note: {directory}: scoring is still running; these figures cover the "
            f"{len(snapshot.names)} parts written so far",
            err=True,
        )
    try:
        config = OutletsConfig(
            bootstrap_samples=samples,
            min_articles=min_articles,
            min_sentences=min_sentences,
            top_k=top_k,
            trend_period=period,
        )
        comparison = compare_scored(directory, config, seed, classifier_metrics, snapshot)
    except (ConfigError, MetricsError) as err:
        raise UserError(str(err)) from None
    if not no_mlflow:
        _check_tracking()
    write_comparison(comparison, directory)
    table = comparison.outlets
    names = comparison.metric_names()
    typer.echo(
        table[["outlet", "n_articles", "n_sentences", "evidence", *names]]
        .round(3)
        .to_string(index=False)
    )
    significant = int(comparison.pairwise["significant"].sum())
    typer.echo(
        f"pairwise tests: {len(comparison.pairwise)}, significant (BH) {significant}", err=True
    )
    if not no_mlflow:
        from framescope import tracking

        parent = log_comparison(comparison, experiment)
        typer.echo(f"logged to MLflow ({tracking.tracking_uri()}), parent run {parent}")


@app.command()
def report(
    directory: Annotated[
        Path, typer.Argument(help="A folder written by `framescope outlets` (or `score`).")
    ],
    out: Annotated[Path, typer.Option("--out", help="The HTML file to write.")],
    title: Annotated[str, typer.Option(help="Report title.")] = "",
) -> None:
    """One self-contained HTML report: comparison, pairwise tests, trends, evidence."""
    from framescope.charts import comparison_charts
    from framescope.compare import compare_scored, read_comparison
    from framescope.config import OutletsConfig
    from framescope.files import write_text
    from framescope.report import render_report

    try:
        comparison = read_comparison(directory)
    except FileNotFoundError:
        if not (directory / "sentences.parquet").exists():
            raise UserError(
                f"{directory}: no outlet comparison (run `framescope outlets` on a score output)"
            ) from None
        comparison = compare_scored(directory, OutletsConfig())
    except (ValueError, KeyError) as err:
        raise UserError(f"{directory}: unreadable comparison files ({err})") from None
    charts = comparison_charts(comparison.outlets, comparison.trends, comparison.labels)
    write_text(render_report(comparison, charts, title), out)
    typer.echo(f"report {out}: {len(comparison.outlets)} outlets, {len(charts)} charts")


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

    from framescope import evaluate as ev
    from framescope.files import write_json
    from framescope.score import label_space

    records, rejects = _read_jsonl_for_predict(gold)
    if rejects:
        raise UserError(f"{rejects[0]['source']}: {rejects[0]['reason']}")
    table = pd.DataFrame(records)
    missing = {"frames", "stance", "boilerplate"} - set(table.columns)
    if missing:
        raise UserError(f"gold {gold}: missing field(s) {sorted(missing)}")
    loaded, uri = _load(model)
    predictions = loaded.predict(table[["text"]])
    metrics = ev.evaluate(predictions, table, label_space(loaded))
    family = getattr(getattr(loaded.unwrap_python_model(), "bundle", None), "family", "unknown")
    typer.echo(f"model {uri} ({family}) on {gold} ({len(table)} sentences)")
    typer.echo(ev.format_report(metrics))
    if out:
        write_json({"model": uri, "family": family, "gold": str(gold), **metrics}, out)


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


# Registered last: the annotate commands import this module's UserError lazily.
from framescope.annotate.cli import annotate_app  # noqa: E402

app.add_typer(annotate_app, name="annotate")
