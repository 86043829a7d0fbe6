"""Shared helpers for the benchmarks under bench/ (stdlib-only where noted)."""
