"""Comparing outlets: figures, pairwise tests, trends, evidence, correction, charts, report."""
