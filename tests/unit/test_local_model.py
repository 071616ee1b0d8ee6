"""A saved model directory read without MLflow gives what MLflow's pyfunc gives."""

from __future__ import annotations

import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import joblib
import pandas as pd
from pandas.testing import assert_frame_equal

from framescope.classifiers.bundle import (
    BUNDLE_FILE,
    OLD_BUNDLE_FILE,
    LocalModel,
    bundle_directory,
    is_model_directory,
)

TEXTS = [
    "Kyiv sees the captured land as a bargaining chip for talks.",
    "The incursion drained scarce reserves and cost Ukraine heavy losses.",
    "Subscribe to our newsletter for the latest updates.",
    "Ukrainian forces remained in the Kursk region on Tuesday.",
    "Kyiv sees the captured land as a bargaining chip for talks.",
]


def test_local_model_predicts_what_the_mlflow_pyfunc_predicts(scoring_model_path, scoring_model):
    local = LocalModel(scoring_model_path)
    frame = pd.DataFrame({"text": TEXTS, "other": range(len(TEXTS))})
    assert_frame_equal(local.predict(frame), scoring_model.predict(frame))
    assert local.unwrap_python_model().bundle.labels == (
        scoring_model.unwrap_python_model().bundle.labels
    )


def test_a_model_saved_with_joblib_still_loads(scoring_model_path, tmp_path):
    old = tmp_path / "old"
    shutil.copytree(scoring_model_path, old)
    folder = bundle_directory(old)
    with (folder / BUNDLE_FILE).open("rb") as handle:
        bundle = pickle.load(handle)
    (folder / BUNDLE_FILE).unlink()
    joblib.dump(bundle, folder / OLD_BUNDLE_FILE)
    assert is_model_directory(old)
    frame = pd.DataFrame({"text": TEXTS})
    assert_frame_equal(
        LocalModel(old).predict(frame), LocalModel(scoring_model_path).predict(frame)
    )


def test_directories_without_a_bundle_are_not_model_directories(scoring_model_path, tmp_path):
    assert is_model_directory(scoring_model_path)
    (tmp_path / "MLmodel").write_text("flavors: {}\n")
    assert not is_model_directory(tmp_path)
    assert not is_model_directory(tmp_path / "absent")


def test_scoring_a_local_model_does_not_import_mlflow(scoring_model_path):
    code = (
        "import sys\n"
        "from framescope.classifiers.bundle import LocalModel\n"
        f"model = LocalModel({str(scoring_model_path)!r})\n"
        "model.predict(['Kyiv sees the land as a bargaining chip.'])\n"
        "print('mlflow' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False", out.stderr


def test_cli_reads_a_model_directory_without_mlflow(scoring_model_path):
    from framescope.cli.app import load_model

    loaded, uri = load_model(str(scoring_model_path))
    assert isinstance(loaded.model, LocalModel)
    assert Path(uri) == scoring_model_path


def test_a_saved_model_carries_the_whole_package(scoring_model_path):
    """The pyfunc loads where framescope is not installed: its code/ folder holds the package,
    every subpackage included (not only the module that saved it)."""
    import framescope

    code = scoring_model_path / "code" / "framescope"
    package = Path(framescope.__file__).parent
    shipped = {p.relative_to(code) for p in code.rglob("*.py")}
    assert {p.relative_to(package) for p in package.rglob("*.py")} <= shipped
