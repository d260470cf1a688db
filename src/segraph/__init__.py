"""segraph: a knowledge graph of the Swedish social economy."""

__version__ = "0.1.0"
