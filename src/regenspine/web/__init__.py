"""The web face: a FastAPI app with server-rendered decision-aid pages and a JSON API."""
