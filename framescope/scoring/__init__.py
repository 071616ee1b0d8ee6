"""Batch scoring: local and Spark engines, workers, the Parquet part store, serving, progress."""
