"""The score output layout: Parquet part files plus a manifest, every file written atomically.

    DIR/sentences.parquet/part-00000.parquet ...   one row per sentence, with predictions
    DIR/articles.parquet/part-00000.parquet ...    one row per scored article
    DIR/rejects.parts/part-00000.jsonl ...         records not scored, with the reason
    DIR/manifest.json                              parts written so far, where reading stopped
    DIR/rejects.jsonl, labels.json, outlets.csv, run.json   written when the run completes

A part's files are written before the manifest names it, so after a kill -9 the manifest only
names complete parts; anything else in the part folders is left over and removed on resume.
Both part folders read as one table with `pd.read_parquet(DIR / "sentences.parquet")`.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from framescope import schema
from framescope.files import _atomic, write_json, write_jsonl

FORMAT = 1
MANIFEST = "manifest.json"
SENTENCES = "sentences.parquet"
ARTICLES = "articles.parquet"
REJECTS = "rejects.parts"
FINAL_FILES = ("rejects.jsonl", "labels.json", "outlets.csv", "outlets.json", "run.json")


def part_name(index: int) -> str:
    return f"part-{index:05d}"


def _arrow_type(column: str, dtype: Any) -> pa.DataType:
    if column == schema.FRAMES:
        return pa.list_(pa.string())
    if pd.api.types.is_bool_dtype(dtype):
        return pa.bool_()
    if pd.api.types.is_integer_dtype(dtype):
        return pa.int64()
    if pd.api.types.is_float_dtype(dtype):
        return pa.float64()
    return pa.string()


def arrow_schema(table: pd.DataFrame) -> pa.Schema:
    """One fixed schema for every part, so an all-null or all-empty column in one part does not
    make the parts disagree on types."""
    return pa.schema([(c, _arrow_type(c, table[c].dtype)) for c in table.columns])


def _write_table(table: pd.DataFrame, path: Path) -> None:
    arrow = pa.Table.from_pandas(table, schema=arrow_schema(table), preserve_index=False)
    _atomic(path, lambda tmp: pq.write_table(arrow, tmp))


@dataclass(frozen=True)
class Snapshot:
    """What one read of the manifest says: the parts to read, the run's status and language.

    `names` is None for an output without a local manifest (a Spark run writes its folders in
    one go): read the folders whole.
    """

    names: list[str] | None
    status: str
    language: str | None


class PartStore:
    """Reads and writes one score output folder."""

    def __init__(self, out: str | Path) -> None:
        self.out = Path(out)

    def manifest(self) -> dict[str, Any] | None:
        path = self.out / MANIFEST
        if not path.exists():
            return None
        return json.loads(path.read_text(encoding="utf-8"))

    def save_manifest(self, manifest: dict[str, Any]) -> None:
        write_json(manifest, self.out / MANIFEST)

    def reset(self) -> None:
        """Remove a previous output's parts and final files (a fresh run replaces it)."""
        for folder in (SENTENCES, ARTICLES, REJECTS):
            path = self.out / folder
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()
        for name in (MANIFEST, *FINAL_FILES):
            (self.out / name).unlink(missing_ok=True)

    def remove_strays(self, names: list[str]) -> None:
        """Delete temp files and parts the manifest does not name (a killed run's leftovers)."""
        keep = set(names)
        for folder in (SENTENCES, ARTICLES, REJECTS):
            path = self.out / folder
            if not path.is_dir():
                continue
            for item in path.iterdir():
                if item.name.split(".")[0] not in keep:
                    item.unlink()
        # Only this writer's own temp files: another process (`framescope outlets`) may be
        # writing its files into the same folder right now.
        for name in (MANIFEST, *FINAL_FILES):
            for item in self.out.glob(f".{name}.*.tmp"):
                item.unlink(missing_ok=True)

    def snapshot(self) -> Snapshot:
        """One manifest read: a consistent view of the output while a run goes on."""
        manifest = self.manifest()
        if manifest is None:
            return Snapshot(None, "unknown", None)
        fingerprint = manifest.get("fingerprint", {})
        local = fingerprint.get("engine", "local") == "local"
        return Snapshot(
            [p["name"] for p in manifest["parts"]] if local else None,
            str(manifest.get("status", "unknown")),
            fingerprint.get("language"),
        )

    def read(
        self, names: list[str] | None, what: str = SENTENCES, columns: list[str] | None = None
    ) -> pd.DataFrame:
        """The named parts as one table (every part file when names is None)."""
        if names is None:
            return pd.read_parquet(self.out / what, columns=columns)
        tables = list(self.iter_part(names, what, columns))
        if not tables:
            return pd.read_parquet(self.out / what, columns=columns).iloc[0:0]
        return pd.concat(tables, ignore_index=True)

    def write_part(
        self,
        index: int,
        articles: pd.DataFrame,
        sentences: pd.DataFrame,
        rejects: list[dict[str, Any]],
    ) -> str:
        name = part_name(index)
        _write_table(sentences, self.out / SENTENCES / f"{name}.parquet")
        _write_table(articles, self.out / ARTICLES / f"{name}.parquet")
        write_jsonl(rejects, self.out / REJECTS / f"{name}.jsonl")
        return name

    def iter_part(
        self, names: list[str], what: str = SENTENCES, columns: list[str] | None = None
    ) -> Iterator[pd.DataFrame]:
        for name in names:
            yield pd.read_parquet(self.out / what / f"{name}.parquet", columns=columns)

    def iter_rejects(self, names: list[str]) -> Iterator[str]:
        for name in names:
            yield (self.out / REJECTS / f"{name}.jsonl").read_text(encoding="utf-8")

    def write_rejects(self, names: list[str]) -> None:
        """rejects.jsonl: every part's rejects, in reading order."""
        _atomic(
            self.out / "rejects.jsonl",
            lambda tmp: tmp.write_text("".join(self.iter_rejects(names)), encoding="utf-8"),
        )


def article_frame(articles: list[dict[str, Any]]) -> pd.DataFrame:
    table = pd.DataFrame(articles, columns=schema.ARTICLE_COLUMNS)
    return table.astype({c: "object" for c in schema.ARTICLE_COLUMNS})
