"""Several gold files as one training set: which files, labels that disagree, split leakage.

`params.gold` names one file or a list of paths and globs (`"!pattern"` leaves files out), so
a file written by `framescope annotate import` joins training without a code change.
"""

from __future__ import annotations

import fnmatch
import glob
import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from framescope import schema
from framescope.labels.codebook import Codebook
from framescope.labels.dataset import GoldError, load_gold

GOLD_FILE = schema.GOLD_FILE
_GLOB = re.compile(r"[*?\[]")


def gold_paths(patterns: Iterable[str], root: str | Path = ".") -> list[Path]:
    """The gold files the patterns name, in pattern order then name order, exclusions applied."""
    root = Path(root)
    patterns = list(patterns)
    exclude = [p[1:] for p in patterns if p.startswith("!")]
    chosen: list[Path] = []
    for pattern in (p for p in patterns if not p.startswith("!")):
        if _GLOB.search(pattern):
            matches = sorted(glob.glob(pattern, root_dir=root))
            if not matches:
                raise GoldError(f"gold: pattern {pattern!r} matches no file under {root}")
        else:
            matches = [pattern]
        for match in matches:
            path = root / match  # an absolute match stays absolute
            if path not in chosen and not any(fnmatch.fnmatch(match, e) for e in exclude):
                chosen.append(path)
    if not chosen:
        raise GoldError(f"gold: {patterns} leave no gold file")
    return chosen


def _label_key(row: pd.Series) -> tuple[tuple[str, ...], str, bool]:
    return tuple(sorted(row[schema.FRAMES])), str(row[schema.STANCE]), bool(row[schema.BOILERPLATE])


def _describe(row: pd.Series) -> str:
    frames = ",".join(row[schema.FRAMES]) or "-"
    bp = " boilerplate" if row[schema.BOILERPLATE] else ""
    return f"{row[GOLD_FILE]} says [{frames}] {row[schema.STANCE]}{bp}"


def label_conflicts(gold: pd.DataFrame) -> pd.DataFrame:
    """Rows of sentences that carry different labels in different rows (files or lines)."""
    keys = gold.apply(_label_key, axis=1)
    distinct = keys.groupby(gold[schema.SENTENCE_ID]).nunique()
    disputed = distinct[distinct > 1].index
    return gold[gold[schema.SENTENCE_ID].isin(disputed)].sort_values(schema.SENTENCE_ID)


def load_gold_files(paths: Iterable[str | Path], codebook: Codebook) -> pd.DataFrame:
    """Every gold file validated and stacked, one row per sentence.

    A sentence labelled the same in two files is kept once; labelled differently, it fails with
    both files named, since training on either label would be a silent choice.
    """
    tables = [load_gold(p, codebook).assign(**{GOLD_FILE: str(p)}) for p in paths]
    gold = pd.concat(tables, ignore_index=True)
    conflicts = label_conflicts(gold)
    if len(conflicts):
        first = conflicts[conflicts[schema.SENTENCE_ID] == conflicts[schema.SENTENCE_ID].iloc[0]]
        n = conflicts[schema.SENTENCE_ID].nunique()
        raise GoldError(
            f"{n} sentence(s) labelled differently in two gold rows, e.g. "
            f"{first[schema.SENTENCE_ID].iloc[0]}: "
            + "; ".join(_describe(r) for _, r in first.iterrows())
        )
    return gold.drop_duplicates(schema.SENTENCE_ID, keep="first").reset_index(drop=True)


def _normalised(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def split_leaks(labelled: pd.DataFrame, min_words: int = 6) -> pd.DataFrame:
    """Content sentences whose text (case and punctuation aside) appears in more than one split.

    Syndicated copies in two outlets are separate articles, so the article split alone does not
    stop the same sentence reaching train and test. Short lines ("Advertisement") are ignored.
    """
    content = labelled[~labelled[schema.BOILERPLATE].astype(bool)]
    key = content[schema.TEXT].map(_normalised)
    long_enough = key.str.count(" ") + 1 >= min_words
    content, key = content[long_enough], key[long_enough]
    splits = content[schema.SPLIT].groupby(key).nunique()
    leaked = splits[splits > 1].index
    return content[key.isin(leaked)].sort_values(schema.TEXT)
