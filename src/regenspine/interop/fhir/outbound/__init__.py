"""FHIR R4 out of the registry: Bulk Data NDJSON export built from registry rows."""
