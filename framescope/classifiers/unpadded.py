"""A BERT encoder forward pass that skips the padding, for training.

Random training batches of news sentences are about half padding (47% of token positions on
the demo corpus), and in a BERT encoder as small as MiniLM nearly all the compute is in the
per-token linear layers (query, key, value, attention output, feed-forward): 12·H² multiply-adds
per token against 2·L·H for attention itself. `unpadded_hidden` runs those layers on the real
tokens only, packed into one (tokens, hidden) matrix, and lays them out padded again just for
attention, which needs the (batch, length) grid. Rows are moved with `index_select` and
`index_copy`, whose gradients PyTorch documents as deterministic on CUDA too; but the
fine-tune uses this pass on the CPU only, where it was measured (docs/performance.md).

It computes what Hugging Face's `BertModel.forward` computes, for the real tokens (the padded
positions come back as zeros; mean pooling ignores them either way), up to float rounding, and
it draws the same dropout masks: every dropout mask is drawn over the padded shape, in the same
order as Hugging Face's modules draw theirs, and the real tokens' part of it is used. So a
seeded fine-tune trains the same model as with `BertModel.forward`, only faster; a unit test
compares the two, dropout on, outputs and gradients. It reuses the encoder's own modules and
weights, and Hugging Face's attention function and mask for the configured implementation.

Only plain BERT encoders are supported (MiniLM is one): absolute positions, no decoder or cross
attention, no chunked feed-forward; `supports` says whether a model is one.
"""

from __future__ import annotations

from typing import Any


def supports(encoder: Any) -> bool:
    """Whether `unpadded_hidden` computes what `encoder.forward` does for this model."""
    config = getattr(encoder, "config", None)
    return (
        config is not None
        and getattr(config, "model_type", None) == "bert"
        and not config.is_decoder
        and not getattr(config, "add_cross_attention", False)
        and getattr(config, "position_embedding_type", "absolute") == "absolute"
        and not getattr(config, "chunk_size_feed_forward", 0)
        and hasattr(encoder, "embeddings")
        and hasattr(encoder, "encoder")
    )


def _dropout(module: Any, packed: Any, padded_shape: tuple[int, ...], keep: Any) -> Any:
    """`module`'s dropout of the packed rows, with the mask it would draw for the padded shape.

    The mask comes from the same dropout call on a tensor of ones of the padded shape, so the
    generator advances exactly as it would and each real token gets its own mask row; ones
    times the scaled mask is the scaled mask, bit for bit.
    """
    import torch

    if not module.training or module.p == 0.0:
        return packed
    ones = torch.ones(padded_shape, dtype=packed.dtype, device=packed.device)
    noise = torch.nn.functional.dropout(ones, module.p, True)
    return packed * noise.reshape(-1, padded_shape[-1]).index_select(0, keep)


def unpadded_hidden(
    encoder: Any, input_ids: Any, attention_mask: Any, token_type_ids: Any = None
) -> Any:
    """`encoder(...).last_hidden_state`, the linear layers run on real tokens only.

    Returns (batch, length, hidden) with zeros at padded positions.
    """
    from transformers.masking_utils import create_bidirectional_mask
    from transformers.modeling_utils import ALL_ATTENTION_FUNCTIONS
    from transformers.models.bert.modeling_bert import eager_attention_forward

    config = encoder.config
    batch, length = input_ids.shape
    hidden_size = config.hidden_size
    grid = (batch, length, hidden_size)
    embedded = encoder.embeddings(input_ids=input_ids, token_type_ids=token_type_ids)
    mask = create_bidirectional_mask(
        config=config, inputs_embeds=embedded, attention_mask=attention_mask
    )
    keep = attention_mask.reshape(-1).nonzero().squeeze(1)
    attend = ALL_ATTENTION_FUNCTIONS.get_interface(
        config._attn_implementation, eager_attention_forward
    )

    def padded(packed: Any) -> Any:
        out = packed.new_zeros(batch * length, packed.shape[-1])
        return out.index_copy(0, keep, packed).reshape(batch, length, -1)

    x = embedded.reshape(-1, hidden_size).index_select(0, keep)
    for layer in encoder.encoder.layer:
        attention = layer.attention.self
        heads = (batch, length, -1, attention.attention_head_size)
        query, key, value = (
            padded(proj(x)).view(heads).transpose(1, 2)
            for proj in (attention.query, attention.key, attention.value)
        )
        context, _ = attend(
            attention,
            query,
            key,
            value,
            mask,
            dropout=0.0 if not attention.training else attention.dropout.p,
            scaling=attention.scaling,
        )
        context = context.reshape(batch * length, -1).index_select(0, keep)
        out = layer.attention.output
        x = out.LayerNorm(_dropout(out.dropout, out.dense(context), grid, keep) + x)
        inner = layer.intermediate.intermediate_act_fn(layer.intermediate.dense(x))
        out = layer.output
        x = out.LayerNorm(_dropout(out.dropout, out.dense(inner), grid, keep) + x)
    return padded(x)


__all__ = ["supports", "unpadded_hidden"]
