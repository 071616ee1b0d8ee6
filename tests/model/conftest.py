"""The model tier runs against a trained model: the champion of the latest `dvc repro`.

`make test` runs `dvc repro` first, so CI always has one. Point FRAMESCOPE_MODEL at another
model directory (or MLflow URI) to run the same behavioural checks on, say, one candidate.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from framescope import schema

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def champion() -> Any:
    from framescope.tracking import load_model

    target = os.environ.get("FRAMESCOPE_MODEL") or str(REPO / "models" / "champion")
    if (
        "://" not in target
        and not target.startswith("models:")
        and not Path(target, "MLmodel").exists()
    ):
        pytest.fail(
            f"no trained model at {target}: run `dvc repro` first (`make test` does), "
            "or set FRAMESCOPE_MODEL to a model directory",
            pytrace=False,
        )
    return load_model(target)


@pytest.fixture(scope="session")
def predict(champion: Any) -> Any:
    def run(texts: list[str]) -> pd.DataFrame:
        return champion.predict(pd.DataFrame({schema.TEXT: texts}))

    return run
