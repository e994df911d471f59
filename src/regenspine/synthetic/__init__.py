"""A synthetic registry for demos, tests and benchmarks; every record is flagged synthetic."""
