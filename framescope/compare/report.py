"""The outlet comparison as one self-contained HTML file: charts inline, no scripts, no assets.

Every string that comes from coverage or from users (outlet names, sentences, titles, urls)
goes through `html.escape`; links are only made for http(s) urls. The page also forbids
scripts in its Content-Security-Policy, as a second line of defence.
"""

from __future__ import annotations

import base64
import html
import math
from typing import Any
from urllib.parse import urlparse

import pandas as pd

from framescope import schema
from framescope.compare.comparison import Comparison

_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
_STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}
table{border-collapse:collapse;margin:.5em 0 1.5em;font-size:13px}
th,td{border:1px solid #ccc;padding:3px 7px;text-align:right;vertical-align:top}
td{white-space:nowrap}td.t q,li{white-space:normal}.wide{overflow-x:auto}
th{background:#f2f2f2}td.t{text-align:left}tr.insufficient td{color:#888}
.note{background:#fff8e1;border-left:4px solid #e0b000;padding:.5em 1em}
img{max-width:100%}figure{margin:1em 0}q{font-style:italic}.sig{font-weight:bold}
"""


def _e(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


def _num(value: Any, digits: int = 2) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return ""
    return "n/a" if math.isnan(number) else f"{number:.{digits}f}"


def _interval(row: pd.Series, name: str) -> str:
    low, high = row.get(f"{name}.{schema.CI_LOW}"), row.get(f"{name}.{schema.CI_HIGH}")
    return f"{_num(row[name])} [{_num(low)}, {_num(high)}]"


def _img(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<figure><img alt="{_e(alt)}" src="data:image/png;base64,{data}"></figure>'


def _link(url: Any, text: Any) -> str:
    if isinstance(url, str) and urlparse(url).scheme in ("http", "https"):
        return f'<a href="{_e(url)}" rel="noopener noreferrer">{_e(text or url)}</a>'
    return _e(text)


def _outlet_table(c: Comparison) -> str:
    frames = c.labels.frame_ids
    corrected = [f for f in frames if schema.frame_share_corrected(f) in c.outlets]
    head = ["outlet", "evidence", "articles", "content sentences", "dates"]
    head += [f"{f} raw" for f in frames] + [f"{f} corrected" for f in corrected]
    head += ["net stance [95% CI]"]
    rows = []
    for _, r in c.outlets.iterrows():
        cells = [
            f'<td class="t">{_e(r[schema.OUTLET])}</td>',
            f'<td class="t">{_e(r.get(schema.EVIDENCE, ""))}</td>',
            f"<td>{int(r[schema.N_ARTICLES])}</td><td>{int(r[schema.N_SENTENCES])}</td>",
            f'<td class="t">{_e(r.get(schema.DATE_FROM))} – {_e(r.get(schema.DATE_TO))}</td>',
        ]
        cells += [f"<td>{_interval(r, schema.frame_share(f))}</td>" for f in frames]
        cells += [f"<td>{_interval(r, schema.frame_share_corrected(f))}</td>" for f in corrected]
        cells.append(f"<td>{_interval(r, schema.NET_STANCE)}</td>")
        css = ' class="insufficient"' if r.get(schema.EVIDENCE) == schema.INSUFFICIENT else ""
        rows.append(f"<tr{css}>{''.join(cells)}</tr>")
    header = "".join(f"<th>{_e(h)}</th>" for h in head)
    return f'<div class="wide"><table><tr>{header}</tr>{"".join(rows)}</table></div>'


def _pairwise_table(c: Comparison) -> str:
    if c.pairwise.empty:
        return "<p>No pairwise tests: fewer than two outlets have sufficient evidence.</p>"
    table = c.pairwise.sort_values([schema.Q_VALUE, schema.METRIC], kind="stable")
    head = ["outlet a", "outlet b", "figure", "a", "b", "a − b [95% CI]", "p", "q (BH)"]
    rows = []
    for _, r in table.iterrows():
        css = ' class="sig"' if bool(r[schema.SIGNIFICANT]) else ""
        diff = _interval(r, schema.DIFFERENCE)
        rows.append(
            f'<tr{css}><td class="t">{_e(r[schema.OUTLET_A])}</td>'
            f'<td class="t">{_e(r[schema.OUTLET_B])}</td><td class="t">{_e(r[schema.METRIC])}</td>'
            f"<td>{_num(r[schema.VALUE_A])}</td><td>{_num(r[schema.VALUE_B])}</td>"
            f"<td>{diff}</td>"
            f"<td>{_num(r[schema.P_VALUE], 4)}</td><td>{_num(r[schema.Q_VALUE], 4)}</td></tr>"
        )
    header = "".join(f"<th>{_e(h)}</th>" for h in head)
    return f"<table><tr>{header}</tr>{''.join(rows)}</table>"


def _evidence(c: Comparison) -> str:
    if c.evidence.empty:
        return "<p>No content sentences.</p>"
    parts = []
    for (outlet, frame), group in c.evidence.groupby([schema.OUTLET, schema.FRAME], sort=True):
        items = []
        for _, r in group.sort_values(schema.RANK).iterrows():
            flag = "" if r[schema.PREDICTED] else " (below the frame's threshold)"
            source = _link(r[schema.URL], r[schema.TITLE] or r[schema.URL])
            items.append(
                f"<li><q>{_e(r[schema.TEXT])}</q> <small>p={_num(r[schema.PROBABILITY])}"
                f"{flag} · {source} · {_e(r[schema.DATE])}</small></li>"
            )
        parts.append(f"<h3>{_e(outlet)} · {_e(frame)}</h3><ol>{''.join(items)}</ol>")
    return "".join(parts)


def _slices(c: Comparison) -> str:
    slices = c.meta.get("classifier_slices")
    if not slices:
        return ""
    frames = c.labels.frame_ids
    head = ["outlet", "test sentences", "frame macro-F1", *(f"{f} F1" for f in frames)]
    head.append("stance macro-F1")
    rows = []
    for outlet, m in sorted(slices.items()):
        cells = [f'<td class="t">{_e(outlet)}</td><td>{_e(m.get("n_sentences"))}</td>']
        cells += [f"<td>{_num(m.get('frames.macro_f1'))}</td>"]
        cells += [f"<td>{_num(m.get(f'frames.{f}.f1'))}</td>" for f in frames]
        cells.append(f"<td>{_num(m.get('stance.macro_f1'))}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    header = "".join(f"<th>{_e(h)}</th>" for h in head)
    return (
        "<h2>Classifier error by outlet (labelled test split)</h2><p>F1 of the model on the "
        "held-out test split, per outlet of that split (which may not be the outlets compared "
        f"here): {_e(c.meta.get('classifier_metrics'))}.</p>"
        f"<table><tr>{header}</tr>{''.join(rows)}</table>"
    )


def render_report(c: Comparison, charts: dict[str, bytes], title: str = "") -> str:
    """The whole report as one HTML string."""
    config = c.meta.get("config", {})
    title = title or f"Outlet comparison: {c.meta.get('corpus', 'coverage')}"
    corrected = bool(c.meta.get("frame_metrics"))
    correction_note = (
        "<p><b>Raw</b> shares are the fraction of content sentences the classifier labelled "
        "with the frame. <b>Corrected</b> shares are raw × precision / recall, with precision "
        "and recall measured on the labelled test split (clipped to [0, 1]); they assume the "
        "classifier errs on this coverage as it did on the test split, which does not hold "
        "across a domain gap.</p>"
        if corrected
        else "<p>Shares are <b>raw</b> (as predicted); no classifier metrics were given, so "
        "no corrected shares.</p>"
    )
    insufficient = c.meta.get("insufficient") or []
    body = [
        f"<h1>{_e(title)}</h1>",
        f"<p>Model: {_e(c.meta.get('model_uri', 'unknown'))} "
        f"(version {_e(c.meta.get('model_version') or 'unregistered')}). "
        f"Outlets: {len(c.outlets)}; boilerplate sentences never count.</p>",
        f'<div class="note">{correction_note}<p>Outlets below {_e(config.get("min_articles"))}'
        f" articles or {_e(config.get('min_sentences'))} content sentences are marked "
        f"<i>insufficient</i> and left out of the pairwise tests"
        f"{': ' + _e(', '.join(map(str, insufficient))) if insufficient else ''}.</p></div>",
        "<h2>Frame shares by outlet</h2>",
    ]
    for name, alt in (
        ("frame_heatmap.png", "heatmap of raw frame shares by outlet"),
        ("frame_heatmap_corrected.png", "heatmap of corrected frame shares by outlet"),
    ):
        if name in charts:
            body.append(_img(charts[name], alt))
    body += [
        _outlet_table(c),
        "<h2>Net stance</h2>",
        _img(charts["net_stance.png"], "net stance by outlet with intervals"),
        "<h2>Pairwise differences</h2>",
        "<p>Difference a − b of each frame share (raw) and of net stance; 95% bootstrap "
        "interval resampling articles; two-sided p-value from "
        f"{_e(config.get('bootstrap_samples'))} article-level permutations; q-values are "
        "Benjamini–Hochberg adjusted over all rows. <b>Bold</b>: q &lt; "
        f"{_e(config.get('alpha'))}.</p>",
        _pairwise_table(c),
        f"<h2>Trends by {_e(config.get('trend_period', 'period'))}</h2>",
        _img(charts["trends.png"], "frame shares by period and outlet")
        if "trends.png" in charts
        else "<p>No dated articles: no trends.</p>",
        _slices(c),
        "<h2>Evidence</h2>",
        f"<p>Per outlet and frame, the {_e(config.get('top_k'))} content sentences with the "
        "highest probability for the frame, so that a reader can check what the model saw.</p>",
        _evidence(c),
    ]
    return html_page(title, body)


def html_page(title: str, body: list[str]) -> str:
    """A self-contained page: the report's style and Content-Security-Policy around `body`."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        f"<title>{_e(title)}</title><style>{_STYLE}</style></head>"
        f"<body>{''.join(body)}</body></html>\n"
    )
