"""Stage `report`: the outlet comparison in reports/ -> one self-contained HTML file."""

from framescope.compare.charts import comparison_charts
from framescope.compare.comparison import read_comparison
from framescope.compare.report import render_report
from framescope.files import write_text
from pipelines._args import parse

params, args = parse(__doc__, "comparison", "out")
comparison = read_comparison(args.comparison)
charts = comparison_charts(comparison.outlets, comparison.trends, comparison.labels)
write_text(render_report(comparison, charts), args.out)
print(f"report: {args.out}")
