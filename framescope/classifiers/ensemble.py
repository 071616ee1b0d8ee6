"""`ensemble`: the mean of the trained candidates' calibrated probabilities.

Each member keeps its own masking and calibration; the ensemble is calibrated again and gets its
own thresholds on dev, like any family. It is built by the select stage from the candidates
that `train@<family>` saved, and competes with them on the same dev score.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from framescope.classifiers.base import LabelSpace, Scores
from framescope.classifiers.bundle import Bundle, read_bundle, write_bundle

FAMILY = "ensemble"
MEMBERS_DIR = "members"


@dataclass
class EnsembleHeads:
    labels: LabelSpace
    names: tuple[str, ...]
    members: list[Bundle] = field(default_factory=list)

    def scores(self, texts: list[str]) -> Scores:
        parts = [member.scores(texts) for member in self.members]
        return Scores(
            frames=np.mean([p.frames for p in parts], axis=0),
            stance=np.mean([p.stance for p in parts], axis=0),
            boilerplate=np.mean([p.boilerplate for p in parts], axis=0),
        )

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "members": []}  # members are saved by save_weights

    def save_weights(self, directory: Path) -> None:
        for name, member in zip(self.names, self.members, strict=True):
            write_bundle(member, directory / MEMBERS_DIR / name)

    def load_weights(self, directory: Path) -> None:
        self.members = [read_bundle(directory / MEMBERS_DIR / name) for name in self.names]


def ensemble_heads(members: dict[str, Bundle]) -> EnsembleHeads:
    """Heads averaging `members`, which must share one label space."""
    spaces = {bundle.labels for bundle in members.values()}
    if len(spaces) != 1:
        raise ValueError("ensemble: the candidates were trained on different codebooks")
    return EnsembleHeads(spaces.pop(), tuple(members), list(members.values()))


__all__ = ["FAMILY", "EnsembleHeads", "ensemble_heads"]
