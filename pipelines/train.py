"""Stage `train@<family>`: fit one family, save it as a candidate pyfunc, score it on dev, test,
the held-out outlets and the report files (training.sets)."""

import time

import pandas as pd

from framescope import schema, tracking
from framescope.classifiers.base import LabelSpace
from framescope.classifiers.embed_cache import use_cache
from framescope.files import write_json
from framescope.labels.codebook import load_codebook
from framescope.labels.dataset import split_parts
from framescope.training import evaluate as ev
from framescope.training.sets import labelled_sets, report_sets
from framescope.training.train import example_texts, train
from framescope.weak.silver import mix_silver
from pipelines._args import parse

CONTEXTS = {"train": "training", "dev": "validation", "test": "test", schema.HELDOUT: "heldout"}
params, args = parse(__doc__, "family", "labelled", "model", "metrics", "silver")
use_cache(params.train.embed_cache)  # encoder outputs by model and text, kept between runs
labelled = pd.read_parquet(args.labelled)
parts = split_parts(labelled)
gold_parts = dict(parts)  # before silver joins train: what the run logs as its gold inputs
# Silver rows join the train split only, at train.silver_weight (0: gold only).
silver = pd.read_parquet(args.silver)
parts["train"] = mix_silver(parts["train"], silver, params.train.silver_weight)
n_silver = int((parts["train"][schema.LABEL_SOURCE] == "silver").sum())
# Counterfactual copies of train (train.augment) are made inside `train`, after name masking.
codebook = load_codebook(params.codebook)
labels = LabelSpace.from_codebook(codebook)
# Every candidate is scored on the same named sets; train.select_on names the one that selects.
sets = labelled_sets(gold_parts)
reported, missing = report_sets(params.train.report, codebook)
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
        f"tuned on dev; scored through the saved pyfunc {args.model} on {', '.join(sets)} "
        f"(selection: {params.train.select_on}) and, for the record, {', '.join(reported) or '-'}."
    ),
    system_metrics=True,
):
    for split, context in CONTEXTS.items():
        if len(gold_parts[split]):
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
        args.family,
        lambda t: model.predict(t[[schema.TEXT]]),
        sets | reported,
        labels,
        params.train.select_on,
    )
    metrics["report_missing"] = missing  # report files not on this machine (../shared)
    # Wall-clock time goes to MLflow and the log, not the metrics file: metrics files must be
    # identical between two clean runs (issue 9), and timings never are.
    metrics["silver_rows"] = n_silver
    write_json(metrics, args.metrics)
    tracking.log_metrics(
        {"score": metrics["score"], "dev_score": metrics["dev_score"]}
        | {"train_seconds": train_seconds}
        | {f"{name}.{k}": v for name in sets | reported for k, v in metrics[name].items()}
        | {
            f"threshold.{f}": t
            for f, t in zip(labels.frame_ids, bundle.frame_thresholds, strict=True)
        }
    )
print(
    f"train: {args.family} in {train_seconds:.0f}s, "
    f"{params.train.select_on} score {metrics['score']:.3f}"
)
for name in sets | reported:
    m = metrics[name]
    print(
        f"train:   {name:16s} frames {m['frames.macro_f1']:.3f} stance {m['stance.macro_f1']:.3f} "
        f"boilerplate {m['boilerplate.f1']:.3f}"
    )
for name, path in missing.items():
    print(f"train:   {name}: {path} not found, not reported")
