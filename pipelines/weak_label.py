"""Stage `weak_label`: silver labels for the unlabelled corpus in params `weak.inputs`; the
label models compared on gold dev; the LF analysis as metrics and an MLflow table."""

import pandas as pd

from framescope import schema, tracking
from framescope.classifiers.embed_cache import use_cache
from framescope.classifiers.encoder import Encoder
from framescope.files import write_csv, write_json, write_parquet
from framescope.ingest.corpus import ReadOptions, collect_articles, read_articles
from framescope.ingest.langid import detect
from framescope.ingest.segment import segment_articles
from framescope.labels.codebook import load_codebook
from framescope.weak.analysis import as_metrics
from framescope.weak.labeller import label_corpus, label_model_rows
from pipelines._args import parse

params, args = parse(__doc__, "labelled", "silver", "lf_metrics", "model_metrics", "lf_table")
use_cache(params.train.embed_cache)  # encoder outputs by model and text, kept between runs
articles, rejects = collect_articles(
    read_articles(params.weak.inputs, ReadOptions(glob=params.weak.glob))
)
sentences = segment_articles(pd.DataFrame(articles, columns=schema.ARTICLE_COLUMNS))
codebook = load_codebook(params.codebook)
embed = Encoder.load(params.train.base_model).embed if params.weak.similarity else None
result = label_corpus(
    codebook, sentences, pd.read_parquet(args.labelled), params.weak, embed, detect
)
write_parquet(result.silver, args.silver)
write_json(as_metrics(result.lf_analysis), args.lf_metrics)
write_csv(result.lf_analysis, args.lf_table)
write_json(
    result.label_models | {"thresholds": {k: vars(t) for k, t in result.thresholds.items()}},
    args.model_metrics,
)
with tracking.run(
    params.tracking.experiment,
    "weak_label",
    {"weak": params.section("weak")},
    f"weak_label {', '.join(params.weak.inputs)}: {len(result.silver)} silver sentences",
    tags={f"label_model.{t}": r["chosen"] for t, r in result.label_models.items()},
    description=(
        f"Labelling functions over {', '.join(params.weak.inputs)} -> {args.silver}; label "
        f"models compared on the gold dev split of {args.labelled}."
    ),
):
    for path in params.weak.inputs:
        tracking.log_input(path, "weak_labelling")
    dev = pd.read_parquet(args.labelled).query(f"{schema.SPLIT} == 'dev'")
    tracking.log_input(args.labelled, "validation", dev, name="labelled:dev")
    tracking.log_metrics(
        {
            f"{t}.{m}.dev_f1": s["f1"]
            for t, r in result.label_models.items()
            for m, s in r["dev"].items()
        }
        | {"silver_sentences": len(result.silver)}
    )
    tracking.log_table(result.lf_analysis.astype({"polarity": str}), "lf_analysis.json")
    tracking.log_table(label_model_rows(result.label_models), "label_models.json")
silver = result.silver
print(
    f"weak_label: {len(articles)} articles ({len(rejects)} rejected), {len(silver)} silver "
    f"sentences ({int(silver[schema.BOILERPLATE].sum())} boilerplate)"
)
for task, r in result.label_models.items():
    dev = ", ".join(f"{m} {s['f1']:.3f}" for m, s in r["dev"].items())
    print(f"weak_label: {task:28s} dev F1 {dev} -> {r['chosen']}")
