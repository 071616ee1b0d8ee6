"""The argument parser every stage shares: the params file plus named input and output paths."""

from __future__ import annotations

import argparse

from framescope.config import Params, load_params


def parse(description: str, *paths: str) -> tuple[Params, argparse.Namespace]:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--params", default="configs/params.yaml")
    for name in paths:
        parser.add_argument(f"--{name.replace('_', '-')}", dest=name, required=True)
    args = parser.parse_args()
    return load_params(args.params), args
