"""Stage `train@<family>`: fit one family, save it as a candidate pyfunc, score dev and test."""

import time

import pandas as pd

from framescope import schema, tracking
from framescope.classifiers.base import LabelSpace
from framescope.files import write_json
from framescope.labels.codebook import load_codebook
from framescope.labels.dataset import split_parts
from framescope.training import evaluate as ev
from framescope.training.train import example_texts, train
from framescope.weak.silver import mix_silver
from pipelines._args import parse

params, args = parse(__doc__, "family", "labelled", "model", "metrics", "silver")
labelled = pd.read_parquet(args.labelled)
parts = split_parts(labelled)
gold_parts = dict(parts)  # before silver joins train: what the run logs as its gold inputs
# Silver rows join the train split only, at train.silver_weight (0: gold only).
silver = pd.read_parquet(args.silver)
parts["train"] = mix_silver(parts["train"], silver, params.train.silver_weight)
n_silver = int((parts["train"][schema.LABEL_SOURCE] == "silver").sum())
# Counterfactual copies of train (train.augment) are made inside `train`, after name masking.
labels = LabelSpace.from_codebook(load_codebook(params.codebook))
gold = tracking.content_hash(args.labelled)[:8]
data = f"gold{'+silver' if n_silver else ''} {gold}"
# The run is open while the model trains: real duration, epoch curves, FAILED on an error.
with tracking.run(
    params.tracking.experiment,
    "train",
    {
        "seed": params.seed,
        "family": args.family,
        "silver_weight": params.train.silver_weight,
        "augment": params.section("train")["augment"],
        args.family: params.section("train")[args.family],
    },
    run_name=f"train {args.family} on {data}",
    tags={"family": args.family, "candidate": args.model},
    description=(
        f"Candidate {args.family} trained on the train split of {args.labelled} (gold, "
        f"{len(parts['train']) - n_silver} rows) and {n_silver} silver rows; thresholds "
        f"tuned on dev; scored on dev and test through the saved pyfunc {args.model}."
    ),
    system_metrics=True,
):
    for split, context in (("train", "training"), ("dev", "validation"), ("test", "test")):
        tracking.log_input(args.labelled, context, gold_parts[split], name=f"labelled:{split}")
    if n_silver:
        tracking.log_input(args.silver, "training", silver)
    started = time.perf_counter()
    bundle = train(
        args.family,
        parts["train"],
        parts["dev"],
        labels,
        params.train,
        params.seed,
        on_epoch=tracking.log_epoch,
    )
    train_seconds = time.perf_counter() - started
    tracking.save_model(bundle, args.model, example_texts(parts["dev"]))
    model = tracking.load_model(args.model)  # score through the saved pyfunc: what users run
    metrics = ev.candidate_metrics(
        args.family, lambda t: model.predict(t[[schema.TEXT]]), parts["dev"], parts["test"], labels
    )
    # Wall-clock time goes to MLflow and the log, not the metrics file: metrics files must be
    # identical between two clean runs (issue 9), and timings never are.
    metrics["silver_rows"] = n_silver
    write_json(metrics, args.metrics)
    tracking.log_metrics(
        {"dev_score": metrics["dev_score"], "train_seconds": train_seconds}
        | {f"dev.{k}": v for k, v in metrics["dev"].items()}
        | {f"test.{k}": v for k, v in metrics["test"].items()}
        | {
            f"threshold.{f}": t
            for f, t in zip(labels.frame_ids, bundle.frame_thresholds, strict=True)
        }
    )
print(
    f"train: {args.family} in {train_seconds:.0f}s, dev score {metrics['dev_score']:.3f}, "
    f"test frames {metrics['test']['frames.macro_f1']:.3f} "
    f"stance {metrics['test']['stance.macro_f1']:.3f}"
)
