"""Measure `framescope score`: end-to-end speed and peak memory on real coverage.

    python benchmarks/score_bench.py [--model models/champion] [--sections end_to_end,memory]
                                     [--workers 1,2] [--json results.json]

Sections (add one by writing a function and registering it in SECTIONS):

- champion: the champion, whatever its family, on 2,000 real sentences through framescope's
  torch path, ONNX Runtime fp32 and ONNX int8 (the fast path, `framescope score --runtime onnx
  [--quantize]`): sentences/s, ratios to torch, and each runtime's scores on the real dev set.

- throughput: the fine-tuned model (models/candidates/finetune) on 20,000 real sentences from
  ../shared/corpora, every runtime on the same sentences: (a) naive, `transformers` one
  sentence at a time; (b) framescope's torch path (batches of similar word-piece count,
  inference_mode), in fp32 and with `--precision bf16` (autocast; the CPU's native bf16 is
  reported); (c) ONNX Runtime, fp32 and dynamic int8 (early FFN outputs kept in fp32).
  Sentences/s and ratios to (a), and the macro-F1 of each runtime on the demo test split
  (targets: (c) >= 4x (a), (b) >= 2x (a), <= 0.01 macro-F1 apart).

- end_to_end: the whole ../shared/corpora/ukraine_media_2022 corpus through the CLI:
  articles/s, sentences/s and peak RSS (target: >= 5,000 sentences/s with the TF-IDF champion),
  once per `--workers` count (peak RSS sums the process tree: the reader and its workers), with
  the 1-minute load average before and after each run (other work on the machine slows it).
- memory: peak RSS on 2,000 vs 20,000 articles (target: ratio <= 1.3). The sets are built at run
  time in a temp folder from the real corpora; each article is a real article followed by the
  paragraphs of another, so every text is distinct and deduplication does not shrink the set.

Nothing here is asserted in tests; the real corpora are read at run time and never copied into
the repository.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpora"
UKRAINE = SHARED / "ukraine_media_2022"
COLUMNS = ["--text-col", "Text", "--date-col", "Date", "--url-col", "URL", "--title-col", "Title"]
csv.field_size_limit(1 << 30)


def run_score(inputs: list[Path], out: Path, model: str, extra: list[str]) -> dict[str, Any]:
    """One `framescope score` process: wall time, peak RSS (process tree) and its summary."""
    import psutil

    exe = Path(sys.executable).parent / "framescope"
    args = [str(exe), "score", *map(str, inputs), "--out", str(out), "--model", model]
    args += ["--no-mlflow", "--no-progress", *extra]
    started = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watched = psutil.Process(process.pid)
    peak = 0
    while process.poll() is None:
        try:
            tree = [watched, *watched.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree))
        except psutil.Error:
            pass
        time.sleep(0.05)
    wall = time.perf_counter() - started
    stdout, stderr = process.communicate()
    if process.returncode not in (0, 3):
        raise SystemExit(f"framescope score failed ({process.returncode}):\n{stderr[-2000:]}")
    summary = json.loads((out / "run.json").read_text())["summary"]
    return {
        "wall_s": round(wall, 1),
        "peak_rss_mb": round(peak / 2**20),
        "articles": summary["scored"],
        "sentences": summary["sentences"],
        "articles_per_s": round(summary["scored"] / wall, 1),
        "sentences_per_s": round(summary["sentences"] / wall),
        "summary_line": stdout.strip().splitlines()[-1] if stdout.strip() else "",
    }


WORKERS = [1]  # set by --workers


def end_to_end(model: str, tmp: Path) -> dict[str, Any]:
    import os

    if not UKRAINE.is_dir():
        return {"skipped": f"{UKRAINE} not found"}
    runs: list[dict[str, Any]] = []
    results: dict[str, Any] = {"target_sentences_per_s": 5000, "cpus": os.cpu_count(), "runs": runs}
    for workers in WORKERS:  # a count may repeat, to see the spread
        load_before = os.getloadavg()[0]
        out = tmp / f"e2e_w{workers}"
        result = {"workers": workers}
        result |= run_score([UKRAINE], out, model, [*COLUMNS, "--workers", str(workers)])
        result["load_1min_before_after"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
        runs.append(result)
    return results


def _real_articles() -> list[tuple[str, str]]:
    """(outlet, text) of every real article with some text, in a fixed order."""
    found = []
    for path in sorted(SHARED.glob("*/*.csv")):
        with path.open(encoding="utf-8", errors="replace", newline="") as handle:
            for row in csv.DictReader(handle):
                text = row.get("Text") or row.get("testo_articolo") or row.get("text") or ""
                if len(text) > 200:
                    found.append((path.stem, text))
    return found


def build_set(articles: list[tuple[str, str]], n: int, folder: Path) -> Path:
    """`n` distinct articles as JSONL files of 1,000 lines: article i, then article i*7+1's."""
    folder.mkdir(parents=True)
    size = len(articles)
    for start in range(0, n, 1000):
        lines = []
        for i in range(start, min(n, start + 1000)):
            outlet, text = articles[i % size]
            _, other = articles[(i * 7 + 1 + i // size) % size]
            record = {"id": f"a{i}", "outlet": outlet, "text": f"{text}\n\n{other}"}
            lines.append(json.dumps(record))
        (folder / f"part{start // 1000:03d}.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    return folder


def memory(model: str, tmp: Path) -> dict[str, Any]:
    if not SHARED.is_dir():
        return {"skipped": f"{SHARED} not found"}
    articles = _real_articles()
    small = run_score([build_set(articles, 2_000, tmp / "set2k")], tmp / "o2k", model, [])
    large = run_score([build_set(articles, 20_000, tmp / "set20k")], tmp / "o20k", model, [])
    return {
        "2000": small,
        "20000": large,
        "rss_ratio": round(large["peak_rss_mb"] / small["peak_rss_mb"], 2),
        "target_ratio": 1.3,
    }


THROUGHPUT_N = 20_000


def _real_sentences(n: int) -> list[str]:
    from framescope.ingest.segment import normalise, segment

    sentences: list[str] = []
    for i, (_, text) in enumerate(_real_articles()):
        sentences.extend(s.text for s in segment(f"a{i}", normalise(text)) if len(s.text) > 20)
        if len(sentences) >= n:
            break
    return sentences[:n]


def _rate(fn: Callable[[list[str]], Any], texts: list[str]) -> float:
    started = time.perf_counter()
    fn(texts)
    return len(texts) / (time.perf_counter() - started)


def throughput(model: str, tmp: Path) -> dict[str, Any]:
    import pandas as pd
    import torch

    from framescope import schema
    from framescope.classifiers.bundle import bundle_directory, predict_frame, read_bundle
    from framescope.classifiers.onnx_runtime import to_onnx
    from framescope.scoring.serving import arithmetic, native_bf16
    from framescope.training import evaluate as ev

    if not SHARED.is_dir():
        return {"skipped": f"{SHARED} not found"}
    candidate = ROOT / "models" / "candidates" / "finetune"
    bundle = read_bundle(bundle_directory(candidate))
    heads = bundle.heads
    texts = _real_sentences(THROUGHPUT_N)
    network, tokenizer = heads.models[0], heads.tokenizer  # type: ignore[attr-defined]

    def naive(batch: list[str]) -> None:
        with torch.no_grad():
            for text in batch:
                network(**tokenizer(text, truncation=True, max_length=128, return_tensors="pt"))

    # name -> (bundle, the precision torch runs it in)
    runtimes = {
        "torch": (bundle, "fp32"),
        "torch_bf16": (bundle, "bf16"),
        "onnx": (to_onnx(bundle, tmp / "onnx"), "fp32"),
        "onnx_int8": (to_onnx(bundle, tmp / "onnx8", quantize=True), "fp32"),
    }
    # Every runtime, the naive one included, on the same sentences: a subset's lengths differ.
    rates = {"naive": _rate(naive, texts)}
    for name, (runtime, precision) in runtimes.items():
        with arithmetic(precision):
            rates[name] = _rate(runtime.heads.scores, texts)
    test = pd.read_parquet(ROOT / "data" / "stages" / "labelled.parquet").query("split == 'test'")
    quality = {}
    for name, (runtime, precision) in runtimes.items():
        with arithmetic(precision):
            predicted = predict_frame(runtime, test[schema.TEXT].tolist())
        metrics = ev.evaluate(predicted, test, bundle.labels)
        quality[name] = {
            "frames.macro_f1": round(metrics["frames"]["macro_f1"], 4),
            "stance.macro_f1": round(metrics["stance"]["macro_f1"], 4),
        }
    return {
        "sentences": len(texts),
        "mean_characters": round(sum(map(len, texts)) / max(1, len(texts)), 1),
        "sentences_per_s": {k: round(v, 1) for k, v in rates.items()},
        "ratio_to_naive": {k: round(v / rates["naive"], 2) for k, v in rates.items()},
        "demo_test_macro_f1": quality,
        "torch_threads": torch.get_num_threads(),
        "native_bf16": native_bf16(),
    }


CHAMPION_N = 2_000
REAL_DEV = ROOT.parent / "shared" / "dev" / "kyiv_independent_kursk_dev.jsonl"


def champion(model: str, tmp: Path) -> dict[str, Any]:
    """The champion (whatever family) through torch, ONNX fp32 and ONNX int8: sentences/s on
    the same real sentences, and each runtime's macro-F1 on the real dev set."""
    from framescope import schema
    from framescope.classifiers.bundle import bundle_directory, predict_frame, read_bundle
    from framescope.classifiers.embed_cache import use_cache
    from framescope.classifiers.onnx_runtime import OnnxError, to_onnx
    from framescope.labels.codebook import load_codebook
    from framescope.labels.dataset import load_gold
    from framescope.training import evaluate as ev

    if not SHARED.is_dir():
        return {"skipped": f"{SHARED} not found"}
    use_cache(None)  # every runtime encodes every sentence
    bundle = read_bundle(bundle_directory(Path(model)))
    runtimes = {"torch": bundle}
    try:
        runtimes["onnx"] = to_onnx(bundle, tmp / "champion_onnx")
        runtimes["onnx_int8"] = to_onnx(bundle, tmp / "champion_onnx8", quantize=True)
    except OnnxError as err:
        note = str(err)
    else:
        note = ""
    texts = _real_sentences(CHAMPION_N)
    gold = load_gold(REAL_DEV, load_codebook(ROOT / "labels" / "codebook.yaml"))
    rates, quality = {}, {}
    for name, runtime in runtimes.items():
        predict_frame(runtime, texts[:32])  # warm-up: sessions open, threads start
        rates[name] = _rate(partial(predict_frame, runtime), texts)
        metrics = ev.evaluate(
            predict_frame(runtime, gold[schema.TEXT].tolist()), gold, bundle.labels
        )
        quality[name] = {
            "frames.macro_f1": round(metrics["frames"]["macro_f1"], 4),
            "stance.macro_f1": round(metrics["stance"]["macro_f1"], 4),
            "boilerplate.f1": round(metrics["boilerplate"]["f1"], 4),
        }
    return {
        "family": bundle.family,
        "sentences": len(texts),
        "sentences_per_s": {k: round(v, 1) for k, v in rates.items()},
        "ratio_to_torch": {k: round(v / rates["torch"], 2) for k, v in rates.items()},
        "real_dev": quality,
        **({"onnx": note} if note else {}),
    }


SECTIONS: dict[str, Callable[[str, Path], dict[str, Any]]] = {
    "champion": champion,
    "end_to_end": end_to_end,
    "memory": memory,
    "throughput": throughput,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default=str(ROOT / "models" / "champion"))
    parser.add_argument("--sections", default=",".join(SECTIONS))
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--workers", default="1", help="end_to_end: comma-separated --workers counts to run"
    )
    args = parser.parse_args()
    WORKERS[:] = [int(w) for w in args.workers.split(",")]
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="score_bench_") as tmp:
        for name in args.sections.split(","):
            print(f"== {name}", flush=True)
            results[name] = SECTIONS[name](args.model, Path(tmp))
            print(json.dumps(results[name], indent=2), flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
