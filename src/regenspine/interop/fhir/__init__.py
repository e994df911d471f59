"""FHIR R4: the registry's vocabulary and validation, shared by outbound and inbound."""
