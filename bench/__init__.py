"""Reproducible throughput and memory benchmark: `python -m bench` (see bench/README.md)."""
