"""Stage `outlets`: the outlet comparison (figures, pairwise tests, trends, evidence) -> reports/
and MLflow (parent run, one child per outlet, tables and charts)."""

from framescope.compare.comparison import compare_scored, log_comparison, write_comparison
from pipelines._args import parse

params, args = parse(__doc__, "scored", "classifier_metrics", "out")
comparison = compare_scored(args.scored, params.outlets, params.seed, args.classifier_metrics)
write_comparison(comparison, args.out)
log_comparison(
    comparison,
    params.tracking.experiment,
    params={"outlets": params.section("outlets"), "seed": params.seed},
    scored=args.scored,
)
tested = int((comparison.outlets["evidence"] == "ok").sum())
print(f"outlets: {len(comparison.outlets)} outlets, {tested} tested pairwise")
