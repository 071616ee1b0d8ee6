"""Stage `evaluate`: the champion on the test split -> metrics, plot data, MLflow."""

import json
from pathlib import Path

import pandas as pd

from framescope import schema, tracking
from framescope.classifiers.embed_cache import use_cache
from framescope.files import write_csv, write_json
from framescope.scoring.engine import label_space
from framescope.training import evaluate as ev
from pipelines._args import parse

params, args = parse(__doc__, "labelled", "model", "registry", "metrics", "report", "plots")
use_cache(params.train.embed_cache)  # encoder outputs by model and text, kept between runs
test = pd.read_parquet(args.labelled).query(f"{schema.SPLIT} == 'test'").reset_index(drop=True)
model = tracking.load_model(args.model)
predictions = model.predict(test[[schema.TEXT]])
metrics = ev.evaluate(predictions, test, label_space(model))
headline = ev.headline(metrics)
metrics["slices"] = {"outlet": ev.slices(predictions, test, label_space(model))}
write_json(headline, args.metrics)
write_json(metrics, args.report)
write_csv(ev.confusion_rows(test, predictions), f"{args.plots}/stance_confusion.csv")
write_csv(
    pd.DataFrame(
        [{"frame": f, "f1": m["f1"]} for f, m in metrics["frames"].items() if isinstance(m, dict)]
    ),
    f"{args.plots}/frame_f1.csv",
)
for head in metrics["calibration"]:
    write_csv(ev.reliability_rows(metrics, head), f"{args.plots}/reliability_{head}.csv")
registry = json.loads(Path(args.registry).read_text())
with tracking.run(
    params.tracking.experiment,
    "evaluate",
    run_name=f"evaluate champion v{registry['version']} ({registry['family']}) on test split",
    description=(
        f"The champion ({registry['family']}, {registry['registered_model']} version "
        f"{registry['version']}) on the {len(test)} test sentences of {args.labelled}: "
        "headline metrics, calibration, per-outlet slices."
    ),
    tags={
        "model_uri": registry["model_uri"],
        "model_version": registry["version"],
        "family": registry["family"],
    },
):
    tracking.log_input(args.labelled, "test", test, name="labelled:test")
    tracking.log_metrics(headline)
    tracking.log_artifact(args.report)
    by_outlet = pd.DataFrame.from_dict(metrics["slices"]["outlet"], orient="index")
    tracking.log_table(by_outlet.rename_axis(schema.OUTLET).reset_index(), "slices_outlet.json")
print(ev.format_report(metrics))
