"""Benchmarks: named measurements, each run in a fresh process (median time, peak memory)."""
