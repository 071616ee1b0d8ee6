"""How the scoring engine loads and runs a model: where it comes from, and on what runtime.

`Serving` names a model (a saved directory or an MLflow URI) and the runtime choices of
`framescope score`: torch or ONNX Runtime, int8 weights, bf16 arithmetic, threads. `serve()`
loads it once; the `ServedModel` it returns pickles as its `Serving`, so a scoring worker
process loads its own copy from the same source, with the same choices, instead of receiving
a copy whose transformer weights a pickle leaves out (they are saved beside the bundle, not in
it). An ONNX export is made once, by the first process, and reused by the workers.

bf16 runs the transformer families under `torch.autocast` on CPU: fast where the CPU has
native bf16 (AMX or AVX-512 BF16), slow elsewhere, and close to fp32 but not equal (the
benchmark in benchmarks/score_bench.py measures both the speed and the macro-F1 difference).
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

RUNTIMES = ("torch", "onnx")
PRECISIONS = ("fp32", "bf16")


class ServingError(ValueError):
    """A runtime choice that cannot apply to this model or engine."""


@dataclasses.dataclass(frozen=True)
class Serving:
    uri: str
    runtime: str = "torch"
    quantize: bool = False  # ONNX: dynamic int8 weights
    precision: str = "fp32"  # torch: fp32, or bf16 under autocast
    threads: int = 0  # ONNX Runtime intra-op threads (0: its default)
    onnx_dir: str | None = None  # where the ONNX export lives once made

    def __post_init__(self) -> None:
        if self.runtime not in RUNTIMES:
            raise ServingError(f"--runtime {self.runtime}: must be one of {', '.join(RUNTIMES)}")
        if self.precision not in PRECISIONS:
            raise ServingError(
                f"--precision {self.precision}: must be one of {', '.join(PRECISIONS)}"
            )
        if self.quantize and self.runtime != "onnx":
            raise ServingError("--quantize: only with --runtime onnx")
        if self.precision != "fp32" and self.runtime != "torch":
            raise ServingError(f"--precision {self.precision}: only with --runtime torch")


def native_bf16() -> bool:
    """Whether this CPU does bf16 arithmetic in hardware (AMX tiles or AVX-512 BF16)."""
    import torch

    # Private probes (torch 2.x); a torch without them is treated as having no native bf16.
    probes = ("_is_amx_tile_supported", "_is_avx512_bf16_supported")
    return any(bool(getattr(torch.cpu, name, lambda: False)()) for name in probes)


@contextlib.contextmanager
def arithmetic(precision: str) -> Iterator[None]:
    """torch ops inside run in `precision`: bf16 through CPU autocast (matrix products and
    the like in bf16, softmax and norms kept in fp32 by autocast's own lists)."""
    if precision == "bf16":
        import torch

        with torch.autocast("cpu", dtype=torch.bfloat16):
            yield
    else:
        yield


class ServedModel:
    """A loaded model with the pyfunc's `predict`, run the way its `Serving` says."""

    def __init__(self, serving: Serving, model: Any) -> None:
        self.serving = serving
        self.model = model

    def predict(self, model_input: Any, params: Any = None) -> Any:
        with arithmetic(self.serving.precision):
            return self.model.predict(model_input)

    def unwrap_python_model(self) -> Any:
        return self.model.unwrap_python_model()

    def __reduce__(self) -> tuple[Any, tuple[Serving]]:
        return serve, (self.serving,)


def is_local(uri: str) -> bool:
    """Whether `uri` names a local path rather than an MLflow URI (models:/, runs:/, scheme://)."""
    return "://" not in uri and not uri.startswith(("models:", "runs:"))


def _load(uri: str) -> Any:
    from framescope.classifiers.bundle import LocalModel, is_model_directory

    if is_local(uri) and is_model_directory(uri):
        return LocalModel(uri)  # same predictions as the pyfunc, without MLflow's start-up
    from framescope import tracking

    return tracking.load_model(uri)


def _pinned(uri: str) -> str:
    """`models:/name@alias` as the version it names now, so that workers load that version
    even if the alias moves during the run; any other URI as it is."""
    if not (uri.startswith("models:/") and "@" in uri):
        return uri
    from framescope import tracking

    version = tracking.model_version(uri)
    name = uri.removeprefix("models:/").partition("@")[0]
    return f"models:/{name}/{version}" if version else uri


def serve(serving: Serving) -> ServedModel:
    """Load `serving.uri` and set it up for its runtime; see the module docstring."""
    model = _load(serving.uri)
    serving = dataclasses.replace(serving, uri=_pinned(serving.uri))
    if serving.runtime == "onnx":
        from framescope.classifiers.onnx_runtime import OnnxError, to_onnx

        folder = serving.onnx_dir
        if folder is None:  # the first process exports; workers reuse the files
            folder = tempfile.mkdtemp(prefix="framescope-onnx-")
            atexit.register(shutil.rmtree, folder, True)
            serving = dataclasses.replace(serving, onnx_dir=folder)
        wrapper = model.unwrap_python_model()
        try:
            wrapper.bundle = to_onnx(
                wrapper.bundle, Path(folder), serving.quantize, serving.threads
            )
        except OnnxError as err:
            raise ServingError(str(err)) from None
    return ServedModel(serving, model)


__all__ = [
    "PRECISIONS",
    "RUNTIMES",
    "ServedModel",
    "Serving",
    "ServingError",
    "arithmetic",
    "is_local",
    "native_bf16",
    "serve",
]
