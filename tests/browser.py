"""Headless Chromium for the browser tests (the report, the MLflow UI): find it, install it,
run it. Chromium is Debian's `chromium` package. `make test` installs it; the `chromium`
fixture (tests/pipeline/conftest.py) also tries `apt-get install` once (as root) and skips,
with the reason, only when that is impossible.
"""

from __future__ import annotations

import os
import shutil
import subprocess

_NAMES = ("chromium", "chromium-browser")


def find_chromium() -> str | None:
    return next((found for name in _NAMES if (found := shutil.which(name))), None)


def install_chromium() -> str:
    """Install Debian's chromium; returns why it failed ('' on success)."""
    if shutil.which("apt-get") is None:
        return "no apt-get on this machine"
    if os.geteuid() != 0:
        return "not root, cannot apt-get install (run `make test`, or install chromium)"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for args in (
        ["apt-get", "update", "-qq"],
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"],
    ):
        try:
            done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=900)
        except (OSError, subprocess.TimeoutExpired) as err:
            return f"{' '.join(args)}: {err}"
        if done.returncode != 0:
            return f"{' '.join(args)} failed: {done.stderr.strip()[-300:]}"
    return ""


def browser(chromium: str, *args: str) -> subprocess.CompletedProcess[str]:
    base = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
    return subprocess.run(
        [*base, "--hide-scrollbars", *args], capture_output=True, text=True, timeout=180
    )


def screenshot(chromium: str, shot, width: int, height: int, url: str, *args: str):
    """Render `url` into the PNG `shot` at width x height; returns the RGB image."""
    from PIL import Image

    shot.unlink(missing_ok=True)
    done = browser(chromium, *args, f"--screenshot={shot}", f"--window-size={width},{height}", url)
    assert done.returncode == 0 and shot.exists(), done.stderr[-2000:]
    image = Image.open(shot).convert("RGB")
    assert image.size == (width, height)
    return image


def blue_pixels(image, margin: int) -> int:
    """Pixels whose blue exceeds their red by `margin`: links and charts, never grey text."""
    pixels = image.get_flattened_data() if hasattr(image, "get_flattened_data") else image.getdata()
    return sum(1 for r, _, b in pixels if b > r + margin)
