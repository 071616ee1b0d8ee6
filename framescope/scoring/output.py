"""Reading a score output: its sentences, and the outlet figures summed part by part.

Readers take the parts the manifest names (`PartStore.snapshot`), so a run still in progress,
or one killed and not yet resumed, is read consistently.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from framescope import schema
from framescope.classifiers.base import LabelSpace
from framescope.compare.figures import article_counts, figures_from_counts
from framescope.ingest import langid
from framescope.scoring.parts import PartStore, Snapshot
from framescope.scoring.workers import LANG


def outlet_table(
    part_files: list[Path],
    labels: LabelSpace,
    language: str | None,
    samples: int,
    confidence: float,
    seed: int,
) -> pd.DataFrame:
    """Per-outlet figures summed part by part: memory holds one part, not the corpus."""
    columns = [
        schema.ARTICLE_ID,
        schema.OUTLET,
        schema.FRAMES,
        schema.STANCE,
        schema.BOILERPLATE,
        LANG,
    ]
    counts, per_outlet = [], []
    for path in part_files:
        part = _in_language(pd.read_parquet(path, columns=columns), language)
        counts.append(article_counts(part, labels))
        per_outlet.append(part.groupby(schema.OUTLET)[schema.ARTICLE_ID].nunique())
    all_counts = pd.concat(counts, ignore_index=True).sort_values(
        [schema.OUTLET, schema.ARTICLE_ID], kind="stable"
    )
    all_articles = pd.concat(per_outlet).groupby(level=0).sum()
    return figures_from_counts(
        all_counts, all_articles, labels, samples=samples, confidence=confidence, seed=seed
    )


def _in_language(sentences: pd.DataFrame, language: str | None) -> pd.DataFrame:
    if language is None or LANG not in sentences.columns:
        return sentences
    return sentences[langid.counts_for(sentences[LANG], language)]


def read_scored(
    out_dir: str | Path, all_languages: bool = False, snapshot: Snapshot | None = None
) -> tuple[pd.DataFrame, LabelSpace]:
    """A score output's sentences and the label space they were predicted in.

    Reads only the parts the manifest names (never a killed run's strays), as of `snapshot`
    (pass one to read articles of the same parts) or of now. Sentences not in the model's
    language are left out unless `all_languages`.
    """
    import json

    out = Path(out_dir)
    labels = LabelSpace.from_dict(json.loads((out / "labels.json").read_text(encoding="utf-8")))
    store = PartStore(out)
    snapshot = snapshot or store.snapshot()
    sentences = store.read(snapshot.names)
    language = None if all_languages else snapshot.language
    return _in_language(sentences, language).reset_index(drop=True), labels


__all__ = ["outlet_table", "read_scored"]
