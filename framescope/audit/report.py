"""The audit as one self-contained HTML page, in the outlet report's style.

Per outlet, side by side: the raw share (as predicted), the share corrected with the test
split's precision and recall (where classifier metrics were given) and the audited share
(design-weighted from this corpus's labels); then the classifier's precision and recall as the
audit measured them, the labelling plan and the annotators' agreement.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from framescope import schema
from framescope.annotate.agreement import format_agreement
from framescope.audit.estimate import ALL_OUTLETS, BOILERPLATE_SHARE, N_AUDITED
from framescope.classifiers.base import LabelSpace
from framescope.compare.report import _e, _interval, _num, html_page


def _table(head: list[str], rows: list[list[str]]) -> str:
    header = "".join(f"<th>{_e(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + f'<td class="t">{r[0]}</td>' + "".join(f"<td>{c}</td>" for c in r[1:]) + "</tr>"
        for r in rows
    )
    return f'<div class="wide"><table><tr>{header}</tr>{body}</table></div>'


def _cell(row: pd.Series | None, name: str) -> str:
    return "" if row is None or name not in row or pd.isna(row[name]) else _interval(row, name)


def _shares(audit: pd.DataFrame, raw: pd.DataFrame, names: list[tuple[str, str]]) -> str:
    """One row per outlet; per figure, raw / test-split corrected / audited columns."""
    prefix = schema.frame_share("")
    corrected = {
        n: schema.frame_share_corrected(n.removeprefix(prefix)) if n.startswith(prefix) else ""
        for n, _ in names
    }
    has_corrected = any(c in raw.columns for c in corrected.values())
    head = ["outlet", "labelled"]
    for _, label in names:
        head += [f"{label} raw"] + ([f"{label} test-split corr."] if has_corrected else [])
        head += [f"{label} audited"]
    raw_rows = raw.set_index(schema.OUTLET)
    rows = []
    for _, a in audit.iterrows():
        r = raw_rows.loc[a[schema.OUTLET]] if a[schema.OUTLET] in raw_rows.index else None
        cells = [_e(a[schema.OUTLET]), str(int(a[N_AUDITED]))]
        for name, _ in names:
            cells.append(_cell(r, name))
            if has_corrected:
                cells.append(_cell(r, corrected[name]))
            cells.append(_cell(a, schema.audited(name)))
        rows.append(cells)
    return _table(head, rows)


def _errors(audit: pd.DataFrame, labels: LabelSpace) -> str:
    kinds = ["boilerplate", *(f"frame.{f}" for f in labels.frame_ids)]
    kinds += [f"stance.{s}" for s in labels.stance_ids]
    head = ["outlet"] + [f"{k} {m}" for k in kinds for m in ("P", "R")]
    rows = [
        [_e(a[schema.OUTLET])]
        + [_cell(a, fn(k)) for k in kinds for fn in (schema.precision, schema.recall)]
        for _, a in audit.iterrows()
    ]
    return _table(head, rows)


def render_audit(
    audit: pd.DataFrame,
    raw: pd.DataFrame,
    labels: LabelSpace,
    meta: dict[str, Any],
    plan_text: str,
    agreement: dict[str, Any],
) -> str:
    """The page. `audit`: the estimate table; `raw`: the outlet figures (and corrected shares)."""
    level = f"{meta['confidence']:.0%}"
    frames = [(schema.frame_share(f), f) for f in labels.frame_ids]
    stances = [(schema.stance_share(s), s) for s in labels.stance_ids]
    stances.append((schema.NET_STANCE, "net stance"))
    per_outlet = audit[audit[schema.OUTLET] != ALL_OUTLETS]
    title = f"Audit {meta['name']}: {meta['corpus']}"
    agreed = (
        f"<pre>{_e(format_agreement(agreement))}</pre>"
        if agreement.get("sentences_rated_twice_or_more")
        else "<p>Every sentence was labelled once: no agreement figures.</p>"
    )
    test_split = meta.get("classifier_metrics") or "none given"
    body = [
        f"<h1>{_e(title)}</h1>",
        f"<p>Model: {_e(meta['model_uri'])}. Sample: {meta['n_sampled']} sentences in "
        f"{meta['n_strata']} strata (outlet × predicted cell), seed {meta['seed']}; labelled "
        f"{meta['n_labelled']} ({meta['n_missing']} missing), {meta['annotations']} annotations. "
        f"Corpus fingerprint {_e(meta['fingerprint'])}.</p>",
        '<div class="note"><p><b>Raw</b>: the share of predicted content sentences the model '
        "gave the label (95% interval resampling articles). <b>Test-split corrected</b>: raw × "
        f"precision / recall of the labelled test split ({_e(test_split)}), which assumes the "
        "model errs here as it did there. <b>Audited</b>: estimated from this corpus's own "
        "labelled sample, weighting each label by its design weight N<sub>h</sub>/n<sub>h</sub> "
        "within its stratum (the measured confusion of each predicted cell), as a share of the "
        f"sentences the annotators call content; {level} interval from a two-stage bootstrap "
        f"({meta['samples']} resamples) over the corpus's articles and the labelled sentences "
        "within strata, so it carries both sampling errors.</p></div>",
        "<h2>Frame shares</h2>",
        _shares(audit, raw, frames),
        "<h2>Stance</h2>",
        _shares(audit, raw, stances),
        "<h2>Boilerplate</h2><p>Audited share of all sentences that are boilerplate: "
        + ", ".join(
            f"{_e(a[schema.OUTLET])} {_num(a[schema.audited(BOILERPLATE_SHARE)])}"
            for _, a in audit.iterrows()
        )
        + ".</p>",
        f"<h2>Classifier error on this corpus</h2><p>Precision (P) and recall (R) per label, "
        f"design-weighted, {level} intervals.</p>",
        _errors(audit, labels),
        f"<h2>More labels</h2><p>{_e(plan_text)}</p>",
        "<h2>Annotator agreement</h2>",
        agreed,
        f"<p>Outlets: {len(per_outlet)}.</p>",
    ]
    return html_page(title, body)
