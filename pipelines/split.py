"""Stage `split`: join gold labels and assign train/dev/test by article, stratified by outlet;
the outlets of split.heldout_outlets go whole to the held-out split."""

import pandas as pd

from framescope import schema
from framescope.files import write_parquet
from framescope.labels.codebook import load_codebook
from framescope.labels.dataset import audited_rows, join_gold, split_articles, with_audited
from framescope.labels.goldset import gold_paths, load_gold_files, split_leaks
from pipelines._args import parse

params, args = parse(__doc__, "sentences", "labelled")
paths = gold_paths(params.gold_patterns)
gold = load_gold_files(paths, load_codebook(params.codebook))
gold, audited = audited_rows(gold)  # audited sentences of users' own coverage: train only
labelled = join_gold(pd.read_parquet(args.sentences), gold, params.split.unlabelled)
labelled[schema.SPLIT] = split_articles(
    labelled,
    params.split.dev_fraction,
    params.split.test_fraction,
    params.seed,
    params.split.heldout_outlets,
)
labelled = with_audited(labelled, audited)
write_parquet(labelled, args.labelled)
print("split: gold files", [str(p) for p in paths], f"{len(labelled)} labelled sentences")
if len(audited):
    print(f"split: {len(audited)} audited sentences join train")
print("split:", labelled.groupby(schema.SPLIT)[schema.ARTICLE_ID].nunique().to_dict(), "articles")
leaks = split_leaks(labelled)
print(f"split: {leaks[schema.TEXT].nunique()} content text(s) repeated across splits")
