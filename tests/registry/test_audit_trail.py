"""The audit trail, filtered and paged: by user, action, kind of record, record and dates."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.factories.registry import Acting

from regenspine.errors import InvalidInput
from regenspine.registry.services.audit import (
    audit_page,
    audit_query,
    compact_details,
    record_audit,
)


def _events(acting: Acting, count: int) -> None:
    """`count` events by the clinician (cleo) about patients P0, P1, ...; one sign-in by ada."""
    with acting("clinician") as (session, clinician):
        for number in range(count):
            record_audit(session, clinician, "update", "patient", f"P{number}", "corrected")
    with acting("admin") as (session, admin):
        record_audit(session, admin, "login", "user", admin.id, "signed in")


def _page(acting: Acting, **filters: object) -> tuple[list[str], int | None]:
    with acting("admin") as (session, admin):
        page = audit_page(session, admin, audit_query(filters))
        return [f"{e.action} {e.entity_id}" for e in page.events], page.older


def test_paging_by_cursor_visits_every_event_once_newest_first(acting: Acting) -> None:
    _events(acting, 120)
    seen: list[str] = []
    older: int | None = None
    pages = 0
    while True:
        shown, older = _page(acting, entity="patient", limit=50, before=older)
        seen += shown
        pages += 1
        if older is None:
            break
    assert pages == 3
    assert seen == [f"update P{n}" for n in reversed(range(120))]


def test_filters_by_user_action_record_and_dates(acting: Acting) -> None:
    _events(acting, 3)
    assert _page(acting, username="cleo")[0] == ["update P2", "update P1", "update P0"]
    assert _page(acting, action="login", username="ada")[0][0].startswith("login")
    assert _page(acting, entity_id="P1")[0] == ["update P1"]
    today = dt.datetime.now(dt.UTC).date()
    assert len(_page(acting, username="cleo", since=today, until=today)[0]) == 3
    tomorrow = today + dt.timedelta(days=1)
    assert _page(acting, username="cleo", since=tomorrow)[0] == []
    assert _page(acting, username="cleo", until=today - dt.timedelta(days=1))[0] == []


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"action": "delete-all"}, "action"),
        ({"since": "2026-02-30"}, "since"),
        ({"since": "2026-03-02", "until": "2026-03-01"}, "until"),
        ({"before": "0"}, "before"),
        ({"limit": 0}, "limit"),
        ({"limit": 1001}, "limit"),
        ({"username": "x" * 61}, "username"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_wrong_filter_is_refused_naming_it(filters: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        audit_query(filters)
    assert refused.value.field == field


def test_long_lists_in_details_are_counted_not_spelled_out() -> None:
    details = {"keys": [f"K{n}" for n in range(500)], "page": "patient list"}
    line = compact_details(details)
    assert line == '{"keys": "500 items", "page": "patient list"}'
    assert compact_details({"keys": ["A", "B"]}) == '{"keys": ["A", "B"]}'
    assert len(compact_details({"note": "x" * 1000})) == 160
