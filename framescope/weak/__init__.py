"""Weak supervision: labeling functions built from the codebook, label models, LF analysis and
the silver labels they give an unlabelled corpus (Snorkel's recipe, without Snorkel)."""
