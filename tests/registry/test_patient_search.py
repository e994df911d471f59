"""Finding patients: search by key, name, MRN and birth date as the role allows, filters,
sorts, and keyset pages that return each patient exactly once; bad input names its field."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from tests.factories.procedures import BONE_MARROW_PROCEDURE
from tests.factories.registry import (
    SEARCHED_PEOPLE,
    Acting,
    insert_patients,
    many_people,
)

from regenspine.errors import InvalidInput
from regenspine.registry.database import Registry
from regenspine.registry.models import (
    Episode,
    FollowUp,
)
from regenspine.registry.services.audit import audit_trail
from regenspine.registry.services.patients import (
    PatientPage,
    find_patients,
    patient_query,
)
from regenspine.registry.services.procedures import record_procedure

TODAY = date(2026, 12, 6)


def _find(acting: Acting, role: str, **asked: Any) -> PatientPage:
    with acting(role) as (session, user):
        return find_patients(session, user, patient_query(asked), "test", today=TODAY)


def _keys(page: PatientPage) -> list[str]:
    return [item.registry_key for item in page.items]


@pytest.fixture
def people(staffed: Registry) -> dict[str, int]:
    return insert_patients(staffed, SEARCHED_PEOPLE)


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("RS-0000000", ["RS-00000001", "RS-00000002", "RS-0000000A"]),
        ("rs-0000000a", ["RS-0000000A"]),
        ("1000", ["RS-1000000B"]),  # the key without its RS- start
        ("grace", ["RS-00000001", "RS-1000000B"]),  # name contains, any case
        ("LOVELACE", ["RS-00000002"]),
        ("MRN-3", ["RS-0000000A"]),
        ("MRN-", []),  # an MRN matches exactly, never by its start
        ("X_%", ["RS-1000000B"]),  # wildcards are plain characters
        ("1957-06-02", ["RS-00000001", "RS-0000000A"]),
        ("1957-02-30", []),  # shaped like a date, but no day: no birth date matches
        ("nobody", []),
    ],
)
def test_the_care_team_finds_by_key_name_mrn_and_birth_date(
    acting: Acting, people: dict[str, int], q: str, found: list[str]
) -> None:
    page = _find(acting, "coordinator", q=q)
    assert _keys(page) == found
    assert page.identified


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("RS-00000001", ["RS-00000001"]),
        ("rs-1", ["RS-1000000B"]),
        ("grace", []),
        ("Ada Lovelace", []),
        ("MRN-1", []),
        ("1957-06-02", []),
    ],
)
def test_a_researcher_finds_by_registry_key_only(
    acting: Acting, people: dict[str, int], q: str, found: list[str]
) -> None:
    page = _find(acting, "researcher", q=q)
    assert _keys(page) == found
    assert not page.identified
    assert all(item.identity is None for item in page.items)


def test_a_deidentified_list_of_the_care_team_searches_keys_only(
    acting: Acting, people: dict[str, int]
) -> None:
    assert _keys(_find(acting, "clinician", q="grace", identified=False)) == []
    assert _keys(_find(acting, "clinician", q="grace")) == ["RS-00000001", "RS-1000000B"]


@pytest.mark.parametrize(
    ("filters", "found"),
    [
        ({"site": "north"}, ["RS-00000002", "RS-1000000B"]),
        ({"region": "lumbar"}, ["RS-00000001", "RS-1000000B"]),
        ({"status": "closed"}, ["RS-00000002", "RS-1000000B"]),
        ({"region": "lumbar", "status": "open"}, ["RS-00000001"]),
        ({"site": "north", "q": "grace"}, ["RS-1000000B"]),
        ({"site": "nowhere"}, []),
    ],
)
def test_filters_by_site_region_and_episode_status_combine(
    acting: Acting, people: dict[str, int], filters: dict[str, str], found: list[str]
) -> None:
    assert _keys(_find(acting, "clinician", **filters)) == found


def test_episode_counts_and_identities_are_shown(acting: Acting, people: dict[str, int]) -> None:
    page = _find(acting, "clinician")
    counts = {item.registry_key: item.episodes for item in page.items}
    assert counts == {"RS-00000001": 1, "RS-00000002": 1, "RS-0000000A": 0, "RS-1000000B": 1}
    grace = page.items[0].identity
    assert grace is not None
    assert (grace["name"], grace["birth_date"], grace["mrn"]) == (
        "Grace Example",
        "1957-06-02",
        "MRN-1",
    )


def test_due_and_overdue_follow_ups_of_open_episodes_only(
    acting: Acting, staffed: Registry, people: dict[str, int]
) -> None:
    with acting("clinician") as (session, user):
        procedure, _ = record_procedure(
            session, user, {"patient": "RS-00000001", **BONE_MARROW_PROCEDURE}, "test"
        )
        # The schedule's own visits are done; three visits with known windows stand instead.
        for visit in session.scalars(select(FollowUp)):
            visit.completed_on = date(2026, 3, 3)
        session.add(_visit(procedure.id, "x-6w", date(2026, 10, 1), date(2026, 10, 20), None))
        session.add(_visit(procedure.id, "x-3m", date(2026, 12, 1), date(2026, 12, 15), None))
        session.add(_visit(procedure.id, "x-1w", date(2026, 12, 5), date(2026, 12, 9), TODAY))
    assert _keys(_find(acting, "clinician", follow_up="due")) == ["RS-00000001"]
    assert _keys(_find(acting, "clinician", follow_up="overdue")) == ["RS-00000001"]
    with staffed.transaction() as session:
        for visit in session.scalars(select(FollowUp).where(FollowUp.timepoint == "x-6w")):
            visit.completed_on = date(2026, 10, 5)
    assert _keys(_find(acting, "clinician", follow_up="overdue")) == []
    assert _keys(_find(acting, "clinician", follow_up="due")) == ["RS-00000001"]
    with staffed.transaction() as session:
        for episode in session.scalars(select(Episode)):
            episode.status = "closed"
    assert _keys(_find(acting, "clinician", follow_up="due")) == []


def _visit(procedure_id: int, timepoint: str, opens: date, closes: date, done: date | None) -> Any:
    return FollowUp(
        procedure_id=procedure_id,
        timepoint=timepoint,
        due_on=opens,
        window_opens=opens,
        window_closes=closes,
        completed_on=done,
    )


@pytest.mark.parametrize("sort", ["registry_key", "name", "newest"])
def test_pages_of_50_return_each_of_120_patients_exactly_once_in_order(
    acting: Acting, staffed: Registry, sort: str
) -> None:
    ids = insert_patients(staffed, many_people(120))
    seen: list[str] = []
    sizes = []
    cursor = None
    while True:
        page = _find(acting, "clinician", sort=sort, cursor=cursor)
        seen += _keys(page)
        sizes.append(len(page.items))
        cursor = page.next_cursor
        if cursor is None:
            break
    assert sizes == [50, 50, 20]
    assert len(seen) == len(set(seen)) == 120
    by_name = {key: name.lower() for key, name, *_ in many_people(120)}
    expected = {
        "registry_key": sorted(ids),
        "newest": sorted(ids, key=lambda key: -ids[key]),
        # Seven names shared by all: within a name, patients follow in id order.
        "name": sorted(ids, key=lambda key: (by_name[key], ids[key])),
    }
    assert seen == expected[sort]


def test_a_page_of_identities_is_audited_with_its_own_patients_only(
    acting: Acting, people: dict[str, int]
) -> None:
    _find(acting, "coordinator", limit=2)
    _find(acting, "researcher")
    with acting("admin") as (session, admin):
        reads = [
            event
            for event in audit_trail(session, admin, entity="patient")
            if event.action == "read_identifying"
        ]
    assert [(read.username, read.details) for read in reads] == [
        ("cora", {"patients": ["RS-00000001", "RS-00000002"]})
    ]


@pytest.mark.parametrize(
    ("asked", "field", "allowed"),
    [
        ({"limit": 0}, "limit", "1"),
        ({"limit": 201}, "limit", "200"),
        ({"limit": "fifty"}, "limit", None),
        ({"cursor": "not-a-cursor"}, "cursor", "next_cursor"),
        ({"cursor": "WyJuZXdlc3QiLDEsMV0"}, "cursor", "same sort"),  # a cursor of another sort
        ({"cursor": "WyJyZWdpc3RyeV9rZXkiLDEsMV0"}, "cursor", "next_cursor"),  # key not a text
        ({"sort": "age"}, "sort", "newest"),
        ({"region": "knee"}, "region", "lumbar"),
        ({"status": "paused"}, "status", "open"),
        ({"follow_up": "soon"}, "follow_up", "overdue"),
        ({"q": "x" * 201}, "q", "200"),
        ({"q": "gr\x00ace"}, "q", "NUL"),
        ({"colour": "red"}, "colour", None),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    acting: Acting, people: dict[str, int], asked: dict[str, Any], field: str, allowed: str | None
) -> None:
    with pytest.raises(InvalidInput) as raised:
        _find(acting, "clinician", **asked)
    assert raised.value.field == field
    if allowed:
        assert allowed in raised.value.message


def test_a_researcher_may_not_sort_by_name_and_the_refusal_says_what_may(
    acting: Acting, people: dict[str, int]
) -> None:
    with pytest.raises(InvalidInput) as raised:
        _find(acting, "researcher", sort="name")
    assert raised.value.field == "sort"
    assert raised.value.allowed == ["registry_key", "newest"]
