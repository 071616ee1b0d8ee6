"""Every DVC stage depends on all the code it runs, so `dvc repro` never answers "up to date"
for a module that changed. The imports are read statically (function-level imports too), from
the stage's `pipelines/` script through the package, transitively."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("framescope", "pipelines")


def _module_file(dotted: str) -> Path | None:
    """The file a dotted module name is loaded from, or None when it is not ours."""
    if dotted.split(".")[0] not in PACKAGES:
        return None
    base = ROOT.joinpath(*dotted.split("."))
    if base.with_suffix(".py").is_file():
        return base.with_suffix(".py")
    if (base / "__init__.py").is_file():
        return base / "__init__.py"
    return None


def _parents(dotted: str) -> list[str]:
    """`a.b.c` imports `a` and `a.b` first: their `__init__` modules run too."""
    parts = dotted.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def _imported(path: Path, dotted: str) -> set[str]:
    """Every module of ours that a file imports, at any depth of the file."""
    names: set[str] = set()
    package = dotted if path.name == "__init__.py" else dotted.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*anchor, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            names.add(module)
            # `from framescope.scoring import workers` imports the submodule `workers`
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return {n for n in names if _module_file(n) is not None}


def code_closure(script: str) -> set[Path]:
    """The files of every module of ours that running `python -m <script>` can import."""
    seen: set[str] = set()
    todo = [script]
    while todo:
        dotted = todo.pop()
        if dotted in seen:
            continue
        seen.add(dotted)
        todo.extend(p for p in _parents(dotted) if p not in seen)
        path = _module_file(dotted)
        if path is not None:
            todo.extend(_imported(path, dotted) - seen)
    return {p.relative_to(ROOT) for d in seen if (p := _module_file(d)) is not None}


def stages() -> dict[str, dict]:
    """dvc.yaml's stages, a `foreach` stage expanded to its first item (all items share code)."""
    spec = yaml.safe_load((ROOT / "dvc.yaml").read_text())["stages"]
    return {name: (stage["do"] if "foreach" in stage else stage) for name, stage in spec.items()}


def script_of(stage: dict) -> str:
    words = stage["cmd"].split()
    return words[words.index("-m") + 1]


def uncovered(stage: dict) -> list[str]:
    """The code files the stage runs that none of its deps covers (a file or a folder above)."""
    deps = [Path(str(d).rstrip("/")) for d in stage.get("deps", [])]
    return sorted(
        str(f)
        for f in code_closure(script_of(stage))
        if not any(f == d or d in f.parents for d in deps)
    )


@pytest.mark.parametrize("name", sorted(stages()))
def test_stage_deps_cover_the_code_it_runs(name: str) -> None:
    missing = uncovered(stages()[name])
    assert not missing, f"stage {name!r} runs code its deps do not list: {missing}"


@pytest.mark.parametrize("name", sorted(stages()))
def test_removing_a_code_dep_is_caught(name: str) -> None:
    """The check can fail: drop each code dep of the stage in turn and it must name a file."""
    stage = stages()[name]
    code_deps = [d for d in stage["deps"] if str(d).startswith(PACKAGES)]
    assert code_deps, f"stage {name!r} lists no code at all"
    for dep in code_deps:
        without = {**stage, "deps": [d for d in stage["deps"] if d != dep]}
        assert uncovered(without), f"stage {name!r} without {dep!r} still looks covered"


def test_closure_follows_lazy_imports_and_packages() -> None:
    closure = code_closure("pipelines.score")
    assert Path("framescope/__init__.py") in closure
    assert Path("framescope/schema.py") in closure
    assert any(p.parts[:2] == ("framescope", "scoring") for p in closure)
