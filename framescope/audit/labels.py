"""The audit's labels: a Label Studio export read and checked exactly as `annotate import` does,
then matched to the sample. Audited sentences can also be written as gold rows for training.

The export is read by `annotate.studio.read_export`, checked by `annotate.adjudicate.validate`
against the codebook and corpus, several annotators merged by majority, and agreement measured
by `annotate.agreement`. A sampled sentence without a label is missing data the design cannot
weight: the report refuses it unless told to treat the unlabelled as missing at random.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from framescope import schema
from framescope.annotate import adjudicate as adj
from framescope.annotate.agreement import agreement
from framescope.annotate.studio import ExportError, read_export
from framescope.audit.estimate import AUDIT_BOILERPLATE, AUDIT_FRAMES, AUDIT_STANCE
from framescope.labels.codebook import Codebook
from framescope.labels.dataset import AUDIT_SOURCE  # the prefix the split stage recognises


class LabelsError(ValueError):
    """The export does not fit the codebook, the corpus or the sample; the message names it."""


@dataclass
class AuditLabels:
    gold: list[dict[str, Any]]  # one adjudicated row per labelled sampled sentence
    agreement: dict[str, Any]
    annotations: int
    unannotated: int  # tasks in the export without any annotation
    missing: list[str]  # sampled sentence ids without a label


def read_labels(
    raw: Any,
    export: str,
    codebook: Codebook,
    corpus: pd.DataFrame,
    sample: pd.DataFrame,
    allow_missing: bool,
) -> AuditLabels:
    """Labels for the sample from a parsed export; `corpus` indexed by sentence_id."""
    try:
        annotations, unannotated = read_export(raw, export)
    except ExportError as err:
        raise LabelsError(str(err)) from None
    checked = adj.validate(annotations, codebook, corpus)
    if checked.rejects:
        first = checked.rejects[0]
        raise LabelsError(
            f"{first['source']}: {first[schema.REASON]}"
            + (f" (and {len(checked.rejects) - 1} more)" if len(checked.rejects) > 1 else "")
        )
    sampled = set(sample[schema.SENTENCE_ID])
    stray = sorted(set(checked.rows[schema.SENTENCE_ID]) - sampled)
    if stray:
        raise LabelsError(
            f"{export}: {len(stray)} labelled sentence(s) are not in the audit sample "
            f"(first: {stray[0]}); is this the export of another project?"
        )
    gold, conflicts = adj.adjudicate(checked.rows, codebook, corpus, "majority")
    labelled = {row[schema.SENTENCE_ID] for row in gold}
    missing = [sid for sid in sample[schema.SENTENCE_ID] if sid not in labelled]
    if missing and not allow_missing:
        tied = f", {len(conflicts)} of them tied between annotators" if conflicts else ""
        raise LabelsError(
            f"{export}: {len(missing)} of {len(sample)} sampled sentences have no label{tied} "
            f"(first: {missing[0]}); label them, or pass --allow-missing to treat them as "
            "missing at random within their stratum"
        )
    if not gold:
        raise LabelsError(f"{export}: no sampled sentence has a label")
    return AuditLabels(
        gold=gold,
        agreement=agreement(checked.rows, codebook.frame_ids),
        annotations=len(checked.rows),
        unannotated=unannotated,
        missing=missing,
    )


def audited_table(sample: pd.DataFrame, labels: AuditLabels) -> pd.DataFrame:
    """The labelled part of the sample, the audit's labels in the audit_* columns."""
    gold = pd.DataFrame(labels.gold).set_index(schema.SENTENCE_ID)
    truth = gold[[schema.FRAMES, schema.STANCE, schema.BOILERPLATE]].rename(
        columns={
            schema.FRAMES: AUDIT_FRAMES,
            schema.STANCE: AUDIT_STANCE,
            schema.BOILERPLATE: AUDIT_BOILERPLATE,
        }
    )
    return sample.join(truth, on=schema.SENTENCE_ID, how="inner").reset_index(drop=True)


def gold_rows(labels: AuditLabels, name: str) -> list[dict[str, Any]]:
    """Audited sentences as gold JSONL rows, marked `"source": "audit:<name>"`."""
    keys = [schema.SENTENCE_ID, schema.ARTICLE_ID, schema.OUTLET, schema.TEXT]
    keys += [schema.FRAMES, schema.STANCE, schema.BOILERPLATE]
    return [
        {**{k: row[k] for k in keys}, schema.SOURCE: f"{AUDIT_SOURCE}{name}"} for row in labels.gold
    ]
