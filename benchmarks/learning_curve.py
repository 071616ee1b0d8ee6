"""Would more gold data close the gap to the keyword baseline? A learning curve per family.

The pipeline's split stays fixed (`data/stages/labelled.parquet`): dev and demo test are
untouched, and the train articles are dealt into `--parts` nested subsets, stratified by
outlet and seeded as `cross_val.py` deals folds, so a quarter of the train articles is inside
the half, the half inside three quarters. For each fraction every family in `train.families`
is trained on those articles with the pipeline's own code, the ensemble built, the champion
chosen by the dev score as `select` does, and everything scored on demo test.

If the transformer families gain more per added article than `tfidf_lr` does, annotating more
articles is a way to the issue's target; if the curves run parallel, it is not. One fine-tune
per fraction (about 6-8 minutes on the 2-core CPU at the full train set, less below it).

    python benchmarks/learning_curve.py [--fractions 1 2 3 4] [--parts 4] [--out FILE.json]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from cross_val import nested_train
from seed_spread import (
    REPO,
    add_training_arguments,
    one_seed,
    row_line,
    split_parts,
    training_params,
    with_silver,
)

from framescope import schema
from framescope.classifiers.base import LabelSpace
from framescope.codebook import load_codebook


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", type=int, default=4, help="train articles dealt into N parts")
    parser.add_argument(
        "--fractions", type=int, nargs="+", help="how many parts to train on (default: 1..N)"
    )
    parser.add_argument("--out", type=Path, help="also write the rows as JSON (after each one)")
    add_training_arguments(parser)
    args = parser.parse_args()
    params = training_params(args)
    split = split_parts(args.labelled)
    labels = LabelSpace.from_codebook(load_codebook(REPO / params.codebook))
    log = (lambda line: None) if args.quiet else (lambda line: print(line, flush=True))
    rows = []
    for taken in args.fractions or range(1, args.parts + 1):
        train = nested_train(split["train"], args.parts, taken, params.seed)
        started = time.perf_counter()
        row = {
            "fraction": taken / args.parts,
            "train_articles": int(train[schema.ARTICLE_ID].nunique()),
            "train_sentences": len(train),
            **one_seed(
                params.seed, {**split, "train": with_silver(train, params)}, labels, params, log
            ),
            "seconds": round(time.perf_counter() - started, 1),
        }
        rows.append(row)
        share = f"{row['train_articles']} train articles ({row['fraction']:.2f}, "
        print(row_line(share + f"{row['train_sentences']} sentences)", row), flush=True)
        if args.out:
            args.out.write_text(json.dumps({"rows": rows}, indent=2))


if __name__ == "__main__":
    main()
