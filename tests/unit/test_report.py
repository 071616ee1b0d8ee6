"""The comparison end to end on a synthetic score output: files, HTML report, CLI errors."""

from __future__ import annotations

import base64
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pipeline_params import outlets_config
from synthetic import XSS_SENTENCE

from framescope import schema
from framescope.compare.charts import comparison_charts
from framescope.compare.comparison import compare_scored, read_comparison, write_comparison
from framescope.compare.report import render_report

CONFIG = outlets_config(bootstrap_samples=200, min_articles=3, min_sentences=30, top_k=3)


def _metrics_file(folder: Path) -> Path:
    frames = ("bargaining_chip", "costly_risk", "propaganda_failure")
    report = {
        "frames": {f: {"precision": 0.6, "recall": 0.8, "f1": 0.69} for f in frames},
        "slices": {"outlet": {"Herald": {"n_sentences": 40, "frames.macro_f1": 0.7}}},
    }
    path = folder / "evaluate_report.json"
    path.write_text(json.dumps(report))
    return path


@pytest.fixture
def comparison(synthetic_scored_dir):
    metrics = _metrics_file(synthetic_scored_dir.parent)
    return compare_scored(synthetic_scored_dir, CONFIG, seed=1, classifier_metrics=metrics)


def test_comparison_flags_tiny_and_tests_the_rest(comparison):
    table = comparison.outlets.set_index(schema.OUTLET)
    assert table[schema.EVIDENCE].to_dict() == {
        "Herald": "ok",
        "Ledger": "ok",
        "Tiny": "insufficient",
    }
    assert set(comparison.pairwise[schema.OUTLET_A]) == {"Herald"}
    assert set(comparison.pairwise[schema.OUTLET_B]) == {"Ledger"}
    assert table.loc["Herald", schema.DATE_FROM] == "2024-08-01"
    assert table.loc["Herald", schema.DATE_TO] == "2024-10-09"
    raw = table["frame_share.costly_risk"]
    assert (table["frame_share_corrected.costly_risk"] - raw * 0.75).abs().max() < 1e-12
    assert comparison.meta["model_version"] == "7"


def test_comparison_round_trips_through_files(comparison, tmp_path):
    write_comparison(comparison, tmp_path / "out")
    back = read_comparison(tmp_path / "out")
    assert back.labels == comparison.labels
    assert back.outlets[schema.OUTLET].tolist() == ["Herald", "Ledger", "Tiny"]
    assert len(back.pairwise) == len(comparison.pairwise)
    assert len(back.evidence) == len(comparison.evidence)
    assert back.trends[schema.PERIOD].iloc[0] == comparison.trends[schema.PERIOD].iloc[0]


def test_report_is_self_contained_and_escapes_coverage(comparison):
    charts = comparison_charts(comparison.outlets, comparison.trends, comparison.labels)
    assert set(charts) == {
        "frame_heatmap.png",
        "frame_heatmap_corrected.png",
        "net_stance.png",
        "trends.png",
    }
    page = render_report(comparison, charts)
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Herald story 0 &lt;b&gt;bold&lt;/b&gt;" in page
    assert 'href="javascript' not in page
    # no external assets: every src is inline data, no stylesheet links
    sources = re.findall(r'src="([^"]*)"', page)
    assert len(sources) == 4 and all(s.startswith("data:image/png;base64,") for s in sources)
    assert "<link" not in page.lower()
    from PIL import Image

    for source in sources:
        image = Image.open(io.BytesIO(base64.b64decode(source.split(",", 1)[1])))
        assert image.width > 300 and image.height > 150
    for words in ("Raw", "Corrected", "insufficient", "Pairwise differences", "Evidence"):
        assert words in page


# ----------------------------------------------------------------------------- CLI


def _cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    executable = Path(sys.executable).parent / "framescope"
    command = str(executable) if executable.exists() else shutil.which("framescope")
    if command is None:
        pytest.skip("the framescope console script is not installed")
    return subprocess.run(
        [command, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def test_cli_outlets_then_report(synthetic_scored_dir, tmp_path):
    metrics = _metrics_file(tmp_path)
    done = _cli(
        [
            "outlets",
            synthetic_scored_dir,
            "--no-mlflow",
            "--samples",
            "200",
            "--min-sentences",
            "30",
            "--classifier-metrics",
            metrics,
        ],
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "pairwise tests: 4, significant (BH)" in done.stderr
    for name in ("pairwise.csv", "trends.csv", "evidence.jsonl", "comparison.json"):
        assert (synthetic_scored_dir / name).exists(), name
    out = tmp_path / "report.html"
    done = _cli(["report", synthetic_scored_dir, "--out", out], tmp_path)
    assert done.returncode == 0, done.stderr
    page = out.read_text(encoding="utf-8")
    assert XSS_SENTENCE not in page and "&lt;script&gt;" in page
    assert "Classifier error by outlet" in page


def test_cli_report_on_a_folder_without_data_is_one_line_error(tmp_path):
    done = _cli(["report", tmp_path, "--out", tmp_path / "r.html"], tmp_path)
    assert done.returncode == 2
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines == [
        f"framescope: error: {tmp_path}: no outlet comparison (run `framescope "
        "outlets` on a score output)"
    ]


def test_cli_outlets_with_bad_metrics_file_is_one_line_error(synthetic_scored_dir, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    done = _cli(
        ["outlets", synthetic_scored_dir, "--no-mlflow", "--classifier-metrics", bad], tmp_path
    )
    assert done.returncode == 2
    assert done.stderr.strip().startswith(f"framescope: error: classifier metrics {bad}:")
    assert len(done.stderr.strip().splitlines()) == 1


def test_no_sufficient_outlet_means_no_tests_and_says_so(synthetic_scored_dir):
    config = outlets_config(bootstrap_samples=100, min_articles=50)
    comparison = compare_scored(synthetic_scored_dir, config, seed=13)
    assert (comparison.outlets[schema.EVIDENCE] == "insufficient").all()
    assert comparison.pairwise.empty and schema.Q_VALUE in comparison.pairwise.columns
    charts = comparison_charts(comparison.outlets, comparison.trends, comparison.labels)
    page = render_report(comparison, charts)
    assert "fewer than two outlets have sufficient evidence" in page
    assert "no corrected shares" in page
