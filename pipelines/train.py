"""Stage `train`: fit the configured family, save it as a pyfunc, register it as champion."""

import pandas as pd

from framescope import schema, tracking
from framescope.classifiers.base import LabelSpace
from framescope.codebook import load_codebook
from framescope.files import write_json
from framescope.train import example_texts, train
from pipelines._args import parse

params, args = parse(__doc__, "labelled", "model", "registry")
labelled = pd.read_parquet(args.labelled)
parts = {name: labelled[labelled[schema.SPLIT] == name] for name in schema.SPLITS}
labels = LabelSpace.from_codebook(load_codebook(params.codebook))
family = params.train.family
bundle = train(family, parts["train"], parts["dev"], labels, params.train, params.seed)
examples = example_texts(parts["dev"])
tracking.save_model(bundle, args.model, examples)
with tracking.run(
    params.tracking.experiment,
    "train",
    {"seed": params.seed, "train": params.section("train")},
    run_name=f"train {family}",
    tags={"family": family},
) as run:
    tracking.log_metrics(
        {
            f"threshold.{f}": t
            for f, t in zip(labels.frame_ids, bundle.frame_thresholds, strict=True)
        }
    )
    registered = tracking.log_model(
        bundle, examples, params.tracking.registered_model, params.tracking.alias
    )
write_json({**registered, "run_id": run.info.run_id, "family": family}, args.registry)
print(f"train: {family} registered as {registered['registered_model']} v{registered['version']}")
