"""The comparison's params: real file values, and one-line errors naming the key."""

from __future__ import annotations

import pytest
from pipeline_params import raw_params

from framescope.config import ConfigError, load_params, parse_params


def test_comparison_params_load(repo_root):
    outlets = load_params(repo_root / "configs" / "params.yaml").outlets
    assert (outlets.min_articles, outlets.min_sentences, outlets.top_k) == (3, 50, 5)
    assert outlets.trend_period == "month" and outlets.alpha == 0.05


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"min_articles": 1}, "outlets.min_articles: must be >= 2"),
        ({"min_sentences": 0}, "outlets.min_sentences: must be >= 1"),
        ({"alpha": 0.5}, "outlets.alpha: must be in (0, 0.5)"),
        ({"top_k": 0}, "outlets.top_k: must be in 1..100"),
        ({"trend_period": "day"}, "outlets.trend_period: 'day' not in ['week', 'month']"),
        ({"top_k": "5"}, "outlets.top_k: expected int, got str"),
    ],
)
def test_bad_comparison_params_name_the_key(raw, message):
    with pytest.raises(ConfigError) as err:
        parse_params(raw_params({"outlets": raw}))
    assert str(err.value) == message
