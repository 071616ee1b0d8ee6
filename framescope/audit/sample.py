"""Drawing the audit sample: proportional allocation over strata, simple random within each.

Every stratum gets at least `min_per_stratum` sentences (or all it has), the rest of the sample
goes to strata in proportion to their size. A sentence's inclusion probability is
pi = n_h / N_h of its stratum h, its design weight 1 / pi. The sample file is Parquet, with the
design (seed, strata sizes, corpus fingerprint) in its metadata.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from framescope import schema
from framescope.files import _atomic

META_KEY = b"framescope.audit"
SAMPLE_COLUMNS = [
    schema.SENTENCE_ID,
    schema.ARTICLE_ID,
    schema.OUTLET,
    schema.TEXT,
    schema.STRATUM,
    schema.STRATUM_SIZE,
    schema.STRATUM_SAMPLED,
    schema.INCLUSION_PROBABILITY,
    schema.DESIGN_WEIGHT,
    schema.FRAMES,
    schema.STANCE,
    schema.BOILERPLATE,
]


class SampleError(ValueError):
    """A sample cannot be drawn or read; the message names the input."""


@dataclass(frozen=True)
class Design:
    """How a sample was drawn: enough to check it against a corpus and to weight its labels."""

    name: str
    fingerprint: str
    seed: int
    n: int
    min_per_stratum: int
    min_stratum_size: int
    scored: str
    model_uri: str
    strata: dict[str, int] = field(default_factory=dict)  # stratum -> N_h


def allocate(sizes: pd.Series, n: int, min_per_stratum: int) -> pd.Series:
    """Sentences to draw per stratum: a floor each, the rest in proportion to size."""
    floor = np.minimum(sizes.to_numpy(), min_per_stratum)
    if floor.sum() > n:
        raise SampleError(
            f"--n {n}: the design needs at least {int(floor.sum())} sentences "
            f"({min_per_stratum} in each of {len(sizes)} strata, or all a smaller one has)"
        )
    total = int(sizes.sum())
    if n >= total:
        return sizes.copy()
    target = n * sizes.to_numpy() / total
    alloc = np.minimum(np.maximum(floor, np.floor(target)).astype(int), sizes.to_numpy())
    while alloc.sum() < n:  # the largest shortfall first, among strata with sentences left
        gap = np.where(alloc < sizes.to_numpy(), target - alloc, -np.inf)
        alloc[int(np.argmax(gap))] += 1
    while alloc.sum() > n:  # floors pushed it over: take from the most over-allocated
        excess = np.where(alloc > floor, alloc - target, -np.inf)
        alloc[int(np.argmax(excess))] -= 1
    return pd.Series(alloc, index=sizes.index)


def draw(
    corpus: pd.DataFrame, strata: pd.Series, n: int, min_per_stratum: int, seed: int
) -> pd.DataFrame:
    """The sample: corpus rows with stratum, N_h, n_h, pi and design weight, in random order.

    Within a stratum sentences are taken in sentence_id order before the seeded draw, so the
    same corpus and seed give the same sample whatever order the corpus was read in.
    """
    table = corpus.assign(**{schema.STRATUM: strata.to_numpy()})
    sizes = table.groupby(schema.STRATUM).size().sort_index()
    alloc = allocate(sizes, n, min_per_stratum)
    rng = np.random.default_rng(seed)
    picked = []
    for stratum, group in table.groupby(schema.STRATUM, sort=True):
        group = group.sort_values(schema.SENTENCE_ID)
        rows = rng.choice(len(group), size=int(alloc[stratum]), replace=False)
        picked.append(group.iloc[np.sort(rows)])
    sample = pd.concat(picked, ignore_index=True)
    sample[schema.STRATUM_SIZE] = sample[schema.STRATUM].map(sizes).astype(int)
    sample[schema.STRATUM_SAMPLED] = sample[schema.STRATUM].map(alloc).astype(int)
    sample[schema.INCLUSION_PROBABILITY] = (
        sample[schema.STRATUM_SAMPLED] / sample[schema.STRATUM_SIZE]
    )
    sample[schema.DESIGN_WEIGHT] = 1.0 / sample[schema.INCLUSION_PROBABILITY]
    # Random task order, so annotators never see a stratum's sentences in a block.
    order = rng.permutation(len(sample))
    return sample.iloc[order].reset_index(drop=True)[SAMPLE_COLUMNS]


def stratum_sizes(strata: pd.Series) -> dict[str, int]:
    return {str(k): int(v) for k, v in strata.value_counts().sort_index().items()}


def write_sample(sample: pd.DataFrame, design: Design, path: str | Path) -> Path:
    """The sample as Parquet, with the design in the file's metadata."""
    table = pa.Table.from_pandas(sample, preserve_index=False)
    meta = {**(table.schema.metadata or {}), META_KEY: json.dumps(asdict(design)).encode()}
    table = table.replace_schema_metadata(meta)
    return _atomic(Path(path), lambda tmp: pq.write_table(table, tmp))


def read_sample(path: str | Path) -> tuple[pd.DataFrame, Design]:
    """A sample file written by `write_sample`; anything else raises SampleError naming it."""
    path = Path(path)
    try:
        table = pq.read_table(path)
    except FileNotFoundError:
        raise SampleError(f"audit sample {path}: file not found") from None
    except (OSError, pa.ArrowException) as err:
        raise SampleError(f"audit sample {path}: not a Parquet file ({err})") from None
    raw: dict[bytes, Any] = table.schema.metadata or {}
    missing = [c for c in SAMPLE_COLUMNS if c not in table.column_names]
    if META_KEY not in raw or missing:
        raise SampleError(f"audit sample {path}: not written by `framescope audit sample`")
    design = Design(**json.loads(raw[META_KEY]))
    sample = table.to_pandas()
    sample[schema.FRAMES] = sample[schema.FRAMES].map(list)
    return sample, design
