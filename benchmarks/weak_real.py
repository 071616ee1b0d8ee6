"""Weak supervision on real coverage: does silver-labelled Kursk coverage help on real text?

1. Reads the Kursk-related articles in ../shared/corpora (every article whose text mentions
   Kursk) and leaves out every article of the real dev set (by url) and every sentence whose
   text is a dev sentence: the dev set is drawn from the Kyiv Independent's Kursk articles.
   `--scope kyiv` adds the Kyiv Independent's other articles (same outlet and period as dev,
   none of them dev articles) as in-domain unlabelled text.
2. Gives them silver labels with the weak_label library (LFs from the codebook, label models
   chosen on the demo gold dev split), exactly as the stage does.
3. Trains each family on demo gold train alone and on gold train + silver at each weight, and
   scores both on the real dev set (../shared/dev) and on the demo test split.

Needs `dvc repro split` (data/stages/labelled.parquet). Writes .work/weak_real/ (git-ignored:
no text from ../shared is committed) and prints a Markdown table for the README.

    python benchmarks/weak_real.py [--families tfidf_lr embed_lr] [--weights 0.3 1.0]
                                   [--scope kursk|kyiv]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

import pandas as pd

from framescope import evaluate as ev
from framescope import schema
from framescope.classifiers.base import LabelSpace
from framescope.classifiers.bundle import predict_frame
from framescope.classifiers.encoder import Encoder
from framescope.codebook import load_codebook
from framescope.config import load_params
from framescope.corpus import Columns, ReadOptions, collect_articles, read_articles
from framescope.files import write_json, write_parquet
from framescope.langid import detect
from framescope.segment import segment_articles
from framescope.train import train
from framescope.weak.labeller import label_corpus, label_model_rows
from framescope.weak.silver import mix_silver

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
REAL_DEV = SHARED / "dev" / "kyiv_independent_kursk_dev.jsonl"
SOURCES = {  # folder -> columns of its CSV files
    "kyiv_independent_2025": Columns(
        text="testo_articolo", date="data_pubblicazione_iso", url="url", title="titolo"
    ),
    "ukraine_media_2022": Columns(text="Text", date="Date", url="URL", title="Title"),
    "semeval2025_task10": Columns(text="text", id="id"),
}
HEADS = ("frames.macro_f1", "stance.macro_f1", "boilerplate.f1")


def _key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def real_articles(scope: str, dev: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int]]:
    """Kursk-related articles of ../shared/corpora minus the dev set's articles."""
    dev_urls = set(dev[schema.URL])
    found: list[dict[str, object]] = []
    for folder, columns in SOURCES.items():
        for path in sorted((SHARED / "corpora" / folder).glob("*.csv")):
            options = ReadOptions(columns=columns, default_outlet=path.stem)
            found += collect_articles(read_articles([path], options))[0]
    table = pd.DataFrame(found, columns=schema.ARTICLE_COLUMNS)
    kursk = table[schema.TEXT].str.contains("kursk", case=False)
    in_domain = table[schema.SOURCE].str.contains("kyiv_independent.csv", regex=False)
    keep = kursk | (in_domain if scope == "kyiv" else False)
    not_dev = ~table[schema.URL].isin(dev_urls)
    counts = {
        "articles_read": len(table),
        "kursk_articles": int(kursk.sum()),
        "dev_articles_left_out": int((keep & ~not_dev).sum()),
        "articles_used": int((keep & not_dev).sum()),
    }
    return table[keep & not_dev].reset_index(drop=True), counts


def score(bundle, table: pd.DataFrame, labels: LabelSpace) -> dict[str, float]:
    """Headline metrics plus each frame's F1 (with 1-9 positives a frame, read them one by one)."""
    predictions = predict_frame(bundle, table[schema.TEXT].tolist())
    metrics = ev.evaluate(predictions, table, labels)
    return ev.headline(metrics) | {f"f1.{f}": metrics["frames"][f]["f1"] for f in labels.frame_ids}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", nargs="+", default=["tfidf_lr", "embed_lr"])
    parser.add_argument("--weights", nargs="+", type=float, default=[0.3, 1.0])
    parser.add_argument("--scope", choices=["kursk", "kyiv"], default="kursk")
    parser.add_argument("--out", type=Path, default=REPO / ".work" / "weak_real")
    args = parser.parse_args()
    if not REAL_DEV.exists():
        sys.exit(f"weak_real: {REAL_DEV} not found (../shared is not beside the checkout)")
    params = load_params(REPO / "configs" / "params.yaml")
    codebook = load_codebook(REPO / params.codebook)
    labels = LabelSpace.from_codebook(codebook)
    labelled = pd.read_parquet(REPO / "data" / "stages" / "labelled.parquet")
    dev = pd.read_json(REAL_DEV, lines=True)
    started = time.perf_counter()
    articles, counts = real_articles(args.scope, dev)
    sentences = segment_articles(articles)
    dev_keys = set(dev[schema.TEXT].map(_key))
    sentences = sentences[~sentences[schema.TEXT].map(_key).isin(dev_keys)].reset_index(drop=True)
    embed = Encoder.load(params.train.base_model).embed
    weak = label_corpus(codebook, sentences, labelled, params.weak, embed, detect)
    silver = weak.silver
    counts |= {
        "silver_sentences": len(silver),
        "weak_seconds": round(time.perf_counter() - started),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    write_parquet(silver, args.out / f"silver_{args.scope}.parquet")
    parts = {s: labelled[labelled[schema.SPLIT] == s].reset_index(drop=True) for s in schema.SPLITS}
    rows = []
    for family in args.families:
        for weight in [0.0, *args.weights]:
            t0 = time.perf_counter()
            mixed = mix_silver(parts["train"], silver, weight)
            bundle = train(family, mixed, parts["dev"], labels, params.train, params.seed)
            real, demo = score(bundle, dev, labels), score(bundle, parts["test"], labels)
            rows.append(
                {"family": family, "silver_weight": weight, "train_rows": len(mixed)}
                | {f"real_dev.{h}": round(real[h], 3) for h in HEADS}
                | {f"real_dev.{k}": round(v, 3) for k, v in real.items() if k.startswith("f1.")}
                | {f"demo_test.{h}": round(demo[h], 3) for h in HEADS}
                | {"seconds": round(time.perf_counter() - t0)}
            )
            print(json.dumps(rows[-1]), flush=True)
    silver_profile = {
        "boilerplate": int(silver[schema.BOILERPLATE].sum()),
        "stance": silver[schema.STANCE].value_counts().to_dict(),
        "frames": silver[schema.FRAMES].explode().value_counts().to_dict(),
    }
    write_json(
        {"scope": args.scope, "counts": counts, "silver": silver_profile, "runs": rows,
         "label_models": weak.label_models},
        args.out / f"results_{args.scope}.json",
    )  # fmt: skip
    label_model_rows(weak.label_models).to_csv(args.out / "label_models.csv", index=False)
    print(json.dumps(counts), json.dumps(silver_profile))
    print(
        "| family | silver weight | real dev frame macro-F1 | real dev stance macro-F1 "
        "| real dev boilerplate F1 | demo test frame macro-F1 | demo test stance macro-F1 |"
    )
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['family']} | {r['silver_weight']} | {r['real_dev.frames.macro_f1']:.3f} | "
            f"{r['real_dev.stance.macro_f1']:.3f} | {r['real_dev.boilerplate.f1']:.3f} | "
            f"{r['demo_test.frames.macro_f1']:.3f} | {r['demo_test.stance.macro_f1']:.3f} |"
        )


if __name__ == "__main__":
    main()
