"""The streaming engine: parts + manifest, resume after a crash or kill -9, bounded caching,
and outlet figures summed part by part equal to figures over the whole table."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from pipeline_params import FAST_FIGURES, outlets_config

from framescope import schema
from framescope.compare.figures import outlet_figures
from framescope.scoring import workers
from framescope.scoring.engine import ScoreError, ScoreSettings, score_paths
from framescope.scoring.output import read_scored
from framescope.scoring.parts import PartStore
from framescope.scoring.predictor import CacheCount, SentencePredictor, sentence_key

_OPENERS = [
    "Kyiv sees the captured land as a bargaining chip for talks",
    "The incursion drained scarce reserves and cost Ukraine heavy losses",
    "The raid humiliated the Kremlin and exposed its propaganda",
    "Ukrainian forces remained in the Kursk region",
]


def make_corpus(root: Path, n: int, with_rejects: bool = True) -> Path:
    """`n` distinct articles from four outlets in three formats, plus a few bad records."""
    root.mkdir(parents=True, exist_ok=True)
    lines = []
    for i in range(n):
        body = (
            f"{_OPENERS[i % 4]} in week {i}. Residents of village {i} left on {i % 28 + 1} "
            f"August.\n\nSubscribe to our newsletter for the latest updates.\n\n"
            f"{_OPENERS[(i + 1) % 4]}, analysts said about report {i}."
        )
        outlet = f"Outlet {i % 4}"
        if i % 3 == 0:
            lines.append(json.dumps({"id": f"j{i}", "outlet": outlet, "text": body}))
        else:
            (root / f"a{i:05d}.md").write_text(
                f"---\noutlet: {outlet}\ndate: 2024-08-{i % 28 + 1:02d}\n---\n{body}\n", "utf-8"
            )
    if with_rejects:
        lines.insert(len(lines) // 2, '{"id": "broken", ')
        (root / "empty.txt").write_text("", "utf-8")
    (root / "export.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    return root


def snapshot(out: Path) -> dict[str, object]:
    """Everything a run leaves that must not depend on crashes (timings live in run.json)."""
    store = PartStore(out)
    manifest = store.manifest()
    assert manifest is not None and manifest["status"] == "complete"
    names = [p["name"] for p in manifest["parts"]]
    found = {p.stem for p in (out / "sentences.parquet").glob("*.parquet")}
    assert found == set(names), "stray or missing part files"
    return {
        "manifest": manifest,
        "sentences": [
            t.assign(**{schema.FRAMES: t[schema.FRAMES].map(list)}).to_dict("list")
            for t in store.iter_part(names)
        ],
        "articles": [t.to_dict("list") for t in store.iter_part(names, "articles.parquet")],
        "rejects": (out / "rejects.jsonl").read_text(),
        "outlets": (out / "outlets.csv").read_text(),
        "labels": (out / "labels.json").read_text(),
    }


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return make_corpus(tmp_path_factory.mktemp("corpus") / "in", 60)


@pytest.fixture(scope="module")
def reference(corpus, scoring_model, tmp_path_factory):
    out = tmp_path_factory.mktemp("reference") / "out"
    summary = score_paths([str(corpus)], out, scoring_model, settings=_settings(), **FAST_FIGURES)
    return out, summary


def _settings(**kwargs) -> ScoreSettings:
    return ScoreSettings(**{"chunk_size": 7, "progress": False, **kwargs})


def test_parts_and_manifest(reference):
    out, summary = reference
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    assert len(manifest["parts"]) == -(-summary.scored // 7)  # 7 articles per part, rounded up
    assert sum(p["sentences"] for p in manifest["parts"]) == summary.sentences
    assert summary.read == summary.scored + summary.rejected == 60 + 2
    assert len(pd.read_parquet(out / "sentences.parquet")) == summary.sentences


def test_chunk_size_changes_parts_not_results(corpus, scoring_model, reference, tmp_path):
    out, _ = reference
    score_paths(
        [str(corpus)], tmp_path, scoring_model, settings=_settings(chunk_size=1000), **FAST_FIGURES
    )
    one = pd.read_parquet(tmp_path / "sentences.parquet")
    many = pd.read_parquet(out / "sentences.parquet")
    pd.testing.assert_frame_equal(one, many)
    assert (tmp_path / "outlets.csv").read_text() == (out / "outlets.csv").read_text()


def test_outlet_figures_part_by_part_equal_figures_on_the_whole_table(reference):
    out, _ = reference
    sentences, labels = read_scored(out)
    whole = outlet_figures(sentences, labels, **FAST_FIGURES)
    streamed = pd.read_csv(out / "outlets.csv")
    pd.testing.assert_frame_equal(whole, streamed, check_dtype=False, atol=1e-12)


class Crash(RuntimeError):
    pass


def _crash_after_parts(corpus, scoring_model, out: Path, monkeypatch, parts: int) -> None:
    """A run that dies after writing parts+1 parts' files but naming only `parts` of them."""
    real = PartStore.save_manifest
    calls = {"n": 0}

    def crashing(self, manifest):
        calls["n"] += 1
        if calls["n"] == parts + 2:  # the first save names no part
            raise Crash
        real(self, manifest)

    monkeypatch.setattr(PartStore, "save_manifest", crashing)
    with pytest.raises(Crash):
        score_paths([str(corpus)], out, scoring_model, settings=_settings(), **FAST_FIGURES)
    monkeypatch.setattr(PartStore, "save_manifest", real)


