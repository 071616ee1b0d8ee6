"""Pipeline-tier fixtures: headless Chromium for the browser tests (the report, the MLflow UI)."""

from __future__ import annotations

import pytest
from browser import find_chromium, install_chromium


@pytest.fixture(scope="session")
def chromium() -> str:
    found = find_chromium()
    if found is None:
        reason = install_chromium()
        found = find_chromium()
        if found is None:
            pytest.skip(f"headless Chromium is not available and could not be installed: {reason}")
    return found
