"""Run the `framescope` console entry point in-process, as a user would call it."""

from __future__ import annotations

import sys

import pytest

from framescope.cli import main


def run(args, monkeypatch, capsys) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of `framescope ARGS...`."""
    monkeypatch.setattr(sys, "argv", ["framescope", *map(str, args)])
    with pytest.raises(SystemExit) as done:
        main()
    out, err = capsys.readouterr()
    return int(done.value.code), out, err