@pytest.mark.parametrize("crash_at", [1, 3, 9])
def test_resume_after_a_crash_equals_an_uninterrupted_run(
    corpus, scoring_model, reference, tmp_path, monkeypatch, crash_at
):
    """The crash lands after a part's files are written but before the manifest names them."""
    _crash_after_parts(corpus, scoring_model, tmp_path, monkeypatch, parts=crash_at - 1)
    assert json.loads((tmp_path / "manifest.json").read_text())["status"] == "running"
    summary = score_paths(
        [str(corpus)], tmp_path, scoring_model, settings=_settings(resume=True), **FAST_FIGURES
    )
    out, expected = reference
    assert snapshot(tmp_path) == snapshot(out)
    assert (summary.read, summary.scored, summary.rejected, summary.sentences) == (
        expected.read,
        expected.scored,
        expected.rejected,
        expected.sentences,
    )


def test_resume_with_other_settings_is_refused(corpus, scoring_model, reference, tmp_path):
    import shutil

    out, _ = reference
    shutil.copytree(out, tmp_path / "out")
    with pytest.raises(ScoreError, match="chunk_size"):
        score_paths(
            [str(corpus)],
            tmp_path / "out",
            scoring_model,
            settings=_settings(chunk_size=3, resume=True),
            **FAST_FIGURES,
        )


def test_a_fresh_run_replaces_an_old_output(corpus, scoring_model, tmp_path):
    (tmp_path / "sentences.parquet").mkdir()
    (tmp_path / "sentences.parquet" / "part-09999.parquet").write_text("stale")
    score_paths([str(corpus)], tmp_path, scoring_model, settings=_settings(), **FAST_FIGURES)
    assert not (tmp_path / "sentences.parquet" / "part-09999.parquet").exists()


def test_predictor_caches_repeats_and_stays_bounded(scoring_model):
    predictor = SentencePredictor(scoring_model, cache_size=3, batch_size=2)
    texts = ["Subscribe to our newsletter.", "Subscribe  to our newsletter.", "Kyiv holds Sudzha."]
    first = predictor.predict(texts)
    assert predictor.misses == 2 and predictor.hits == 1  # the second is the first normalised
    direct = scoring_model.predict(pd.DataFrame({schema.TEXT: texts}))
    pd.testing.assert_frame_equal(first, direct, check_dtype=False)
    predictor.predict([f"Sentence number {i} about the front." for i in range(10)])
    assert len(predictor.cache) == 3
    again = predictor.predict(texts[::-1])
    pd.testing.assert_frame_equal(
        again, direct.iloc[::-1].reset_index(drop=True), check_dtype=False
    )


def test_cache_count_equals_the_predictor_own_count(scoring_model):
    predictor = SentencePredictor(scoring_model, cache_size=3, batch_size=2)
    count = CacheCount(3)
    calls = [["a b", "c d", "a  b"], [f"s {i}" for i in range(5)], ["c d", "s 4", "a b"]]
    for texts in calls:
        predictor.predict(texts)
        count.add([sentence_key(t) for t in texts])
        assert (count.hits, count.misses) == (predictor.hits, predictor.misses)
        assert list(count.cache) == list(predictor.cache)


