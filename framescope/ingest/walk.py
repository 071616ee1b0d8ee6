"""Listing input files: folders walked recursively in a stable order, bad paths named, not fatal.

Symbolic links to folders are followed (coverage folders are often assembled from links), but
a folder is entered once: a link back to an ancestor (a loop) or a second route to a folder
already read becomes a problem entry instead of an endless or double walk.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath


@dataclass(frozen=True)
class FileEntry:
    """A file to read, or a path that cannot be read and why (`problem`)."""

    path: Path
    problem: str | None = None
    size: int = 0


def _matches(relative: PurePosixPath, glob: str) -> bool:
    if glob in ("*", "**", "**/*"):
        return True
    if "/" in glob:
        return relative.match(glob)
    return fnmatch(relative.name, glob)


def _walk(
    folder: Path,
    root: Path,
    glob: str,
    accept: Callable[[Path], bool],
    ancestors: tuple[tuple[int, int], ...],
    visited: set[tuple[int, int]],
    out: list[FileEntry],
) -> None:
    try:
        names = sorted(os.listdir(folder))
    except OSError as err:
        out.append(FileEntry(folder, f"unreadable folder ({err.strerror or err})"))
        return
    for name in names:
        path = folder / name
        try:
            info = path.stat()  # follows links
        except OSError as err:
            if err.errno == errno.ELOOP:
                out.append(FileEntry(path, "symlink loop"))
            elif path.is_symlink():
                if accept(path):
                    out.append(FileEntry(path, "broken symbolic link"))
            else:
                out.append(FileEntry(path, f"unreadable ({err.strerror or err})"))
            continue
        if stat.S_ISDIR(info.st_mode):
            key = (info.st_dev, info.st_ino)
            if key in ancestors:
                out.append(FileEntry(path, "symlink loop (links back to a parent folder)"))
            elif key in visited:
                out.append(FileEntry(path, "folder already read through another path"))
            else:
                visited.add(key)
                _walk(path, root, glob, accept, (*ancestors, key), visited, out)
            continue
        relative = PurePosixPath(path.relative_to(root).as_posix())
        if not accept(path) or not _matches(relative, glob):
            continue
        if not stat.S_ISREG(info.st_mode):
            out.append(FileEntry(path, "not a regular file"))
        else:
            out.append(FileEntry(path, None, info.st_size))


def list_files(
    paths: Iterable[str | Path], glob: str, accept: Callable[[Path], bool]
) -> list[FileEntry]:
    """Every file under `paths` that `accept`s and matches `glob`, sorted within each root.

    A path given directly is read whatever its name; a missing one is a problem entry.
    """
    out: list[FileEntry] = []
    for root in map(Path, paths):
        try:
            info = root.stat()
        except OSError as err:
            missing = err.errno in (errno.ENOENT, errno.ENOTDIR)
            out.append(FileEntry(root, "no such file or folder" if missing else str(err.strerror)))
            continue
        if stat.S_ISDIR(info.st_mode):
            found: list[FileEntry] = []
            key = (info.st_dev, info.st_ino)
            _walk(root, root, glob, accept, (key,), {key}, found)
            out.extend(sorted(found, key=lambda e: str(e.path)))
        elif stat.S_ISREG(info.st_mode):
            out.append(FileEntry(root, None, info.st_size))
        else:
            out.append(FileEntry(root, "not a regular file"))
    return out
