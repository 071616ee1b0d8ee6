"""The label side: the codebook, gold files, the labelled dataset and its article split."""
