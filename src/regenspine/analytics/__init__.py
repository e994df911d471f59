"""Outcome analytics, survival, reports and the synthetic registry for demos and benchmarks."""
