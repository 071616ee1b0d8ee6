"""The outlet comparison on real 2022 coverage (../shared/corpora/ukraine_media_2022).

Scores every outlet file with the champion of the latest `dvc repro` (one outlet per file),
runs the comparison with the pipeline's params and the evaluate stage's precision/recall, and
writes everything, the HTML report included, under .work/real2022/ (git-ignored: no text from
../shared may be committed). Prints the figures as Markdown for the README.

Usage: python benchmarks/real_outlets.py [--mlflow] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import pandas as pd

from framescope import schema
from framescope.charts import comparison_charts
from framescope.compare import compare_scored, log_comparison, write_comparison
from framescope.config import load_params
from framescope.corpus import Columns, ReadOptions, collect_articles, read_articles
from framescope.files import write_json, write_parquet, write_text
from framescope.report import render_report
from framescope.score import label_space, predict_sentences
from framescope.segment import segment_articles
from framescope.tracking import load_model

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpora" / "ukraine_media_2022"
NAMES = {"bbc": "BBC", "guardian": "The Guardian", "AssociatedPress": "AP", "RT": "RT"}
COLUMNS = Columns(text="Text", date="Date", url="URL", title="Title")


def score_corpus(out: Path, limit: int | None) -> dict[str, float]:
    """Score every outlet file into `out` (a `framescope score`-style folder)."""
    model = load_model(str(REPO / "models" / "champion"))
    started = time.perf_counter()
    articles, rejects = [], []
    for path in sorted(CORPUS.glob("*.csv")):
        options = ReadOptions(columns=COLUMNS, default_outlet=NAMES.get(path.stem, path.stem))
        found, rejected = collect_articles(read_articles([path], options))
        articles += found[:limit] if limit else found
        rejects += rejected
    table = pd.DataFrame(articles, columns=schema.ARTICLE_COLUMNS)
    read = time.perf_counter() - started
    sentences = predict_sentences(model, segment_articles(table))
    write_parquet(sentences, out / "sentences.parquet")
    write_parquet(table, out / "articles.parquet")
    write_json(label_space(model).as_dict(), out / "labels.json")
    registry = json.loads((REPO / "models" / "registry.json").read_text(encoding="utf-8"))
    run_info = {"model_uri": "models/champion", "model_version": registry.get("version")}
    write_json(run_info, out / "run.json")
    return {
        "articles": len(table),
        "rejected": len(rejects),
        "sentences": len(sentences),
        "read_s": read,
        "score_s": time.perf_counter() - started - read,
    }


def markdown(comparison) -> str:
    """The per-outlet table and the pairwise summary as Markdown (numbers only, no text)."""
    frames = comparison.labels.frame_ids
    head = ["outlet", "articles", "content sentences", "dates"]
    head += [f"{f} raw / corrected" for f in frames] + ["net stance [95% CI]"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    table = comparison.outlets.sort_values(schema.N_ARTICLES, ascending=False)
    for _, r in table.iterrows():
        name = r[schema.OUTLET] + (" (insufficient)" if r[schema.EVIDENCE] != "ok" else "")
        cells = [name, str(r[schema.N_ARTICLES]), str(r[schema.N_SENTENCES])]
        cells.append(f"{r[schema.DATE_FROM]} – {r[schema.DATE_TO]}")
        for f in frames:
            corrected = r.get(schema.frame_share_corrected(f), float("nan"))
            cells.append(f"{r[schema.frame_share(f)]:.3f} / {corrected:.3f}")
        net = schema.NET_STANCE
        cells.append(f"{r[net]:.2f} [{r[net + '.ci_low']:.2f}, {r[net + '.ci_high']:.2f}]")
        lines.append("| " + " | ".join(cells) + " |")
    pairwise = comparison.pairwise
    significant = pairwise[pairwise[schema.SIGNIFICANT]]
    lines.append("")
    lines.append(
        f"Pairwise tests: {len(pairwise)}, significant after BH: {len(significant)} "
        + str(significant.groupby(schema.METRIC).size().to_dict())
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mlflow", action="store_true", help="Also log the comparison.")
    parser.add_argument("--limit", type=int, default=None, help="At most N articles an outlet.")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        sys.exit(f"real_outlets: {CORPUS} not found (the real corpora live beside the checkout)")
    if not (REPO / "models" / "champion" / "MLmodel").exists():
        sys.exit("real_outlets: models/champion not found: run `dvc repro` first")
    out = REPO / ".work" / "real2022"
    scored = out / "scored"
    timing = score_corpus(scored, args.limit)
    params = load_params(REPO / "configs" / "params.yaml")
    started = time.perf_counter()
    metrics = REPO / "metrics" / "evaluate_report.json"
    comparison = compare_scored(scored, params.outlets, params.seed, metrics)
    comparison.meta["corpus"] = "ukraine_media_2022"
    write_comparison(comparison, out)
    charts = comparison_charts(comparison.outlets, comparison.trends, comparison.labels)
    title = "Outlet comparison: ukraine_media_2022 (real coverage, Apr–Oct 2022)"
    write_text(render_report(comparison, charts, title), out / "report.html")
    timing["compare_s"] = time.perf_counter() - started
    if args.mlflow:
        log_comparison(
            comparison, params.tracking.experiment, {"outlets": params.section("outlets")}
        )
    print(markdown(comparison))
    print()
    print(
        ", ".join(f"{k} {v:.1f}" if isinstance(v, float) else f"{k} {v}" for k, v in timing.items())
    )
    print(f"report: {out / 'report.html'}")


if __name__ == "__main__":
    main()
