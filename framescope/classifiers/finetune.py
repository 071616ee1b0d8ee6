"""`finetune`: MiniLM fine-tuned end to end, with heads for frames, stance and boilerplate.

With `shared_encoder` one encoder feeds all three heads (one model, one training run); without
it each head gets its own encoder. Class imbalance is handled in the losses (positive weights
for the binary heads, balanced class weights for stance), the best epoch on the dev score is
kept (early stopping), and everything is seeded. Training runs on `device` (a CUDA GPU when
`auto` finds one); the models it returns, and every saved model, live on the CPU. On the CPU
the encoder's training passes skip the padding (`unpadded`): the same model, sooner.
"""

from __future__ import annotations

import copy
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from framescope.classifiers import unpadded
from framescope.classifiers.base import LabelSpace, Scores, zero_scores
from framescope.classifiers.encoder import MAX_LENGTH, length_buckets, mean_pool, token_batches
from framescope.config import FinetuneConfig

HEADS = ("frames", "stance", "boilerplate")
TOKENIZER_DIR = "tokenizer"


def _torch() -> Any:
    import torch

    return torch


def resolve_device(requested: str) -> str:
    """`auto`: the first CUDA GPU when torch sees one, else the CPU; `cuda` needs one."""
    cuda = _torch().cuda.is_available()
    if requested == "auto":
        return "cuda" if cuda else "cpu"
    if requested.startswith("cuda") and not cuda:
        raise ValueError(
            f"train.finetune.device: {requested!r} asked for, but torch sees no CUDA GPU "
            "(use auto or cpu)"
        )
    return requested


def _device_of(model: Any) -> Any:
    return next(model.parameters()).device


def build_module(
    encoder: Any, n_frames: int, n_stance: int, heads: tuple[str, ...], dropout: float
) -> Any:
    """A transformer body with linear heads on the mean-pooled sentence vector."""
    nn = _torch().nn
    sizes = {"frames": n_frames, "stance": n_stance, "boilerplate": 1}

    class MultiHead(nn.Module):  # type: ignore[name-defined]
        def __init__(self) -> None:
            super().__init__()
            self.encoder = encoder
            self.dropout = nn.Dropout(dropout)
            self.heads = nn.ModuleDict(
                {h: nn.Linear(encoder.config.hidden_size, sizes[h]) for h in heads}
            )

        def forward(self, input_ids: Any, attention_mask: Any, **extra: Any) -> dict[str, Any]:
            kwargs = {k: v for k, v in extra.items() if k == "token_type_ids"}
            if self.training and input_ids.device.type == "cpu" and unpadded.supports(self.encoder):
                # the same computation, dropout masks included, without the padding; measured
                # on the CPU only, so a GPU keeps the padded pass (README, Speed)
                hidden = unpadded.unpadded_hidden(
                    self.encoder, input_ids, attention_mask, kwargs.get("token_type_ids")
                )
            else:
                hidden = self.encoder(
                    input_ids=input_ids, attention_mask=attention_mask, **kwargs
                ).last_hidden_state
            pooled = self.dropout(mean_pool(hidden, attention_mask))
            return {name: head(pooled) for name, head in self.heads.items()}

    return MultiHead()


@dataclass
class FinetuneHeads:
    labels: LabelSpace
    groups: tuple[tuple[str, ...], ...]  # which heads each model carries
    dropout: float
    batch_size: int = 64
    tokenizer: Any = None
    models: list[Any] = field(default_factory=list)

    def scores(self, texts: list[str]) -> Scores:
        torch = _torch()
        n = len(texts)
        out = zero_scores(self.labels, n)
        if not n:
            return Scores(**out)
        with torch.inference_mode():
            for batch, inputs in token_batches(self.tokenizer, texts, self.batch_size):
                for model in self.models:
                    model.eval()
                    device = _device_of(model)
                    encoded = {k: torch.from_numpy(v).to(device) for k, v in inputs.items()}
                    for name, logits in model(**encoded).items():
                        out[name][batch] = _probabilities(name, logits)
        return Scores(**out)

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "tokenizer": None, "models": []}

    def save_weights(self, directory: Path) -> None:
        from safetensors.torch import save_file

        self.tokenizer.save_pretrained(str(directory / TOKENIZER_DIR))
        for i, model in enumerate(self.models):
            target = directory / f"model_{i}"
            model.encoder.config.save_pretrained(str(target))
            state = {k: v.contiguous() for k, v in model.state_dict().items()}
            save_file(state, str(target / "weights.safetensors"))
            (target / "heads.json").write_text(json.dumps(list(self.groups[i])))

    def load_weights(self, directory: Path) -> None:
        from safetensors.torch import load_file
        from transformers import AutoConfig, AutoModel, AutoTokenizer

        self.tokenizer = AutoTokenizer.from_pretrained(str(directory / TOKENIZER_DIR))
        self.models = []
        for i, heads in enumerate(self.groups):
            source = directory / f"model_{i}"
            encoder = AutoModel.from_config(AutoConfig.from_pretrained(str(source)))
            model = build_module(
                encoder,
                len(self.labels.frame_ids),
                len(self.labels.stance_ids),
                heads,
                self.dropout,
            )
            model.load_state_dict(load_file(str(source / "weights.safetensors")))
            model.eval()
            self.models.append(model)


