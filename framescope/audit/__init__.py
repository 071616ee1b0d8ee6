"""Auditing a scored corpus: a stratified random sample, labelled, and outlet figures corrected
with the model's error measured on that corpus (docs/audit.md)."""
