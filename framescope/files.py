"""Atomic writes: a reader never sees a half-written output, even after kill -9."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd


def _atomic(path: Path, write: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def write_parquet(table: pd.DataFrame, path: str | Path) -> Path:
    return _atomic(Path(path), lambda tmp: table.to_parquet(tmp, index=False))


def write_text(text: str, path: str | Path) -> Path:
    return _atomic(Path(path), lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_json(data: Any, path: str | Path) -> Path:
    return write_text(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n", path)


def write_jsonl(records: Iterable[dict[str, Any]], path: str | Path) -> Path:
    return write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), path)


def write_csv(table: pd.DataFrame, path: str | Path) -> Path:
    return _atomic(Path(path), lambda tmp: table.to_csv(tmp, index=False))


def read_yaml(path: str | Path, what: str, error: type[Exception]) -> Any:
    """Parse a YAML file with safe_load; a missing or unparseable file raises `error` naming it."""
    import yaml

    path = Path(path)
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise error(f"{path}: {what} file not found") from None
    except yaml.YAMLError as err:
        raise error(f"{path}: not valid YAML ({err.__class__.__name__})") from None
