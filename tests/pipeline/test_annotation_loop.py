"""One annotation round, simulated: score -> export -> Label Studio -> import -> retrain.

The corpus is synthetic. The first gold file covers one phrasing of each frame (family A);
the pool holds a new phrasing (family B) the first model has never seen. Label Studio is
simulated by writing exports shaped like its documented formats (full JSON and JSON_MIN) from the
exported tasks. The imported labels must reach the training table and change the model.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import pytest
from pipeline_params import tfidf_config, train_config

from framescope import schema
from framescope.annotate.studio import result_items
from framescope.classifiers.base import LabelSpace
from framescope.classifiers.bundle import predict_frame
from framescope.cli import main
from framescope.files import write_json, write_jsonl, write_parquet
from framescope.labels.dataset import join_gold, split_articles
from framescope.labels.goldset import gold_paths, load_gold_files
from framescope.training.train import train

FAMILY_A = [
    (
        "Kyiv sees the captured land as a bargaining chip for talks {i}.",
        ["bargaining_chip"],
        "favorable",
        False,
    ),
    (
        "The incursion drained reserves and cost Ukraine heavy losses {i}.",
        ["costly_risk"],
        "unfavorable",
        False,
    ),
    (
        "The raid humiliated the Kremlin and exposed its propaganda {i}.",
        ["propaganda_failure"],
        "favorable",
        False,
    ),
    ("Ukrainian forces remained in the Kursk region on Tuesday {i}.", [], "neutral", False),
    ("Subscribe to our newsletter for the latest updates {i}.", [], "neutral", True),
]
FAMILY_B = [
    (
        "Brigades were bled white holding the salient near Sudzha {i}.",
        ["costly_risk"],
        "unfavorable",
        False,
    ),
    (
        "Moscow generals were left red-faced as villages fell {i}.",
        ["propaganda_failure"],
        "favorable",
        False,
    ),
    (
        "The seized farmland gives Kyiv chips to cash in at any summit {i}.",
        ["bargaining_chip"],
        "favorable",
        False,
    ),
    ("Cookie settings: manage your preferences here {i}.", [], "neutral", True),
]
OUTLETS = ["Herald", "Ledger", "Wire", "Courier"]
ARTICLES_PER_OUTLET = 5
N_TASKS = 80  # of the 160 unlabelled family-B sentences
CONFIG = train_config(tfidf_lr=tfidf_config(char_ngram_max=0, max_iter=500))


def _corpus() -> tuple[pd.DataFrame, dict[str, tuple]]:
    rows, oracle, n = [], {}, 10
    for outlet in OUTLETS:
        for a in range(ARTICLES_PER_OUTLET):
            article = f"{outlet.lower()}-{a}"
            templates = [(t, "A") for t in FAMILY_A * 2] + [(t, "B") for t in FAMILY_B * 2]
            for position, ((text, frames, stance, boilerplate), family) in enumerate(templates):
                n += 1
                sid = f"{article}-{position}"
                rows.append(
                    {
                        schema.SENTENCE_ID: sid,
                        schema.ARTICLE_ID: article,
                        schema.OUTLET: outlet,
                        schema.POSITION: position,
                        schema.START: 0,
                        schema.END: 0,
                        schema.TEXT: text.format(i=n),
                        "family": family,
                    }
                )
                oracle[sid] = (list(frames), stance, boilerplate)
    return pd.DataFrame(rows), oracle


def _gold_rows(sentences: pd.DataFrame, oracle: dict) -> list[dict]:
    return [
        {
            **{k: row[k] for k in (schema.SENTENCE_ID, schema.ARTICLE_ID, schema.OUTLET)},
            schema.TEXT: row[schema.TEXT],
            schema.FRAMES: oracle[row[schema.SENTENCE_ID]][0],
            schema.STANCE: oracle[row[schema.SENTENCE_ID]][1],
            schema.BOILERPLATE: oracle[row[schema.SENTENCE_ID]][2],
        }
        for row in sentences.to_dict("records")
    ]


def _fit(gold_dir: Path, sentences: pd.DataFrame, codebook):
    """What the split and train stages do, on this corpus: every gold file, unlabelled dropped."""
    gold = load_gold_files(gold_paths([f"{gold_dir.name}/*.jsonl"], gold_dir.parent), codebook)
    labelled = join_gold(sentences.drop(columns="family"), gold, unlabelled="drop")
    labelled[schema.SPLIT] = split_articles(labelled, 0.2, 0.2, seed=13)
    train_set = labelled[labelled[schema.SPLIT] == "train"]
    dev_set = labelled[labelled[schema.SPLIT] == "dev"]
    bundle = train("tfidf_lr", train_set, dev_set, LabelSpace.from_codebook(codebook), CONFIG, 13)
    return bundle, labelled


def _cli(args: list[str], monkeypatch) -> int:
    monkeypatch.setattr(sys, "argv", ["framescope", *map(str, args)])
    with pytest.raises(SystemExit) as done:
        main()
    return int(done.value.code)


def _full_export(tasks: list[dict], oracle: dict, dissent: str) -> list[dict]:
    """Label Studio's JSON export: two annotators per task; annotator 8 differs on one stance."""
    exported = []
    for number, task in enumerate(tasks, start=1):
        sid = task["data"][schema.SENTENCE_ID]
        frames, stance, boilerplate = oracle[sid]
        annotations = []
        for who in (7, 8):
            own = "neutral" if who == 8 and sid == dissent else stance
            annotations.append(
                {
                    "id": 100 * number + who,
                    "completed_by": who,
                    "result": result_items(frames, own, boilerplate),
                    "was_cancelled": False,
                    "ground_truth": False,
                    "lead_time": 4.2,
                    "task": number,
                }
            )
        exported.append(
            {
                "id": number,
                "data": task["data"],
                "annotations": annotations,
                "predictions": task["predictions"],
                "project": 1,
            }
        )
    return exported


