"""Typed, validated params: the only way configuration gets into framescope's stages.

Each section of `configs/params.yaml` is a dataclass checked in `__post_init__`; a wrong value
fails with a message that names the key and what is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, TypeVar, get_args, get_type_hints

from framescope.files import read_yaml


class ConfigError(ValueError):
    """A params file is missing a key, has an unknown key, or a value out of range."""


def _check(cond: bool, key: str, message: str) -> None:
    if not cond:
        raise ConfigError(f"{key}: {message}")


FAMILIES = ("tfidf_lr",)


@dataclass(frozen=True)
class IngestConfig:
    inputs: tuple[str, ...] = ("data/demo",)
    glob: str = "*"

    def __post_init__(self) -> None:
        _check(len(self.inputs) > 0, "ingest.inputs", "needs at least one file or folder")


@dataclass(frozen=True)
class SplitConfig:
    dev_fraction: float = 0.2
    test_fraction: float = 0.2

    def __post_init__(self) -> None:
        for name in ("dev_fraction", "test_fraction"):
            value = getattr(self, name)
            _check(0 < value < 0.5, f"split.{name}", f"must be in (0, 0.5), got {value}")


@dataclass(frozen=True)
class TfidfConfig:
    word_ngram_max: int = 2
    char_ngram_max: int = 5
    min_df: int = 1
    max_features: int = 200_000
    C: float = 8.0
    max_iter: int = 2000

    def __post_init__(self) -> None:
        _check(1 <= self.word_ngram_max <= 3, "train.tfidf.word_ngram_max", "must be 1, 2 or 3")
        _check(
            self.char_ngram_max == 0 or 3 <= self.char_ngram_max <= 6,
            "train.tfidf.char_ngram_max",
            "must be 0 (no character n-grams) or 3..6",
        )
        _check(self.min_df >= 1, "train.tfidf.min_df", "must be >= 1")
        _check(self.C > 0, "train.tfidf.C", "must be > 0")


@dataclass(frozen=True)
class TrainConfig:
    family: str = "tfidf_lr"
    tfidf: TfidfConfig = field(default_factory=TfidfConfig)
    threshold_grid_step: float = 0.02

    def __post_init__(self) -> None:
        _check(self.family in FAMILIES, "train.family", f"{self.family!r} not in {list(FAMILIES)}")
        _check(
            0 < self.threshold_grid_step < 0.5, "train.threshold_grid_step", "must be in (0, 0.5)"
        )


@dataclass(frozen=True)
class OutletsConfig:
    bootstrap_samples: int = 1000
    confidence: float = 0.95

    def __post_init__(self) -> None:
        _check(self.bootstrap_samples >= 100, "outlets.bootstrap_samples", "must be >= 100")
        _check(0.5 < self.confidence < 1, "outlets.confidence", "must be in (0.5, 1)")


@dataclass(frozen=True)
class TrackingConfig:
    experiment: str = "framescope"
    registered_model: str = "framescope"
    alias: str = "champion"


@dataclass(frozen=True)
class Params:
    seed: int = 13
    codebook: str = "labels/codebook.yaml"
    gold: str = "labels/gold/demo.jsonl"
    ingest: IngestConfig = field(default_factory=IngestConfig)
    split: SplitConfig = field(default_factory=SplitConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    outlets: OutletsConfig = field(default_factory=OutletsConfig)
    tracking: TrackingConfig = field(default_factory=TrackingConfig)

    def section(self, name: str) -> dict[str, Any]:
        """A section as plain data, for logging as run params."""
        return _as_dict(getattr(self, name))


T = TypeVar("T")


def _as_dict(obj: Any) -> Any:
    if is_dataclass(obj):
        return {f.name: _as_dict(getattr(obj, f.name)) for f in fields(obj)}
    if isinstance(obj, tuple):
        return list(obj)
    return obj


def _build(cls: type[T], raw: Any, where: str) -> T:
    if raw is None:
        raw = {}
    _check(isinstance(raw, dict), where or "params", "expected a mapping")
    hints = get_type_hints(cls)
    known = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(raw) - known)
    _check(
        not unknown,
        (f"{where}.{unknown[0]}" if where else unknown[0]) if unknown else where,
        f"unknown key; allowed {sorted(known)}",
    )
    kwargs: dict[str, Any] = {}
    for name, value in raw.items():
        key = f"{where}.{name}" if where else name
        hint = hints[name]
        if is_dataclass(hint):
            kwargs[name] = _build(hint, value, key)  # type: ignore[arg-type]
        elif hint in (float,) and isinstance(value, int | float) and not isinstance(value, bool):
            kwargs[name] = float(value)
        elif str(hint).startswith("tuple"):
            _check(isinstance(value, list), key, "expected a list")
            item = get_args(hint)[0] if get_args(hint) else object
            wrong = [v for v in value if not isinstance(v, item)]
            _check(not wrong, key, f"expected a list of {item.__name__}, got {wrong[:1]}")
            kwargs[name] = tuple(value)
        else:
            base = hint if isinstance(hint, type) else object
            _check(
                isinstance(value, base) and not (base is int and isinstance(value, bool)),
                key,
                f"expected {getattr(base, '__name__', base)}, got {type(value).__name__}",
            )
            kwargs[name] = value
    return cls(**kwargs)


def parse_params(raw: Any) -> Params:
    return _build(Params, raw, "")


def load_params(path: str | Path) -> Params:
    """Read and validate a params YAML file."""
    raw = read_yaml(path, "params", ConfigError)
    try:
        return parse_params(raw)
    except ConfigError as err:
        raise ConfigError(f"{path}: {err}") from None
