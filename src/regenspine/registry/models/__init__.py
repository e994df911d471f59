"""Every registry table, importable from one place (Alembic reads `Base.metadata`)."""

from regenspine.registry.models.access import AUDIT_ACTIONS, ROLES, AuditEvent, User
from regenspine.registry.models.base import Base
from regenspine.registry.models.contact import ApiToken, Reminder, SelfReportLink
from regenspine.registry.models.outcomes import (
    INTERVENTION_KINDS,
    AdverseEvent,
    Assessment,
    FollowUp,
    Intervention,
)
from regenspine.registry.models.patients import (
    CONSENT_KINDS,
    REGIONS,
    SEVERITIES,
    SEXES,
    Consent,
    Episode,
    Patient,
    PatientIdentity,
    Screening,
)
from regenspine.registry.models.procedures import (
    InjectionTargetRow,
    MedicationNote,
    Procedure,
    ProtocolCheckRow,
)

__all__ = [
    "AUDIT_ACTIONS",
    "CONSENT_KINDS",
    "INTERVENTION_KINDS",
    "REGIONS",
    "ROLES",
    "SEVERITIES",
    "SEXES",
    "AdverseEvent",
    "ApiToken",
    "Assessment",
    "AuditEvent",
    "Base",
    "Consent",
    "Episode",
    "FollowUp",
    "InjectionTargetRow",
    "Intervention",
    "MedicationNote",
    "Patient",
    "PatientIdentity",
    "Procedure",
    "ProtocolCheckRow",
    "Reminder",
    "Screening",
    "SelfReportLink",
    "User",
]
