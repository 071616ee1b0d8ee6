"""Synthetic labelled sentences for tests that train small models (no repo data needed)."""

from __future__ import annotations

import pandas as pd

from framescope import schema

# (text, frames, stance, boilerplate): cue-heavy sentences so a tiny TF-IDF model learns something.
TEMPLATES = [
    (
        "Kyiv sees the captured land as a bargaining chip for future talks {i}.",
        ["bargaining_chip"],
        "favorable",
        False,
    ),
    (
        "The held territory could be swapped at the negotiating table, officials said {i}.",
        ["bargaining_chip"],
        "neutral",
        False,
    ),
    (
        "The incursion drained scarce reserves and cost Ukraine heavy losses {i}.",
        ["costly_risk"],
        "unfavorable",
        False,
    ),
    (
        "Analysts warned the operation was a costly gamble that left the Donbas front exposed {i}.",
        ["costly_risk"],
        "unfavorable",
        False,
    ),
    (
        "The raid humiliated the Kremlin and exposed Putin's propaganda as hollow {i}.",
        ["propaganda_failure"],
        "favorable",
        False,
    ),
    (
        "Russian state TV struggled to explain the embarrassing failure to defend the border {i}.",
        ["propaganda_failure"],
        "favorable",
        False,
    ),
    ("Ukrainian forces remained in the Kursk region on Tuesday {i}.", [], "neutral", False),
    ("Subscribe to our newsletter for the latest updates {i}.", [], "neutral", True),
    ("Read more: related coverage and photo galleries {i}.", [], "neutral", True),
]


def labelled_table(n_per_template: int, offset: int) -> pd.DataFrame:
    rows = []
    for k in range(n_per_template):
        for text, frames, stance, boilerplate in TEMPLATES:
            rows.append(
                {
                    schema.TEXT: text.format(i=offset + k),
                    schema.FRAMES: list(frames),
                    schema.STANCE: stance,
                    schema.BOILERPLATE: boilerplate,
                }
            )
    return pd.DataFrame(rows)
