"""Stage `outlets`: per-outlet figures with intervals -> reports/ and MLflow child runs."""

import json
from pathlib import Path

from framescope import tracking
from framescope.files import write_csv, write_json
from framescope.outlets import metric_names, outlet_figures
from framescope.score import read_scored
from pipelines._args import parse

params, args = parse(__doc__, "scored", "csv", "json")
sentences, labels = read_scored(args.scored)
cfg = params.outlets
table = outlet_figures(sentences, labels, cfg.bootstrap_samples, cfg.confidence, params.seed)
write_csv(table, args.csv)
write_json(table.to_dict("records"), args.json)
run_info = json.loads(Path(args.scored, "run.json").read_text())
tracking.log_outlet_comparison(
    table,
    metric_names(labels),
    params.tracking.experiment,
    corpus=Path(args.scored).name,
    model_uri=run_info["model_uri"],
    model_version=run_info["model_version"],
    params={"outlets": params.section("outlets"), "seed": params.seed},
)
print(f"outlets: {len(table)} outlets")
