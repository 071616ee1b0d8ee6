"""From exported annotations to gold rows: validate, then one label per sentence or a conflict.

Validation rejects an annotation whose sentence is not in the corpus (or whose text differs),
a label the codebook does not know, and a content sentence without stance. A boilerplate
annotation gets frames [] and the default stance, as the codebook requires.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import pandas as pd

from framescope import schema
from framescope.annotate.agreement import ANNOTATOR
from framescope.annotate.studio import Annotation
from framescope.labels.codebook import Codebook

MODES = ("majority", "manual")
DISPUTED = "disputed"
ANNOTATIONS = "annotations"


@dataclass
class Validated:
    rows: pd.DataFrame  # one row per valid annotation
    rejects: list[dict[str, Any]]
    normalised: int  # boilerplate annotations whose frames/stance were reset


def _reject(ann: Annotation, reason: str) -> dict[str, Any]:
    return {
        "source": ann.source,
        "task": ann.task_id,
        ANNOTATOR: ann.annotator,
        schema.SENTENCE_ID: ann.sentence_id,
        schema.REASON: reason,
    }


def _problem(ann: Annotation, codebook: Codebook, corpus: pd.DataFrame) -> str | None:
    if not ann.sentence_id:
        return "task data has no sentence_id"
    if ann.sentence_id not in corpus.index:
        return f"sentence {ann.sentence_id} is not in the corpus"
    if ann.text is not None and ann.text != corpus.at[ann.sentence_id, schema.TEXT]:
        return f"text of sentence {ann.sentence_id} differs from the corpus"
    unknown = [f for f in ann.frames if f not in codebook.frame_ids]
    if unknown:
        return f"unknown frame(s) {unknown}; allowed {list(codebook.frame_ids)}"
    if ann.stance is None and not ann.boilerplate:
        return "missing stance (required for a content sentence)"
    if ann.stance is not None and ann.stance not in codebook.stance_ids:
        return f"unknown stance {ann.stance!r}; allowed {list(codebook.stance_ids)}"
    return None


def validate(annotations: list[Annotation], codebook: Codebook, corpus: pd.DataFrame) -> Validated:
    """Check every annotation against the codebook and the corpus (indexed by sentence_id)."""
    rows, rejects, normalised = [], [], 0
    for ann in annotations:
        problem = _problem(ann, codebook, corpus)
        if problem:
            rejects.append(_reject(ann, problem))
            continue
        frames = [f for f in codebook.frame_ids if f in ann.frames]
        stance = ann.stance or codebook.stance_default
        if ann.boilerplate and (frames or stance != codebook.stance_default):
            normalised += 1
            frames, stance = [], codebook.stance_default
        rows.append(
            {
                schema.SENTENCE_ID: ann.sentence_id,
                ANNOTATOR: ann.annotator,
                schema.FRAMES: frames,
                schema.STANCE: stance,
                schema.BOILERPLATE: ann.boilerplate,
            }
        )
    columns = [schema.SENTENCE_ID, ANNOTATOR, schema.FRAMES, schema.STANCE, schema.BOILERPLATE]
    table = pd.DataFrame(rows, columns=columns)
    # The same annotator twice on a sentence (a task imported twice): the later one stands.
    table = table.drop_duplicates([schema.SENTENCE_ID, ANNOTATOR], keep="last")
    return Validated(table.reset_index(drop=True), rejects, normalised)


def _vote(values: list[Any]) -> tuple[Any, bool]:
    """(the value with strictly the most votes, True) or (None, False) on a tie at the top."""
    counts = Counter(values).most_common()
    if len(counts) > 1 and counts[0][1] == counts[1][1]:
        return None, False
    return counts[0][0], True


def resolve(
    group: pd.DataFrame, frame_ids: tuple[str, ...], stance_default: str, mode: str
) -> tuple[dict[str, Any] | None, list[str]]:
    """One sentence's annotations -> (labels, []) or (None, the labels in dispute)."""
    if mode not in MODES:
        raise ValueError(f"adjudication mode {mode!r} not in {list(MODES)}")
    boilerplate_votes = group[schema.BOILERPLATE].astype(bool).tolist()
    content = group[~group[schema.BOILERPLATE].astype(bool)]
    frame_votes = {f: [f in fs for fs in content[schema.FRAMES]] for f in frame_ids}
    stance_votes = content[schema.STANCE].tolist()
    if mode == "manual":
        disputed = [schema.BOILERPLATE] if len(set(boilerplate_votes)) > 1 else []
        disputed += [f for f, v in frame_votes.items() if len(set(v)) > 1]
        disputed += [schema.STANCE] if len(set(stance_votes)) > 1 else []
        if disputed:
            return None, disputed
    boilerplate, clear = _vote(boilerplate_votes)
    if not clear:
        return None, [schema.BOILERPLATE]
    if boilerplate:
        return {schema.FRAMES: [], schema.STANCE: stance_default, schema.BOILERPLATE: True}, []
    frames, disputed = [], []
    for frame, votes in frame_votes.items():
        present, clear = _vote(votes)
        if not clear:
            disputed.append(frame)
        elif present:
            frames.append(frame)
    stance, clear = _vote(stance_votes)
    if not clear:
        disputed.append(schema.STANCE)
    if disputed:
        return None, disputed
    return {schema.FRAMES: frames, schema.STANCE: stance, schema.BOILERPLATE: False}, []


