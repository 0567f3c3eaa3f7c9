"""Benchmarks of microbadges; run from the repository root (see benchmarks/README.md)."""
