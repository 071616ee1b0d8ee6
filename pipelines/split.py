"""Stage `split`: join gold labels and assign train/dev/test by article, stratified by outlet."""

import pandas as pd

from framescope import schema
from framescope.files import write_parquet
from framescope.labels.codebook import load_codebook
from framescope.labels.dataset import join_gold, split_articles
from framescope.labels.goldset import gold_paths, load_gold_files, split_leaks
from pipelines._args import parse

params, args = parse(__doc__, "sentences", "labelled")
paths = gold_paths(params.gold_patterns)
gold = load_gold_files(paths, load_codebook(params.codebook))
labelled = join_gold(pd.read_parquet(args.sentences), gold, params.split.unlabelled)
labelled[schema.SPLIT] = split_articles(
    labelled, params.split.dev_fraction, params.split.test_fraction, params.seed
)
write_parquet(labelled, args.labelled)
print("split: gold files", [str(p) for p in paths], f"{len(labelled)} labelled sentences")
print("split:", labelled.groupby(schema.SPLIT)[schema.ARTICLE_ID].nunique().to_dict(), "articles")
leaks = split_leaks(labelled)
print(f"split: {leaks[schema.TEXT].nunique()} content text(s) repeated across splits")
