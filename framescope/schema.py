"""Every column of every table that crosses a stage boundary, named once."""

from __future__ import annotations

# articles.parquet
ARTICLE_ID = "article_id"
OUTLET = "outlet"
TITLE = "title"
DATE = "date"
URL = "url"
TEXT = "text"
SOURCE = "source"
CONTENT_HASH = "content_hash"
ARTICLE_COLUMNS = [ARTICLE_ID, OUTLET, TITLE, DATE, URL, TEXT, SOURCE, CONTENT_HASH]

# sentences.parquet
SENTENCE_ID = "sentence_id"
POSITION = "position"
START = "start"
END = "end"
SENTENCE_COLUMNS = [SENTENCE_ID, ARTICLE_ID, OUTLET, POSITION, START, END, TEXT]

# gold labels (labels/gold/*.jsonl) and labelled splits
FRAMES = "frames"
STANCE = "stance"
BOILERPLATE = "boilerplate"
NOTE = "note"
GOLD_COLUMNS = [SENTENCE_ID, ARTICLE_ID, OUTLET, TEXT, FRAMES, STANCE, BOILERPLATE]
SPLIT = "split"
SPLITS = ("train", "dev", "test")
HELDOUT = "heldout"  # whole outlets kept out of train and dev (split.heldout_outlets)
GOLD_FILE = "gold_file"  # which gold file labelled the sentence

# predictions (the pyfunc output and scored sentences)
FRAME_SCORES = "frame_scores"
STANCE_SCORES = "stance_scores"
BOILERPLATE_SCORE = "boilerplate_score"

# rejects.jsonl
REASON = "reason"

# outlet figures
N_ARTICLES = "n_articles"
N_SENTENCES = "n_sentences"
NET_STANCE = "net_stance"
CI_LOW = "ci_low"
CI_HIGH = "ci_high"


def frame_share(frame_id: str) -> str:
    return f"frame_share.{frame_id}"


def stance_share(class_id: str) -> str:
    return f"stance_share.{class_id}"


# outlet comparison (framescope.compare): evidence flag, corrected shares, pairwise, trends
EVIDENCE = "evidence"  # "ok" or "insufficient"
INSUFFICIENT = "insufficient"
DATE_FROM = "date_from"
DATE_TO = "date_to"
OUTLET_A = "outlet_a"
OUTLET_B = "outlet_b"
METRIC = "metric"
VALUE_A = "value_a"
VALUE_B = "value_b"
DIFFERENCE = "difference"
P_VALUE = "p_value"
Q_VALUE = "q_value"
SIGNIFICANT = "significant"
PERIOD = "period"
FRAME = "frame"
RANK = "rank"
PROBABILITY = "probability"
PREDICTED = "predicted"


def frame_share_corrected(frame_id: str) -> str:
    """A frame share corrected for the classifier's measured precision and recall."""
    return f"frame_share_corrected.{frame_id}"


# weak supervision: silver labels (data/stages/silver.parquet) and the train mix
LABEL_SOURCE = "label_source"  # "gold" or "silver"
WEIGHT = "weight"  # sample weight in training: gold 1, silver train.silver_weight
CONFIDENCE = "confidence"  # the label model's probability of the silver stance


# audit (framescope audit): the sample file, and figures estimated from the audit's labels
STRATUM = "stratum"  # "<outlet> / <predicted cell>" (framescope.audit.strata)
STRATUM_SIZE = "stratum_size"  # N_h: corpus sentences in the stratum
STRATUM_SAMPLED = "stratum_sampled"  # n_h: of them drawn into the sample
INCLUSION_PROBABILITY = "inclusion_probability"  # pi = n_h / N_h
DESIGN_WEIGHT = "design_weight"  # 1 / pi


def audited(name: str) -> str:
    """A figure estimated from an audit's labels: `audited.frame_share.<frame>`, ..."""
    return f"audited.{name}"


def precision(label: str) -> str:
    """The classifier's precision for `frame.<id>`, `stance.<id>` or `boilerplate`."""
    return f"precision.{label}"


def recall(label: str) -> str:
    return f"recall.{label}"
