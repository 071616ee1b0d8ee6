"""The HTML report in a real browser: headless Chromium renders it, charts are there, and an
article sentence carrying `<script>alert(1)</script>` shows as text and runs nothing.

Chromium is Debian's `chromium` package. `make test` installs it; this test also tries
`apt-get install` once (as root) and skips, with the reason, only when that is impossible.
The screenshot is kept in test-artifacts/ (or $FRAMESCOPE_TEST_ARTIFACTS).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from browser import blue_pixels, browser, screenshot
from pipeline_params import outlets_config
from synthetic import XSS_SENTENCE

from framescope.compare.charts import comparison_charts
from framescope.compare.comparison import compare_scored
from framescope.compare.report import render_report

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def report_file(synthetic_scored_dir: Path, tmp_path: Path) -> Path:
    config = outlets_config(bootstrap_samples=200, min_sentences=30, top_k=3)
    comparison = compare_scored(synthetic_scored_dir, config, seed=13)
    charts = comparison_charts(comparison.outlets, comparison.trends, comparison.labels)
    path = tmp_path / "report.html"
    path.write_text(render_report(comparison, charts), encoding="utf-8")
    return path


def test_report_renders_charts_and_runs_no_article_script(chromium, report_file):
    done = browser(chromium, "--dump-dom", report_file.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    assert "<body" in dom, "Chromium printed no DOM"
    # The sentence is in the page as text (escaped in the serialised DOM), not as an element.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    assert "<script" not in dom.lower()
    assert "Herald story 0 &lt;b&gt;bold&lt;/b&gt;" in dom
    assert "<title>Outlet comparison: scored</title>" in dom  # nothing rewrote the page
    assert dom.count('src="data:image/png;base64,') == 3  # heatmap, net stance, trends
    for alt in ("heatmap of raw frame shares", "net stance by outlet", "frame shares by period"):
        assert alt in dom
    assert XSS_SENTENCE not in dom


def test_report_screenshot_is_kept_and_shows_the_charts(chromium, report_file):

    folder = Path(os.environ.get("FRAMESCOPE_TEST_ARTIFACTS", REPO / "test-artifacts"))
    folder.mkdir(parents=True, exist_ok=True)
    shot = folder / "report.png"
    image = screenshot(chromium, shot, 1200, 2400, report_file.as_uri())
    # The charts' blues: the page without charts has no blue pixel (text is grey on white).
    blue = blue_pixels(image, 40)
    assert blue > 5000, f"only {blue} blue pixels: charts did not render ({shot})"
