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


# A small scored corpus built in code (no model, no ../shared): what `framescope score` writes.
XSS_SENTENCE = "Officials called it a bargaining chip <script>alert(1)</script> for talks."


def synthetic_scored_table(seed: int = 0):
    import numpy as np
    import pandas as pd

    from framescope import schema
    from framescope.classifiers.base import LabelSpace

    labels = LabelSpace(
        ("bargaining_chip", "costly_risk", "propaganda_failure"),
        ("favorable", "neutral", "unfavorable"),
        "neutral",
        (1, 0, -1),
    )
    rng = np.random.default_rng(seed)
    # outlet -> (articles, P(bargaining_chip), P(favorable)); Tiny has too little evidence.
    plan = {"Herald": (10, 0.6, 0.6), "Ledger": (10, 0.1, 0.2), "Tiny": (1, 0.5, 0.5)}
    articles, sentences = [], []
    for outlet, (n_articles, p_chip, p_fav) in plan.items():
        for a in range(n_articles):
            article_id = f"{outlet.lower()}-{a}"
            articles.append(
                {
                    schema.ARTICLE_ID: article_id,
                    schema.OUTLET: outlet,
                    schema.TITLE: f"{outlet} story {a} <b>bold</b>",
                    schema.DATE: f"2024-{8 + a % 3:02d}-{1 + a:02d}",
                    schema.URL: f"https://{outlet.lower()}.example/{a}",
                    schema.TEXT: "",
                    schema.SOURCE: "synthetic",
                    schema.CONTENT_HASH: article_id,
                }
            )
            for i in range(12):
                chip = float(np.clip(rng.normal(p_chip, 0.2), 0, 0.98))
                scores = {"bargaining_chip": chip, "costly_risk": rng.random() * 0.6}
                scores["propaganda_failure"] = rng.random() * 0.4
                text = f"{outlet} sentence {i} of article {a}."
                if outlet == "Herald" and a == 0 and i == 0:
                    text, scores["bargaining_chip"] = XSS_SENTENCE, 0.99
                stance = "favorable" if rng.random() < p_fav else "unfavorable"
                row = {
                    schema.SENTENCE_ID: f"{article_id}-{i}",
                    schema.ARTICLE_ID: article_id,
                    schema.OUTLET: outlet,
                    schema.POSITION: i,
                    schema.TEXT: text,
                    schema.FRAMES: [f for f, s in scores.items() if s >= 0.5],
                    schema.STANCE: stance,
                    schema.BOILERPLATE: i == 11,
                    schema.BOILERPLATE_SCORE: 0.9 if i == 11 else 0.1,
                }
                row.update({f"frame_score.{f}": s for f, s in scores.items()})
                sentences.append(row)
    # A hostile url must not become a link.
    articles[1][schema.URL] = "javascript:alert(2)"
    return pd.DataFrame(sentences), pd.DataFrame(articles), labels
