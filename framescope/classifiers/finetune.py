"""`finetune`: MiniLM fine-tuned end to end, with heads for frames, stance and boilerplate.

With `shared_encoder` one encoder feeds all three heads (one model, one training run); without
it each head gets its own encoder. Class imbalance is handled in the losses (positive weights
for the binary heads, balanced class weights for stance), the best epoch on the dev score is
kept (early stopping), and everything is seeded. Training runs on `device` (a CUDA GPU when
`auto` finds one); the models it returns, and every saved model, live on the CPU. On the CPU
the encoder's training passes skip the padding (`unpadded`): the same model, sooner.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from framescope.classifiers import unpadded
from framescope.classifiers.base import LabelSpace, Scores, zero_scores
from framescope.classifiers.encoder import mean_pool, token_batches
from framescope.classifiers.finetune_training import (
    Targets,
    device_of,
    loss_fns,
    resolve_device,
    seed_everything,
    tokenized,
    torch_module,
    train_one,
)
from framescope.config import FinetuneConfig

HEADS = ("frames", "stance", "boilerplate")
TOKENIZER_DIR = "tokenizer"


def build_module(
    encoder: Any, n_frames: int, n_stance: int, heads: tuple[str, ...], dropout: float
) -> Any:
    """A transformer body with linear heads on the mean-pooled sentence vector."""
    nn = torch_module().nn
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
        torch = torch_module()
        n = len(texts)
        out = zero_scores(self.labels, n)
        if not n:
            return Scores(**out)
        with torch.inference_mode():
            for batch, inputs in token_batches(self.tokenizer, texts, self.batch_size):
                for model in self.models:
                    model.eval()
                    device = device_of(model)
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
    torch = torch_module()
    if name == "stance":
        return torch.softmax(logits, dim=-1).float().cpu().numpy()
    probs = torch.sigmoid(logits).float().cpu().numpy()
    return probs[:, 0] if name == "boilerplate" else probs


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
    on_epoch: Any = None,
) -> FinetuneHeads:
    """Fine-tune one model (shared encoder) or one per head, keeping each one's best dev epoch.

    `on_epoch(epoch, metrics)` gets each epoch's loss and dev score; with one model per head,
    the metric names start with the head (`frames.loss`).

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
    train_data = tokenized(tokenizer, texts, targets)
    losses = loss_fns(targets, len(labels.stance_ids), device)
    trained = []
    for group in groups:
        seed_everything(seed, device)
        model = build_module(
            # float32 whatever the checkpoint's dtype: transformers 5 keeps 16-bit weights 16-bit
            AutoModel.from_pretrained(directory, dtype=torch_module().float32),
            len(labels.frame_ids),
            len(labels.stance_ids),
            group,
            cfg.dropout,
        ).to(device)
        # A view with just this model, so the dev score can be read during training.
        probe = FinetuneHeads(labels, (group,), cfg.dropout, tokenizer=tokenizer, models=[model])
        best = train_one(
            model,
            probe,
            train_data,
            losses,
            dev_texts,
            dev_targets,
            cfg,
            seed,
            log,
            _per_group(on_epoch, group, len(groups)),
        )
        model.load_state_dict(best)
        model.to("cpu").eval()
        trained.append(model)
    return FinetuneHeads(labels, groups, cfg.dropout, tokenizer=tokenizer, models=trained)


def _per_group(on_epoch: Any, group: tuple[str, ...], n_groups: int) -> Any:
    if on_epoch is None or n_groups == 1:
        return on_epoch
    prefix = "+".join(group)
    return lambda epoch, metrics: on_epoch(epoch, {f"{prefix}.{k}": v for k, v in metrics.items()})


__all__ = ["FinetuneHeads", "Targets", "build_module", "fit_finetune", "resolve_device"]
