"""Roles and what each may do; researchers see de-identified data only."""

from __future__ import annotations

from enum import StrEnum

from regenspine.errors import Forbidden
from regenspine.registry.models import User


class Permission(StrEnum):
    """One thing a user may do in the registry."""

    manage_users = "manage users"
    view_audit = "view the audit trail"
    read_identifying = "see identifying patient details"
    read_deidentified = "see de-identified registry data"
    register_patients = "add patients and episodes"
    record_consent = "record consent"
    record_screening = "record screenings"
    record_procedures = "record procedures"
    record_assessments = "record assessments and follow-ups"
    record_safety = "record adverse events and interventions"
    export_identified = "export identified data"


_CARE_TEAM = {
    Permission.read_identifying,
    Permission.read_deidentified,
    Permission.register_patients,
    Permission.record_consent,
    Permission.record_screening,
    Permission.record_assessments,
    Permission.record_safety,
}

# Coordinators run follow-ups and paperwork; only clinicians and admins record procedures.
ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    "admin": frozenset(Permission),
    "clinician": frozenset(_CARE_TEAM | {Permission.record_procedures}),
    "coordinator": frozenset(_CARE_TEAM),
    "researcher": frozenset({Permission.read_deidentified}),
}


def allows(user: User, permission: Permission) -> bool:
    """Whether the user's role grants the permission (inactive users get nothing)."""
    return user.active and permission in ROLE_PERMISSIONS.get(user.role, frozenset())


def require(user: User, permission: Permission) -> None:
    """Stop with Forbidden unless the user's role grants the permission."""
    if not allows(user, permission):
        raise Forbidden(
            f"user {user.username} (role {user.role}) may not {permission.value}; "
            f"roles that may: {', '.join(roles_allowed(permission))}"
        )


def roles_allowed(permission: Permission) -> list[str]:
    """The roles that grant a permission, for error messages."""
    return [role for role, granted in ROLE_PERMISSIONS.items() if permission in granted]
