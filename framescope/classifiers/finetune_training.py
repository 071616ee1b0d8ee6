"""The fine-tune's training loop: targets, batches, losses, the dev score, seeding, epochs with
early stopping. `framescope.classifiers.finetune` builds the model and calls `train_one`.
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from framescope.classifiers.base import Scores
from framescope.classifiers.encoder import MAX_LENGTH, length_buckets
from framescope.config import FinetuneConfig


class ProbeHeads(Protocol):
    """What a training run needs of the heads it trains (a `FinetuneHeads` of one group)."""

    tokenizer: Any
    groups: tuple[tuple[str, ...], ...]

    def scores(self, texts: list[str]) -> Scores: ...


def torch_module() -> Any:
    import torch

    return torch


def resolve_device(requested: str) -> str:
    """`auto`: the first CUDA GPU when torch sees one, else the CPU; `cuda` needs one."""
    cuda = torch_module().cuda.is_available()
    if requested == "auto":
        return "cuda" if cuda else "cpu"
    if requested.startswith("cuda") and not cuda:
        raise ValueError(
            f"train.finetune.device: {requested!r} asked for, but torch sees no CUDA GPU "
            "(use auto or cpu)"
        )
    return requested


def device_of(model: Any) -> Any:
    return next(model.parameters()).device


@dataclass
class Targets:
    """Training targets as arrays; frame and stance losses are masked to content sentences."""

    frames: np.ndarray  # (n, n_frames) 0/1
    stance: np.ndarray  # (n,) class index
    boilerplate: np.ndarray  # (n,) 0/1

    @property
    def content(self) -> np.ndarray:
        return self.boilerplate == 0


def tokenized(tokenizer: Any, texts: list[str], targets: Targets | None) -> Any:
    """A `datasets.Dataset` of token ids and targets, ready for a torch DataLoader."""
    from datasets import Dataset

    columns: dict[str, Any] = {"text": texts, "row": list(range(len(texts)))}
    if targets is not None:
        columns |= {
            "frames": targets.frames.astype(np.float32).tolist(),
            "stance": targets.stance.astype(np.int64).tolist(),
            "boilerplate": targets.boilerplate.astype(np.float32).tolist(),
            "content": targets.content.astype(np.float32).tolist(),
        }
    dataset = Dataset.from_dict(columns)
    dataset = dataset.map(
        lambda b: tokenizer(b["text"], truncation=True, max_length=MAX_LENGTH),
        batched=True,
        remove_columns=["text"],
    )
    return dataset


def collate(tokenizer: Any) -> Any:
    torch = torch_module()

    def collate(rows: list[dict[str, Any]]) -> dict[str, Any]:
        model_keys = [k for k in rows[0] if k in ("input_ids", "attention_mask", "token_type_ids")]
        batch = dict(
            tokenizer.pad([{k: r[k] for k in model_keys} for r in rows], return_tensors="pt")
        )
        for key in ("frames", "boilerplate", "content"):
            if key in rows[0]:
                batch[key] = torch.tensor([r[key] for r in rows], dtype=torch.float32)
        if "stance" in rows[0]:
            batch["stance"] = torch.tensor([r["stance"] for r in rows], dtype=torch.long)
        return batch

    return collate


def loss_fns(targets: Targets, n_stance: int, device: str = "cpu") -> dict[str, Any]:
    torch = torch_module()
    content = targets.content
    positives = targets.frames[content].sum(axis=0)
    frame_pos_weight = (content.sum() - positives) / np.maximum(positives, 1)
    counts = np.bincount(targets.stance[content], minlength=n_stance).astype(float)
    stance_weight = counts.sum() / np.maximum(counts, 1) / n_stance
    b_pos = targets.boilerplate.sum()
    b_weight = (len(targets.boilerplate) - b_pos) / max(b_pos, 1)
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    ce = torch.nn.functional.cross_entropy
    fpw = torch.tensor(frame_pos_weight, dtype=torch.float32, device=device)
    sw = torch.tensor(stance_weight, dtype=torch.float32, device=device)
    bpw = torch.tensor([b_weight], dtype=torch.float32, device=device)

    def frames_loss(logits: Any, batch: dict[str, Any]) -> Any:
        mask = batch["content"]
        per = bce(logits, batch["frames"], pos_weight=fpw, reduction="none").mean(dim=1)
        return (per * mask).sum() / mask.sum().clamp(min=1)

    def stance_loss(logits: Any, batch: dict[str, Any]) -> Any:
        mask = batch["content"]
        per = ce(logits, batch["stance"], weight=sw, reduction="none")
        return (per * mask).sum() / mask.sum().clamp(min=1)

    def boilerplate_loss(logits: Any, batch: dict[str, Any]) -> Any:
        return bce(logits[:, 0], batch["boilerplate"], pos_weight=bpw)

    return {"frames": frames_loss, "stance": stance_loss, "boilerplate": boilerplate_loss}


def dev_score(scores: Scores, targets: Targets, heads: tuple[str, ...]) -> float:
    """Mean F1 over the heads a model carries (frames and stance: macro, on content)."""
    from sklearn.metrics import f1_score

    content = targets.content
    parts = []
    if "frames" in heads and targets.frames.shape[1]:
        predicted = scores.frames[content] >= 0.5
        parts.append(f1_score(targets.frames[content], predicted, average="macro", zero_division=0))
    if "stance" in heads:
        parts.append(
            f1_score(
                targets.stance[content],
                scores.stance[content].argmax(axis=1),
                average="macro",
                zero_division=0,
            )
        )
    if "boilerplate" in heads:
        parts.append(f1_score(targets.boilerplate, scores.boilerplate >= 0.5, zero_division=0))
    return float(np.mean(parts)) if parts else 0.0


def seed_everything(seed: int, device: str = "cpu") -> None:
    import random

    torch = torch_module()
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # every device's generator, CUDA's too
    if device.startswith("cuda"):
        # cuBLAS is deterministic only with a fixed workspace, set before its first call.
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    # Two runs from clean must give identical metrics (issue 9); on CPU this costs nothing.
    torch.use_deterministic_algorithms(True, warn_only=True)


class LengthGroupedBatches:
    """Batches of row indices of similar length, new ones each epoch (a torch batch sampler).

    The scheme of Hugging Face's `group_by_length`: shuffle the rows, cut them into groups of
    `group` batches, sort each group by length, cut it into batches, and shuffle the batches.
    Random batches of our sentences are about half padding; these waste far less of each step.
    """

    def __init__(self, lengths: list[int], batch_size: int, generator: Any, group: int = 50):
        self.lengths = lengths
        self.batch_size = batch_size
        self.generator = generator
        self.group = group

    def __len__(self) -> int:
        return -(-len(self.lengths) // self.batch_size)

    def __iter__(self) -> Any:
        torch = torch_module()
        order = torch.randperm(len(self.lengths), generator=self.generator).tolist()
        size = self.group * self.batch_size
        batches = []
        for start in range(0, len(order), size):
            chunk = order[start : start + size]
            # longest first, as Hugging Face does; the sort is stable, ties keep shuffled order
            negated = [-self.lengths[i] for i in chunk]
            batches += [[chunk[j] for j in b] for b in length_buckets(negated, self.batch_size)]
        shuffled = torch.randperm(len(batches), generator=self.generator).tolist()
        return iter([batches[i] for i in shuffled])


def train_one(
    model: Any,
    heads: ProbeHeads,
    train_data: Any,
    losses: dict[str, Any],
    dev_texts: list[str],
    dev_targets: Targets,
    cfg: FinetuneConfig,
    seed: int,
    log: Any,
    on_epoch: Any = None,
) -> dict[str, Any]:
    """Train `model`, returning its state at the best dev epoch. `on_epoch(epoch, {"loss",
    "dev_score"})`, when given, is called after every epoch (MLflow step metrics)."""
    torch = torch_module()
    from transformers import get_linear_schedule_with_warmup

    generator = torch.Generator().manual_seed(seed)
    device = device_of(model)
    rows = train_data.remove_columns(["row"])
    if cfg.group_by_length:
        lengths = [len(ids) for ids in rows["input_ids"]]
        batches = LengthGroupedBatches(lengths, cfg.batch_size, generator)
        loader = torch.utils.data.DataLoader(
            rows, batch_sampler=batches, collate_fn=collate(heads.tokenizer)
        )
    else:
        loader = torch.utils.data.DataLoader(
            rows,
            batch_size=cfg.batch_size,
            shuffle=True,
            generator=generator,
            collate_fn=collate(heads.tokenizer),
        )
    # fused: one kernel for all parameters instead of a loop over them, the same update up to
    # float rounding; benchmarks/optimizer_bench.py measures both (README, Speed).
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=cfg.learning_rate, weight_decay=cfg.weight_decay, fused=True
    )
    total = cfg.epochs * len(loader)
    scheduler = get_linear_schedule_with_warmup(optimizer, int(cfg.warmup_ratio * total), total)
    group = heads.groups[0]
    best_score, best_state, stale = -1.0, copy.deepcopy(model.state_dict()), 0
    for epoch in range(1, cfg.epochs + 1):
        model.train()
        running = 0.0
        for batch in loader:
            batch = {k: v.to(device) for k, v in batch.items()}
            inputs = {
                k: batch[k] for k in ("input_ids", "attention_mask", "token_type_ids") if k in batch
            }
            outputs = model(**inputs)
            loss = sum(losses[name](logits, batch) for name, logits in outputs.items())
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            running += float(loss.detach())
        score = dev_score(heads.scores(dev_texts), dev_targets, group)
        log(
            f"finetune {'+'.join(group)} epoch {epoch}: "
            f"loss {running / len(loader):.4f}, dev {score:.4f}"
        )
        if on_epoch is not None:
            on_epoch(epoch, {"loss": running / len(loader), "dev_score": score})
        if score > best_score:
            best_score, best_state, stale = score, copy.deepcopy(model.state_dict()), 0
        else:
            stale += 1
            if stale >= cfg.patience:
                break
    return best_state


__all__ = [
    "LengthGroupedBatches",
    "Targets",
    "dev_score",
    "device_of",
    "loss_fns",
    "resolve_device",
    "seed_everything",
    "tokenized",
    "torch_module",
    "train_one",
]
