"""Printable documents for every face: the one-page summary, the report page, icon arrays."""
