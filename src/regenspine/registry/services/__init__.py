"""Registry services: take a session, an acting user and typed input; never commit."""
