"""How often the audit's 90% intervals hold the truth, over settings of the simulated coverage.

Prints one row per setting (clustering of frames within articles, audit size, annotator error):
coverage of the audited shares and of the raw shares, and the mean error of each.
The test (tests/unit/test_audit_coverage.py) runs the first setting's kind; docs/audit.md holds
the table. Usage: python experiments/audit_coverage.py [repetitions]
"""

from __future__ import annotations

import sys
import time

from framescope.audit.simulate import biased_scenario, coverage_run

# (Beta concentration of an article's frame propensity, audit size, annotator error)
SETTINGS = [(1000, 300, 0.0), (20, 300, 0.0), (6, 300, 0.0), (20, 150, 0.0), (20, 300, 0.05)]


def main(repetitions: int) -> None:
    head = ["clustering (ICC)", "n", "annotator error", "audited: frames", "stance, net"]
    head += ["raw: frames", "mean abs. error, frames: audited / raw"]
    print("| " + " | ".join(head) + " |")
    print("|---|---|---|---|---|---|---|")
    for concentration, n, error in SETTINGS:
        labels, outlets, biased = biased_scenario(concentration)
        start = time.perf_counter()
        runs = coverage_run(
            outlets, biased, labels, repetitions=repetitions, n=n,
            annotator_error=error, confidence=0.9, samples=400, seed=7,
        )  # fmt: skip
        frames = runs[runs["metric"].str.contains("frame_share")]
        stance = runs[runs["metric"].str.contains("stance")]
        icc = 1 / (concentration + 1)
        print(
            f"| {icc:.3f} | {n} | {error} | {frames['audited_covers'].mean():.3f} "
            f"| {stance['audited_covers'].mean():.3f} "
            f"| {frames['raw_covers'].astype(bool).mean():.3f} "
            f"| {(frames['audited'] - frames['truth']).abs().mean():.3f} / "
            f"{(frames['raw'] - frames['truth']).abs().mean():.3f} |",
            f"{time.perf_counter() - start:.0f} s",
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
