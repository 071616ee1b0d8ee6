"""Stage `ingest`: every input format -> articles.parquet (+ rejects)."""

import pandas as pd

from framescope import schema
from framescope.files import write_jsonl, write_parquet
from framescope.ingest.corpus import ReadOptions, collect_articles, read_articles
from pipelines._args import parse

params, args = parse(__doc__, "articles", "rejects")
articles, rejects = collect_articles(
    read_articles(params.ingest.inputs, ReadOptions(glob=params.ingest.glob))
)
write_parquet(pd.DataFrame(articles, columns=schema.ARTICLE_COLUMNS), args.articles)
write_jsonl((r.as_record() for r in rejects), args.rejects)
duplicates = sum(r.reason.startswith("duplicate") for r in rejects)
print(f"ingest: {len(articles)} articles, {len(rejects)} rejected ({duplicates} exact duplicates)")
