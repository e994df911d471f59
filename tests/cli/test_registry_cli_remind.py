"""`followups remind` and `followups link`: e-mail through a real local SMTP server, once."""

from __future__ import annotations

import json
from datetime import date, timedelta
from email import message_from_bytes
from pathlib import Path

import pytest
from tests.factories.cli import Clinic, error_line, open_clinic, run
from tests.factories.procedures import BONE_MARROW_PROCEDURE, changed
from tests.factories.registry import row_counts

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
    address = ["--base-url", "https://clinic.example"]
    line = error_line(run("followups", "remind", "--user", "researcher", *address))
    assert "may not record assessments and follow-ups" in line
    line = error_line(run("followups", "link", "1", "--user", "researcher", *address))
    assert "may not record assessments and follow-ups" in line


def _two_week_visit() -> int:
    due = json.loads(
        run("followups", "due", "--within", "0d", "--user", "coordinator", "--json").stdout
    )
    [visit] = [item for item in due if item["timepoint"] == "2w"]
    return int(visit["follow_up_id"])


def test_link_prints_a_one_time_address_on_the_base_url_given(
    treated_two_weeks_ago: Clinic,
) -> None:
    visit = str(_two_week_visit())
    made = run("followups", "link", visit, "--user", "coordinator", "--json",
               "--base-url", "https://clinic.example:8443/regenspine/")  # fmt: skip
    assert made.exit_code == 0, made.stderr
    link = json.loads(made.stdout)
    assert link["url"] == f"https://clinic.example:8443/regenspine{link['path']}"
    assert link["path"].startswith("/r/")
    assert link["instruments"][0] == "odi"


def test_link_takes_the_setting_and_the_option_wins_over_it(
    treated_two_weeks_ago: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    visit = str(_two_week_visit())
    monkeypatch.setenv("REGENSPINE_PUBLIC_BASE_URL", "https://registry.clinic.example")
    made = json.loads(run("followups", "link", visit, "--user", "coordinator", "--json").stdout)
    assert made["url"].startswith("https://registry.clinic.example/r/")
    chosen = run("followups", "link", visit, "--user", "coordinator", "--json",
                 "--base-url", "http://10.0.0.5:8080")  # fmt: skip
    assert json.loads(chosen.stdout)["url"].startswith("http://10.0.0.5:8080/r/")


def test_link_without_an_address_says_how_to_give_one_and_makes_nothing(
    treated_two_weeks_ago: Clinic,
) -> None:
    visit = str(_two_week_visit())
    before = row_counts(treated_two_weeks_ago.registry)
    line = error_line(run("followups", "link", visit, "--user", "coordinator"))
    assert "--base-url" in line
    assert "REGENSPINE_PUBLIC_BASE_URL" in line
    assert "no web request" in line
    line = error_line(run("followups", "remind", "--user", "coordinator"))
    assert "--base-url" in line
    assert row_counts(treated_two_weeks_ago.registry) == before


@pytest.mark.parametrize(
    "address",
    [
        "ftp://clinic.example",
        "https://clinic.example/?a=1",
        "clinic.example",
        "https://clinic.example/#top",
    ],
)
def test_a_base_url_that_is_no_web_address_is_refused_naming_the_option(
    treated_two_weeks_ago: Clinic, address: str
) -> None:
    visit = str(_two_week_visit())
    before = row_counts(treated_two_weeks_ago.registry)
    line = error_line(
        run("followups", "link", visit, "--user", "coordinator", "--base-url", address)
    )
    assert line.startswith("error: --base-url")
    assert "http:// or https://" in line
    assert row_counts(treated_two_weeks_ago.registry) == before


def test_a_bad_public_base_url_setting_is_refused_naming_the_variable(
    treated_two_weeks_ago: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REGENSPINE_PUBLIC_BASE_URL", "https://clinic.example/?from=mail")
    line = error_line(run("followups", "link", "1", "--user", "coordinator"))
    assert "REGENSPINE_PUBLIC_BASE_URL" in line
    assert "no ?query or #fragment" in line
