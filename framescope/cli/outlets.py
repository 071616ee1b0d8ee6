"""`framescope outlets` and `framescope report`: compare the outlets of a score output."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from framescope.cli.app import DEFAULT_PARAMS, ParamsOption, app, check_tracking, load_params
from framescope.errors import UserError


@app.command()
def outlets(
    directory: Annotated[Path, typer.Argument(help="A `framescope score` output directory.")],
    no_mlflow: Annotated[bool, typer.Option("--no-mlflow", help="Do not log to MLflow.")] = False,
    samples: Annotated[
        int | None,
        typer.Option(help="Bootstrap resamples and permutations (default: params file)."),
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Bootstrap seed (default: params file).")] = None,
    experiment: Annotated[
        str | None, typer.Option(help="MLflow experiment (default: params file).")
    ] = None,
    classifier_metrics: Annotated[
        Path | None,
        typer.Option(help="evaluate_report.json: adds frame shares corrected for its P/R."),
    ] = None,
    min_articles: Annotated[
        int | None, typer.Option(help="Fewer articles: insufficient (default: params file).")
    ] = None,
    min_sentences: Annotated[
        int | None,
        typer.Option(help="Fewer content sentences: insufficient (default: params file)."),
    ] = None,
    top_k: Annotated[
        int | None,
        typer.Option(help="Evidence sentences per outlet and frame (default: params file)."),
    ] = None,
    period: Annotated[
        str | None, typer.Option(help="Trend period: week or month (default: params file).")
    ] = None,
    params: ParamsOption = DEFAULT_PARAMS,
) -> None:
    """Per-outlet figures with 95% intervals, pairwise tests, trends and evidence, written
    into DIR, printed, and logged to MLflow."""
    import dataclasses

    from framescope.compare.comparison import compare_scored, log_comparison, write_comparison
    from framescope.compare.correction import MetricsError
    from framescope.config import ConfigError
    from framescope.scoring.parts import PartStore

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
        pipeline = load_params(params)
        given = {
            "bootstrap_samples": samples,
            "min_articles": min_articles,
            "min_sentences": min_sentences,
            "top_k": top_k,
            "trend_period": period,
        }
        config = dataclasses.replace(
            pipeline.outlets, **{k: v for k, v in given.items() if v is not None}
        )
        seed = pipeline.seed if seed is None else seed
        comparison = compare_scored(directory, config, seed, classifier_metrics, snapshot)
    except (ConfigError, MetricsError) as err:
        raise UserError(str(err)) from None
    if not no_mlflow:
        check_tracking()
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

        parent = log_comparison(comparison, experiment or pipeline.tracking.experiment)
        typer.echo(f"logged to MLflow ({tracking.tracking_uri()}), parent run {parent}")


@app.command()
def report(
    directory: Annotated[
        Path, typer.Argument(help="A folder written by `framescope outlets` (or `score`).")
    ],
    out: Annotated[Path, typer.Option("--out", help="The HTML file to write.")],
    title: Annotated[str, typer.Option(help="Report title.")] = "",
    params: ParamsOption = DEFAULT_PARAMS,
) -> None:
    """One self-contained HTML report: comparison, pairwise tests, trends, evidence."""
    from framescope.compare.charts import comparison_charts
    from framescope.compare.comparison import compare_scored, read_comparison
    from framescope.compare.report import render_report
    from framescope.files import write_text

    try:
        comparison = read_comparison(directory)
    except FileNotFoundError:
        if not (directory / "sentences.parquet").exists():
            raise UserError(
                f"{directory}: no outlet comparison (run `framescope outlets` on a score output)"
            ) from None
        pipeline = load_params(params)
        comparison = compare_scored(directory, pipeline.outlets, pipeline.seed)
    except (ValueError, KeyError) as err:
        raise UserError(f"{directory}: unreadable comparison files ({err})") from None
    charts = comparison_charts(comparison.outlets, comparison.trends, comparison.labels)
    write_text(render_report(comparison, charts, title), out)
    typer.echo(f"report {out}: {len(comparison.outlets)} outlets, {len(charts)} charts")
