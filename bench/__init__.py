"""Benchmarks of r2p-risk, run on demand: `python bench/run.py` (see bench/README.md)."""
