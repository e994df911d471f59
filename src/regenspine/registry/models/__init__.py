"""Every registry table, importable from one place (Alembic reads `Base.metadata`)."""

from regenspine.registry.models.access import AUDIT_ACTIONS, ROLES, AuditEvent, User
from regenspine.registry.models.base import Base, table_of
from regenspine.registry.models.contact import ApiToken, Reminder, SelfReportLink
from regenspine.registry.models.outcomes import (
    CTCAE_GRADES,
    INTERVENTION_KINDS,
    SURGICAL_KINDS,
    AdverseEvent,
    Assessment,
    FollowUp,
    Intervention,
    InterventionKind,
)
from regenspine.registry.models.patients import (
    CONSENT_KINDS,
    EPISODE_STATUSES,
    REGIONS,
    SEVERITIES,
    SEXES,
    Consent,
    ConsentKind,
    Episode,
    EpisodeStatus,
    Patient,
    PatientIdentity,
    Screening,
    Sex,
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
    "CTCAE_GRADES",
    "EPISODE_STATUSES",
    "INTERVENTION_KINDS",
    "REGIONS",
    "ROLES",
    "SEVERITIES",
    "SEXES",
    "SURGICAL_KINDS",
    "AdverseEvent",
    "ApiToken",
    "Assessment",
    "AuditEvent",
    "Base",
    "Consent",
    "ConsentKind",
    "Episode",
    "EpisodeStatus",
    "FollowUp",
    "InjectionTargetRow",
    "Intervention",
    "InterventionKind",
    "MedicationNote",
    "Patient",
    "PatientIdentity",
    "Procedure",
    "ProtocolCheckRow",
    "Reminder",
    "Screening",
    "SelfReportLink",
    "Sex",
    "User",
    "table_of",
]
