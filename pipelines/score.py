"""Stage `score`: the demo corpus through the champion -> data/scored/ (parts + manifest)."""

import json
from pathlib import Path

from framescope import tracking
from framescope.files import write_json
from framescope.ingest.corpus import ReadOptions
from framescope.labels.codebook import load_codebook
from framescope.scoring.engine import ScoreSettings, score_paths
from pipelines._args import parse

params, args = parse(__doc__, "model", "registry", "out")
registry = json.loads(Path(args.registry).read_text())
language = load_codebook(params.codebook).language
summary = score_paths(
    list(params.ingest.inputs),
    args.out,
    tracking.load_model(args.model),
    ReadOptions(glob=params.ingest.glob),
    samples=params.outlets.bootstrap_samples,
    confidence=params.outlets.confidence,
    seed=params.seed,
    settings=ScoreSettings(language=language, progress=False),
)
model_uri = f"models:/{registry['registered_model']}/{registry['version']}"
write_json(
    {
        "model_uri": model_uri,
        "model_version": registry["version"],
        "inputs": list(params.ingest.inputs),
        "engine": "local",
        "summary": summary.as_dict(),
    },
    f"{args.out}/run.json",
)
print("score:", summary.line())
