"""`regenspine patients list` with --search, filters, --sort and pages (--limit, --cursor)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.factories.cli import Clinic, error_line, open_clinic, run, run_json
from tests.factories.registry import SEARCHED_PEOPLE, insert_patients, many_people

from regenspine.registry.database import Registry


@pytest.fixture
def clinic(registry: Registry, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Clinic:
    """A migrated registry with one user per role, one patient, and four more to search."""
    opened = open_clinic(registry, monkeypatch, tmp_path)
    insert_patients(registry, SEARCHED_PEOPLE)
    return opened


def _keys(*args: str) -> list[str]:
    found = run_json("patients", "list", "--json", *args)
    return [item["registry_key"] for item in found["items"]]


def test_search_by_name_mrn_and_birth_date_for_the_care_team_and_by_key_for_researchers(
    clinic: Clinic,
) -> None:
    assert _keys("--search", "grace", "--user", "clinician") == sorted(
        [clinic.patient, "RS-00000001", "RS-1000000B"]
    )
    assert _keys("--search", "MRN-2", "--user", "coordinator") == ["RS-00000002"]
    assert _keys("--search", "1970-03-03", "--user", "clinician") == ["RS-1000000B"]
    assert _keys("--search", "grace", "--user", "researcher") == []
    assert _keys("--search", "rs-1000000", "--user", "researcher") == [
        "RS-1000000B"
    ]  # no random key starts so
    table = run("patients", "list", "--search", "lovelace", "--user", "clinician").stdout
    assert "Ada Lovelace" in table
    assert "Showing 1 patient." in table


def test_filters_and_sorts(clinic: Clinic) -> None:
    args = ("--site", "north", "--status", "closed", "--user", "clinician")
    assert _keys(*args) == ["RS-00000002", "RS-1000000B"]
    assert _keys("--region", "cervical", "--user", "researcher") == ["RS-00000002"]
    newest = _keys("--sort", "newest", "--limit", "2", "--user", "researcher")
    assert newest == ["RS-1000000B", "RS-0000000A"]


def test_pages_follow_the_printed_cursor(
    registry: Registry, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    open_clinic(registry, monkeypatch, tmp_path)
    insert_patients(registry, many_people(119))  # with the clinic's own patient: 120
    seen: list[str] = []
    cursor: list[str] = []
    while True:
        page = run_json("patients", "list", "--json", "--user", "researcher", *cursor)
        seen += [item["registry_key"] for item in page["items"]]
        if page["next_cursor"] is None:
            break
        cursor = ["--cursor", page["next_cursor"]]
    assert len(seen) == len(set(seen)) == 120
    assert seen == sorted(seen)
    text = run("patients", "list", "--limit", "50", "--user", "researcher").stdout
    assert "Showing 50 patients." in text
    assert "Next page: --cursor " in text


@pytest.mark.parametrize(
    ("args", "start"),
    [
        (("--limit", "0"), "error: limit: "),
        (("--limit", "lots"), "error: limit: "),
        (("--cursor", "nonsense"), "error: cursor: is not a cursor this list handed out"),
        (("--sort", "name"), "error: sort: sorting by name needs a list that shows names"),
        (("--region", "knee"), "error: region: "),
    ],
)
def test_bad_options_are_one_line_naming_the_field(
    clinic: Clinic, args: tuple[str, ...], start: str
) -> None:
    line = error_line(run("patients", "list", *args, "--user", "researcher"))
    assert line.startswith(start), line
