"""Gold labels joined to segmented sentences, label matrices, and the article-grouped split."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from framescope import schema
from framescope.classifiers.base import LabelSpace
from framescope.labels.codebook import Codebook, CodebookError


class GoldError(ValueError):
    """A gold file is unreadable or holds a label the codebook does not know."""


def load_gold(path: str | Path, codebook: Codebook) -> pd.DataFrame:
    """Read a gold JSONL file and validate every label against the codebook."""
    path = Path(path)
    rows = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise GoldError(f"{path}: gold file not found") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            raise GoldError(f"{where}: malformed JSON ({err.msg})") from None
        for key in (schema.TEXT, schema.FRAMES, schema.STANCE, schema.BOILERPLATE):
            if key not in row:
                raise GoldError(f"{where}: missing key {key!r}")
        if not isinstance(row[schema.FRAMES], list) or not isinstance(
            row[schema.BOILERPLATE], bool
        ):
            raise GoldError(f"{where}: frames must be a list and boilerplate a boolean")
        try:
            codebook.check_labels(row[schema.FRAMES], row[schema.STANCE], where)
        except CodebookError as err:
            raise GoldError(str(err)) from None
        rows.append(row)
    if not rows:
        raise GoldError(f"{path}: no gold rows")
    return pd.DataFrame(rows)


def label_arrays(
    table: pd.DataFrame, labels: LabelSpace
) -> tuple[np.ndarray, list[str], np.ndarray]:
    """(frames as an n x n_frames 0/1 matrix, stance list, boilerplate 0/1 vector)."""
    frames = np.array(
        [[int(f in row) for f in labels.frame_ids] for row in table[schema.FRAMES]], dtype=int
    ).reshape(len(table), len(labels.frame_ids))
    return (
        frames,
        table[schema.STANCE].astype(str).tolist(),
        table[schema.BOILERPLATE].astype(int).to_numpy(),
    )


def join_gold(
    sentences: pd.DataFrame, gold: pd.DataFrame, unlabelled: str = "error"
) -> pd.DataFrame:
    """Sentences with their gold labels; fails if gold has no sentence.

    A sentence without gold fails too, unless `unlabelled="drop"` (a corpus that is only partly
    annotated, as in the annotation loop): then it is left out.
    """
    keep = [schema.SENTENCE_ID, schema.FRAMES, schema.STANCE, schema.BOILERPLATE]
    labels = gold[keep + [c for c in (schema.GOLD_FILE,) if c in gold]]
    joined = sentences.merge(labels, on=schema.SENTENCE_ID, how="left", indicator=True)
    missing = joined[joined["_merge"] == "left_only"]
    if len(missing) and unlabelled == "drop":
        joined = joined[joined["_merge"] == "both"].reset_index(drop=True)
    elif len(missing):
        raise GoldError(
            f"{len(missing)} sentences have no gold label, "
            f"e.g. {missing[schema.SENTENCE_ID].iloc[0]}"
        )
    orphans = set(gold[schema.SENTENCE_ID]) - set(sentences[schema.SENTENCE_ID])
    if orphans:
        raise GoldError(
            f"{len(orphans)} gold sentence ids are not in the corpus, e.g. {sorted(orphans)[0]}"
        )
    return joined.drop(columns="_merge")


AUDIT_SOURCE = "audit:"  # gold rows `framescope audit report --to-gold` writes


def audited_rows(gold: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(gold of the pipeline's corpus, audited rows) from stacked gold files.

    Audited rows (`"source": "audit:<name>"`) label sentences of a user's own scored corpus,
    not of the pipeline's: they carry their text, article and outlet, and train only. Keeping
    them out of dev, test and held-out keeps the audit's sampling design out of evaluation.
    """
    source = gold[schema.SOURCE] if schema.SOURCE in gold else pd.Series("", index=gold.index)
    audited = source.fillna("").astype(str).str.startswith(AUDIT_SOURCE)
    rows = gold[audited].reset_index(drop=True)
    needed = [schema.ARTICLE_ID, schema.OUTLET, schema.TEXT]
    if len(rows) and (set(needed) - set(rows) or rows[needed].isna().any().any()):
        first = rows[schema.SENTENCE_ID].iloc[0]
        raise GoldError(
            f"audited gold rows need {', '.join(needed)} (framescope audit report --to-gold "
            f"writes them); e.g. {first}"
        )
    return gold[~audited].reset_index(drop=True), rows


def with_audited(labelled: pd.DataFrame, audited: pd.DataFrame) -> pd.DataFrame:
    """The labelled table with the audited rows added to train (no position in a corpus: -1)."""
    if not len(audited):
        return labelled
    extra = audited.assign(
        **{c: -1 for c in (schema.POSITION, schema.START, schema.END) if c in labelled},
        **{schema.SPLIT: "train"},
    )
    return pd.concat([labelled, extra.reindex(columns=labelled.columns)], ignore_index=True)


def split_articles(
    table: pd.DataFrame,
    dev_fraction: float,
    test_fraction: float,
    seed: int,
    heldout_outlets: Iterable[str] = (),
) -> pd.Series:
    """train/dev/test per row: whole articles, stratified by outlet, seeded.

    Every article of `heldout_outlets` goes to the held-out split instead: outlets (and with
    them their writers' wording and their genres) that no model trains or tunes on.
    """
    rng = np.random.default_rng(seed)
    heldout = set(heldout_outlets)
    unknown = sorted(heldout - set(table[schema.OUTLET]))
    if unknown:
        raise GoldError(f"split.heldout_outlets: {unknown} not among the labelled outlets")
    assignment: dict[str, str] = {}
    articles = table[[schema.ARTICLE_ID, schema.OUTLET]].drop_duplicates(schema.ARTICLE_ID)
    for article_id in articles.loc[articles[schema.OUTLET].isin(heldout), schema.ARTICLE_ID]:
        assignment[article_id] = schema.HELDOUT
    articles = articles[~articles[schema.OUTLET].isin(heldout)]
    for _, group in articles.sort_values([schema.OUTLET, schema.ARTICLE_ID]).groupby(schema.OUTLET):
        ids = group[schema.ARTICLE_ID].tolist()
        rng.shuffle(ids)
        n = len(ids)
        # Outlets with three or more articles give one to each of dev and test at least.
        n_test = max(1, round(n * test_fraction)) if n >= 3 else 0
        n_dev = max(1, round(n * dev_fraction)) if n >= 3 else 0
        for i, article_id in enumerate(ids):
            assignment[article_id] = (
                "test" if i < n_test else "dev" if i < n_test + n_dev else "train"
            )
    return table[schema.ARTICLE_ID].map(assignment).rename(schema.SPLIT)


def split_parts(labelled: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The labelled table as {"train", "dev", "test", "heldout"}: each split's rows, from 0."""
    return {
        name: labelled[labelled[schema.SPLIT] == name].reset_index(drop=True)
        for name in (*schema.SPLITS, schema.HELDOUT)
    }
