"""Where a fine-tuning batch spends its time: AdamW's for-loop step against its fused step, and
the encoder run over the padded batch against the padding-free pass training uses.

Runs the `finetune` family's module (MiniLM from `train.base_model`, three heads) on random
batches of the demo train sentences (`data/stages/labelled.parquet`; run `dvc repro split`
first), the same seeded batches and dropout masks for each variant, and prints milliseconds
per batch for the forward pass, the backward pass and clipping plus the optimizer step, two
ratios (fused against for-loop, both padded; padding-free against padded, both fused), and how
far apart the models' weights are after the same steps. Usage:

    python benchmarks/optimizer_bench.py [--steps 40] [--rounds 2]
"""

from __future__ import annotations

import argparse
import statistics
import time
from contextlib import nullcontext
from pathlib import Path
from typing import Any
from unittest import mock

import pandas as pd
import torch
from transformers import AutoModel, AutoTokenizer

from framescope import schema
from framescope.classifiers import unpadded
from framescope.classifiers.base import LabelSpace
from framescope.classifiers.encoder import MAX_LENGTH, resolve_base_model
from framescope.classifiers.finetune import HEADS, build_module
from framescope.config import load_params
from framescope.labels.codebook import load_codebook

ROOT = Path(__file__).resolve().parents[1]
# name: (AdamW options, padding-free encoder pass)
VARIANTS = {
    "for-loop": ({}, False),
    "fused": ({"fused": True}, False),
    "unpadded": ({"fused": True}, True),
}


def _batches(texts: list[str], tokenizer: Any, steps: int, size: int, seed: int) -> list:
    generator = torch.Generator().manual_seed(seed)
    order = torch.randperm(len(texts), generator=generator).tolist()
    picks = [order[i * size : (i + 1) * size] for i in range(steps)]
    return [
        tokenizer(
            [texts[i] for i in rows],
            truncation=True,
            max_length=MAX_LENGTH,
            padding=True,
            return_tensors="pt",
        )
        for rows in picks
    ]


def _run(
    variant: tuple[dict, bool],
    batches: list,
    directory: str,
    cfg: Any,
    sizes: tuple[int, int],
    seed: int,
) -> tuple:
    options, padding_free = variant
    # training uses the padding-free pass wherever it applies; the padded variants turn it off
    padded = mock.patch.object(unpadded, "supports", lambda encoder: False)
    with nullcontext() if padding_free else padded:
        return _steps(options, batches, directory, cfg, sizes, seed)


def _steps(
    options: dict, batches: list, directory: str, cfg: Any, sizes: tuple[int, int], seed: int
) -> tuple:
    torch.manual_seed(seed)
    encoder = AutoModel.from_pretrained(directory)
    model = build_module(encoder, sizes[0], sizes[1], HEADS, cfg.dropout)
    model.train()
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=cfg.learning_rate, weight_decay=cfg.weight_decay, **options
    )
    timings: dict[str, list[float]] = {"forward": [], "backward": [], "clip + step": []}
    for batch in batches:
        start = time.perf_counter()
        outputs = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])
        loss = sum(logits.square().mean() for logits in outputs.values())
        forward = time.perf_counter()
        loss.backward()
        backward = time.perf_counter()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad()
        done = time.perf_counter()
        timings["forward"].append(forward - start)
        timings["backward"].append(backward - forward)
        timings["clip + step"].append(done - backward)
    weights = torch.cat([p.detach().flatten() for p in model.parameters()])
    return timings, weights


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=40, help="timed batches per run")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each optimizer, alternated")
    args = parser.parse_args()
    params = load_params(str(ROOT / "configs/params.yaml"))
    cfg = params.train.finetune
    table = pd.read_parquet(ROOT / "data/stages/labelled.parquet")
    texts = table.loc[table[schema.SPLIT] == "train", schema.TEXT].tolist()
    directory = str(resolve_base_model(params.train.base_model))
    tokenizer = AutoTokenizer.from_pretrained(directory)
    labels = LabelSpace.from_codebook(load_codebook(params.codebook))
    sizes = (len(labels.frame_ids), len(labels.stance_ids))
    warm = 3
    batches = _batches(texts, tokenizer, args.steps + warm, cfg.batch_size, params.seed)
    padding = 1 - sum(int(b["attention_mask"].sum()) for b in batches) / sum(
        b["attention_mask"].numel() for b in batches
    )
    print(
        f"{len(texts)} demo train sentences, batches of {cfg.batch_size} "
        f"({padding:.0%} of token positions padding), "
        f"{args.steps} timed after {warm} warm-up, {torch.get_num_threads()} threads"
    )
    per_batch: dict[str, dict[str, list[float]]] = {name: {} for name in VARIANTS}
    weights = {}
    for _ in range(args.rounds):
        for name, variant in VARIANTS.items():
            timings, weights[name] = _run(variant, batches, directory, cfg, sizes, params.seed)
            for phase, values in timings.items():
                per_batch[name].setdefault(phase, []).extend(values[warm:])
    print(f"{'variant':<10} {'forward':>9} {'backward':>9} {'clip+step':>10} {'batch':>8}")
    totals = {}
    for name, phases in per_batch.items():
        ms = {phase: 1000 * statistics.median(values) for phase, values in phases.items()}
        totals[name] = sum(ms.values())
        print(
            f"{name:<10} {ms['forward']:>7.0f}ms {ms['backward']:>7.0f}ms "
            f"{ms['clip + step']:>8.0f}ms {totals[name]:>6.0f}ms"
        )
    steps = args.steps + warm
    for name, baseline in (("fused", "for-loop"), ("unpadded", "fused")):
        gap = (weights[name] - weights[baseline]).abs().max().item()
        print(
            f"{name} / {baseline}, whole batch: {totals[name] / totals[baseline]:.2f}; "
            f"largest weight difference after {steps} steps: {gap:.1e}"
        )


if __name__ == "__main__":
    main()
