"""The JSON API under /api/v1: the public decision-aid endpoints (more areas plug in later)."""
