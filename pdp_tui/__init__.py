"""pdp-tui: register Piani di Protezione from a terminal."""

__version__ = "0.1.0"
