"""Stage `split`: join gold labels and assign train/dev/test by article, stratified by outlet."""

import pandas as pd

from framescope import schema
from framescope.codebook import load_codebook
from framescope.dataset import join_gold, load_gold, split_articles
from framescope.files import write_parquet
from pipelines._args import parse

params, args = parse(__doc__, "sentences", "labelled")
gold = load_gold(params.gold, load_codebook(params.codebook))
labelled = join_gold(pd.read_parquet(args.sentences), gold)
labelled[schema.SPLIT] = split_articles(
    labelled, params.split.dev_fraction, params.split.test_fraction, params.seed
)
write_parquet(labelled, args.labelled)
print("split:", labelled.groupby(schema.SPLIT)[schema.ARTICLE_ID].nunique().to_dict(), "articles")
