"""Registry commands as a user runs them: db, users, patients and the audit trail."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select
from tests.factories.cli import (
    PASSWORD,
    REGISTRY_KEY,
    Clinic,
    error_line,
    open_clinic,
    patient_record,
    point_cli_at,
    row_counts,
    run,
    run_json,
)
from typer.testing import Result

from regenspine.registry.database import Registry
from regenspine.registry.migrate import MIGRATIONS
from regenspine.registry.models import User

VERSIONS = MIGRATIONS / "versions"
NOT_READY = (
    "error: database: the registry database has no registry tables yet; "
    "run `regenspine db upgrade` first"
)


@pytest.fixture
def clinic(registry: Registry, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Clinic:
    """A migrated registry with one user per role and one patient with an open episode."""
    return open_clinic(registry, monkeypatch, tmp_path)


@pytest.fixture
def no_users(registry: Registry, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Registry:
    """A migrated registry without any user yet."""
    point_cli_at(registry.url, monkeypatch, tmp_path)
    return registry


def add_user(name: str, role: str, *extra: str, password: str = PASSWORD) -> Result:
    """Run `users add NAME --role ROLE --password-stdin EXTRA...` with the password on stdin."""
    args = ("users", "add", name, "--role", role, "--password-stdin", *extra)
    return run(*args, stdin=password + "\n")


def audit_actions(limit: int = 10) -> list[tuple[str, str, str]]:
    """The newest audit events as (user, action, reason), read by the admin."""
    events = run_json("audit", "--json", "--limit", str(limit), "--user", "admin")
    return [(event["user"], event["action"], event["reason"]) for event in events]


# db


def test_registry_commands_wait_for_db_upgrade_then_status_says_ready(
    database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    point_cli_at(database_url, monkeypatch, tmp_path)
    before = run_json("db", "status", "--json")
    assert (before["current"], before["ready"]) == (None, False)
    assert error_line(run("patients", "list", "--user", "admin")) == NOT_READY
    assert error_line(add_user("admin", "admin")) == NOT_READY

    upgraded = run_json("db", "upgrade", "--json")
    assert (upgraded["from"], upgraded["to"]) == (None, before["head"])
    status = run("db", "status")
    assert status.exit_code == 0
    assert status.stdout.strip().endswith(f"at {before['head']}, newest {before['head']}: ready")
    again = run_json("db", "upgrade", "--json")
    assert again["from"] == again["to"] == before["head"]


def test_db_revision_without_model_changes_writes_nothing(
    database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    point_cli_at(database_url, monkeypatch, tmp_path)
    before = sorted(path.name for path in VERSIONS.glob("*.py"))
    said = run("db", "revision", "-m", "Nothing new")
    assert (said.exit_code, said.stderr) == (0, "")
    assert said.stdout == (
        "No model changes: the migrations already build the models; nothing written.\n"
    )
    assert sorted(path.name for path in VERSIONS.glob("*.py")) == before
    assert run_json("db", "status", "--json")["ready"] is True
    as_json = run_json("db", "revision", "-m", "Nothing new", "--json")
    assert as_json == {"revision": None, "checks_to_write_by_hand": []}


def test_db_revision_needs_a_message() -> None:
    said = run("db", "revision")
    assert said.exit_code == 2
    assert "--message" in said.stderr


# users


def test_first_user_must_be_an_admin_who_then_adds_the_others(no_users: Registry) -> None:
    refused = error_line(add_user("cleo", "clinician"))
    assert refused == "error: role: the first user must be an admin (allowed: admin)"
    assert row_counts(no_users)["app_user"] == 0

    first = add_user("ada", "admin")
    assert (first.exit_code, first.stdout) == (0, "Added user ada with role admin.\n")
    without_admin = error_line(add_user("cleo", "clinician"))
    assert (
        without_admin == "error: --user: only an admin may add users (allowed: an admin username)"
    )
    added = json.loads(add_user("cleo", "clinician", "--user", "ada", "--json").stdout)
    assert (added["username"], added["role"]) == ("cleo", "clinician")

    listed = run_json("users", "list", "--json", "--user", "ada")
    assert [(row["username"], row["role"], row["active"]) for row in listed] == [
        ("ada", "admin", True),
        ("cleo", "clinician", True),
    ]
    with no_users.sessions() as session:
        stored = session.scalar(select(User.password_hash).where(User.username == "cleo"))
    assert stored is not None
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert PasswordHasher().verify(stored, PASSWORD)


def test_coordinator_cannot_add_users(clinic: Clinic) -> None:
    before = clinic.counts()
    line = error_line(add_user("newbie", "researcher", "--user", "coordinator"))
    assert line == (
        "error: user coordinator (role coordinator) may not manage users; roles that may: admin"
    )
    assert clinic.counts() == before


@pytest.mark.parametrize(
    ("name", "role", "password", "expected"),
    [
        ("newbie", "clinician", "short", "password: too short (allowed: at least 12 characters)"),
        (
            "newbie",
            "clinician",
            "eleven char",
            "password: too short (allowed: at least 12 characters)",
        ),
        (
            "Newbie",
            "clinician",
            PASSWORD,
            "username: 'Newbie' is not allowed (allowed: 2-60 of a-z 0-9 . _ -, starting a-z)",
        ),
        (
            "newbie",
            "superuser",
            PASSWORD,
            "role: 'superuser' is not a role (allowed: admin, clinician, coordinator, researcher)",
        ),
        ("clinician", "clinician", PASSWORD, "username: clinician already exists"),
    ],
)
def test_bad_new_users_are_refused_naming_the_field(
    clinic: Clinic, name: str, role: str, password: str, expected: str
) -> None:
    before = clinic.counts()
    line = error_line(add_user(name, role, "--user", "admin", password=password))
    assert line == f"error: {expected}"
    assert clinic.counts() == before


def test_a_twelve_character_password_is_long_enough(clinic: Clinic) -> None:
    result = add_user("newbie", "researcher", "--user", "admin", password="twelve chars")
    assert result.exit_code == 0, result.stderr


def test_only_admins_list_users(clinic: Clinic) -> None:
    line = error_line(run("users", "list", "--user", "clinician"))
    assert line.endswith("may not manage users; roles that may: admin")
    table = run("users", "list", "--user", "admin")
    assert table.exit_code == 0
    for role in ("admin", "clinician", "coordinator", "researcher"):
        assert re.search(rf"│ {role} +│ {role} +│ {role} +│ yes", table.stdout)


def test_registry_commands_need_a_known_user(
    clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert error_line(run("patients", "list")) == (
        "error: --user: say who you are (allowed: a registry username, or REGENSPINE_USER)"
    )
    assert error_line(run("patients", "list", "--user", "nobody")) == (
        "error: user: no user named 'nobody' (add one with `regenspine users add`)"
    )
    monkeypatch.setenv("REGENSPINE_USER", "researcher")
    assert [view["registry_key"] for view in run_json("patients", "list", "--json")["items"]] == [
        clinic.patient
    ]


# patients


def test_patients_add_prints_a_random_key_not_derived_from_the_name(clinic: Clinic) -> None:
    same_name = [patient_record(mrn="MRN-201"), patient_record(mrn="MRN-202")]
    path = clinic.write_json("a.json", same_name[0])
    text = run("patients", "add", "--json", path, "--user", "clinician")
    first = re.fullmatch(rf"Registered patient ({REGISTRY_KEY})\.\n", text.stdout)
    assert first is not None, text.stdout
    args = ("patients", "add", "--json", clinic.write_json("b.json", same_name[1]), "--as-json")
    second = run_json(*args, "--user", "clinician")["registry_key"]
    assert re.fullmatch(REGISTRY_KEY, second)
    assert len({first.group(1), second, clinic.patient}) == 3

    listed = run_json("patients", "list", "--json", "--user", "clinician")["items"]
    names = {view["registry_key"]: view["identity"]["name"] for view in listed}
    assert names == dict.fromkeys((first.group(1), second, clinic.patient), "Grace Example")
    assert [view["registry_key"] for view in listed] == sorted(names)


@pytest.mark.parametrize(
    ("document", "start"),
    [
        pytest.param('{"name": "Grace Example",', "error: --json: ", id="broken-json"),
        pytest.param(
            json.dumps(patient_record(shoe_size=44)),
            "error: patient.shoe_size: unknown key",
            id="unknown-key",
        ),
        pytest.param(
            json.dumps(patient_record(birth_date="1957-02-30")),
            "error: patient.birth_date: ",
            id="no-such-day",
        ),
        pytest.param(
            json.dumps(patient_record(birth_date="2990-01-01")),
            "error: patient.birth_date: value error, must not be in the future",
            id="born-in-the-future",
        ),
        pytest.param(json.dumps(patient_record(zip="2139")), "error: patient.zip: ", id="zip"),
        pytest.param(json.dumps(patient_record(sex="f")), "error: patient.sex: ", id="sex"),
        pytest.param(
            json.dumps({"birth_date": "1957-06-02", "sex": "female"}),
            "error: patient.name: ",
            id="no-name",
        ),
        pytest.param("[]", "error: patient: ", id="not-an-object"),
    ],
)
def test_bad_patient_input_exits_2_and_stores_nothing(
    clinic: Clinic, document: str, start: str
) -> None:
    before = clinic.counts()
    args = ("patients", "add", "--json", "-", "--user", "clinician")
    line = error_line(run(*args, stdin=document))
    assert line.startswith(start)
    assert clinic.counts() == before


def test_patient_error_lines_name_the_allowed_values(clinic: Clinic, tmp_path: Path) -> None:
    extra_key = json.dumps(patient_record(shoe_size=44))
    unknown = error_line(
        run("patients", "add", "--json", "-", "--user", "clinician", stdin=extra_key)
    )
    assert unknown.endswith(
        "(allowed: name, birth_date, sex, zip, email, phone, mrn, site, synthetic)"
    )
    broken = error_line(
        run("patients", "add", "--json", "-", "--user", "clinician", stdin='{"name": "G",')
    )
    assert "is not valid JSON" in broken
    assert "line 1 column" in broken
    missing = tmp_path / "nope.json"
    assert error_line(run("patients", "add", "--json", str(missing), "--user", "clinician")) == (
        f"error: --json: no such file: {missing}"
    )


@pytest.mark.parametrize("mrn", ["MRN-100", "  MRN-100 "])
def test_a_duplicate_mrn_is_a_conflict(clinic: Clinic, mrn: str) -> None:
    before = clinic.counts()
    path = clinic.write_json("again.json", patient_record(name="Someone Else", mrn=mrn))
    line = error_line(run("patients", "add", "--json", path, "--user", "coordinator"))
    assert line == "error: patient.mrn: a patient with this MRN is already registered"
    assert clinic.counts() == before


def test_researchers_see_no_identifiers_and_leave_no_read_audit(clinic: Clinic) -> None:
    before = clinic.counts()
    listed = run_json("patients", "list", "--json", "--user", "researcher")
    assert listed["next_cursor"] is None
    assert listed["items"] == [
        {
            "registry_key": clinic.patient,
            "site": "main",
            "synthetic": False,
            "episodes": 1,
            "identity": None,
        }
    ]
    table = run("patients", "list", "--user", "researcher").stdout
    assert clinic.patient in table
    assert "Grace" not in table
    assert "MRN" not in table
    assert clinic.counts() == before


def test_identified_listings_are_audited_with_the_reason(clinic: Clinic) -> None:
    args = ("patients", "list", "--json", "--user", "clinician", "--reason", "phone follow-up")
    identity = run_json(*args)["items"][0]["identity"]
    assert (identity["name"], identity["mrn"], identity["birth_date"]) == (
        "Grace Example",
        "MRN-100",
        "1957-06-02",
    )
    assert "Grace Example" in run("patients", "list", "--user", "coordinator").stdout
    assert audit_actions(limit=2) == [
        ("coordinator", "read_identifying", "list patients"),
        ("clinician", "read_identifying", "phone follow-up"),
    ]

    before = clinic.counts()
    args = ("patients", "list", "--json", "--deidentified", "--user", "clinician")
    assert run_json(*args)["items"][0]["identity"] is None
    assert clinic.counts() == before


@pytest.mark.parametrize("role", ["researcher", "clinician", "coordinator"])
def test_only_admins_read_the_audit_trail(clinic: Clinic, role: str) -> None:
    line = error_line(run("audit", "--user", role))
    assert line == (
        f"error: user {role} (role {role}) may not view the audit trail; roles that may: admin"
    )


def test_audit_lists_newest_first_and_filters_by_record(clinic: Clinic) -> None:
    run("episodes", "add", clinic.patient, "--region", "cervical", "--user", "coordinator")
    events = run_json("audit", "--json", "--limit", "3", "--user", "admin")
    assert [(e["action"], e["entity"]) for e in events] == [
        ("create", "episode"),
        ("create", "episode"),
        ("create", "patient"),
    ]
    assert events[0]["user"] == "coordinator"
    assert [e["id"] for e in events] == sorted((e["id"] for e in events), reverse=True)
    only_patients = run_json("audit", "--json", "--entity", "patient", "--user", "admin")
    assert [(e["entity"], e["entity_id"]) for e in only_patients] == [("patient", clinic.patient)]
