"""framescope: how outlets frame a story, sentence by sentence."""

__version__ = "0.1.0"
