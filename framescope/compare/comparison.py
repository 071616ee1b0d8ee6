"""The outlet comparison as one object: per-outlet figures, pairwise tests, trends, evidence.

`compare` takes data in and returns a Comparison; `write_comparison`/`read_comparison` move it
to and from a folder of named tables (the files `framescope report` renders).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from framescope import schema
from framescope.classifiers.base import LabelSpace
from framescope.compare.correction import correct_shares, corrected_names
from framescope.compare.evidence import EVIDENCE_COLUMNS, top_sentences
from framescope.compare.figures import metric_names, outlet_figures
from framescope.compare.pairwise import flag_evidence, pairwise_differences
from framescope.compare.trends import outlet_trends
from framescope.config import OutletsConfig
from framescope.files import write_csv, write_json, write_jsonl
from framescope.scoring.parts import ARTICLES, PartStore, Snapshot

FILES = {
    "outlets": "outlets.csv",
    "pairwise": "pairwise.csv",
    "trends": "trends.csv",
    "evidence": "evidence.jsonl",
    "meta": "comparison.json",
}


@dataclass
class Comparison:
    outlets: pd.DataFrame
    pairwise: pd.DataFrame
    trends: pd.DataFrame
    evidence: pd.DataFrame
    labels: LabelSpace
    meta: dict[str, Any] = field(default_factory=dict)

    def metric_names(self) -> list[str]:
        """Per-outlet figure names (raw, then corrected where present), without suffixes."""
        names = metric_names(self.labels)
        corrected = [n for n in corrected_names(self.labels) if n in self.outlets]
        return names + corrected


def _date_ranges(articles: pd.DataFrame) -> pd.DataFrame:
    dates = pd.to_datetime(articles[schema.DATE], errors="coerce", format="ISO8601")
    grouped = dates.groupby(articles[schema.OUTLET])
    return pd.DataFrame(
        {
            schema.DATE_FROM: grouped.min().dt.date.astype(str),
            schema.DATE_TO: grouped.max().dt.date.astype(str),
        }
    ).replace("NaT", "")


def compare(
    sentences: pd.DataFrame,
    articles: pd.DataFrame,
    labels: LabelSpace,
    config: OutletsConfig,
    seed: int,
    frame_metrics: dict[str, dict[str, float]] | None = None,
) -> Comparison:
    """The whole comparison. `frame_metrics` (per-frame precision/recall on a test split)
    adds corrected frame shares beside the raw ones; without it only raw shares exist.
    """
    table = outlet_figures(
        sentences,
        labels,
        samples=config.bootstrap_samples,
        confidence=config.confidence,
        seed=seed,
    )
    table = flag_evidence(table, config.min_articles, config.min_sentences)
    if frame_metrics is not None:
        table = correct_shares(table, labels, frame_metrics)
    table = table.join(_date_ranges(articles), on=schema.OUTLET)
    tested = table.loc[table[schema.EVIDENCE] != schema.INSUFFICIENT, schema.OUTLET].tolist()
    pairwise = pairwise_differences(
        sentences,
        labels,
        tested,
        samples=config.bootstrap_samples,
        confidence=config.confidence,
        alpha=config.alpha,
        seed=seed,
    )
    meta = {
        "labels": labels.as_dict(),
        "config": {k: getattr(config, k) for k in config.__dataclass_fields__},
        "seed": seed,
        "frame_metrics": frame_metrics,
        "insufficient": table.loc[~table[schema.OUTLET].isin(tested), schema.OUTLET].tolist(),
    }
    return Comparison(
        outlets=table,
        pairwise=pairwise,
        trends=outlet_trends(sentences, articles, labels, config.trend_period),
        evidence=top_sentences(sentences, articles, labels, config.top_k),
        labels=labels,
        meta=meta,
    )


def write_comparison(comparison: Comparison, directory: str | Path) -> Path:
    """Write every table into `directory` (outlets.json too, for the existing readers)."""
    out = Path(directory)
    write_csv(comparison.outlets, out / FILES["outlets"])
    write_json(_records(comparison.outlets), out / "outlets.json")
    write_csv(comparison.pairwise, out / FILES["pairwise"])
    write_csv(comparison.trends, out / FILES["trends"])
    write_jsonl(_records(comparison.evidence), out / FILES["evidence"])
    write_json(comparison.meta, out / FILES["meta"])
    return out


def _records(table: pd.DataFrame) -> list[dict[str, Any]]:
    # NaN is not JSON: write null.
    return json.loads(table.to_json(orient="records", force_ascii=False))


def read_comparison(directory: str | Path) -> Comparison:
    """A comparison written by `write_comparison`; a missing file raises FileNotFoundError."""
    root = Path(directory)
    missing = [name for name in FILES.values() if not (root / name).exists()]
    if missing:
        raise FileNotFoundError(f"{root}: no comparison files {missing}")
    meta = json.loads((root / FILES["meta"]).read_text(encoding="utf-8"))
    evidence_lines = (root / FILES["evidence"]).read_text(encoding="utf-8").splitlines()
    return Comparison(
        outlets=pd.read_csv(root / FILES["outlets"], keep_default_na=False, na_values=[""]),
        pairwise=pd.read_csv(root / FILES["pairwise"]),
        trends=pd.read_csv(root / FILES["trends"], dtype={schema.PERIOD: str}),
        evidence=pd.DataFrame(
            [json.loads(line) for line in evidence_lines], columns=EVIDENCE_COLUMNS
        ),
        labels=LabelSpace.from_dict(meta["labels"]),
        meta=meta,
    )


def compare_scored(
    directory: str | Path,
    config: OutletsConfig,
    seed: int,
    classifier_metrics: str | Path | None = None,
    snapshot: Snapshot | None = None,
) -> Comparison:
    """The comparison of a `framescope score` output folder (sentences, articles, run.json),
    as of `snapshot` (default: the manifest now)."""
    from framescope.compare.correction import read_frame_metrics
    from framescope.scoring.output import read_scored

    root = Path(directory)
    store = PartStore(root)
    snapshot = snapshot or store.snapshot()  # sentences and articles of the same parts
    sentences, labels = read_scored(root, snapshot=snapshot)
    articles = store.read(
        snapshot.names,
        ARTICLES,
        columns=[schema.ARTICLE_ID, schema.OUTLET, schema.TITLE, schema.URL, schema.DATE],
    )
    metrics = read_frame_metrics(classifier_metrics, labels) if classifier_metrics else None
    comparison = compare(sentences, articles, labels, config, seed, metrics)
    if classifier_metrics:
        report = json.loads(Path(classifier_metrics).read_text(encoding="utf-8"))
        comparison.meta["classifier_slices"] = report.get("slices", {}).get("outlet")
    run_info = (
        json.loads((root / "run.json").read_text(encoding="utf-8"))
        if (root / "run.json").exists()
        else {}
    )
    comparison.meta.update(
        corpus=root.resolve().name,
        model_uri=run_info.get("model_uri", "unknown"),
        model_version=run_info.get("model_version"),
        classifier_metrics=str(classifier_metrics) if classifier_metrics else None,
    )
    return comparison


def log_comparison(
    comparison: Comparison,
    experiment: str,
    params: dict[str, Any] | None = None,
    scored: str | Path | None = None,
) -> str:
    """Parent run + one child per outlet, the tables and the charts; returns the parent id.

    `scored` (the folder compared) becomes every run's input dataset."""
    from framescope import tracking
    from framescope.compare.charts import comparison_charts

    meta = comparison.meta
    return tracking.log_outlet_comparison(
        comparison.outlets,
        comparison.metric_names(),
        experiment,
        corpus=str(meta.get("corpus", "unknown")),
        model_uri=str(meta.get("model_uri", "unknown")),
        model_version=meta.get("model_version"),
        params=params,
        tables={
            "pairwise.json": comparison.pairwise,
            "trends.json": comparison.trends,
            "evidence.json": comparison.evidence,
        },
        charts=comparison_charts(comparison.outlets, comparison.trends, comparison.labels),
        scored=scored,
    )
