"""The audit trail page: filters, fifty to a page with a link to the older ones, plain errors."""

from __future__ import annotations

import re
from collections.abc import Callable

from tests.factories.pages import plain
from tests.factories.registry import Acting
from tests.factories.workspace import Clinic

from regenspine.registry.services.audit import record_audit


def _corrections(acting: Acting, count: int) -> None:
    with acting("clinician") as (session, clinician):
        for number in range(count):
            details = {"keys": [f"K{n}" for n in range(40)]} if number == 0 else {}
            record_audit(session, clinician, "update", "patient", f"P{number:03}", "fix", details)


def _rows(page: str) -> list[str]:
    body = page.split('<table class="records audit">', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<td>patient (P\d+)</td>", body)


def test_the_trail_pages_fifty_at_a_time_keeping_the_filters(
    signed_in: Callable[[str], Clinic], acting: Acting
) -> None:
    _corrections(acting, 60)
    admin = signed_in("admin")
    first = admin.get("/clinic/audit?user=cleo&action=update").text
    assert _rows(first) == [f"P{n:03}" for n in range(59, 9, -1)]
    older = re.search(r'href="([^"]+)" rel="next"', first)
    assert older is not None
    link = older.group(1).replace("&amp;", "&")
    assert "user=cleo" in link
    assert "action=update" in link
    assert "before=" in link
    second = admin.get(link).text
    assert _rows(second) == [f"P{n:03}" for n in range(9, -1, -1)]
    assert 'rel="next"' not in second
    assert "Newest entries" in second


def test_one_record_and_compact_details(signed_in: Callable[[str], Clinic], acting: Acting) -> None:
    _corrections(acting, 3)
    page = signed_in("admin").get("/clinic/audit?record=P000").text
    assert _rows(page) == ["P000"]
    assert "40 items" in plain(page)
    assert "K39" not in page


def test_a_wrong_date_is_shown_at_its_box_and_nothing_is_listed(
    signed_in: Callable[[str], Clinic],
) -> None:
    admin = signed_in("admin")
    response = admin.get("/clinic/audit?since=2026-13-01")
    assert response.status_code == 422
    assert 'id="f-since-error"' in response.text
    response = admin.get("/clinic/audit?since=2026-03-02&until=2026-03-01")
    assert response.status_code == 422
    assert 'id="f-until-error"' in response.text
