"""One MLflow pyfunc for every family: a `Bundle` (classifiers.bundle) behind MLflow's API.

The names re-exported below keep model directories saved before the bundle had its own module
loadable: their pickles name `framescope.classifiers.pyfunc.Bundle`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import mlflow.pyfunc
import pandas as pd

from framescope.classifiers.bundle import (
    ARTIFACT,
    Bundle,
    input_texts,
    predict_frame,
    read_bundle,
)


class FramescopeModel(mlflow.pyfunc.PythonModel):  # type: ignore[name-defined]
    """The pyfunc wrapper; the Bundle is stored as an artifact next to it."""

    def load_context(self, context: Any) -> None:
        self.bundle: Bundle = read_bundle(Path(context.artifacts[ARTIFACT]))

    def predict(self, context: Any, model_input: pd.DataFrame, params: Any = None) -> pd.DataFrame:
        return predict_frame(self.bundle, input_texts(model_input))


__all__ = ["ARTIFACT", "Bundle", "FramescopeModel", "predict_frame", "read_bundle"]  # old pickles
