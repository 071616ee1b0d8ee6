"""`audit report` end to end: sample, export and corpus -> checked labels -> figures -> files.

Everything is checked before anything is written: the sample must come from this corpus (same
fingerprint, same strata), the export must fit the codebook, corpus and sample.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from framescope import schema
from framescope.audit.estimate import AuditEstimate, EstimateError, estimate
from framescope.audit.labels import AuditLabels, LabelsError, audited_table, gold_rows, read_labels
from framescope.audit.plan import LabelPlan, describe, plan
from framescope.audit.report import render_audit
from framescope.audit.sample import Design, SampleError, read_sample, stratum_sizes
from framescope.audit.strata import assign_strata, corpus_fingerprint
from framescope.classifiers.base import LabelSpace
from framescope.compare.correction import MetricsError, correct_shares, read_frame_metrics
from framescope.compare.figures import outlet_figures
from framescope.config import Params
from framescope.labels.codebook import Codebook


class AuditError(ValueError):
    """An input of the audit report is wrong; the message names it."""


@dataclass(frozen=True)
class Inputs:
    sample: Path
    export: Path
    raw_export: Any  # the export file, parsed
    scored: Path | None  # None: the score output the sample records
    classifier_metrics: Path | None


@dataclass
class AuditResult:
    design: Design
    sample: pd.DataFrame
    labels: AuditLabels
    estimate: AuditEstimate
    raw: pd.DataFrame  # outlet figures, with test-split corrected shares where metrics exist
    plan: LabelPlan | None
    label_space: LabelSpace
    meta: dict[str, Any] = field(default_factory=dict)


def _check_corpus(sentences: pd.DataFrame, strata: pd.Series, design: Design, where: str) -> None:
    found = corpus_fingerprint(sentences)
    if found != design.fingerprint:
        raise AuditError(
            f"audit sample {where}: drawn from another corpus (fingerprint {design.fingerprint}, "
            f"this one {found}); pass --scored with the score output it was drawn from"
        )
    if stratum_sizes(strata) != design.strata:
        raise AuditError(f"audit sample {where}: its strata do not match the corpus's")


def report(
    inputs: Inputs, codebook: Codebook, params: Params, *, seed: int, allow_missing: bool
) -> AuditResult:
    """Read and check every input, then estimate. Raises AuditError naming the bad input."""
    from framescope.scoring.output import read_scored

    try:
        sample, design = read_sample(inputs.sample)
    except SampleError as err:
        raise AuditError(str(err)) from None
    scored = inputs.scored or Path(design.scored)
    if not (scored / "labels.json").exists():
        raise AuditError(f"{scored}: not a `framescope score` output (no labels.json)")
    sentences, labels = read_scored(scored)
    if set(codebook.frame_ids) != set(labels.frame_ids):
        raise AuditError(
            f"codebook frames {list(codebook.frame_ids)} differ from the model's "
            f"{list(labels.frame_ids)} in {scored}"
        )
    strata = assign_strata(sentences, labels.frame_ids, design.min_stratum_size)
    _check_corpus(sentences, strata, design, str(inputs.sample))
    corpus = sentences.drop_duplicates(schema.SENTENCE_ID).set_index(schema.SENTENCE_ID)
    try:
        audit_labels = read_labels(
            inputs.raw_export, str(inputs.export), codebook, corpus, sample, allow_missing
        )
        audited = audited_table(sample, audit_labels)
        config = params.audit
        result = estimate(
            sentences, strata, audited, labels,
            samples=config.bootstrap_samples, confidence=config.confidence, seed=seed,
        )  # fmt: skip
        raw = outlet_figures(
            sentences, labels, samples=params.outlets.bootstrap_samples,
            confidence=params.outlets.confidence, seed=seed,
        )  # fmt: skip
        if inputs.classifier_metrics is not None:
            raw = correct_shares(raw, labels, read_frame_metrics(inputs.classifier_metrics, labels))
    except (LabelsError, EstimateError, MetricsError) as err:
        raise AuditError(str(err)) from None
    shares = [schema.audited(schema.frame_share(f)) for f in labels.frame_ids]
    shares += [schema.audited(schema.stance_share(s)) for s in labels.stance_ids]
    meta = {
        "name": design.name,
        "corpus": str(scored),
        "model_uri": design.model_uri,
        "fingerprint": design.fingerprint,
        "seed": design.seed,
        "n_sampled": len(sample),
        "n_strata": len(design.strata),
        "n_labelled": len(audited),
        "n_missing": len(audit_labels.missing),
        "annotations": audit_labels.annotations,
        "confidence": params.audit.confidence,
        "samples": params.audit.bootstrap_samples,
        "bootstrap_seed": seed,
        "classifier_metrics": str(inputs.classifier_metrics or ""),
        "export": str(inputs.export),
        "sample_file": str(inputs.sample),
    }
    return AuditResult(
        design, sample, audit_labels, result, raw, plan(result, shares), labels, meta
    )


def write_outputs(
    result: AuditResult, folder: Path, html: Path, to_gold: Path | None
) -> list[Path]:
    """The estimate table, agreement, labels, HTML (and gold rows); returns the files written."""
    from framescope.files import write_csv, write_json, write_jsonl, write_text

    page = render_audit(
        result.estimate.table, result.raw, result.label_space, result.meta,
        describe(result.plan), result.labels.agreement,
    )  # fmt: skip
    rows = gold_rows(result.labels, result.design.name)
    written = [
        write_csv(result.estimate.table, folder / "estimates.csv"),
        write_json(result.labels.agreement, folder / "agreement.json"),
        write_jsonl(rows, folder / "labels.jsonl"),
        write_text(page, html),
    ]
    if to_gold is not None:
        written.append(write_jsonl(rows, to_gold))
    return written


def summary(result: AuditResult) -> str:
    """Printed after a report: audited frame shares per outlet and the labelling plan."""
    names = [schema.audited(schema.frame_share(f)) for f in result.label_space.frame_ids]
    names.append(schema.audited(schema.NET_STANCE))
    table = result.estimate.table[[schema.OUTLET, "n_audited", *names]]
    table = table.rename(columns={n: n.removeprefix(schema.audited("")) for n in names})
    return (
        f"audit {result.design.name}: {result.meta['n_labelled']} labelled of "
        f"{result.meta['n_sampled']} sampled; audited figures ({result.meta['confidence']:.0%} "
        "intervals in estimates.csv and the report):\n"
        + table.round(3).to_string(index=False)
        + "\n"
        + describe(result.plan)
    )


def log(result: AuditResult, written: list[Path], experiment: str) -> str:
    """One MLflow run for the audit, child runs per outlet; sample and labels as artifacts."""
    from framescope import tracking

    tags = {"audit": result.design.name, "model_uri": result.design.model_uri}
    tags["corpus_fingerprint"] = result.design.fingerprint
    params = {k: result.meta[k] for k in ("corpus", "seed", "n_sampled", "n_labelled", "export")}
    params |= {k: result.meta[k] for k in ("confidence", "samples", "n_strata")}
    return tracking.log_audit(
        result.estimate.table, experiment, result.design.name, tags, params,
        [Path(result.meta["sample_file"]), *written],
    )  # fmt: skip
