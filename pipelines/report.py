"""Stage `report`: the outlet comparison in reports/ -> one self-contained HTML file."""

from framescope.charts import comparison_charts
from framescope.compare import read_comparison
from framescope.files import write_text
from framescope.report import render_report
from pipelines._args import parse

params, args = parse(__doc__, "comparison", "out")
comparison = read_comparison(args.comparison)
charts = comparison_charts(comparison.outlets, comparison.trends, comparison.labels)
write_text(render_report(comparison, charts), args.out)
print(f"report: {args.out}")
