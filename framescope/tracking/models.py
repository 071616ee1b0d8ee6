"""Models in MLflow: save and log a trained bundle as a pyfunc, load it, find its version."""

from __future__ import annotations

import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

import framescope
from framescope.classifiers.bundle import ARTIFACT, Bundle, predict_frame, write_bundle
from framescope.tracking.store import _mlflow, retry_locked

_MODEL_PACKAGES = (
    "mlflow",
    "scikit-learn",
    "scipy",
    "pandas",
    "numpy",
    "joblib",
    "blingfire",
    "pyyaml",
)
_TRANSFORMER_PACKAGES = ("torch", "transformers", "tokenizers", "safetensors")


def _model_kwargs(bundle: Bundle, example_texts: list[str], workdir: Path) -> dict[str, Any]:
    from mlflow.models import infer_signature

    from framescope.classifiers.pyfunc import FramescopeModel  # imports MLflow

    example = pd.DataFrame({"text": example_texts})
    requirements = []
    packages = _MODEL_PACKAGES + (_TRANSFORMER_PACKAGES if bundle.family != "tfidf_lr" else ())
    for package in packages:
        try:
            requirements.append(f"{package}=={metadata.version(package)}")
        except metadata.PackageNotFoundError:
            continue
    return {
        "python_model": FramescopeModel(),
        "artifacts": {ARTIFACT: str(write_bundle(bundle, workdir / ARTIFACT))},
        "signature": infer_signature(example, predict_frame(bundle, example_texts)),
        "input_example": example,
        "pip_requirements": requirements,
        # The package travels with the model, so it loads where framescope is not installed.
        "code_paths": [str(Path(framescope.__file__).resolve().parent)],
    }


def save_model(bundle: Bundle, path: str | Path, example_texts: list[str]) -> Path:
    """Write the pyfunc to a local directory (a DVC output), replacing what was there."""
    import shutil

    mlflow = _mlflow()
    path = Path(path)
    if path.exists():
        shutil.rmtree(path)
    with tempfile.TemporaryDirectory() as tmp:
        mlflow.pyfunc.save_model(str(path), **_model_kwargs(bundle, example_texts, Path(tmp)))
    return path


def log_model(
    bundle: Bundle, example_texts: list[str], registered_name: str, alias: str | None
) -> dict[str, Any]:
    """Log the pyfunc to the active run, register it and point `alias` at the new version."""
    mlflow = _mlflow()
    with tempfile.TemporaryDirectory() as tmp:
        info = retry_locked(
            mlflow.pyfunc.log_model,
            name="model",
            registered_model_name=registered_name,
            **_model_kwargs(bundle, example_texts, Path(tmp)),
        )
    version = str(info.registered_model_version)
    if alias:
        retry_locked(
            mlflow.MlflowClient().set_registered_model_alias, registered_name, alias, version
        )
    return {"model_uri": info.model_uri, "registered_model": registered_name, "version": version}


def input_example_texts(model_dir: str | Path) -> list[str]:
    """The input example a saved pyfunc directory carries, as texts."""
    from mlflow.models import Model

    example: Any = Model.load(str(model_dir)).load_input_example(str(model_dir))
    return [str(t) for t in example["text"]]


def load_model(uri: str) -> Any:
    """Load a pyfunc from a local path or an MLflow URI (models:/name@alias, runs:/...)."""
    mlflow = _mlflow()
    return retry_locked(mlflow.pyfunc.load_model, uri)


def model_version(uri: str) -> str | None:
    """The registry version behind a models:/name@alias or models:/name/N URI, if any."""
    if not uri.startswith("models:/"):
        return None
    mlflow = _mlflow()
    name, _, ref = uri.removeprefix("models:/").partition("@")
    client = mlflow.MlflowClient()
    if ref:
        return str(retry_locked(client.get_model_version_by_alias, name, ref).version)
    return name.rpartition("/")[2] or None
