"""FHIR R4 into the registry: reading files, resources back into rows, idempotent writes."""
