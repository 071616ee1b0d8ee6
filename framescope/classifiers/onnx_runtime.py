"""ONNX Runtime for the transformer families: export, optional int8 quantisation, inference.

`to_onnx(bundle, directory)` returns a copy of a `finetune` bundle whose heads run the same
network through ONNX Runtime; tokenisation, calibration, thresholds and masking are unchanged,
so the pyfunc's output schema is too. Dynamic int8 quantisation is optional: int8 weights,
activations quantised per batch (`fp32_matmuls` names what stays in fp32).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from framescope.classifiers.base import LabelSpace, Scores, zero_scores
from framescope.classifiers.bundle import Bundle
from framescope.classifiers.encoder import token_batches

_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
_OUTPUTS = ("frames", "stance", "boilerplate")


class OnnxError(ValueError):
    """A model cannot run on ONNX Runtime (wrong family, or export failed)."""


def _export(model: Any, tokenizer: Any, target: Path) -> None:
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

    sample = tokenizer(
        ["A first sentence for tracing.", "A second, longer sentence for tracing the graph."],
        padding=True,
        return_tensors="pt",
    )
    if "token_type_ids" not in sample:
        sample["token_type_ids"] = torch.zeros_like(sample["input_ids"])
    axes = {name: {0: "batch", 1: "tokens"} for name in _INPUTS}
    axes |= {name: {0: "batch"} for name in heads}
    with torch.inference_mode():
        torch.onnx.export(
            Outputs().eval(),
            tuple(sample[name] for name in _INPUTS),
            str(target),
            input_names=list(_INPUTS),
            output_names=heads,
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
            import onnxruntime as ort

            options = ort.SessionOptions()
            if self.threads:
                options.intra_op_num_threads = self.threads
            self.sessions = [
                ort.InferenceSession(str(p), options, providers=["CPUExecutionProvider"])
                for p in self.paths
            ]
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


def to_onnx(bundle: Bundle, directory: Path, quantize: bool = False, threads: int = 0) -> Bundle:
    """A copy of `bundle` whose heads run on ONNX Runtime (exported into `directory`)."""
    from framescope.classifiers.ensemble import EnsembleHeads
    from framescope.classifiers.finetune import FinetuneHeads

    heads = bundle.heads
    if isinstance(heads, EnsembleHeads):  # convert the fine-tuned members, keep the others
        if not any(isinstance(m.heads, FinetuneHeads) for m in heads.members):
            raise OnnxError("--runtime onnx: the ensemble has no finetune member")
        members = [
            to_onnx(m, directory / name, quantize, threads)
            if isinstance(m.heads, FinetuneHeads)
            else m
            for name, m in zip(heads.names, heads.members, strict=True)
        ]
        converted = copy.copy(bundle)
        converted.heads = EnsembleHeads(heads.labels, heads.names, members)
        return converted
    if not isinstance(heads, FinetuneHeads):
        raise OnnxError(
            f"--runtime onnx: the model family is {bundle.family!r}; "
            "ONNX Runtime is for the finetune family"
        )
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, model in enumerate(heads.models):
        # An export already in `directory` is reused: scoring workers convert the model the
        # first process exported there (one directory per model, files written atomically).
        target = directory / f"model_{i}.onnx"
        if not target.exists():
            _export(model, heads.tokenizer, _partial(target))
            _partial(target).replace(target)
        if quantize:
            from onnxruntime.quantization import QuantType, quantize_dynamic

            quantized = directory / f"model_{i}.int8.onnx"
            if not quantized.exists():
                partial = _partial(quantized)
                quantize_dynamic(
                    str(target),
                    str(partial),
                    weight_type=QuantType.QInt8,
                    nodes_to_exclude=fp32_matmuls(target),
                )
                partial.replace(quantized)
            target = quantized
        paths.append(target)
    outputs = [tuple(h for h in _OUTPUTS if h in group) for group in heads.groups]
    converted = copy.copy(bundle)
    converted.heads = OnnxHeads(
        heads.labels, heads.tokenizer, paths, outputs, heads.batch_size, threads
    )
    return converted


__all__ = ["OnnxError", "OnnxHeads", "fp32_matmuls", "to_onnx"]
