"""The live round trip against a real Label Studio (tests/label_studio_server.py): `annotate
export` -> `annotate push` -> two users annotate through the server's API -> `annotate pull`.

Gold must hold exactly the sentences both users labelled alike, the one they disagree on must be
left as a conflict, and each kappa must equal the one computed here from what was submitted.
"""

from __future__ import annotations

import json

import pytest
from cli_main import run
from label_studio_server import live_label_studio
from sklearn.metrics import cohen_kappa_score

from framescope import schema
from framescope.annotate.live import Studio
from framescope.annotate.studio import result_items

PROJECT = "framescope live round"
N_TASKS = 6
# Per task (in export order), each user's (costly_risk?, stance). They disagree on task 3
# (stance) and task 5 (the frame); everything else alike.
OWNER_LABELS = [(True, "unfavorable"), (False, "favorable"), (False, "neutral"),
                (True, "unfavorable"), (False, "favorable"), (True, "neutral")]  # fmt: skip
SECOND_LABELS = [(True, "unfavorable"), (False, "favorable"), (False, "neutral"),
                 (True, "neutral"), (False, "favorable"), (False, "neutral")]  # fmt: skip


def _cli(args, monkeypatch, capsys) -> tuple[int, str]:
    code, out, err = run(args, monkeypatch, capsys)
    return code, out + err


def _annotate(url: str, token: str, task_ids: list[int], labels) -> None:
    """Submit one user's annotations through the server's API, as that user."""
    client = Studio(url, token).client
    for task_id, (costly, stance) in zip(task_ids, labels, strict=True):
        result = result_items(["costly_risk"] if costly else [], stance, False)
        client.annotations.create(task_id, result=result, lead_time=1.5)


def _kappa(a: list, b: list) -> float:
    return round(float(cohen_kappa_score(a, b)), 4)


@pytest.mark.slow
def test_push_annotate_pull_against_a_live_label_studio(
    synthetic_scored_dir, tmp_path, monkeypatch, capsys
):
    with live_label_studio(tmp_path) as live:
        monkeypatch.setenv("LABEL_STUDIO_URL", live.url)
        monkeypatch.setenv("LABEL_STUDIO_API_KEY", live.owner_token)
        tasks_file = tmp_path / "tasks.json"
        export = ["annotate", "export", "--strategy", "random", "--n", N_TASKS, "--seed", 5]
        export += ["--scored", synthetic_scored_dir, "--gold", tmp_path / "none.jsonl"]
        code, out = _cli([*export, "--out", tasks_file], monkeypatch, capsys)
        assert code == 0, out

        code, out = _cli(
            ["annotate", "push", tasks_file, "--project", PROJECT], monkeypatch, capsys
        )
        assert code == 0 and f"{N_TASKS} tasks added" in out, out
        code, out = _cli(
            ["annotate", "push", tasks_file, "--project", PROJECT], monkeypatch, capsys
        )
        assert code == 0 and "reused" in out and f"0 tasks added, {N_TASKS} already" in out, out

        studio = Studio(live.url, live.owner_token)
        project_id = studio.project_id(PROJECT)
        assert project_id is not None
        on_server = studio.export(project_id)
        pushed = [t["data"][schema.SENTENCE_ID] for t in json.loads(tasks_file.read_text())]
        assert sorted(t["data"][schema.SENTENCE_ID] for t in on_server) == sorted(pushed)
        assert all(t["predictions"] for t in on_server)  # the model's labels came along
        by_sentence = {t["data"][schema.SENTENCE_ID]: t["id"] for t in on_server}
        task_ids = [by_sentence[sid] for sid in pushed]
        _annotate(live.url, live.owner_token, task_ids, OWNER_LABELS)
        _annotate(live.url, live.second_token, task_ids, SECOND_LABELS)

        gold = tmp_path / "gold" / "live.jsonl"
        reports = tmp_path / "reports"
        pull = ["annotate", "pull", "--project", PROJECT, "--out", gold]
        pull += ["--sentences", synthetic_scored_dir, "--report-dir", reports]
        code, out = _cli(pull, monkeypatch, capsys)
    assert code == 3, out  # finished, two disagreements left as conflicts for a person

    rows = {r[schema.SENTENCE_ID]: r for r in map(json.loads, gold.read_text().splitlines())}
    agreed = [i for i in range(N_TASKS) if OWNER_LABELS[i] == SECOND_LABELS[i]]
    assert set(rows) == {pushed[i] for i in agreed}
    for i in agreed:
        costly, stance = OWNER_LABELS[i]
        row = rows[pushed[i]]
        assert row[schema.FRAMES] == (["costly_risk"] if costly else [])
        assert (row[schema.STANCE], row[schema.BOILERPLATE]) == (stance, False)
    conflicts = [json.loads(x) for x in (reports / "live.conflicts.jsonl").read_text().splitlines()]
    assert {c[schema.SENTENCE_ID]: c["disputed"] for c in conflicts} == {
        pushed[3]: ["stance"],
        pushed[5]: ["costly_risk"],
    }
    assert (reports / "live.export.json").exists()  # the raw export is kept

    report = json.loads((reports / "live.agreement.json").read_text())
    assert report["sentences_rated_twice_or_more"] == N_TASKS
    assert len(report["annotators"]) == 2
    [stance_pair] = report["labels"]["stance"]["pairs"]
    [frame_pair] = report["labels"]["costly_risk"]["pairs"]
    assert stance_pair["n"] == frame_pair["n"] == N_TASKS
    assert stance_pair["kappa"] == _kappa(
        [s for _, s in OWNER_LABELS], [s for _, s in SECOND_LABELS]
    )
    assert frame_pair["kappa"] == _kappa(
        [c for c, _ in OWNER_LABELS], [c for c, _ in SECOND_LABELS]
    )
