"""Benchmarks of the fake Allas, measured as ratios in one run (``python -m benchmarks``)."""
