"""The patient list in the workspace and the API: search as the role allows, filters, pages of
50 followed by their links or cursors, and bad input named at its field (422, never a 500)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.factories.pages import plain
from tests.factories.registry import (
    ROLE_USERS,
    SEARCHED_PEOPLE,
    Acting,
    insert_patients,
    many_people,
)
from tests.factories.workspace import Clinic

from regenspine.registry.database import Registry
from regenspine.registry.services.tokens import issue_api_token

KEY = re.compile(r'<a href="/clinic/patients/(RS-[0-9A-Z]{8})">')
NEXT = re.compile(r'<a href="([^"]+)" id="next-page"')


def _keys(page: str) -> list[str]:
    return KEY.findall(page)


def _count(page: str) -> str:
    return plain(page.split('id="result-count" role="status">', 1)[1].split("</p>", 1)[0])


@pytest.fixture
def api(clinic_app: FastAPI, acting: Acting) -> Callable[[str], TestClient]:
    """`api("researcher")`: a client that sends that role's API token."""

    def _client(role: str) -> TestClient:
        with acting(role) as (session, user):
            token = issue_api_token(session, user, ROLE_USERS[role], "tests")
        client = TestClient(clinic_app, raise_server_exceptions=False)
        client.headers["authorization"] = f"Bearer {token}"
        return client

    return _client


def test_the_care_team_searches_by_name_and_a_researcher_finds_nothing_by_it(
    signed_in: Callable[[str], Clinic], staffed: Registry
) -> None:
    insert_patients(staffed, SEARCHED_PEOPLE)
    coordinator = signed_in("coordinator").get("/clinic/patients", params={"q": "grace"}).text
    assert _keys(coordinator) == ["RS-00000001", "RS-1000000B"]
    assert _count(coordinator) == "Showing 2 patients."
    assert "Zora Grace-Hill" in coordinator
    researcher = signed_in("researcher")
    by_name = researcher.get("/clinic/patients", params={"q": "grace"}).text
    assert _keys(by_name) == []
    assert _count(by_name) == "No patient matches this search."
    assert "Grace" not in by_name.replace('value="grace"', "")
    by_key = researcher.get("/clinic/patients", params={"q": "rs-0000000a"}).text
    assert _keys(by_key) == ["RS-0000000A"]
    assert "Alan Turing" not in by_key
    assert '<option value="name"' not in by_key  # no sort by name for a list without names


def test_filters_and_sort_come_from_the_form(
    signed_in: Callable[[str], Clinic], staffed: Registry
) -> None:
    insert_patients(staffed, SEARCHED_PEOPLE)
    clinic = signed_in("clinician")
    north = clinic.get("/clinic/patients", params={"site": "north", "status": "closed"}).text
    assert _keys(north) == ["RS-00000002", "RS-1000000B"]
    by_name = clinic.get("/clinic/patients", params={"sort": "name", "q": ""}).text
    assert _keys(by_name) == ["RS-00000002", "RS-0000000A", "RS-00000001", "RS-1000000B"]
    assert "Patients, by name" in by_name
    assert '<option value="north" selected>' in north


def test_pages_of_50_follow_the_next_page_link_to_the_end(
    signed_in: Callable[[str], Clinic], staffed: Registry
) -> None:
    insert_patients(staffed, many_people(120))
    clinic = signed_in("coordinator")
    seen: list[str] = []
    address: str | None = "/clinic/patients?sort=newest"
    counts = []
    while address:
        page = clinic.get(address).text
        seen += _keys(page)
        counts.append(_count(page))
        link = NEXT.search(page)
        address = html.unescape(link.group(1)) if link else None
        if address:
            assert "sort=newest" in address
            assert 'id="first-page"' in page or len(counts) == 1
    assert counts == [
        "Showing 50 patients; more on the next page.",
        "Showing 50 patients; more on the next page.",
        "Showing 20 patients.",
    ]
    assert len(seen) == len(set(seen)) == 120
    assert 'href="/clinic/patients?sort=newest" id="first-page"' in page


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"cursor": "bogus!"}, "cursor", "is not a cursor this list handed out"),
        ({"limit": "0"}, "limit", "1"),
        ({"limit": "many"}, "limit", "whole number"),
        ({"region": "knee"}, "region", "lumbar"),
    ],
)
def test_a_bad_search_field_is_named_on_the_page(
    signed_in: Callable[[str], Clinic],
    staffed: Registry,
    params: dict[str, str],
    field: str,
    words: str,
) -> None:
    insert_patients(staffed, SEARCHED_PEOPLE)
    response = signed_in("clinician").get("/clinic/patients", params=params)
    assert response.status_code == 422
    summary = plain(response.text.split('class="error-summary"', 1)[1].split("</ul>", 1)[0])
    assert words in summary
    assert _keys(response.text) == []


def test_the_api_pages_with_limit_and_cursor_and_searches_with_q(
    api: Callable[[str], TestClient], staffed: Registry
) -> None:
    ids = insert_patients(staffed, many_people(120))
    clinician = api("clinician")
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": "50", **({"cursor": cursor} if cursor else {})}
        found = clinician.get("/api/v1/patients", params=params)
        assert found.status_code == 200
        body = found.json()
        assert set(body) == {"items", "next_cursor"}
        seen += [item["registry_key"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(ids)
    [one] = clinician.get("/api/v1/patients", params={"q": "M7"}).json()["items"]
    assert one["identity"]["mrn"] == "M7"
    assert api("researcher").get("/api/v1/patients", params={"q": "M7"}).json()["items"] == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"cursor": "bogus"}, "cursor"),
        ({"limit": "0"}, "limit"),
        ({"limit": "201"}, "limit"),
        ({"sort": "age"}, "sort"),
    ],
)
def test_the_api_refuses_a_bad_cursor_or_limit_naming_the_field(
    api: Callable[[str], TestClient], staffed: Registry, params: dict[str, str], field: str
) -> None:
    refused = api("clinician").get("/api/v1/patients", params=params)
    assert refused.status_code == 422
    assert refused.json()["field"] == field


def test_a_researcher_may_not_sort_the_api_list_by_name(api: Callable[[str], TestClient]) -> None:
    refused = api("researcher").get("/api/v1/patients", params={"sort": "name"})
    assert refused.status_code == 422
    assert refused.json()["field"] == "sort"
    assert refused.json()["allowed"] == ["registry_key", "newest"]
