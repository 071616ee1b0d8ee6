"""Stage `score`: the demo corpus through the champion -> data/scored/ (parts + manifest)."""

import json
from pathlib import Path

from framescope import tracking
from framescope.classifiers.embed_cache import use_cache
from framescope.files import write_json
from framescope.ingest.corpus import ReadOptions
from framescope.labels.codebook import load_codebook
from framescope.scoring.engine import ScoreSettings, score_paths
from pipelines._args import parse

params, args = parse(__doc__, "model", "registry", "out")
use_cache(params.train.embed_cache)  # encoder outputs by model and text, kept between runs
registry = json.loads(Path(args.registry).read_text())
language = load_codebook(params.codebook).language
model_uri = f"models:/{registry['registered_model']}/{registry['version']}"
inputs = list(params.ingest.inputs)
with tracking.run(
    params.tracking.experiment,
    "score",
    {"inputs": inputs, "glob": params.ingest.glob, "seed": params.seed},
    run_name=f"score {', '.join(inputs)} with champion v{registry['version']}",
    tags={"model_uri": model_uri, "model_version": registry["version"], "out": args.out},
    description=(
        f"The corpus in {', '.join(inputs)} scored by {model_uri} ({registry['family']}) "
        f"into {args.out}, which the outlets stage compares."
    ),
):
    for path in inputs:
        tracking.log_input(path, "scoring")
    summary = score_paths(
        inputs,
        args.out,
        tracking.load_model(args.model),
        ReadOptions(glob=params.ingest.glob),
        samples=params.outlets.bootstrap_samples,
        confidence=params.outlets.confidence,
        seed=params.seed,
        settings=ScoreSettings(language=language, progress=False),
    )
    counts = summary.as_dict()
    tracking.log_metrics(
        {k: v for k, v in counts.items() if isinstance(v, int | float) and k != "seconds"}
        | {"score_seconds": counts.get("seconds", 0.0)}
    )
write_json(
    {
        "model_uri": model_uri,
        "model_version": registry["version"],
        "inputs": inputs,
        "engine": "local",
        "summary": summary.as_dict(),
    },
    f"{args.out}/run.json",
)
print("score:", summary.line())
