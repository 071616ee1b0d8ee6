"""The padding-free training forward computes what Hugging Face's BertModel computes.

Dropout is on (and raised, so that a wrong mask changes the numbers): the unpadded pass must
draw the same masks from the same seed, or a seeded fine-tune would train another model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from framescope.classifiers import unpadded  # noqa: E402
from framescope.classifiers.encoder import mean_pool  # noqa: E402
from framescope.classifiers.finetune import build_module  # noqa: E402

SENTENCES = [
    "kyiv holds kursk as a chip in talks",
    "losses",
    "russia and ukraine in talks on the exchange of the held territory, with losses on both sides",
    "the",
    "ukraine to hold kursk",
]


def _encoder(directory: Path, implementation: str) -> Any:
    return transformers.BertModel.from_pretrained(
        str(directory),
        attn_implementation=implementation,
        hidden_dropout_prob=0.3,
        attention_probs_dropout_prob=0.2,
    )


def _batch(directory: Path) -> dict[str, Any]:
    tokenizer = transformers.AutoTokenizer.from_pretrained(str(directory))
    return dict(tokenizer(SENTENCES, padding=True, return_tensors="pt"))


def _hugging_face(encoder: Any, batch: dict[str, Any]) -> Any:
    return encoder(**batch).last_hidden_state


def _unpadded(encoder: Any, batch: dict[str, Any]) -> Any:
    return unpadded.unpadded_hidden(
        encoder, batch["input_ids"], batch["attention_mask"], batch.get("token_type_ids")
    )


def _seeded(forward: Any, encoder: Any, batch: dict[str, Any], seed: int) -> Any:
    torch.manual_seed(seed)
    return forward(encoder, batch)


@pytest.mark.parametrize("implementation", ["sdpa", "eager"])
def test_same_hidden_states_and_dropout_masks_as_hugging_face(
    tiny_base_model: Path, implementation: str
) -> None:
    encoder = _encoder(tiny_base_model, implementation).train()
    batch = _batch(tiny_base_model)
    real = batch["attention_mask"].bool()
    assert (~real).any(), "the batch must have padding for this test to mean anything"

    expected = _seeded(_hugging_face, encoder, batch, 7)
    got = _seeded(_unpadded, encoder, batch, 7)

    assert got.shape == expected.shape
    torch.testing.assert_close(got[real], expected[real], rtol=1e-5, atol=1e-6)
    assert torch.count_nonzero(got[~real]) == 0
    # dropout matters here: another seed gives other numbers, so equal masks were needed above
    other = _seeded(_hugging_face, encoder, batch, 8)
    assert not torch.allclose(other[real], expected[real], atol=1e-3)


def test_same_gradients_as_hugging_face(tiny_base_model: Path) -> None:
    encoder = _encoder(tiny_base_model, "sdpa").train()
    batch = _batch(tiny_base_model)
    gradients = []
    for forward in (_hugging_face, _unpadded):
        encoder.zero_grad()
        hidden = _seeded(forward, encoder, batch, 3)
        mean_pool(hidden, batch["attention_mask"]).pow(2).sum().backward()
        gradients.append(
            {n: p.grad.clone() for n, p in encoder.named_parameters() if p.grad is not None}
        )
    expected, got = gradients
    assert expected.keys() == got.keys()
    assert "embeddings.word_embeddings.weight" in got
    for name in expected:
        torch.testing.assert_close(got[name], expected[name], rtol=1e-4, atol=1e-6, msg=name)


def test_eval_mode_matches_without_dropout(tiny_base_model: Path) -> None:
    encoder = _encoder(tiny_base_model, "sdpa").eval()
    batch = _batch(tiny_base_model)
    real = batch["attention_mask"].bool()
    with torch.no_grad():
        torch.testing.assert_close(
            _unpadded(encoder, batch)[real], _hugging_face(encoder, batch)[real]
        )


def test_a_batch_without_padding(tiny_base_model: Path) -> None:
    encoder = _encoder(tiny_base_model, "sdpa").train()
    tokenizer = transformers.AutoTokenizer.from_pretrained(str(tiny_base_model))
    batch = dict(tokenizer(["kyiv in talks", "russia in talks"], return_tensors="pt"))
    assert bool(batch["attention_mask"].all())
    torch.testing.assert_close(
        _seeded(_unpadded, encoder, batch, 1), _seeded(_hugging_face, encoder, batch, 1)
    )


def test_supports_only_plain_bert_encoders(tiny_base_model: Path) -> None:
    assert unpadded.supports(_encoder(tiny_base_model, "sdpa"))
    config = transformers.BertConfig(
        vocab_size=50, hidden_size=8, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=16,
    )  # fmt: skip
    assert unpadded.supports(transformers.BertModel(config))
    for change in (
        {"is_decoder": True},
        {"position_embedding_type": "relative_key"},
        {"chunk_size_feed_forward": 4},
    ):
        changed = transformers.BertConfig(**{**config.to_dict(), **change})
        assert not unpadded.supports(transformers.BertModel(changed)), change
    assert not unpadded.supports(torch.nn.Linear(2, 2))


def test_the_fine_tune_module_trains_unpadded_and_predicts_padded(
    tiny_base_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = build_module(_encoder(tiny_base_model, "sdpa"), 3, 3, ("frames", "stance"), 0.1)
    batch = _batch(tiny_base_model)
    calls = []
    original = unpadded.unpadded_hidden

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(unpadded, "unpadded_hidden", spy)
    module.train()
    trained = module(**batch)
    assert len(calls) == 1
    assert trained["frames"].shape == (len(SENTENCES), 3)
    module.eval()
    with torch.no_grad():
        module(**batch)
    assert len(calls) == 1