@pytest.fixture(scope="module")
def repeats_corpus(corpus, tmp_path_factory) -> Path:
    """The corpus plus copies of some files: duplicate articles and repeated sentences."""
    import shutil

    root = tmp_path_factory.mktemp("repeats") / "in"
    shutil.copytree(corpus, root)
    for name in ("a00001.md", "a00010.md", "a00040.md"):
        shutil.copy(root / name, root / f"copy_{name}")
    return root


@pytest.fixture(scope="module")
def repeats_reference(repeats_corpus, scoring_model, tmp_path_factory):
    out = tmp_path_factory.mktemp("repeats_reference") / "out"
    summary = score_paths(
        [str(repeats_corpus)], out, scoring_model, settings=_settings(), **FAST_FIGURES
    )
    return out, summary


def _numbers(summary) -> dict[str, object]:
    return {k: v for k, v in summary.as_dict().items() if k != "seconds"}


def test_workers_write_what_one_process_writes(
    repeats_corpus, scoring_model, repeats_reference, tmp_path
):
    out, expected = repeats_reference
    assert expected.duplicates == 3 and expected.cache_hits > 0
    summary = score_paths(
        [str(repeats_corpus)],
        tmp_path,
        scoring_model,
        settings=_settings(workers=2),
        **FAST_FIGURES,
    )
    assert snapshot(tmp_path) == snapshot(out)
    assert _numbers(summary) == _numbers(expected)  # cache hits and duplicates included
    assert summary.read == summary.scored + summary.rejected


def test_workers_keep_a_bounded_number_of_chunks_in_flight(
    corpus, scoring_model, tmp_path, monkeypatch
):
    seen: list[int] = []
    real = workers.Pool.submit

    def counting(self, index, chunk):
        real(self, index, chunk)
        seen.append(len(self.queue))

    monkeypatch.setattr(workers.Pool, "submit", counting)
    score_paths(
        [str(corpus)], tmp_path, scoring_model, settings=_settings(workers=2), **FAST_FIGURES
    )
    assert len(seen) == 9  # the pool was used, for every part
    assert max(seen) == 2 * workers.IN_FLIGHT_PER_WORKER


def test_one_chunk_is_scored_without_a_pool(corpus, scoring_model, tmp_path, monkeypatch):
    def no_pool(*args, **kwargs):
        raise AssertionError("a pool was started for a single chunk")

    monkeypatch.setattr(workers.Pool, "__init__", no_pool)
    summary = score_paths(
        [str(corpus)],
        tmp_path,
        scoring_model,
        settings=_settings(workers=2, chunk_size=1000),
        **FAST_FIGURES,
    )
    assert summary.scored == 60


@pytest.mark.parametrize(("first", "then"), [(2, 2), (1, 2), (2, 1)])
def test_resume_with_workers_equals_an_uninterrupted_run(
    corpus, scoring_model, reference, tmp_path, monkeypatch, first, then
):
    real = PartStore.save_manifest
    calls = {"n": 0}

    def crashing(self, manifest):
        calls["n"] += 1
        if calls["n"] == 5:
            raise Crash
        real(self, manifest)

    monkeypatch.setattr(PartStore, "save_manifest", crashing)
    with pytest.raises(Crash):
        score_paths(
            [str(corpus)],
            tmp_path,
            scoring_model,
            settings=_settings(workers=first),
            **FAST_FIGURES,
        )
    monkeypatch.setattr(PartStore, "save_manifest", real)
    # Workers may have written parts past the last one the manifest names: those are strays.
    assert len(PartStore(tmp_path).manifest()["parts"]) == 3
    summary = score_paths(
        [str(corpus)],
        tmp_path,
        scoring_model,
        settings=_settings(workers=then, resume=True),
        **FAST_FIGURES,
    )
    out, expected = reference
    assert snapshot(tmp_path) == snapshot(out)
    assert (summary.read, summary.scored, summary.sentences) == (
        expected.read,
        expected.scored,
        expected.sentences,
    )


