"""Users: the first admin, argon2 hashes, sign-in, and what each role may do."""

from __future__ import annotations

import pytest
from tests.factories.registry import PASSWORD, Acting

from regenspine.errors import Conflict, Forbidden, InvalidInput
from regenspine.registry.access import Permission, allows
from regenspine.registry.database import Registry
from regenspine.registry.services.audit import audit_trail
from regenspine.registry.services.users import add_user, authenticate, find_user, list_users


def test_the_first_user_must_be_an_admin(registry: Registry) -> None:
    with pytest.raises(InvalidInput, match="role: the first user must be an admin"):
        with registry.transaction() as session:
            add_user(session, None, username="cleo", role="clinician", password=PASSWORD)
    with registry.transaction() as session:
        admin = add_user(session, None, username="ada", role="admin", password=PASSWORD)
        assert admin.role == "admin"
    with pytest.raises(Forbidden, match="only an admin"), registry.transaction() as session:
        add_user(session, None, username="eve", role="admin", password=PASSWORD)


def test_passwords_are_stored_as_argon2id_hashes_and_checked(staffed: Registry) -> None:
    with staffed.transaction() as session:
        user = find_user(session, "cleo")
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash
        assert authenticate(session, "cleo", PASSWORD) is user
        assert authenticate(session, "cleo", PASSWORD + "x") is None
        assert authenticate(session, "nobody", PASSWORD) is None


@pytest.mark.parametrize(
    ("username", "role", "password", "field"),
    [
        ("Bad Name", "clinician", PASSWORD, "username"),
        ("bob", "surgeon", PASSWORD, "role"),
        ("bob", "clinician", "short", "password"),
    ],
)
def test_bad_new_users_name_the_field(
    acting: Acting, username: str, role: str, password: str, field: str
) -> None:
    with pytest.raises(InvalidInput) as raised, acting("admin") as (session, admin):
        add_user(session, admin, username=username, role=role, password=password)
    assert raised.value.field == field


def test_duplicate_usernames_conflict(acting: Acting) -> None:
    with pytest.raises(Conflict, match="cleo already exists"), acting("admin") as (session, admin):
        add_user(session, admin, username="cleo", role="clinician", password=PASSWORD)


@pytest.mark.parametrize("role", ["clinician", "coordinator", "researcher"])
def test_only_admins_manage_users_and_read_the_audit_trail(acting: Acting, role: str) -> None:
    with acting(role) as (session, user):
        with pytest.raises(Forbidden, match="roles that may: admin"):
            list_users(session, user)
        with pytest.raises(Forbidden):
            audit_trail(session, user)


def test_role_permissions(acting: Acting) -> None:
    with acting("researcher") as (session, researcher):
        assert allows(researcher, Permission.read_deidentified)
        assert not allows(researcher, Permission.read_identifying)
        coordinator = find_user(session, "cora")
        clinician = find_user(session, "cleo")
        assert allows(coordinator, Permission.record_assessments)
        assert not allows(coordinator, Permission.record_procedures)
        assert allows(clinician, Permission.record_procedures)
        clinician.active = False
        assert not allows(clinician, Permission.read_deidentified)


def test_sign_in_is_audited(acting: Acting) -> None:
    with acting("admin") as (session, admin):
        authenticate(session, "cleo", PASSWORD)
        session.flush()
        newest = audit_trail(session, admin, limit=1)[0]
    assert (newest.action, newest.username, newest.entity) == ("login", "cleo", "user")
