"""Stage `select`: pick the champion among the candidates (and their ensemble) by their score on
train.select_on (the held-out outlets by default), copy it to models/champion and register it
in MLflow with the champion alias."""

import json
import shutil
from pathlib import Path

import pandas as pd

from framescope import schema, tracking
from framescope.classifiers.base import LabelSpace
from framescope.classifiers.bundle import bundle_directory, predict_frame, read_bundle
from framescope.classifiers.embed_cache import use_cache
from framescope.config import ENSEMBLE
from framescope.files import write_json
from framescope.labels.codebook import load_codebook
from framescope.labels.dataset import split_parts
from framescope.training import evaluate as ev
from framescope.training.select import build_ensemble, choose_champion
from framescope.training.sets import labelled_sets, report_sets
from pipelines._args import parse

params, args = parse(
    __doc__, "candidates", "metrics_dir", "labelled", "model", "registry", "metrics"
)
use_cache(params.train.embed_cache)  # encoder outputs by model and text, kept between runs
dirs = {family: Path(args.candidates, family) for family in params.train.families}
candidates = {
    family: json.loads(Path(args.metrics_dir, f"{family}.json").read_text())
    for family in params.train.families
}
ensemble = None
if params.train.ensemble_possible:
    labelled = pd.read_parquet(args.labelled)
    parts = split_parts(labelled)
    codebook = load_codebook(params.codebook)
    labels = LabelSpace.from_codebook(codebook)
    ensemble = build_ensemble(dirs, parts["dev"], labels, params.train.threshold_grid_step)
    reported, missing = report_sets(params.train.report, codebook)
    candidates[ENSEMBLE] = ev.candidate_metrics(
        ENSEMBLE,
        lambda t: predict_frame(ensemble, t[schema.TEXT].tolist()),
        labelled_sets(parts) | reported,
        labels,
        params.train.select_on,
    )
    candidates[ENSEMBLE]["report_missing"] = missing
choice = choose_champion(candidates, params.train.family)
if Path(args.model).exists():
    shutil.rmtree(args.model)
if choice.family == ENSEMBLE:
    bundle = ensemble
    tracking.save_model(
        bundle, args.model, tracking.input_example_texts(dirs[params.train.families[0]])
    )
else:
    shutil.copytree(dirs[choice.family], args.model)
    bundle = read_bundle(bundle_directory(dirs[choice.family]))
made_by = params.train.families if choice.family == ENSEMBLE else [choice.family]
with tracking.run(
    params.tracking.experiment,
    "select",
    {"train.family": params.train.family, "train.families": list(params.train.families)},
    run_name=f"select champion: {choice.family}",
    tags={"family": choice.family, "reason": choice.reason},
    description=(
        f"Champion {choice.family} ({choice.reason}) among {', '.join(candidates)} by "
        f"{params.train.select_on} score, registered as "
        f"{params.tracking.registered_model}@{params.tracking.alias}; "
        "the model version's lineage.* tags give the commit, data hashes and params."
    ),
) as run:
    if ensemble is not None:
        tracking.log_input(args.labelled, "validation", parts["dev"], name="labelled:dev")
    tracking.log_metrics({f"score.{f}": s for f, s in choice.scores.items()})
    registered = tracking.log_model(
        bundle,
        tracking.input_example_texts(args.model),
        params.tracking.registered_model,
        params.tracking.alias,
    )
    # Which code, data (dvc.lock hashes) and params made it, from the corpus to the candidates.
    upstream = ["ingest", "segment", "split", "weak_label", *(f"train@{f}" for f in made_by)]
    tracking.tag_model_version(
        registered["registered_model"],
        registered["version"],
        tracking.lineage_tags(upstream, tracking.git_commit())
        | {"family": choice.family, "select_run_id": run.info.run_id},
    )
write_json({**registered, "run_id": run.info.run_id, "family": choice.family}, args.registry)
write_json(
    {
        "champion": choice.family,
        "reason": choice.reason,
        "selected_on": params.train.select_on,
        "score": choice.scores,
        **({ENSEMBLE: candidates[ENSEMBLE]} if ENSEMBLE in candidates else {}),
    },
    args.metrics,
)
print(f"select: {choice.family} ({choice.reason}); registered v{registered['version']}")
