"""Benchmarks behind `digitpad bench`: numbers, measured side by side in one process."""
