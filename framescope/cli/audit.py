"""`framescope audit`: measure the model's error on your own corpus and correct the outlet figures.

`audit sample` draws a stratified random sample of a score output and writes it as Label Studio
tasks; `audit report` reads the labelled export back and reports raw, test-split corrected and
audited shares with intervals (docs/audit.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from framescope.cli.annotate import CODEBOOK, _codebook, _read_json, _scored_table
from framescope.cli.app import DEFAULT_PARAMS, ParamsOption, check_tracking, load_params
from framescope.errors import UserError

audit_app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)

SAMPLE_FILE, TASKS_FILE, CONFIG_FILE = "sample.parquet", "tasks.json", "labeling_config.xml"
CLASSIFIER_METRICS = Path("metrics/evaluate_report.json")


def _corpus(scored: Path) -> tuple[Any, Any]:
    from framescope.scoring.output import read_scored

    _scored_table(scored, "labels.json")
    return read_scored(scored)


@audit_app.command("sample")
def sample_command(
    scored: Annotated[Path, typer.Argument(help="A `framescope score` output.")],
    out: Annotated[Path, typer.Option("--out", help="Audit folder: sample, tasks, config.")],
    n: Annotated[
        int | None, typer.Option("--n", min=1, help="Sentences (default: params).")
    ] = None,
    name: Annotated[str | None, typer.Option(help="Audit name (default: the folder's).")] = None,
    pre_annotate: Annotated[
        bool, typer.Option("--pre-annotate", help="Tasks carry the model's labels (anchors).")
    ] = False,
    seed: Annotated[int | None, typer.Option(help="Sampling seed (default: params).")] = None,
    codebook: Annotated[Path, typer.Option(help="Codebook YAML.")] = CODEBOOK,
    params: ParamsOption = DEFAULT_PARAMS,
) -> None:
    """Draw a random sample stratified by outlet and predicted labels; write Label Studio tasks."""
    import json

    import pandas as pd

    from framescope import schema
    from framescope.annotate.studio import labeling_config
    from framescope.annotate.tasks import make_tasks
    from framescope.audit.sample import Design, SampleError, draw, stratum_sizes, write_sample
    from framescope.audit.strata import assign_strata, corpus_fingerprint
    from framescope.files import write_json, write_text

    pipeline = load_params(params)
    config, seed = pipeline.audit, pipeline.seed if seed is None else seed
    n = config.sample_size if n is None else n
    book = _codebook(codebook)
    sentences, labels = _corpus(scored)
    if sentences.empty:
        raise UserError(f"{scored}: no scored sentences to sample")
    strata = assign_strata(sentences, labels.frame_ids, config.min_stratum_size)
    try:
        sample = draw(sentences, strata, n, config.min_per_stratum, seed)
    except SampleError as err:
        raise UserError(f"{scored}: {err}") from None
    run_file = scored / "run.json"
    run = json.loads(run_file.read_text()) if run_file.exists() else {}
    model_uri = str(run.get("model_uri") or "unknown")
    design = Design(
        name=name or out.resolve().name,
        fingerprint=corpus_fingerprint(sentences),
        seed=seed,
        n=len(sample),
        min_per_stratum=config.min_per_stratum,
        min_stratum_size=config.min_stratum_size,
        scored=str(scored),
        model_uri=model_uri,
        strata=stratum_sizes(strata),
    )
    articles = pd.read_parquet(_scored_table(scored, "articles.parquet"))
    titles = dict(zip(articles[schema.ARTICLE_ID], articles[schema.TITLE].fillna(""), strict=True))
    tasks = make_tasks(sample, sentences, titles, model_uri, "audit")
    for task in tasks:
        task["data"]["audit"] = design.name
        if not pre_annotate:  # unanchored: annotators judge the sentence, not the model
            del task["predictions"]
    write_sample(sample, design, out / SAMPLE_FILE)
    write_json(tasks, out / TASKS_FILE)
    write_text(labeling_config(book), out / CONFIG_FILE)
    typer.echo(
        f"audit {design.name}: {len(sample)} of {len(sentences)} sentences in "
        f"{len(design.strata)} strata, seed {seed} -> {out / TASKS_FILE} "
        f"({'with' if pre_annotate else 'without'} pre-annotations), {out / SAMPLE_FILE}, "
        f"{out / CONFIG_FILE}"
    )


@audit_app.command("report")
def report_command(
    audit: Annotated[Path, typer.Argument(help="Audit folder written by `audit sample`.")],
    export: Annotated[Path, typer.Argument(help="Label Studio export: full JSON or JSON_MIN.")],
    scored: Annotated[
        Path | None, typer.Option(help="The score output sampled (default: as recorded).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="HTML (default: AUDIT/report.html).")
    ] = None,
    classifier_metrics: Annotated[
        Path | None,
        typer.Option(
            help=f"Test-split P/R for corrected shares (default: {CLASSIFIER_METRICS} if there)."
        ),
    ] = None,
    to_gold: Annotated[
        Path | None,
        typer.Option("--to-gold", help="Also write the audited sentences as gold JSONL."),
    ] = None,
    allow_missing: Annotated[
        bool,
        typer.Option("--allow-missing", help="Unlabelled sampled sentences: missing at random."),
    ] = False,
    no_mlflow: Annotated[bool, typer.Option("--no-mlflow", help="Do not log to MLflow.")] = False,
    seed: Annotated[int | None, typer.Option(help="Bootstrap seed (default: params).")] = None,
    codebook: Annotated[Path, typer.Option(help="Codebook YAML.")] = CODEBOOK,
    params: ParamsOption = DEFAULT_PARAMS,
) -> None:
    """Audited outlet figures, precision and recall with intervals, beside raw and corrected."""
    from framescope.audit import workflow

    pipeline = load_params(params)
    book = _codebook(codebook)
    raw_export = _read_json(export, "export")
    if not no_mlflow:
        check_tracking()
    metrics = classifier_metrics or (CLASSIFIER_METRICS if CLASSIFIER_METRICS.exists() else None)
    try:
        result = workflow.report(
            workflow.Inputs(audit / SAMPLE_FILE, export, raw_export, scored, metrics),
            book,
            pipeline,
            seed=pipeline.seed if seed is None else seed,
            allow_missing=allow_missing,
        )
    except workflow.AuditError as err:
        raise UserError(str(err)) from None
    written = workflow.write_outputs(result, audit, out or audit / "report.html", to_gold)
    typer.echo(workflow.summary(result))
    if not no_mlflow:
        from framescope import tracking

        parent = workflow.log(result, written, pipeline.tracking.experiment)
        typer.echo(f"logged to MLflow ({tracking.tracking_uri()}), audit run {parent}")
