"""Sections of the ``hopspin reproduce`` report beyond the 2017 paper (one module per study)."""
