"""Where a run's data came from: MLflow datasets for the stage's inputs, lineage tags for models.

A dataset is named after the file, its digest is the DVC content hash of the path (what
`dvc.lock` records, so `dvc status`/`git log -p dvc.lock` finds the same version) and its
source is the path in the repository. Contexts: training, validation, test, scoring.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from framescope.tracking.store import _mlflow, retry_locked

LOCK_FILE = "dvc.lock"


def _lock(lock_file: str | Path = LOCK_FILE) -> dict[str, Any]:
    path = Path(lock_file)
    if not path.is_file():
        return {}
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def _locked_hashes(lock: Mapping[str, Any]) -> dict[str, str]:
    """path -> md5 for every dep and out that dvc.lock records, in stage order."""
    found: dict[str, str] = {}
    for stage in (lock.get("stages") or {}).values():
        for entry in [*(stage.get("deps") or []), *(stage.get("outs") or [])]:
            if "md5" in entry:
                found[str(entry["path"]).rstrip("/")] = str(entry["md5"])
    return found


def _file_md5(path: Path) -> str:
    digest = hashlib.md5()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def content_hash(path: str | Path, lock_file: str | Path = LOCK_FILE) -> str:
    """The DVC content hash of a file or directory.

    A file: the md5 of its bytes (what DVC 3 records). A directory: the md5 dvc.lock records
    for that path (the stage that wrote it has updated dvc.lock before the next stage runs);
    when dvc.lock has none (outside `dvc repro`), a stable digest computed here instead: the
    md5 of the sorted `relative path  md5` lines of its files, suffixed `.dir` like DVC's but
    not guaranteed to equal the hash DVC would compute.
    """
    path = Path(path)
    if path.is_file():
        return _file_md5(path)
    key = path.as_posix().rstrip("/")
    recorded = _locked_hashes(_lock(lock_file)).get(key)
    if recorded:
        return recorded
    lines = [
        f"{f.relative_to(path).as_posix()}  {_file_md5(f)}"
        for f in sorted(path.rglob("*"))
        if f.is_file()
    ]
    return hashlib.md5("\n".join(lines).encode()).hexdigest() + ".dir"


def _files_table(path: Path) -> pd.DataFrame:
    files = sorted(f for f in path.rglob("*") if f.is_file()) if path.is_dir() else [path]
    return pd.DataFrame(
        {
            "file": [f.as_posix() for f in files],
            "bytes": [f.stat().st_size for f in files],
        }
    )


def dataset(path: str | Path, table: pd.DataFrame | None = None, name: str | None = None) -> Any:
    """An mlflow.data dataset for `path`: `table` (what the stage read from it; its schema and
    row count show in the UI), or, for a folder of raw inputs, the list of its files."""
    mlflow = _mlflow()
    path = Path(path)
    frame = table if table is not None else _files_table(path)
    with warnings.catch_warnings():
        # A relative path matches MLflow's local-artifact source twice; it picks that one.
        warnings.filterwarnings("ignore", message="The specified dataset source can be")
        # About model signatures with integer columns; a dataset's schema is only shown.
        warnings.filterwarnings("ignore", message="Hint: Inferred schema contains integer")
        found = mlflow.data.from_pandas(
            frame,
            source=path.as_posix(),
            name=name or path.name.removesuffix(".parquet").removesuffix(".jsonl"),
            digest=content_hash(path),
        )
        _ = found.schema  # inferred (and cached) here, where the hint above is ignored
    return found


def log_input(
    path: str | Path,
    context: str,
    table: pd.DataFrame | None = None,
    name: str | None = None,
) -> Any:
    """Log `path` as an input of the active run, in `context`; returns the dataset."""
    found = dataset(path, table, name)
    retry_locked(_mlflow().log_input, found, context=context)
    return found


def git_dirty() -> bool:
    """True when tracked files differ from the commit (the commit alone does not say the code)."""
    try:
        out = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(out.stdout.strip())


def lineage_tags(
    stages: Iterable[str], commit: str, lock_file: str | Path = LOCK_FILE
) -> dict[str, str]:
    """Tags that say which code, data and params made a model, from dvc.lock's `stages`.

    `lineage.git_commit`, `lineage.git_dirty`, `lineage.dvc.<path>` = md5 for every data
    dependency (code under framescope/ and pipelines/ is covered by the commit) and
    `lineage.params` = the stages' params as JSON. (`tag_model_version` turns the `@` of
    `train@tfidf_lr` into `:`.)
    """
    lock = (_lock(lock_file).get("stages")) or {}
    tags = {"lineage.git_commit": commit, "lineage.git_dirty": str(git_dirty()).lower()}
    params: dict[str, Any] = {}
    for name in stages:
        stage = lock.get(name) or {}
        tags[f"lineage.stage.{name}"] = "dvc.lock" if stage else "not in dvc.lock"
        for dep in stage.get("deps") or []:
            path = str(dep["path"])
            if "md5" in dep and not path.startswith(("framescope/", "pipelines/")):
                tags[f"lineage.dvc.{path}"] = str(dep["md5"])
        for values in (stage.get("params") or {}).values():
            params.update(values)
    if params:
        tags["lineage.params"] = json.dumps(params, sort_keys=True, default=str)[:5000]
    return tags


def tag_key(key: str) -> str:
    """`key` with what MLflow refuses in a tag name (`@` of `train@tfidf_lr`) as `:`."""
    return re.sub(r"[^\w\-. :/]", ":", key)


def tag_model_version(name: str, version: str, tags: Mapping[str, str]) -> None:
    client = _mlflow().MlflowClient()
    for key, value in tags.items():
        retry_locked(client.set_model_version_tag, name, version, tag_key(key), value)
