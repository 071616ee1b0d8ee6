"""Stage `select`: pick the champion among the candidates by dev score, register it in MLflow."""

import json
import shutil
from pathlib import Path

from framescope import tracking
from framescope.classifiers.pyfunc import bundle_directory, read_bundle
from framescope.files import write_json
from framescope.select import choose_champion
from pipelines._args import parse

params, args = parse(__doc__, "candidates", "metrics_dir", "model", "registry", "metrics")
candidates = {
    family: json.loads(Path(args.metrics_dir, f"{family}.json").read_text())
    for family in params.train.families
}
choice = choose_champion(candidates, params.train.family)
source = Path(args.candidates, choice.family)
if Path(args.model).exists():
    shutil.rmtree(args.model)
shutil.copytree(source, args.model)
bundle = read_bundle(bundle_directory(source))
with tracking.run(
    params.tracking.experiment,
    "select",
    {"train.family": params.train.family, "train.families": list(params.train.families)},
    run_name=f"select {choice.family}",
    tags={"family": choice.family, "reason": choice.reason},
) as run:
    tracking.log_metrics({f"dev_score.{f}": s for f, s in choice.scores.items()})
    registered = tracking.log_model(
        bundle,
        tracking.input_example_texts(args.model),
        params.tracking.registered_model,
        params.tracking.alias,
    )
write_json({**registered, "run_id": run.info.run_id, "family": choice.family}, args.registry)
write_json(
    {"champion": choice.family, "reason": choice.reason, "dev_score": choice.scores}, args.metrics
)
print(f"select: {choice.family} ({choice.reason}); registered v{registered['version']}")
