"""The annotation loop: pick sentences, round-trip them through Label Studio, import gold.

- `studio`: the Label Studio side (labeling config, task JSON, reading both export formats)
- `select`: which sentences to annotate next (uncertainty, diversity, random)
- `adjudicate`: several annotators per sentence into one gold label, or a conflict to settle
- `embed`: MiniLM sentence embeddings for the diversity strategy
"""
