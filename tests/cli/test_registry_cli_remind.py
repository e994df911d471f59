"""`followups remind` and `followups link`: e-mail through a real local SMTP server, once."""

from __future__ import annotations

import json
from datetime import date, timedelta
from email import message_from_bytes
from pathlib import Path

import pytest
from tests.factories.cli import Clinic, error_line, open_clinic, run
from tests.factories.procedures import BONE_MARROW_PROCEDURE, changed

from regenspine.config import Settings
from regenspine.registry.database import Registry


@pytest.fixture
def clinic(registry: Registry, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Clinic:
    """A migrated registry with one user per role and one patient with an open episode."""
    return open_clinic(registry, monkeypatch, tmp_path)


@pytest.fixture
def treated_two_weeks_ago(clinic: Clinic) -> Clinic:
    """The clinic's patient had a procedure 14 days ago, so the 2-week visit is due today."""
    performed = (date.today() - timedelta(days=14)).isoformat()
    record = {"patient": clinic.patient, **changed(BONE_MARROW_PROCEDURE, performed_on=performed)}
    result = run("procedures", "add", "--json", clinic.write_json("p.json", record),
                 "--user", "clinician")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return clinic


def test_remind_sends_one_email_per_due_visit_and_never_twice(
    treated_two_weeks_ago: Clinic,
    smtp_server: tuple[Settings, list[bytes]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings, received = smtp_server
    monkeypatch.setenv("REGENSPINE_SMTP_HOST", settings.smtp_host)
    monkeypatch.setenv("REGENSPINE_SMTP_PORT", str(settings.smtp_port))
    monkeypatch.setenv("REGENSPINE_PUBLIC_BASE_URL", "https://clinic.test")
    first = run("followups", "remind", "--within", "0d", "--user", "coordinator", "--json")
    assert first.exit_code == 0, first.stderr
    [outcome] = json.loads(first.stdout)
    assert (outcome["timepoint"], outcome["sent"]) == ("2w", True)
    again = run("followups", "remind", "--within", "0d", "--user", "coordinator", "--json")
    assert json.loads(again.stdout) == []
    assert len(received) == 1
    message = message_from_bytes(received[0])
    assert "https://clinic.test/r/" in str(message.get_payload())


def test_researchers_cannot_send_reminders_or_make_links(treated_two_weeks_ago: Clinic) -> None:
    line = error_line(run("followups", "remind", "--user", "researcher"))
    assert "may not record assessments and follow-ups" in line
    line = error_line(run("followups", "link", "1", "--user", "researcher"))
    assert "may not record assessments and follow-ups" in line


def test_link_prints_a_one_time_address(treated_two_weeks_ago: Clinic) -> None:
    due = json.loads(
        run("followups", "due", "--within", "0d", "--user", "coordinator", "--json").stdout
    )
    [visit] = [item for item in due if item["timepoint"] == "2w"]
    made = run("followups", "link", str(visit["follow_up_id"]), "--user", "coordinator", "--json")
    assert made.exit_code == 0, made.stderr
    link = json.loads(made.stdout)
    assert link["url"].startswith("http://127.0.0.1:8000/r/")
    assert link["instruments"][0] == "odi"
