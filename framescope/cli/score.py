"""`framescope score`: files and folders of coverage in, labelled sentences and outlet figures."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from framescope.cli.app import (
    DEFAULT_PARAMS,
    ParamsOption,
    app,
    check_tracking,
    default_model,
    load_model,
    load_params,
)
from framescope.errors import EXIT_REJECTS, UserError


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
    samples: Annotated[
        int | None,
        typer.Option(help="Bootstrap resamples for outlet figures (default: params file)."),
    ] = None,
    seed: Annotated[
        int | None, typer.Option(help="Seed for the bootstrap intervals (default: params file).")
    ] = None,
    params: ParamsOption = DEFAULT_PARAMS,
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

    from framescope.ingest.corpus import Columns, ReadOptions
    from framescope.scoring.engine import ScoreError, ScoreSettings
    from framescope.scoring.serving import Serving, ServingError, native_bf16

    pipeline = load_params(params)
    samples = pipeline.outlets.bootstrap_samples if samples is None else samples
    seed = pipeline.seed if seed is None else seed
    figures = {"samples": samples, "confidence": pipeline.outlets.confidence, "seed": seed}
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
        check_tracking()  # before any output is written: a dead server fails in seconds
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
        from framescope.scoring.spark import score_spark

        summary = score_spark(inputs, out, uri, options, settings, master, **figures)
    else:
        from framescope.scoring.engine import score_paths
        from framescope.scoring.predictor import set_threads
        from framescope.scoring.workers import usable_cpus, worker_count

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
        loaded, uri = load_model(uri, dataclasses.replace(chosen, threads=per_worker))
        try:
            summary = score_paths(inputs, out, loaded, options, settings=settings, **figures)
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
