"""Classifier families. Every family produces the same heads and is saved as the same pyfunc."""

from framescope.classifiers.base import LabelSpace, Scores, tune_thresholds

__all__ = ["LabelSpace", "Scores", "tune_thresholds"]
