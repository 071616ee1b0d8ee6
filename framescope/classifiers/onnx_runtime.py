"""ONNX Runtime for the transformer families: export, optional int8 quantisation, inference.

`to_onnx(bundle, directory)` returns a copy of a `finetune` or `embed_lr` bundle (or an
ensemble holding them) whose networks run through ONNX Runtime; tokenisation, calibration,
thresholds and masking are unchanged, so the pyfunc's output schema is too. Dynamic int8
quantisation is optional: int8 weights, activations quantised per batch (`fp32_matmuls` names
what stays in fp32).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from framescope.classifiers.base import LabelSpace, Scores, zero_scores
from framescope.classifiers.bundle import Bundle
from framescope.classifiers.encoder import token_batches

_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
_OUTPUTS = ("frames", "stance", "boilerplate")
_EMBEDDING = "embedding"


class OnnxError(ValueError):
    """A model cannot run on ONNX Runtime (wrong family, or export failed)."""


def _export(model: Any, tokenizer: Any, target: Path) -> None:
    """A fine-tuned network (finetune heads): one output per head, as logits."""
    import torch

    heads = [h for h in _OUTPUTS if h in model.heads]

    class Outputs(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            out = self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            )
            return tuple(out[h] for h in heads)

    _trace(Outputs(), tokenizer, target, heads)


def _export_encoder(model: Any, tokenizer: Any, target: Path) -> None:
    """A frozen sentence encoder (embed_lr): the mean-pooled, L2-normalised embedding."""
    import torch

    from framescope.classifiers.encoder import mean_pool

    names = set(tokenizer.model_input_names)

    class Embedding(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            extra = {"token_type_ids": token_type_ids} if "token_type_ids" in names else {}
            hidden = self.model(
                input_ids=input_ids, attention_mask=attention_mask, **extra
            ).last_hidden_state
            pooled = mean_pool(hidden, attention_mask)
            return torch.nn.functional.normalize(pooled, dim=-1)

    _trace(Embedding(), tokenizer, target, [_EMBEDDING])


def _trace(module: Any, tokenizer: Any, target: Path, outputs: list[str]) -> None:
    import torch

    sample = tokenizer(
        ["A first sentence for tracing.", "A second, longer sentence for tracing the graph."],
        padding=True,
        return_tensors="pt",
    )
    if "token_type_ids" not in sample:
        sample["token_type_ids"] = torch.zeros_like(sample["input_ids"])
    axes = {name: {0: "batch", 1: "tokens"} for name in _INPUTS}
    axes |= {name: {0: "batch"} for name in outputs}
    with torch.inference_mode():
        torch.onnx.export(
            module.eval(),
            tuple(sample[name] for name in _INPUTS),
            str(target),
            input_names=list(_INPUTS),
            output_names=outputs,
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,  # the TorchScript exporter handles the BERT graph without onnxscript
        )


@dataclass
class OnnxHeads:
    """The `finetune` heads, run by ONNX Runtime sessions (one per trained network)."""

    labels: LabelSpace
    tokenizer: Any
    paths: list[Path]
    outputs: list[tuple[str, ...]]
    batch_size: int = 64
    threads: int = 0
    sessions: list[Any] = field(default_factory=list, repr=False)

    def _sessions(self) -> list[Any]:
        if not self.sessions:
            self.sessions = [_session(p, self.threads) for p in self.paths]
        return self.sessions

    def __getstate__(self) -> dict[str, Any]:
        # Sessions do not pickle; a scoring worker opens its own from `paths`.
        return {**self.__dict__, "sessions": []}

    def scores(self, texts: list[str]) -> Scores:
        n = len(texts)
        out = zero_scores(self.labels, n)
        sessions = self._sessions()
        for batch, feed in token_batches(self.tokenizer, texts, self.batch_size):
            feed.setdefault("token_type_ids", np.zeros_like(feed["input_ids"]))
            for session, names in zip(sessions, self.outputs, strict=True):
                for name, logits in zip(names, session.run(list(names), feed), strict=True):
                    out[name][batch] = _probabilities(name, logits)
        return Scores(**out)

    def save_weights(self, directory: Path) -> None:
        raise OnnxError("ONNX heads are built from a saved finetune model, not saved themselves")

    def load_weights(self, directory: Path) -> None:
        raise OnnxError("ONNX heads are built from a saved finetune model, not loaded themselves")


@dataclass
class OnnxEncoder:
    """A frozen sentence encoder run by ONNX Runtime: `embed` like `encoder.Encoder.embed`."""

    tokenizer: Any
    path: Path
    batch_size: int = 64
    threads: int = 0
    session: Any = field(default=None, repr=False)

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "session": None}  # a scoring worker opens its own

    def embed(self, texts: list[str]) -> np.ndarray:
        if self.session is None:
            self.session = _session(self.path, self.threads)
        vectors: np.ndarray | None = None
        # An encoder without segment ids (MPNet) exports no token_type_ids input: feed what the
        # graph takes.
        wanted = {i.name for i in self.session.get_inputs()}
        for batch, feed in token_batches(self.tokenizer, texts, self.batch_size):
            feed.setdefault("token_type_ids", np.zeros_like(feed["input_ids"]))
            feed = {name: value for name, value in feed.items() if name in wanted}
            (pooled,) = self.session.run([_EMBEDDING], feed)
            if vectors is None:
                vectors = np.zeros((len(texts), pooled.shape[1]), dtype=np.float32)
            vectors[batch] = pooled
        return vectors if vectors is not None else np.zeros((0, 0), dtype=np.float32)


def _session(path: Path, threads: int) -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()
    if threads:
        options.intra_op_num_threads = threads
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def _probabilities(name: str, logits: np.ndarray) -> np.ndarray:
    logits = logits.astype(np.float64)
    if name == "stance":
        shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
        return shifted / shifted.sum(axis=1, keepdims=True)
    probs = 1.0 / (1.0 + np.exp(-logits))
    return probs[:, 0] if name == "boilerplate" else probs


_FFN_OUT = re.compile(r"/layer\.(\d+)/output/dense/MatMul$")


def fp32_matmuls(path: Path) -> list[str]:
    """The MatMuls int8 quantisation leaves in fp32: the first half of the layers' FFN outputs.

    Dynamic int8 quantises each batch's activations with one scale per tensor. The inputs of the
    feed-forward down-projections (after GELU) have outliers that one scale serves badly, and
    in the early layers the error carries through the rest of the network: with every MatMul
    in int8, the fine-tuned MiniLM's stance agreed with fp32 on 90% of real sentences; with the
    first three of six layers' FFN outputs kept in fp32, 95% (docs/performance.md).
    """
    import onnx

    found = []
    for node in onnx.load(str(path), load_external_data=False).graph.node:
        match = _FFN_OUT.search(node.name) if node.op_type == "MatMul" else None
        if match:
            found.append((int(match.group(1)), node.name))
    layers = len({layer for layer, _ in found})
    return [name for layer, name in found if layer < (layers + 1) // 2]


def _partial(path: Path) -> Path:
    return path.with_name(f".{path.stem}.partial.onnx")


def _converted(target: Path, export: Callable[[Path], None], quantize: bool) -> Path:
    """`target` exported (kept if there already: scoring workers reuse the first process's
    files, written atomically), and its int8 copy when `quantize`; the path to run."""
    if not target.exists():
        export(_partial(target))
        _partial(target).replace(target)
    if not quantize:
        return target
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantized = target.with_suffix(".int8.onnx")
    if not quantized.exists():
        partial = _partial(quantized)
        quantize_dynamic(
            str(target),
            str(partial),
            weight_type=QuantType.QInt8,
            nodes_to_exclude=fp32_matmuls(target),
        )
        partial.replace(quantized)
    return quantized


def to_onnx(bundle: Bundle, directory: Path, quantize: bool = False, threads: int = 0) -> Bundle:
    """A copy of `bundle` whose networks run on ONNX Runtime (exported into `directory`).

    finetune: the fine-tuned networks with their heads. embed_lr: the frozen encoder (its
    logistic heads stay in scikit-learn). An ensemble: each member that has a network.
    """
    from framescope.classifiers.embed_lr import EmbedLRHeads
    from framescope.classifiers.ensemble import EnsembleHeads
    from framescope.classifiers.finetune import FinetuneHeads

    heads = bundle.heads
    converted = copy.copy(bundle)
    if isinstance(heads, EnsembleHeads):  # convert the members with a network, keep the others
        networks = (FinetuneHeads, EmbedLRHeads)
        if not any(isinstance(m.heads, networks) for m in heads.members):
            raise OnnxError("--runtime onnx: the ensemble has no finetune or embed_lr member")
        members = [
            to_onnx(m, directory / name, quantize, threads) if isinstance(m.heads, networks) else m
            for name, m in zip(heads.names, heads.members, strict=True)
        ]
        converted.heads = EnsembleHeads(heads.labels, heads.names, members)
        return converted
    directory.mkdir(parents=True, exist_ok=True)
    if isinstance(heads, EmbedLRHeads):
        encoder = heads.encoder
        assert encoder is not None, "encoder weights not loaded"
        path = _converted(
            directory / "encoder.onnx",
            partial(_export_encoder, encoder.model, encoder.tokenizer),
            quantize,
        )
        onnx_encoder = OnnxEncoder(encoder.tokenizer, path, encoder.batch_size, threads)
        converted.heads = copy.copy(heads)
        converted.heads.encoder = onnx_encoder  # type: ignore[assignment]
        return converted
    if not isinstance(heads, FinetuneHeads):
        raise OnnxError(
            f"--runtime onnx: the model family is {bundle.family!r}; "
            "ONNX Runtime is for the finetune and embed_lr families"
        )
    paths = [
        _converted(
            directory / f"model_{i}.onnx",
            partial(_export, model, heads.tokenizer),
            quantize,
        )
        for i, model in enumerate(heads.models)
    ]
    outputs = [tuple(h for h in _OUTPUTS if h in group) for group in heads.groups]
    converted.heads = OnnxHeads(
        heads.labels, heads.tokenizer, paths, outputs, heads.batch_size, threads
    )
    return converted


__all__ = ["OnnxEncoder", "OnnxError", "OnnxHeads", "fp32_matmuls", "to_onnx"]
