"""`framescope annotate push` / `pull` against a tiny local stand-in for Label Studio's API (the
few endpoints the SDK calls), and against a closed port: one-line errors, nothing lost.

The real server is exercised in tests/pipeline/test_label_studio_live.py.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from cli_main import run

from framescope.annotate.studio import labeling_config, result_items

TOKEN = "stub-token-123"


class FakeStudio:
    """Projects held in memory; every request needs `Authorization: Token TOKEN`."""

    def __init__(self) -> None:
        self.projects: dict[int, dict[str, Any]] = {}
        self.tasks: dict[int, list[dict[str, Any]]] = {}

    def add(self, title: str, config: str, tasks: list[dict[str, Any]]) -> int:
        project_id = len(self.projects) + 1
        self.projects[project_id] = {"id": project_id, "title": title, "label_config": config}
        self.tasks[project_id] = [{"id": 100 * project_id + i, **t} for i, t in enumerate(tasks)]
        return project_id

    def answer(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        parts = path.split("?")[0].strip("/").split("/")
        if parts == ["api", "current-user", "whoami"]:
            return 200, {"id": 1, "email": "owner@stub.test"}
        if parts == ["api", "projects"] and method == "GET":
            # Label Studio answers 404 for the page after the last; the SDK's pager stops there.
            if parse_qs(urlsplit(path).query).get("page") != ["1"]:
                return 404, {"detail": "Invalid page."}
            found = list(self.projects.values())
            return 200, {"count": len(found), "next": None, "previous": None, "results": found}
        if parts == ["api", "projects"]:
            return 201, self.projects[self.add(body["title"], body["label_config"], [])]
        project_id = int(parts[2])
        if len(parts) == 3:
            return 200, self.projects[project_id]
        if parts[3] == "import":
            self.tasks[project_id] += [{"id": 999, **t} for t in body]
            return 201, {"task_count": len(body)}
        return 200, self.tasks[project_id]  # export


@pytest.fixture
def stub() -> Iterator[tuple[str, FakeStudio]]:
    fake = FakeStudio()

    class Handler(BaseHTTPRequestHandler):
        def _reply(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length)) if length else None
            if self.headers.get("Authorization") != f"Token {TOKEN}":
                status, payload = 401, {"detail": "Invalid token."}
            else:
                status, payload = fake.answer(method, self.path, body)
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            self._reply("GET")

        def do_POST(self) -> None:
            self._reply("POST")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", fake
    server.shutdown()
    server.server_close()


def _task(sid: str, text: str) -> dict[str, Any]:
    return {"data": {"text": text, "sentence_id": sid}, "predictions": []}


@pytest.fixture
def tasks_file(tmp_path):
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([_task("herald-0-1", "Herald sentence 1 of article 0.")]))
    return path


@pytest.fixture
def codebook_file(repo_root):
    return repo_root / "labels" / "codebook.yaml"


def test_push_creates_the_project_with_the_codebooks_config_then_reuses_it(
    stub, tasks_file, codebook_file, codebook, monkeypatch, capsys
):
    url, fake = stub
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", TOKEN)
    push = ["annotate", "push", tasks_file, "--project", "round 1", "--url", url]
    code, out, _ = run([*push, "--codebook", codebook_file], monkeypatch, capsys)
    assert code == 0 and "created" in out and "1 tasks added" in out
    [project] = fake.projects.values()
    assert project["label_config"] == labeling_config(codebook)
    assert [t["data"]["sentence_id"] for t in fake.tasks[project["id"]]] == ["herald-0-1"]

    code, out, _ = run([*push, "--codebook", codebook_file], monkeypatch, capsys)
    assert code == 0 and "reused" in out and "0 tasks added, 1 already there" in out
    assert len(fake.tasks[project["id"]]) == 1


def test_push_refuses_a_project_with_another_config(
    stub, tasks_file, codebook_file, monkeypatch, capsys
):
    url, fake = stub
    fake.add("round 1", "<View/>", [])
    args = ["annotate", "push", tasks_file, "--project", "round 1", "--url", url]
    code, _, err = run(
        [*args, "--api-key", TOKEN, "--codebook", codebook_file], monkeypatch, capsys
    )
    assert code == 2 and "another labeling config" in err and err.count("\n") == 1
    assert fake.tasks[1] == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{}", "expected a non-empty JSON list"),
        ('[{"text": "x"}]', "not an `annotate export` task"),
    ],
)
def test_push_rejects_a_file_that_is_not_tasks(
    stub, tmp_path, codebook_file, monkeypatch, capsys, content, message
):
    url, fake = stub
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    args = ["annotate", "push", bad, "--project", "p", "--url", url, "--api-key", TOKEN]
    code, _, err = run([*args, "--codebook", codebook_file], monkeypatch, capsys)
    assert code == 2 and str(bad) in err and message in err
    assert not fake.projects


@pytest.mark.parametrize(
    ("where", "key", "message"),
    [
        ("closed", TOKEN, "cannot connect"),
        ("stub", "wrong-token", "the API key was refused (401)"),
        ("stub", "", "no API key"),
    ],
)
def test_server_problems_are_one_line_naming_the_server(
    stub, tasks_file, codebook_file, tmp_path, monkeypatch, capsys, where, key, message
):
    url = stub[0] if where == "stub" else "http://127.0.0.1:9"  # port 9 (discard): closed here
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", key)
    for args in (
        ["push", tasks_file, "--codebook", codebook_file],
        ["pull", "--out", tmp_path / "gold.jsonl", "--report-dir", tmp_path / "reports"],
    ):
        code, _, err = run(["annotate", *args, "--project", "p", "--url", url], monkeypatch, capsys)
        assert code == 2 and f"Label Studio at {url}: {message}" in err, err
        assert err.count("\n") == 1
    assert not (tmp_path / "gold.jsonl").exists()


def test_pull_names_a_project_that_does_not_exist(stub, tmp_path, monkeypatch, capsys):
    url, fake = stub
    fake.add("round 1", "<View/>", [])
    args = ["annotate", "pull", "--project", "round 2", "--url", url, "--api-key", TOKEN]
    code, _, err = run([*args, "--out", tmp_path / "gold.jsonl"], monkeypatch, capsys)
    assert code == 2 and "no project titled 'round 2'" in err
    assert not (tmp_path / "gold.jsonl").exists()


def test_pull_with_an_unknown_label_keeps_the_rest_and_the_export(
    stub, synthetic_scored_dir, codebook_file, tmp_path, monkeypatch, capsys
):
    url, fake = stub
    labelled = []
    for i, frames in enumerate((["costly_risk"], ["not_a_frame"])):
        task = _task(f"herald-0-{i + 1}", f"Herald sentence {i + 1} of article 0.")
        result = result_items(frames, "neutral", False)
        labelled.append({**task, "annotations": [{"id": i, "completed_by": 1, "result": result}]})
    fake.add("round 1", "<View/>", labelled)
    gold, reports = tmp_path / "gold" / "r1.jsonl", tmp_path / "reports"
    args = ["annotate", "pull", "--project", "round 1", "--url", url, "--api-key", TOKEN]
    args += ["--out", gold, "--sentences", synthetic_scored_dir, "--report-dir", reports]
    code, _, err = run([*args, "--codebook", codebook_file], monkeypatch, capsys)
    assert code == 3 and "unknown frame(s) ['not_a_frame']" in err
    [row] = map(json.loads, gold.read_text().splitlines())
    assert (row["sentence_id"], row["frames"]) == ("herald-0-1", ["costly_risk"])
    [reject] = map(json.loads, (reports / "r1.rejects.jsonl").read_text().splitlines())
    assert "not_a_frame" in reject["reason"]
    assert json.loads((reports / "r1.export.json").read_text())[1]["annotations"]


def test_without_the_sdk_the_error_says_which_extra_to_install(monkeypatch):
    import sys

    from framescope.annotate.live import ServerError, Studio

    monkeypatch.setitem(sys.modules, "label_studio_sdk", None)  # import fails as if absent
    with pytest.raises(ServerError, match=r"pip install 'framescope\[studio\]'"):
        Studio("http://127.0.0.1:9", "token")
