"""The Spark engine: the same reading, segmentation and MLflow pyfunc, run on a Spark cluster.

The driver lists the input files; executors read and segment them (`mapInPandas`), predict
through `mlflow.pyfunc.spark_udf` and write Parquet. Deduplication runs on the driver over
(position, id, outlet, content hash) only, with the local engine's Deduplicator, so both
engines keep exactly the same articles. Input paths must be readable at the same path on every
executor (a shared or mounted filesystem).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from framescope import schema
from framescope.files import write_csv, write_json, write_jsonl
from framescope.ingest import langid
from framescope.ingest.corpus import Deduplicator, ReadOptions, Reject, read_file
from framescope.ingest.segment import segment_articles
from framescope.ingest.walk import FileEntry
from framescope.scoring.engine import (
    ScoreError,
    ScoreSettings,
    Summary,
    _fingerprint,
    input_files,
    label_space,
)
from framescope.scoring.output import outlet_table
from framescope.scoring.parts import ARTICLES, FORMAT, MANIFEST, SENTENCES, PartStore
from framescope.scoring.workers import LANG

FILE_NO, RECORD_NO, REASON = "file_no", "record_no", "reason"
_RECORD_DDL = ", ".join(
    [f"{FILE_NO} int", f"{RECORD_NO} int", f"{REASON} string"]
    + [f"{c} string" for c in schema.ARTICLE_COLUMNS]
)
_SENTENCE_DDL = (
    f"{schema.SENTENCE_ID} string, {schema.ARTICLE_ID} string, {schema.OUTLET} string, "
    f"{schema.POSITION} long, {schema.START} long, {schema.END} long, {schema.TEXT} string, "
    f"{LANG} string"
)


def _plain(table: pd.DataFrame, strings: list[str]) -> pd.DataFrame:
    """String columns as object with None for missing: PySpark's Arrow path rejects pandas 3's
    Arrow-backed strings and all-NaN float columns declared as strings."""
    out = table.astype(dict.fromkeys(strings, object))
    for column in strings:
        out[column] = out[column].where(out[column].notna(), None)
    return out


def _read_files(options: ReadOptions) -> Any:
    """mapInPandas function: rows of (file_no, path) in, one row per article or reject out."""

    def read(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            rows: list[dict[str, Any]] = []
            for file_no, path, problem in batch.itertuples(index=False, name=None):
                # Spark hands a missing string to pandas as NaN, not None.
                bad = isinstance(problem, str)
                items = [Reject(path, problem)] if bad else read_file(Path(path), options)
                for record_no, item in enumerate(items, start=1):
                    base = {FILE_NO: file_no, RECORD_NO: record_no}
                    if isinstance(item, Reject):
                        rows.append({**base, REASON: item.reason, schema.SOURCE: item.source})
                    else:
                        rows.append({**base, REASON: None, **item})
            columns = [FILE_NO, RECORD_NO, REASON, *schema.ARTICLE_COLUMNS]
            yield _plain(pd.DataFrame(rows, columns=columns), columns[2:])

    return read


def _segment(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    for articles in batches:
        sentences = segment_articles(articles)
        sentences[LANG] = langid.detect_all(sentences[schema.TEXT].tolist())
        strings = [schema.SENTENCE_ID, schema.ARTICLE_ID, schema.OUTLET, schema.TEXT, LANG]
        yield _plain(sentences, strings)


def _session(master: str | None) -> Any:
    from pyspark.sql import SparkSession

    # Executors in local mode must run this interpreter (where framescope is installed).
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName("framescope score")
    if master:
        builder = builder.master(master)
    elif not os.environ.get("SPARK_HOME") and "spark.master" not in os.environ.get(
        "PYSPARK_SUBMIT_ARGS", ""
    ):
        builder = builder.master("local[*]")
    return builder.config("spark.sql.session.timeZone", "UTC").getOrCreate()


def _decide(records: pd.DataFrame) -> tuple[pd.DataFrame, list[dict[str, str]], int]:
    """Kept (file_no, record_no) pairs, rejects in reading order, duplicates: like the local run."""
    dedup = Deduplicator()
    kept, rejects, duplicates = [], [], 0
    for row in records.sort_values([FILE_NO, RECORD_NO]).to_dict("records"):
        if isinstance(row[REASON], str):
            rejects.append(Reject(row[schema.SOURCE], row[REASON]).as_record())
            continue
        reject = dedup.check(row)
        if reject is None:
            kept.append((row[FILE_NO], row[RECORD_NO]))
        else:
            rejects.append(reject.as_record())
            duplicates += int(reject.reason.startswith("duplicate"))
    return pd.DataFrame(kept, columns=[FILE_NO, RECORD_NO]), rejects, duplicates


def score_spark(
    paths: list[str],
    out_dir: str | Path,
    model_uri: str,
    options: ReadOptions,
    settings: ScoreSettings,
    master: str | None,
    *,
    samples: int,
    confidence: float,
    seed: int,
) -> Summary:
    """Score `paths` into `out_dir` on Spark; same layout and figures as the local engine."""
    import mlflow.pyfunc
    from pyspark.sql import functions as F

    if settings.resume:
        raise ScoreError("--resume is for the local engine; Spark retries failed tasks itself")
    started = time.perf_counter()
    store = PartStore(out_dir)
    store.reset()
    files: list[FileEntry] = input_files(paths, options)
    spark = _session(master)
    file_rows = pd.DataFrame(
        {
            FILE_NO: range(len(files)),
            "path": [str(f.path) for f in files],
            "problem": [f.problem for f in files],
        }
    )
    listing = spark.createDataFrame(file_rows, schema=f"{FILE_NO} int, path string, problem string")
    slices = max(1, min(len(files), spark.sparkContext.defaultParallelism * 4))
    records = listing.repartition(slices).mapInPandas(_read_files(options), _RECORD_DDL).cache()

    keys = [FILE_NO, RECORD_NO, REASON, schema.SOURCE, schema.ARTICLE_ID, schema.OUTLET]
    kept, rejects, duplicates = _decide(records.select(*keys, schema.CONTENT_HASH).toPandas())
    articles = records.join(
        spark.createDataFrame(kept, schema=f"{FILE_NO} int, {RECORD_NO} int"),
        [FILE_NO, RECORD_NO],
    ).select(*schema.ARTICLE_COLUMNS)
    articles.write.mode("overwrite").parquet(str(store.out / ARTICLES))

    predict = mlflow.pyfunc.spark_udf(spark, model_uri, env_manager="local")
    sentences = spark.read.parquet(str(store.out / ARTICLES)).mapInPandas(_segment, _SENTENCE_DDL)
    labelled = sentences.withColumn("prediction", predict(F.col(schema.TEXT)))
    model = mlflow.pyfunc.load_model(model_uri)
    columns = list(model.predict(pd.DataFrame({schema.TEXT: ["x"]})).columns)
    labelled.select(
        *[F.col(c) for c in sentences.columns],
        *[F.col("prediction").getField(c).alias(c) for c in columns],
    ).write.mode("overwrite").parquet(str(store.out / SENTENCES))
    records.unpersist()

    summary = Summary(language=settings.language, duplicates=duplicates)
    part_files = sorted((store.out / SENTENCES).glob("part-*.parquet"))
    for table in (pd.read_parquet(p, columns=[LANG]) for p in part_files):
        summary.sentences += len(table)
        summary.other_language += int((~langid.counts_for(table[LANG], settings.language)).sum())
    scored = pd.read_parquet(store.out / ARTICLES, columns=[schema.DATE])
    summary.scored, summary.rejected = len(scored), len(rejects)
    summary.undated = int(scored[schema.DATE].isna().sum())
    summary.read = summary.scored + summary.rejected
    labels = label_space(model)
    write_jsonl(rejects, store.out / "rejects.jsonl")
    write_json(labels.as_dict(), store.out / "labels.json")
    table = outlet_table(part_files, labels, settings.language, samples, confidence, seed)
    write_csv(table, store.out / "outlets.csv")
    write_json(
        {
            "format": FORMAT,
            "status": "complete",
            "fingerprint": _fingerprint(paths, options, settings, "spark"),
            "parts": [{"name": p.name} for p in part_files],
        },
        store.out / MANIFEST,
    )
    summary.seconds = time.perf_counter() - started
    return summary
