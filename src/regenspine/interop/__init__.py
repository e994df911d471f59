"""Interoperability and privacy: FHIR, REDCap and CSV exports, and Safe Harbor de-identification."""
