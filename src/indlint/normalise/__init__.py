"""Normalise: every real-world variant of a cell, reduced to the form the judges read."""