def adjudicate(
    rows: pd.DataFrame, codebook: Codebook, corpus: pd.DataFrame, mode: str = "majority"
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(gold rows, conflicts) in corpus order; a conflict lists each annotator's labels.

    majority: every label by strict majority, a tie is a conflict; manual: any disagreement is.
    A conflict's frames/stance/boilerplate are null, for a person to fill in (`--settled`).
    """
    gold, conflicts = [], []
    for sid, group in rows.groupby(schema.SENTENCE_ID, sort=False):
        sentence = corpus.loc[sid]
        base = {
            schema.SENTENCE_ID: sid,
            schema.ARTICLE_ID: sentence[schema.ARTICLE_ID],
            schema.OUTLET: sentence[schema.OUTLET],
            schema.TEXT: sentence[schema.TEXT],
        }
        labels, disputed = resolve(group, codebook.frame_ids, codebook.stance_default, mode)
        if labels is None:
            conflicts.append(
                {
                    **base,
                    schema.FRAMES: None,
                    schema.STANCE: None,
                    schema.BOILERPLATE: None,
                    DISPUTED: disputed,
                    ANNOTATIONS: group.drop(columns=schema.SENTENCE_ID).to_dict("records"),
                }
            )
            continue
        row = {**base, **labels}
        if len(group) > 1:
            row[schema.NOTE] = f"{mode} of {len(group)} annotators"
        gold.append(row)
    order = {sid: i for i, sid in enumerate(corpus.index)}
    gold.sort(key=lambda r: order[r[schema.SENTENCE_ID]])
    conflicts.sort(key=lambda r: order[r[schema.SENTENCE_ID]])
    return gold, conflicts


def settle(
    conflicts: list[dict[str, Any]], settled: list[dict[str, Any]], codebook: Codebook, name: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Conflicts a person filled in become gold rows; (gold rows, conflicts still open)."""
    decided: dict[str, dict[str, Any]] = {}
    for number, record in enumerate(settled, start=1):
        if record.get(schema.FRAMES) is None or record.get(schema.STANCE) is None:
            continue  # not settled yet
        where = f"{name}:{number}"
        if not isinstance(record[schema.FRAMES], list) or not isinstance(
            record.get(schema.BOILERPLATE), bool
        ):
            raise ValueError(f"{where}: frames must be a list and boilerplate true or false")
        codebook.check_labels(record[schema.FRAMES], record[schema.STANCE], where)
        decided[record[schema.SENTENCE_ID]] = record
    gold: list[dict[str, Any]] = []
    still_open: list[dict[str, Any]] = []
    for conflict in conflicts:
        found = decided.get(conflict[schema.SENTENCE_ID])
        if found is None:
            still_open.append(conflict)
            continue
        record = found
        frames = [f for f in codebook.frame_ids if f in record[schema.FRAMES]]
        gold.append(
            {
                **{k: conflict[k] for k in (schema.SENTENCE_ID, schema.ARTICLE_ID)},
                **{k: conflict[k] for k in (schema.OUTLET, schema.TEXT)},
                schema.FRAMES: [] if record[schema.BOILERPLATE] else frames,
                schema.STANCE: codebook.stance_default
                if record[schema.BOILERPLATE]
                else record[schema.STANCE],
                schema.BOILERPLATE: record[schema.BOILERPLATE],
                schema.NOTE: "settled by hand after: " + ", ".join(conflict[DISPUTED]),
            }
        )
    return gold, still_open
