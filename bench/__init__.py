"""Benchmarks of Wellspring, reported as ratios to a baseline measured in the same run."""
