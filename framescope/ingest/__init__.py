"""Reading coverage: input formats, folders walked, sentences segmented, languages told apart."""
