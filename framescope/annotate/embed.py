"""Sentence embeddings for the diversity strategy: the same MiniLM encoder the models use."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from framescope.classifiers.encoder import DEFAULT_BASE_MODEL, BaseModelError, Encoder

DEFAULT_MODEL = DEFAULT_BASE_MODEL


class EmbedError(ValueError):
    """The embedding model cannot be found or loaded; the message names it."""


def load_embedder(name_or_path: str = DEFAULT_MODEL) -> Callable[[list[str]], np.ndarray]:
    """An `embed(texts) -> (n, dim)` callable: mean-pooled, L2-normalised, float32."""
    try:
        return Encoder.load(name_or_path).embed
    except BaseModelError:
        raise EmbedError(
            f"embedding model {name_or_path}: not a model directory or installed model package"
        ) from None
    except OSError as err:
        raise EmbedError(f"embedding model {name_or_path}: cannot be loaded ({err})") from None
