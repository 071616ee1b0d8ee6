"""`framescope annotate`: exit codes, one-line errors, and the files each command writes.

Run in-process through the console entry point (`main`), on a synthetic scored corpus.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from cli_main import run

from framescope import schema

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "label_studio"
LABELS = {
    "frame_ids": ["bargaining_chip", "costly_risk", "propaganda_failure"],
    "stance_ids": ["favorable", "neutral", "unfavorable"],
    "stance_default": "neutral",
    "stance_polarity": [1, 0, -1],
}


@pytest.fixture
def scored(tmp_path) -> Path:
    """A score output whose sentences match the Label Studio fixtures, plus more to pick from."""
    texts = {
        "syn-a1-0": "Officials in Valdoria called the seized district a card to play at the table.",
        "syn-a1-1": "Subscribe to the synthetic bulletin for daily updates.",
        "syn-a1-2": "Nobody has labelled this synthetic sentence yet.",
    }
    for i in range(3, 12):
        texts[f"syn-a1-{i}"] = f"Invented filler sentence number {i} about a border town."
    rows = []
    for position, (sid, text) in enumerate(texts.items()):
        p = (position % 10) / 10
        rows.append(
            {
                schema.SENTENCE_ID: sid,
                schema.ARTICLE_ID: "syn-a1",
                schema.OUTLET: "Synthetic Herald",
                schema.POSITION: position,
                schema.TEXT: text,
                schema.FRAMES: ["costly_risk"] if p > 0.5 else [],
                "frame_score.bargaining_chip": 0.1,
                "frame_score.costly_risk": p,
                "frame_score.propaganda_failure": 0.05,
                schema.STANCE: "neutral",
                "stance_score.favorable": 0.1,
                "stance_score.neutral": 0.8,
                "stance_score.unfavorable": 0.1,
                schema.BOILERPLATE: False,
                schema.BOILERPLATE_SCORE: 0.02,
            }
        )
    folder = tmp_path / "scored"
    folder.mkdir()
    pd.DataFrame(rows).to_parquet(folder / "sentences.parquet")
    pd.DataFrame(
        {schema.ARTICLE_ID: ["syn-a1"], schema.TITLE: ["A synthetic headline"]}
    ).to_parquet(folder / "articles.parquet")
    (folder / "labels.json").write_text(json.dumps(LABELS))
    (folder / "run.json").write_text(json.dumps({"model_uri": "models:/framescope/3"}))
    return folder


def test_config_writes_xml(tmp_path, monkeypatch, capsys, repo_root):
    out = tmp_path / "config.xml"
    code, _, _ = run(
        ["annotate", "config", "--out", out, "--codebook", repo_root / "labels/codebook.yaml"],
        monkeypatch,
        capsys,
    )
    assert code == 0 and out.read_text().startswith("<View>")


def test_export_uncertainty_tasks_with_context_and_predictions(
    scored, tmp_path, monkeypatch, capsys
):
    out = tmp_path / "tasks.json"
    gold = tmp_path / "already.jsonl"
    gold.write_text(json.dumps({"sentence_id": "syn-a1-5"}) + "\n")
    code, stdout, _ = run(
        ["annotate", "export", "--n", 3, "--scored", scored, "--gold", gold, "--out", out],
        monkeypatch,
        capsys,
    )
    assert code == 0 and "tasks 3 (uncertainty)" in stdout
    tasks = json.loads(out.read_text())
    # costly_risk score nearest 0.5 is the least certain decision: syn-a1-5 is in gold already
    assert {t["data"]["sentence_id"] for t in tasks[:2]} == {"syn-a1-4", "syn-a1-6"}
    first = next(t for t in tasks if t["data"]["sentence_id"] == "syn-a1-4")
    assert first["data"]["context_before"] == (
        "Invented filler sentence number 3 about a border town."
    )
    assert (
        first["data"]["context_after"] == "Invented filler sentence number 5 about a border town."
    )
    assert first["data"]["title"] == "A synthetic headline"
    [prediction] = first["predictions"]
    assert prediction["model_version"] == "models:/framescope/3"
    assert 0 <= prediction["score"] <= 1
    assert {r["from_name"] for r in prediction["result"]} == {"stance"}


def test_export_diversity_with_a_tiny_model(scored, tmp_path, monkeypatch, capsys, tiny_bert):
    out = tmp_path / "tasks.json"
    args = ["annotate", "export", "--strategy", "diversity", "--n", 4, "--scored", scored]
    code, _, _ = run(
        [*args, "--embedding-model", tiny_bert, "--gold", tmp_path / "none.jsonl", "--out", out],
        monkeypatch,
        capsys,
    )
    assert code == 0
    ids = [t["data"]["sentence_id"] for t in json.loads(out.read_text())]
    assert len(set(ids)) == 4
    assert all("score" not in t["predictions"][0] for t in json.loads(out.read_text()))


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--strategy", "best"], "--strategy 'best': not one of"),
        (["--measure", "gini"], "--measure 'gini': not one of"),
        (["--strategy", "diversity", "--embedding-model", "/no/such/dir"], "not a model directory"),
    ],
)
def test_export_usage_errors(scored, tmp_path, monkeypatch, capsys, extra, message):
    args = ["annotate", "export", "--scored", scored, "--out", tmp_path / "t.json", *extra]
    code, _, err = run(args, monkeypatch, capsys)
    assert code == 2
    [line] = err.strip().splitlines()
    assert line.startswith("framescope: error:") and message in line


def test_export_when_everything_is_labelled_or_nothing_is_scored(
    scored, tmp_path, monkeypatch, capsys
):
    gold = tmp_path / "all.jsonl"
    ids = pd.read_parquet(scored / "sentences.parquet")[schema.SENTENCE_ID]
    gold.write_text("".join(json.dumps({"sentence_id": s}) + "\n" for s in ids))
    args = ["annotate", "export", "--scored", scored, "--gold", gold, "--out", tmp_path / "t.json"]
    code, _, err = run(args, monkeypatch, capsys)
    assert code == 2 and "already in gold" in err and "--include-labelled" in err
    code, _, _ = run([*args, "--include-labelled"], monkeypatch, capsys)
    assert code == 0
    code, _, err = run(
        ["annotate", "export", "--scored", tmp_path / "nothing", "--out", tmp_path / "t.json"],
        monkeypatch,
        capsys,
    )
    assert code == 2 and "not a `framescope score` output" in err


def _import(export, out, scored, tmp_path, monkeypatch, capsys, *extra):
    args = ["annotate", "import", export, "--out", out, "--sentences", scored]
    return run([*args, "--report-dir", tmp_path / "reports", *extra], monkeypatch, capsys)


@pytest.mark.parametrize("kind", ["full", "min"])
def test_import_fixture_conflict_then_settled(kind, scored, tmp_path, monkeypatch, capsys):
    out = tmp_path / "gold" / "round.jsonl"
    export = FIXTURES / f"export_{kind}.json"
    code, stdout, _ = _import(export, out, scored, tmp_path, monkeypatch, capsys)
    assert code == 3  # two annotators split on costly_risk: a conflict for a person
    assert "conflicts 1" in stdout and "agreement on 1 sentences" in stdout
    gold = [json.loads(x) for x in out.read_text().splitlines()]
    assert [(g["sentence_id"], g["boilerplate"], g["stance"]) for g in gold] == [
        ("syn-a1-1", True, "neutral")
    ]
    conflicts_file = tmp_path / "reports" / "round.conflicts.jsonl"
    [conflict] = [json.loads(x) for x in conflicts_file.read_text().splitlines()]
    assert conflict["disputed"] == ["costly_risk"]
    conflict.update(frames=["bargaining_chip"], stance="favorable", boilerplate=False)
    settled = tmp_path / "settled.jsonl"
    settled.write_text(json.dumps(conflict) + "\n")
    code, _, _ = _import(export, out, scored, tmp_path, monkeypatch, capsys, "--settled", settled)
    assert code == 0
    gold = [json.loads(x) for x in out.read_text().splitlines()]
    assert [g["sentence_id"] for g in gold] == ["syn-a1-0", "syn-a1-1"]
    assert gold[0]["frames"] == ["bargaining_chip"] and "settled by hand" in gold[0]["note"]


def test_import_rejects_unknown_label_missing_stance_and_foreign_sentence(
    scored, tmp_path, monkeypatch, capsys
):
    def task(sid, text, result):
        return {
            "id": sid,
            "data": {"sentence_id": sid, "text": text},
            "annotations": [{"completed_by": 1, "result": result}],
        }

    def choice(name, *values):
        return {
            "from_name": name,
            "to_name": "text",
            "type": "choices",
            "value": {"choices": list(values)},
        }

    filler = "Invented filler sentence number {} about a border town."
    export = tmp_path / "export.json"
    export.write_text(json.dumps([
        task("syn-a1-3", filler.format(3), [choice("frames", "victory_lap"),
                                            choice("stance", "favorable")]),
        task("syn-a1-4", filler.format(4), [choice("frames", "costly_risk")]),
        task("ghost-1", "A sentence from another corpus.", [choice("stance", "neutral")]),
        task("syn-a1-6", filler.format(6), [choice("stance", "unfavorable")]),
    ]))  # fmt: skip
    out = tmp_path / "round.jsonl"
    code, _, err = _import(export, out, scored, tmp_path, monkeypatch, capsys)
    assert code == 3
    [line] = [x for x in err.splitlines() if x.startswith("framescope:")]
    assert "export.json#0" in line and "unknown frame(s) ['victory_lap']" in line
    rejects = (tmp_path / "reports" / "round.rejects.jsonl").read_text().splitlines()
    reasons = [json.loads(r)["reason"] for r in rejects]
    assert len(reasons) == 3
    assert "missing stance" in reasons[1] and "ghost-1 is not in the corpus" in reasons[2]
    assert [json.loads(x)["sentence_id"] for x in out.read_text().splitlines()] == ["syn-a1-6"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"tasks": []}', "expected a JSON list of tasks"),
    ],
)
def test_import_unreadable_export_is_a_usage_error(
    content, message, scored, tmp_path, monkeypatch, capsys
):
    export = tmp_path / "bad.json"
    export.write_text(content)
    code, _, err = _import(export, tmp_path / "o.jsonl", scored, tmp_path, monkeypatch, capsys)
    assert code == 2 and message in err and "bad.json" in err
    code, _, err = _import(
        tmp_path / "missing.json", tmp_path / "o.jsonl", scored, tmp_path, monkeypatch, capsys
    )
    assert code == 2 and "file not found" in err


def test_agreement_between_two_gold_files(tmp_path, monkeypatch, capsys):
    def line(sid, stance):
        return json.dumps(
            {"sentence_id": sid, "text": "t", "frames": [], "stance": stance, "boilerplate": False}
        )

    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text("\n".join(line(s, v) for s, v in [("a", "favorable"), ("b", "neutral")]))
    second.write_text("\n".join(line(s, v) for s, v in [("a", "favorable"), ("b", "favorable")]))
    report = tmp_path / "agreement.json"
    code, stdout, _ = run(
        ["annotate", "agreement", first, second, "--out", report], monkeypatch, capsys
    )
    assert code == 0 and "first.jsonl~second.jsonl" in stdout
    assert json.loads(report.read_text())["labels"]["stance"]["pairs"][0]["kappa"] == 0.0
    code, _, err = run(["annotate", "agreement", first], monkeypatch, capsys)
    assert code == 2 and "at least two" in err
