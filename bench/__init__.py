"""Benchmark of `regenspine report --json` against a hand-written SQL floor.

Run with `make bench` (`python -m bench`); never part of `make test`. Synthetic registries are
generated once per size and cached in var/bench/; figures are recorded in bench/README.md.
"""
