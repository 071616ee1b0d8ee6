"""Weak-supervision settings: codebook fields and params are validated and errors name the key."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pipeline_params import raw_params

from framescope.config import ConfigError, parse_params
from framescope.labels.codebook import CodebookError, load_codebook

REAL = Path(__file__).resolve().parents[2] / "labels" / "codebook.yaml"


def _load_mutated(tmp_path, mutate):
    raw = yaml.safe_load(REAL.read_text(encoding="utf-8"))
    mutate(raw)
    path = tmp_path / "codebook.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return load_codebook(path)


def test_real_codebook_has_weak_cues(codebook):
    assert codebook.weak.negation_cues and codebook.weak.attribution_cues
    assert all(f.include_patterns and f.stance_hint for f in codebook.frames)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda r: r["frames"][0].update(include_patterns=["(unclosed"]),
            r"frames\[0\]\.include_patterns\[0\]: bad regular",
        ),
        (
            lambda r: r["frames"][1].update(stance_hint="hopeful"),
            r"frames\[1\]\.stance_hint: 'hopeful'",
        ),
        (
            lambda r: r["weak_supervision"].update(negation_window=0),
            r"weak_supervision\.negation_window",
        ),
        (lambda r: r["weak_supervision"].update(typo=1), r"weak_supervision\.typo: unknown key"),
        (
            lambda r: r["stance"]["classes"][0].update(include_patterns="x"),
            r"stance\.classes\[0\]\.include_patterns",
        ),
    ],
)
def test_bad_weak_fields_name_the_key(tmp_path, mutate, message):
    with pytest.raises(CodebookError, match=message):
        _load_mutated(tmp_path, mutate)


def test_codebook_without_weak_section_still_loads(tmp_path):
    codebook = _load_mutated(tmp_path, lambda r: r.pop("weak_supervision"))
    assert codebook.weak.negation_cues == ()


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"weak": {"label_model": "snorkel"}}, r"weak\.label_model: 'snorkel' not in"),
        ({"weak": {"similarity_precision": 0}}, r"weak\.similarity_precision"),
        ({"weak": {"inputs": []}}, r"weak\.inputs"),
        ({"train": {"silver_weight": -1}}, r"train\.silver_weight"),
    ],
)
def test_bad_weak_params_name_the_key(raw, message):
    with pytest.raises(ConfigError, match=message):
        parse_params(raw_params(raw))


def test_default_params_train_on_gold_only(repo_root):
    params = parse_params(yaml.safe_load((repo_root / "configs" / "params.yaml").read_text()))
    assert params.train.silver_weight == 0.0
    assert params.weak.inputs == ("data/demo_unlabelled",)
