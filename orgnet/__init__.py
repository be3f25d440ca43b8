"""orgnet: organisational network analysis from collaboration metadata."""

__version__ = "0.1.0"
