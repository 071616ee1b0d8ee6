"""Training a model family into a Bundle: fit on train; calibrate and tune thresholds on dev."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from framescope import schema
from framescope.classifiers.base import Heads, LabelSpace, tune_thresholds
from framescope.classifiers.bundle import Bundle
from framescope.classifiers.calibrate import fit_calibration
from framescope.classifiers.masking import NameMask, NumberMask
from framescope.config import TrainConfig
from framescope.labels.dataset import label_arrays
from framescope.training.augment import augment

# on_epoch(epoch, metrics): called after each training epoch (the fine-tune's loss, dev score).
OnEpoch = Callable[[int, Mapping[str, float]], None]


def fit_heads(
    family: str,
    train_set: pd.DataFrame,
    dev_set: pd.DataFrame,
    labels: LabelSpace,
    config: TrainConfig,
    seed: int,
    log: Callable[[str], None] | None = None,
    on_epoch: OnEpoch | None = None,
) -> Heads:
    """The family's raw heads, before calibration and thresholds.

    A `weight` column (silver rows, see framescope.weak) becomes sample weights for the LR
    families; finetune gets the rows resampled by weight instead (`resample_by_weight`).
    `on_epoch(epoch, {"loss", "dev_score"})` follows the fine-tune epoch by epoch; the
    other families have no epochs.
    """
    weight = _sample_weight(train_set)
    if family == "finetune" and weight is not None:
        train_set, weight = resample_by_weight(train_set, seed), None
    texts = train_set[schema.TEXT].tolist()
    frames, stance, boilerplate = label_arrays(train_set, labels)
    if family == "tfidf_lr":
        from framescope.classifiers.tfidf import fit_tfidf

        return fit_tfidf(labels, texts, frames, stance, boilerplate, config.tfidf_lr, seed, weight)
    if family == "embed_lr":
        from framescope.classifiers.embed_lr import fit_embed_lr

        return fit_embed_lr(
            labels,
            texts,
            frames,
            stance,
            boilerplate,
            config.embed_lr,
            config.embed_lr.encoder,
            seed,
            weight,
        )
    if family == "finetune":
        from framescope.classifiers.finetune import Targets, fit_finetune

        dev_frames, dev_stance, dev_boilerplate = label_arrays(dev_set, labels)
        return fit_finetune(
            labels,
            texts,
            Targets(frames, _stance_index(stance, labels), boilerplate),
            dev_set[schema.TEXT].tolist(),
            Targets(dev_frames, _stance_index(dev_stance, labels), dev_boilerplate),
            config.finetune,
            config.base_model,
            seed,
            log,
            on_epoch,
        )
    raise ValueError(f"train.family: unknown family {family!r}")  # config validation stops this


def _sample_weight(table: pd.DataFrame) -> np.ndarray | None:
    if schema.WEIGHT not in table or (table[schema.WEIGHT] == 1).all():
        return None
    return table[schema.WEIGHT].to_numpy(dtype=float)


def resample_by_weight(table: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Each row floor(w) times plus once more with probability frac(w) (seeded): weights for a
    trainer without sample weights. Gold rows (w = 1) stay exactly once."""
    weight = table[schema.WEIGHT].to_numpy(dtype=float)
    extra = np.random.default_rng(seed).random(len(table)) < weight - np.floor(weight)
    copies = np.floor(weight).astype(int) + extra
    return table.loc[table.index.repeat(copies)].reset_index(drop=True)


def _stance_index(stance: list[str], labels: LabelSpace) -> np.ndarray:
    return np.array([labels.stance_ids.index(s) for s in stance], dtype=np.int64)


def train(
    family: str,
    train_set: pd.DataFrame,
    dev_set: pd.DataFrame,
    labels: LabelSpace,
    config: TrainConfig,
    seed: int,
    log: Callable[[str], None] | None = None,
    on_epoch: OnEpoch | None = None,
) -> Bundle:
    """Fit the family on train; calibrate probabilities and tune per-frame thresholds on dev.

    The training outlets' own names are masked out of every text (see `masking`); then train,
    and only train, grows by counterfactual copies for the families in `augment.families` (see
    `augment`), after name masking so that the copies' invented source names survive. For the
    families in `mask_numbers`, counts are masked last, in the copies too.
    """
    outlets = pd.concat([train_set, dev_set]).get(schema.OUTLET, pd.Series(dtype=str))
    mask = NameMask.from_outlets(outlets.dropna().unique())
    train_set, dev_set = _masked(train_set, mask), _masked(dev_set, mask)
    if family in config.augment.families:
        train_set = augment(train_set, config.augment, seed)
    numbers = NumberMask() if family in config.mask_numbers else None
    if numbers is not None:
        train_set, dev_set = _masked(train_set, numbers), _masked(dev_set, numbers)
    # Passed on only when set: a stand-in fit_heads (tests) may not take it.
    extra = {"on_epoch": on_epoch} if on_epoch is not None else {}
    heads = fit_heads(family, train_set, dev_set, labels, config, seed, log, **extra)
    return finish(family, heads, dev_set, labels, config.threshold_grid_step, mask, numbers)


def finish(
    family: str,
    heads: Heads,
    dev_set: pd.DataFrame,
    labels: LabelSpace,
    step: float,
    mask: NameMask | None,
    number_mask: NumberMask | None = None,
) -> Bundle:
    """Calibrate the heads' probabilities and tune thresholds on dev (texts already masked)."""
    raw = heads.scores(dev_set[schema.TEXT].tolist())
    dev_frames, dev_stance, dev_boilerplate = label_arrays(dev_set, labels)
    calibration = fit_calibration(
        raw, dev_frames, _stance_index(dev_stance, labels), dev_boilerplate
    )
    dev_scores = calibration.apply(raw)
    content = dev_boilerplate == 0
    return Bundle(
        family=family,
        heads=heads,
        frame_thresholds=tune_thresholds(dev_scores.frames[content], dev_frames[content], step),
        boilerplate_threshold=float(
            tune_thresholds(dev_scores.boilerplate[:, None], dev_boilerplate[:, None], step)[0]
        ),
        calibration=calibration,
        name_mask=mask,
        number_mask=number_mask,
    )


def _masked(table: pd.DataFrame, mask: Callable[[str], str]) -> pd.DataFrame:
    return table.assign(**{schema.TEXT: [mask(t) for t in table[schema.TEXT]]})


def example_texts(table: pd.DataFrame, n: int = 3) -> list[str]:
    """A few real inputs for the MLflow input example."""
    return table[schema.TEXT].head(n).tolist() or ["Example sentence."]


__all__ = ["example_texts", "finish", "fit_heads", "resample_by_weight", "train"]
