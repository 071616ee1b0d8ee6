"""Typed, validated params: the only way configuration gets into framescope's stages.

Each section of `configs/params.yaml` is a dataclass checked in `__post_init__`; a wrong value
fails with a message that names the key and what is allowed. The dataclasses hold no defaults:
`configs/params.yaml` is the one place they are written, and a missing key is an error.

Over 300 lines on purpose: one dataclass per params section with its checks beside its fields,
and one reader for them all; split, a section's checks would live away from its keys.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, is_dataclass
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
SELECT_ON = ("heldout", "dev")


@dataclass(frozen=True)
class IngestConfig:
    inputs: tuple[str, ...]
    glob: str

    def __post_init__(self) -> None:
        _check(len(self.inputs) > 0, "ingest.inputs", "needs at least one file or folder")


@dataclass(frozen=True)
class SplitConfig:
    dev_fraction: float
    test_fraction: float
    unlabelled: str  # a sentence without gold: "error", or "drop" it (unlabelled pool)
    # Outlets whose every sentence goes to the held-out split: never trained on, never tuned on.
    heldout_outlets: tuple[str, ...]

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
    word_ngram_max: int
    char_ngram_max: int
    min_df: int
    max_features: int
    C: float
    max_iter: int

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
    encoder: str  # a model directory, or an installed package shipping model/
    C: float
    max_iter: int
    batch_size: int

    def __post_init__(self) -> None:
        _check(self.C > 0, "train.embed_lr.C", "must be > 0")
        _check(self.batch_size >= 1, "train.embed_lr.batch_size", "must be >= 1")


@dataclass(frozen=True)
class FinetuneConfig:
    epochs: int
    batch_size: int
    learning_rate: float
    weight_decay: float
    warmup_ratio: float
    patience: int  # epochs without a better dev score before stopping
    dropout: float
    shared_encoder: bool  # one encoder with three heads, or one encoder per head
    # Batches of similar-length sentences (random groups of 50 batches, sorted by length, the
    # batches shuffled): less padding, faster epochs, another model. False: random batches.
    group_by_length: bool
    # Where training runs: auto (a CUDA GPU when torch sees one, else the CPU), cpu, or cuda[:N].
    # Saved models always load on the CPU. A GPU trains another model than the CPU does.
    device: str

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
    """Counterfactual copies of train sentences (training.augment); dev and test untouched."""

    copies: int  # rewritten copies per train sentence; 0 turns augmentation off
    names: bool  # attribute copies to other sources ("X reported that ...")
    numbers: bool  # replace counts with other numbers, in digits or words
    # tfidf_lr is invariant without it, and with it learns the invented names' character n-grams
    families: tuple[str, ...]

    def __post_init__(self) -> None:
        _check(0 <= self.copies <= 10, "train.augment.copies", "must be in 0..10")
        unknown = [f for f in self.families if f not in FAMILIES]
        _check(not unknown, "train.augment.families", f"{unknown} not in {list(FAMILIES)}")


@dataclass(frozen=True)
class TrainConfig:
    """`family`: `auto` (best dev score), a family in `families`, or `ensemble`."""

    family: str
    families: tuple[str, ...]
    ensemble: bool  # select also weighs the mean of all candidates (needs >= 2 families)
    # The split whose score (mean of frame and stance macro-F1) picks the champion: heldout
    # (outlets never trained on, split.heldout_outlets) or dev (the split thresholds are tuned on).
    select_on: str
    # Extra gold files every candidate is scored on, by name, for the record only (never for
    # selection); a file that is not there is reported as missing.
    report: dict[str, str]
    # Where encoder outputs are kept between runs, by model and text ("": no cache).
    embed_cache: str
    base_model: str
    threshold_grid_step: float
    silver_weight: float  # sample weight of silver rows (weak_label stage); 0: gold only
    # Families whose heads see every count as one placeholder (classifiers.masking).
    mask_numbers: tuple[str, ...]
    augment: AugmentConfig
    tfidf_lr: TfidfConfig
    embed_lr: EmbedLRConfig
    finetune: FinetuneConfig

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
        _check(
            self.select_on in SELECT_ON,
            "train.select_on",
            f"{self.select_on!r} not in {list(SELECT_ON)}",
        )
        _check(
            isinstance(self.report, dict)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in self.report.items()),
            "train.report",
            "expected a mapping of names to gold files",
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

    inputs: tuple[str, ...]
    glob: str
    label_model: str  # auto: per task, the better of the two on gold dev
    similarity: bool  # embedding-similarity LFs (train.base_model encoder)
    similarity_precision: float  # precision on gold dev a similarity LF must reach to vote
    smoothing: float  # Dawid-Skene pseudo-count per confusion cell

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
    bootstrap_samples: int
    confidence: float
    min_articles: int
    min_sentences: int
    alpha: float
    top_k: int
    trend_period: str

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
class AuditConfig:
    """`framescope audit`: the sampling design and the report's intervals."""

    sample_size: int  # sentences drawn when `--n` is not given
    min_per_stratum: int  # every stratum gets at least this many (or all it has)
    # Cells (outlet x predicted labels) smaller than this are pooled into the outlet's "other".
    min_stratum_size: int
    bootstrap_samples: int
    confidence: float

    def __post_init__(self) -> None:
        _check(self.sample_size >= 1, "audit.sample_size", "must be >= 1")
        _check(self.min_per_stratum >= 1, "audit.min_per_stratum", "must be >= 1")
        _check(self.min_stratum_size >= 1, "audit.min_stratum_size", "must be >= 1")
        _check(self.bootstrap_samples >= 100, "audit.bootstrap_samples", "must be >= 100")
        _check(0.5 < self.confidence < 1, "audit.confidence", "must be in (0.5, 1)")


@dataclass(frozen=True)
class TrackingConfig:
    experiment: str
    registered_model: str
    alias: str


@dataclass(frozen=True)
class Params:
    seed: int
    codebook: str
    # One gold file, or a list of paths and globs; "!pattern" leaves matching files out.
    gold: str | tuple[str, ...]
    ingest: IngestConfig
    split: SplitConfig
    train: TrainConfig
    weak: WeakConfig
    outlets: OutletsConfig
    tracking: TrackingConfig
    audit: AuditConfig

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
    missing = [f.name for f in fields(cls) if f.name not in raw]  # type: ignore[arg-type]
    _check(
        not missing,
        (f"{where}.{missing[0]}" if where else missing[0]) if missing else where,
        "missing key (configs/params.yaml is where every default is written)",
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