def test_negative_workers_are_refused():
    with pytest.raises(ScoreError, match="workers must be >= 0"):
        ScoreSettings(workers=-1)
    assert workers.worker_count(0) == workers.usable_cpus() >= 1
    assert workers.worker_count(3) == 3


@pytest.mark.slow
@pytest.mark.parametrize("n_workers", ["1", "2"])
def test_kill_9_then_resume_equals_an_uninterrupted_run(scoring_model_path, tmp_path, n_workers):
    import psutil

    corpus = make_corpus(tmp_path / "in", 1500)
    exe = str(Path(sys.executable).parent / "framescope")
    args = [
        exe,
        "score",
        str(corpus),
        "--model",
        str(scoring_model_path),
        "--no-mlflow",
        "--chunk-size",
        "5",
        "--samples",
        "100",
        "--no-progress",
        "--workers",
        n_workers,
    ]

    def run(out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*args, "--out", str(out), *extra], capture_output=True, text=True)

    killed = tmp_path / "killed"
    process = subprocess.Popen(
        [*args, "--out", str(killed)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and process.poll() is None:
        manifest = PartStore(killed).manifest() if (killed / "manifest.json").exists() else None
        if manifest and len(manifest["parts"]) >= 3:
            break
        time.sleep(0.02)
    assert process.poll() is None, "the run ended before it could be killed"
    children = psutil.Process(process.pid).children(recursive=True)
    assert (len(children) >= 2) == (n_workers == "2")  # the pool (spawn adds a tracker)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    _, alive = psutil.wait_procs(children, timeout=60)
    assert not alive, "worker processes outlived the killed run"
    state = PartStore(killed).manifest()
    assert state is not None and state["status"] == "running"
    resumed = run(killed, "--resume")
    assert resumed.returncode == 3, resumed.stderr  # the corpus has two bad records
    clean = run(tmp_path / "clean")
    assert clean.returncode == 3, clean.stderr
    assert snapshot(killed) == snapshot(tmp_path / "clean")
    numbers = [line for line in (resumed.stdout, clean.stdout)]
    assert numbers[0].split(";")[0] == numbers[1].split(";")[0]  # read/scored/rejected


# --- Reading an output while it is written, or after a crash ---------------------------------


def test_a_crashed_output_reads_only_the_parts_its_manifest_names(
    corpus, scoring_model, reference, tmp_path, monkeypatch
):
    from framescope.compare.comparison import compare_scored

    _crash_after_parts(corpus, scoring_model, tmp_path, monkeypatch, parts=3)
    on_disk = sorted(p.stem for p in (tmp_path / "sentences.parquet").glob("part-*.parquet"))
    snapshot = PartStore(tmp_path).snapshot()
    names = snapshot.names
    assert snapshot.status == "running" and names == on_disk[:3] and len(on_disk) == 4  # a stray
    sentences, _ = read_scored(tmp_path)
    expected = pd.concat(
        [pd.read_parquet(reference[0] / "sentences.parquet" / f"{n}.parquet") for n in names],
        ignore_index=True,
    )
    pd.testing.assert_frame_equal(sentences, expected)
    comparison = compare_scored(tmp_path, outlets_config(bootstrap_samples=100), seed=1)
    assert comparison.outlets["n_sentences"].sum() == (~expected[schema.BOILERPLATE]).sum()


def test_outlets_on_a_running_output_says_so(corpus, scoring_model, tmp_path, monkeypatch, capsys):
    from framescope.cli import main

    _crash_after_parts(corpus, scoring_model, tmp_path, monkeypatch, parts=2)
    argv = ["framescope", "outlets", str(tmp_path), "--no-mlflow", "--samples", "100"]
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 0
    assert "scoring is still running; these figures cover the 2 parts" in capsys.readouterr().err


def test_resume_leaves_other_writers_temp_files_alone(tmp_path):
    store = PartStore(tmp_path)
    (tmp_path / "sentences.parquet").mkdir()
    own = [tmp_path / ".manifest.json.x1.tmp", tmp_path / "sentences.parquet" / ".part.tmp"]
    foreign = tmp_path / ".pairwise.csv.x2.tmp"  # `framescope outlets` writing beside us
    for path in [*own, foreign]:
        path.write_text("half written")
    store.remove_strays([])
    assert not any(p.exists() for p in own) and foreign.exists()
