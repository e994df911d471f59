"""The web face: a FastAPI app with the decision-aid pages, the clinician workspace, patient
self-report pages and the JSON API (public and token-authenticated)."""
