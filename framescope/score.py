"""Batch scoring: files and folders of coverage in, labelled sentences and outlet figures out."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from framescope import schema
from framescope.classifiers.base import LabelSpace
from framescope.corpus import ReadOptions, Reject, collect_articles, read_articles
from framescope.files import write_csv, write_json, write_jsonl, write_parquet
from framescope.outlets import outlet_figures
from framescope.segment import segment_articles

CHUNK = 4096


@dataclass
class Summary:
    read: int
    scored: int
    rejected: int
    sentences: int
    seconds: float

    def line(self) -> str:
        return (
            f"articles read {self.read}, scored {self.scored}, rejected {self.rejected}; "
            f"sentences {self.sentences}; {self.seconds:.1f} s"
        )


def label_space(model: Any) -> LabelSpace:
    """The label space a loaded framescope pyfunc predicts."""
    return model.unwrap_python_model().bundle.labels


def predict_sentences(model: Any, sentences: pd.DataFrame) -> pd.DataFrame:
    """Sentences with the model's prediction columns appended."""
    parts = [
        model.predict(sentences[[schema.TEXT]].iloc[i : i + CHUNK].reset_index(drop=True))
        for i in range(0, len(sentences), CHUNK)
    ]
    if not parts:
        parts = [model.predict(pd.DataFrame({schema.TEXT: ["x"]})).iloc[:0]]
    predictions = pd.concat(parts, ignore_index=True)
    return pd.concat([sentences.reset_index(drop=True), predictions], axis=1)


def score_paths(
    paths: list[str],
    out_dir: str | Path,
    model: Any,
    options: ReadOptions | None = None,
    samples: int = 1000,
    confidence: float = 0.95,
    seed: int = 13,
) -> Summary:
    """Score every article under `paths` into `out_dir`; bad records go to rejects.jsonl."""
    started = time.perf_counter()
    out = Path(out_dir)
    articles, rejects = collect_articles(read_articles(paths, options))
    article_table = pd.DataFrame(articles, columns=schema.ARTICLE_COLUMNS)
    sentences = predict_sentences(model, segment_articles(article_table))
    labels = label_space(model)
    write_parquet(sentences, out / "sentences.parquet")
    write_parquet(article_table, out / "articles.parquet")
    write_jsonl((r.as_record() for r in rejects), out / "rejects.jsonl")
    write_json(labels.as_dict(), out / "labels.json")
    write_csv(outlet_figures(sentences, labels, samples, confidence, seed), out / "outlets.csv")
    return Summary(
        read=len(articles) + len(rejects),
        scored=len(articles),
        rejected=len(rejects),
        sentences=len(sentences),
        seconds=time.perf_counter() - started,
    )


def read_scored(out_dir: str | Path) -> tuple[pd.DataFrame, LabelSpace]:
    """A score output's sentences and the label space they were predicted in."""
    import json

    out = Path(out_dir)
    labels = LabelSpace.from_dict(json.loads((out / "labels.json").read_text(encoding="utf-8")))
    return pd.read_parquet(out / "sentences.parquet"), labels


__all__ = ["Reject", "Summary", "label_space", "predict_sentences", "read_scored", "score_paths"]
