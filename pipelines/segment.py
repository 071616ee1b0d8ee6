"""Stage `segment`: articles.parquet -> sentences.parquet."""

import pandas as pd

from framescope.files import write_parquet
from framescope.ingest.segment import segment_articles
from pipelines._args import parse

_, args = parse(__doc__, "articles", "sentences")
sentences = segment_articles(pd.read_parquet(args.articles))
write_parquet(sentences, args.sentences)
print(f"segment: {len(sentences)} sentences")
