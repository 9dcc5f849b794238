"""The package version (a leaf module: the lower layers may read it without importing ``hopspin``)."""

__version__ = "0.1.0"
