"""Shared fixtures: the repository root and the real codebook."""

from __future__ import annotations

from pathlib import Path

import pytest

from framescope.codebook import Codebook, load_codebook

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def codebook() -> Codebook:
    return load_codebook(REPO / "labels" / "codebook.yaml")