def _probabilities(name: str, logits: Any) -> np.ndarray:
    torch = _torch()
    if name == "stance":
        return torch.softmax(logits, dim=-1).float().cpu().numpy()
    probs = torch.sigmoid(logits).float().cpu().numpy()
    return probs[:, 0] if name == "boilerplate" else probs


@dataclass
class Targets:
    """Training targets as arrays; frame and stance losses are masked to content sentences."""

    frames: np.ndarray  # (n, n_frames) 0/1
    stance: np.ndarray  # (n,) class index
    boilerplate: np.ndarray  # (n,) 0/1

    @property
    def content(self) -> np.ndarray:
        return self.boilerplate == 0


def _tokenized(tokenizer: Any, texts: list[str], targets: Targets | None) -> Any:
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


def _collate(tokenizer: Any) -> Any:
    torch = _torch()

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


def _loss_fns(targets: Targets, n_stance: int, device: str = "cpu") -> dict[str, Any]:
    torch = _torch()
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


def fit_finetune(
    labels: LabelSpace,
    texts: list[str],
    targets: Targets,
    dev_texts: list[str],
    dev_targets: Targets,
    cfg: FinetuneConfig,
    base_model: str,
    seed: int,
    log: Any = None,
) -> FinetuneHeads:
    """Fine-tune one model (shared encoder) or one per head, keeping each one's best dev epoch.

    Trained on `cfg.device`; returned on the CPU, where every saved model is loaded.
    """
    from transformers import AutoModel, AutoTokenizer

    from framescope.classifiers.encoder import resolve_base_model

    log = log or (lambda line: print(line, flush=True))
    device = resolve_device(cfg.device)
    if device != "cpu":
        log(f"finetune: training on {device}")

    directory = str(resolve_base_model(base_model))
    tokenizer = AutoTokenizer.from_pretrained(directory)
    groups = (HEADS,) if cfg.shared_encoder else tuple((h,) for h in HEADS)
    train_data = _tokenized(tokenizer, texts, targets)
    losses = _loss_fns(targets, len(labels.stance_ids), device)
    trained = []
    for group in groups:
        _seed_everything(seed, device)
        model = build_module(
            # float32 whatever the checkpoint's dtype: transformers 5 keeps 16-bit weights 16-bit
            AutoModel.from_pretrained(directory, dtype=_torch().float32),
            len(labels.frame_ids),
            len(labels.stance_ids),
            group,
            cfg.dropout,
        ).to(device)
        # A view with just this model, so the dev score can be read during training.
        probe = FinetuneHeads(labels, (group,), cfg.dropout, tokenizer=tokenizer, models=[model])
        best = _train_one(model, probe, train_data, losses, dev_texts, dev_targets, cfg, seed, log)
        model.load_state_dict(best)
        model.to("cpu").eval()
        trained.append(model)
    return FinetuneHeads(labels, groups, cfg.dropout, tokenizer=tokenizer, models=trained)


def _seed_everything(seed: int, device: str = "cpu") -> None:
    import random

    torch = _torch()
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
        torch = _torch()
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


def _train_one(
    model: Any,
    heads: FinetuneHeads,
    train_data: Any,
    losses: dict[str, Any],
    dev_texts: list[str],
    dev_targets: Targets,
    cfg: FinetuneConfig,
    seed: int,
    log: Any,
) -> dict[str, Any]:
    torch = _torch()
    from transformers import get_linear_schedule_with_warmup

    generator = torch.Generator().manual_seed(seed)
    device = _device_of(model)
    rows = train_data.remove_columns(["row"])
    if cfg.group_by_length:
        lengths = [len(ids) for ids in rows["input_ids"]]
        batches = LengthGroupedBatches(lengths, cfg.batch_size, generator)
        loader = torch.utils.data.DataLoader(
            rows, batch_sampler=batches, collate_fn=_collate(heads.tokenizer)
        )
    else:
        loader = torch.utils.data.DataLoader(
            rows,
            batch_size=cfg.batch_size,
            shuffle=True,
            generator=generator,
            collate_fn=_collate(heads.tokenizer),
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
        if score > best_score:
            best_score, best_state, stale = score, copy.deepcopy(model.state_dict()), 0
        else:
            stale += 1
            if stale >= cfg.patience:
                break
    return best_state


__all__ = [
    "FinetuneHeads",
    "LengthGroupedBatches",
    "Targets",
    "build_module",
    "dev_score",
    "fit_finetune",
    "resolve_device",
]
