"""Shared fixtures: the repository root and the real codebook."""

from __future__ import annotations

from pathlib import Path

import pytest

from framescope.codebook import Codebook, load_codebook

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


# A small scored corpus built in code (no model, no ../shared): what `framescope score` writes.
XSS_SENTENCE = "Officials called it a bargaining chip <script>alert(1)</script> for talks."


def _synthetic_scored(seed: int = 0):
    import numpy as np
    import pandas as pd

    from framescope import schema
    from framescope.classifiers.base import LabelSpace

    labels = LabelSpace(
        ("bargaining_chip", "costly_risk", "propaganda_failure"),
        ("favorable", "neutral", "unfavorable"),
        "neutral",
        (1, 0, -1),
    )
    rng = np.random.default_rng(seed)
    # outlet -> (articles, P(bargaining_chip), P(favorable)); Tiny has too little evidence.
    plan = {"Herald": (10, 0.6, 0.6), "Ledger": (10, 0.1, 0.2), "Tiny": (1, 0.5, 0.5)}
    articles, sentences = [], []
    for outlet, (n_articles, p_chip, p_fav) in plan.items():
        for a in range(n_articles):
            article_id = f"{outlet.lower()}-{a}"
            articles.append(
                {
                    schema.ARTICLE_ID: article_id,
                    schema.OUTLET: outlet,
                    schema.TITLE: f"{outlet} story {a} <b>bold</b>",
                    schema.DATE: f"2024-{8 + a % 3:02d}-{1 + a:02d}",
                    schema.URL: f"https://{outlet.lower()}.example/{a}",
                    schema.TEXT: "",
                    schema.SOURCE: "synthetic",
                    schema.CONTENT_HASH: article_id,
                }
            )
            for i in range(12):
                chip = float(np.clip(rng.normal(p_chip, 0.2), 0, 0.98))
                scores = {"bargaining_chip": chip, "costly_risk": rng.random() * 0.6}
                scores["propaganda_failure"] = rng.random() * 0.4
                text = f"{outlet} sentence {i} of article {a}."
                if outlet == "Herald" and a == 0 and i == 0:
                    text, scores["bargaining_chip"] = XSS_SENTENCE, 0.99
                stance = "favorable" if rng.random() < p_fav else "unfavorable"
                row = {
                    schema.SENTENCE_ID: f"{article_id}-{i}",
                    schema.ARTICLE_ID: article_id,
                    schema.OUTLET: outlet,
                    schema.POSITION: i,
                    schema.TEXT: text,
                    schema.FRAMES: [f for f, s in scores.items() if s >= 0.5],
                    schema.STANCE: stance,
                    schema.BOILERPLATE: i == 11,
                    schema.BOILERPLATE_SCORE: 0.9 if i == 11 else 0.1,
                }
                row.update({f"frame_score.{f}": s for f, s in scores.items()})
                sentences.append(row)
    # A hostile url must not become a link.
    articles[1][schema.URL] = "javascript:alert(2)"
    return pd.DataFrame(sentences), pd.DataFrame(articles), labels


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