def _json_min(exported: list[dict]) -> list[dict]:
    """The same annotations as Label Studio's JSON_MIN: one flat record per annotation."""
    records = []
    for task in exported:
        for ann in task["annotations"]:
            record = {
                **task["data"],
                "id": task["id"],
                "annotator": ann["completed_by"],
                "annotation_id": ann["id"],
                "lead_time": ann["lead_time"],
            }
            for item in ann["result"]:
                choices = item["value"]["choices"]
                record[item["from_name"]] = (
                    choices[0] if len(choices) == 1 else {"choices": choices}
                )
            records.append(record)
    return records


def _accuracy(bundle, rows: pd.DataFrame, oracle: dict) -> float:
    predicted = predict_frame(bundle, rows[schema.TEXT].tolist())
    hits = [
        list(p[schema.FRAMES]) == oracle[sid][0] and p[schema.STANCE] == oracle[sid][1]
        for sid, p in zip(rows[schema.SENTENCE_ID], predicted.to_dict("records"), strict=True)
    ]
    return sum(hits) / len(hits)


@pytest.mark.slow
def test_an_annotation_round_reaches_training_and_changes_the_model(
    tmp_path, monkeypatch, codebook
):
    sentences, oracle = _corpus()
    gold_dir = tmp_path / "gold"
    write_jsonl(_gold_rows(sentences[sentences["family"] == "A"], oracle), gold_dir / "base.jsonl")
    before, labelled_before = _fit(gold_dir, sentences, codebook)

    # score: the first model's predictions on the whole corpus, as `framescope score` writes them
    scored = tmp_path / "scored"
    predictions = predict_frame(before, sentences[schema.TEXT].tolist())
    write_parquet(
        pd.concat([sentences.drop(columns="family"), predictions], axis=1),
        scored / "sentences.parquet",
    )
    articles = sentences.drop_duplicates(schema.ARTICLE_ID)[[schema.ARTICLE_ID, schema.OUTLET]]
    write_parquet(
        articles.assign(**{schema.TITLE: "An invented headline"}), scored / "articles.parquet"
    )
    write_json(before.labels.as_dict(), scored / "labels.json")
    write_json({"model_uri": "models:/framescope/1"}, scored / "run.json")

    tasks_file = tmp_path / "tasks.json"
    code = _cli(
        [
            "annotate",
            "export",
            "--strategy",
            "random",
            "--n",
            N_TASKS,
            "--scored",
            scored,
            "--gold",
            f"{gold_dir}/*.jsonl",
            "--out",
            tasks_file,
        ],
        monkeypatch,
    )
    assert code == 0
    tasks = json.loads(tasks_file.read_text())
    assert len(tasks) == N_TASKS
    exported_ids = [t["data"][schema.SENTENCE_ID] for t in tasks]
    family = sentences.set_index(schema.SENTENCE_ID)["family"]
    assert set(family[exported_ids]) == {"B"}  # nothing already in gold is asked again
    assert all(t["predictions"][0]["model_version"] == "models:/framescope/1" for t in tasks)

    dissent = next(sid for sid in exported_ids if not oracle[sid][2])  # a content sentence
    full = _full_export(tasks, oracle, dissent)
    (tmp_path / "export_full.json").write_text(json.dumps(full))
    (tmp_path / "export_min.json").write_text(json.dumps(_json_min(full)))
    outs = {}
    for kind in ("min", "full"):  # full last: its gold file is the one training sees
        out = (gold_dir if kind == "full" else tmp_path) / f"round1_{kind}.jsonl"
        code = _cli(
            [
                "annotate",
                "import",
                tmp_path / f"export_{kind}.json",
                "--out",
                out,
                "--sentences",
                scored,
                "--report-dir",
                tmp_path / "reports",
            ],
            monkeypatch,
        )
        assert code == 3  # finished, with one conflict left for a person
        outs[kind] = out.read_text()
    assert outs["min"] == outs["full"]
    imported = [json.loads(line) for line in outs["full"].splitlines()]
    assert len(imported) == N_TASKS - 1 and dissent not in {r[schema.SENTENCE_ID] for r in imported}
    [conflict] = [
        json.loads(x)
        for x in (tmp_path / "reports" / "round1_full.conflicts.jsonl").read_text().splitlines()
    ]
    assert conflict[schema.SENTENCE_ID] == dissent and conflict["disputed"] == ["stance"]
    report = json.loads((tmp_path / "reports" / "round1_full.agreement.json").read_text())
    assert report["sentences_rated_twice_or_more"] == N_TASKS
    assert report["labels"]["stance"]["alpha"] < 1.0 < report["labels"]["costly_risk"]["alpha"] + 1

    after, labelled_after = _fit(gold_dir, sentences, codebook)
    imported_ids = {r[schema.SENTENCE_ID] for r in imported}
    assert imported_ids <= set(labelled_after[schema.SENTENCE_ID])
    assert not imported_ids & set(labelled_before[schema.SENTENCE_ID])
    trained_on = labelled_after[labelled_after[schema.SPLIT] == "train"]
    assert imported_ids & set(trained_on[schema.SENTENCE_ID])

    held_out = sentences[
        (sentences["family"] == "B") & ~sentences[schema.SENTENCE_ID].isin(exported_ids)
    ]
    assert len(held_out) >= 30
    accuracy_before = _accuracy(before, held_out, oracle)
    accuracy_after = _accuracy(after, held_out, oracle)
    assert accuracy_after > accuracy_before + 0.2, (accuracy_before, accuracy_after)
