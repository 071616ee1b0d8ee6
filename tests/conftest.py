"""Shared fixtures: the repository root and the real codebook."""

from __future__ import annotations

from pathlib import Path

import pytest
from synthetic import synthetic_scored_table as _synthetic_scored

from framescope.labels.codebook import Codebook, load_codebook

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def codebook() -> Codebook:
    return load_codebook(REPO / "labels" / "codebook.yaml")


# Word pieces for the tiny test tokenizer: enough to spell any lower-case English sentence.
_TINY_VOCAB = (
    ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    + list("abcdefghijklmnopqrstuvwxyz0123456789.,;:!?'\"-()")
    + [f"##{c}" for c in "abcdefghijklmnopqrstuvwxyz0123456789"]
    + [
        "the",
        "a",
        "of",
        "to",
        "in",
        "and",
        "for",
        "on",
        "as",
        "with",
        "kyiv",
        "kursk",
        "russia",
        "ukraine",
        "talks",
        "chip",
        "losses",
    ]
)


def build_tiny_base_model(directory: Path) -> Path:
    """A randomly initialised two-layer BERT with a tiny word-piece vocabulary, saved like a
    Hugging Face checkpoint: what the transformer families load in place of MiniLM in tests."""
    import torch
    from transformers import BertConfig, BertModel, BertTokenizer

    directory.mkdir(parents=True, exist_ok=True)
    tokenizer = BertTokenizer(vocab={t: i for i, t in enumerate(_TINY_VOCAB)}, do_lower_case=True)
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=len(_TINY_VOCAB),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=160,
    )
    BertModel(config).save_pretrained(str(directory))
    tokenizer.save_pretrained(str(directory))
    return directory


@pytest.fixture(scope="session")
def tiny_base_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_base_model(tmp_path_factory.mktemp("tiny_bert"))


@pytest.fixture
def synthetic_scored():
    """(sentences, articles, labels) of three outlets: Herald, Ledger and the tiny Tiny."""
    return _synthetic_scored()


@pytest.fixture
def synthetic_scored_dir(tmp_path: Path) -> Path:
    """The synthetic corpus written as a `framescope score` output folder."""
    import json

    sentences, articles, labels = _synthetic_scored()
    folder = tmp_path / "scored"
    folder.mkdir()
    sentences.to_parquet(folder / "sentences.parquet", index=False)
    articles.to_parquet(folder / "articles.parquet", index=False)
    (folder / "labels.json").write_text(json.dumps(labels.as_dict()))
    (folder / "run.json").write_text(
        json.dumps({"model_uri": "models:/framescope/7", "model_version": "7"})
    )
    return folder


@pytest.fixture(scope="session")
def tiny_bert(tiny_base_model: Path) -> Path:
    """The same tiny BERT under the name the annotation tests use."""
    return tiny_base_model
