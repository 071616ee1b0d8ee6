"""Each model family side by side: demo test split and the real dev set (the domain gap).

Reads the candidates that `dvc repro` trained (models/candidates/<family>) and their demo
metrics (metrics/candidates/<family>.json), scores each on a real gold file with the same code
as `framescope evaluate`, and prints one Markdown table for docs/models.md.

    python experiments/family_table.py [--gold ../shared/dev/kyiv_independent_kursk_dev.jsonl]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

from framescope import schema
from framescope.scoring.engine import label_space
from framescope.tracking import load_model
from framescope.training import evaluate as ev

REPO = Path(__file__).resolve().parents[1]
REAL_DEV = REPO.parent / "shared" / "dev" / "kyiv_independent_kursk_dev.jsonl"
HEADS = ("frames.macro_f1", "stance.macro_f1", "boilerplate.f1")


def real_dev_metrics(model_dir: Path, gold: Path) -> dict[str, float]:
    table = pd.read_json(gold, lines=True)
    model = load_model(str(model_dir))
    predictions = model.predict(table[[schema.TEXT]])
    return ev.headline(ev.evaluate(predictions, table, label_space(model)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=REAL_DEV)
    parser.add_argument("--out", type=Path, default=None, help="also write the rows as JSON")
    args = parser.parse_args()
    if not args.gold.exists():
        raise SystemExit(f"{args.gold}: real dev set not found (it lives in ../shared)")
    selected = json.loads((REPO / "metrics" / "select.json").read_text())
    champion = selected["champion"]
    demos = [
        json.loads(f.read_text()) for f in sorted((REPO / "metrics" / "candidates").glob("*.json"))
    ]
    if "ensemble" in selected and champion == "ensemble":  # saved only when it is the champion
        demos.append(selected["ensemble"])
    rows = []
    for demo in demos:
        family = demo["family"]
        model_dir = REPO / "models" / ("champion" if family == champion else f"candidates/{family}")
        real = real_dev_metrics(model_dir, args.gold)
        rows.append(
            {
                "family": family,
                "dev_score": demo["dev_score"],
                **{f"demo_test.{k}": demo["test"][k] for k in HEADS},
                **{f"real_dev.{k}": real[k] for k in HEADS},
                "demo_test.frames.ece": demo["test"].get("frames.ece"),
                "real_dev.frames.ece": real.get("frames.ece"),
            }
        )
    print(
        "| family | demo test: frames / stance / boilerplate "
        "| real dev: frames / stance / boilerplate | dev score |"
    )
    print("|---|---|---|---|")
    for r in rows:
        name = f"**{r['family']}** (champion)" if r["family"] == champion else r["family"]
        demo = " / ".join(f"{r[f'demo_test.{k}']:.3f}" for k in HEADS)
        real = " / ".join(f"{r[f'real_dev.{k}']:.3f}" for k in HEADS)
        print(f"| {name} | {demo} | {real} | {r['dev_score']:.3f} |")
    if args.out:
        args.out.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
