"""The pipeline's params as tests start from them: `configs/params.yaml`, the one place defaults
are written. A test changes what it needs with the helpers below (dataclasses.replace, so every
change is validated like a params file)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from framescope.config import (
    FAMILIES,
    AugmentConfig,
    EmbedLRConfig,
    FinetuneConfig,
    OutletsConfig,
    Params,
    TfidfConfig,
    TrainConfig,
    WeakConfig,
    load_params,
)

PARAMS_FILE = Path(__file__).resolve().parents[1] / "configs" / "params.yaml"
PARAMS: Params = load_params(PARAMS_FILE)


def train_config(**changes: Any) -> TrainConfig:
    """PARAMS.train with `changes`; a `family` the params do not train (finetune, opt-in) joins
    `families`, as `dvc exp run -S train.families=[...]` would add it."""
    family = changes.get("family")
    families = changes.get("families", PARAMS.train.families)
    if family in FAMILIES and family not in families:
        changes["families"] = (*families, family)
    return replace(PARAMS.train, **changes)


def tfidf_config(**changes: Any) -> TfidfConfig:
    return replace(PARAMS.train.tfidf_lr, **changes)


def embed_lr_config(**changes: Any) -> EmbedLRConfig:
    return replace(PARAMS.train.embed_lr, **changes)


def finetune_config(**changes: Any) -> FinetuneConfig:
    return replace(PARAMS.train.finetune, **changes)


def augment_config(**changes: Any) -> AugmentConfig:
    return replace(PARAMS.train.augment, **changes)


def weak_config(**changes: Any) -> WeakConfig:
    return replace(PARAMS.weak, **changes)


def outlets_config(**changes: Any) -> OutletsConfig:
    return replace(PARAMS.outlets, **changes)


def raw_params(changes: dict[str, Any] | None = None) -> dict[str, Any]:
    """configs/params.yaml as plain data with `changes` merged in (mappings merge, values replace)."""
    import yaml

    def merged(base: Any, change: Any) -> Any:
        if isinstance(base, dict) and isinstance(change, dict):
            return {**base, **{k: merged(base.get(k), v) for k, v in change.items()}}
        return change

    return merged(yaml.safe_load(PARAMS_FILE.read_text()), changes or {})


# Bootstrap settings for tests that only need figures, not their precision: few resamples.
FAST_FIGURES: dict[str, Any] = {"samples": 100, "confidence": 0.95, "seed": 13}
