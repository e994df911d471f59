"""Request plumbing: sessions, security headers, sign-in throttle, error pages, transactions."""
