"""The patient's self-report pages at /r/{token}: the link's questionnaires as one short form,
stored all at once; used, expired and unknown links get a polite 410 and store nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.factories.pages import plain
from tests.factories.registry import Acting, row_counts

from regenspine.knowledge import load_knowledge
from regenspine.registry.database import Registry
from regenspine.registry.models import Assessment, FollowUp
from regenspine.registry.services.selfreport import create_self_report_link

# Answers for the lumbar set at a visit after treatment (ODI, ZCQ with satisfaction, NRS back and
# leg, walking minutes, PGIC), as the form sends them.
ANSWERS: dict[str, str] = {
    **{f"odi.{number}": "2" for number in range(1, 11)},
    **{f"zcq.{number}": "2" for number in range(1, 19)},
    "zcq.7": "3",
    "nrs_back.1": "4",
    "nrs_leg.1": "5",
    "walking_minutes.1": "20",
    "pgic.1": "2",
}


def _link(acting: Acting, follow_up: int, now: dt.datetime | None = None) -> str:
    with acting("coordinator") as (session, user):
        invite = create_self_report_link(
            session, user, follow_up, now or dt.datetime.now(dt.UTC), 72
        )
        return invite.path


def _field_error(page: str, field_id: str) -> str:
    return plain(page.split(f'id="{field_id}-error">', 1)[1].split("</p>", 1)[0])


def _client(app: FastAPI) -> TestClient:
    return TestClient(app, raise_server_exceptions=False)


def test_the_link_opens_every_questionnaire_with_the_items_own_answers(
    clinic_app: FastAPI, acting: Acting, visit_due_today: int
) -> None:
    response = _client(clinic_app).get(_link(acting, visit_due_today))
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    page = response.text
    assert "Your questionnaires: 2 weeks" in page
    for title in ("Oswestry Disability Index", "Zurich Claudication", "Walking tolerance"):
        assert title in page
    assert page.count('class="field question') == 10 + 18 + 1 + 1 + 1 + 1
    assert '<label for="f-nrs_back-1-10">10: worst pain imaginable</label>' in page
    assert '<label for="f-pgic-1-2">2: much improved</label>' in page
    assert 'type="radio" name="zcq.7" value="3"' in page
    assert 'name="zcq.7" value="2"' not in page  # the balance item takes 1, 3 or 5 only
    assert load_knowledge().text("disclaimer") in page


def test_the_pages_show_nothing_that_identifies_the_patient(
    clinic_app: FastAPI, acting: Acting, visit_due_today: int, patient_key: str
) -> None:
    client = _client(clinic_app)
    path = _link(acting, visit_due_today)
    pages = [client.get(path).text, client.post(path, data=ANSWERS).text, client.get(path).text]
    for page in pages:
        for private in (patient_key, "Grace Example", "MRN-100", "grace@example.org", "1957"):
            assert private not in page
        assert "/clinic" not in page  # no way into the workspace from here


def test_sending_stores_every_questionnaire_and_uses_the_link_up(
    clinic_app: FastAPI, acting: Acting, staffed: Registry, visit_due_today: int
) -> None:
    client = _client(clinic_app)
    path = _link(acting, visit_due_today)
    response = client.post(path, data=ANSWERS)
    assert response.status_code == 200
    assert "Your answers to 6 questionnaires for the 2 weeks visit" in plain(response.text)
    with staffed.sessions() as session:
        stored = {row.instrument: row for row in session.scalars(select(Assessment))}
        visit = session.get(FollowUp, visit_due_today)
        assert visit is not None
        assert visit.completed_on is not None
    assert set(stored) == {"odi", "zcq", "nrs_back", "nrs_leg", "walking_minutes", "pgic"}
    assert stored["odi"].score == 40.0
    assert stored["walking_minutes"].answers == [20]
    again = client.post(path, data=ANSWERS)
    assert again.status_code == 410
    assert "already sent" in again.text
    assert client.get(path).status_code == 410
    with staffed.sessions() as session:
        assert len(session.scalars(select(Assessment)).all()) == 6


def test_a_bad_answer_is_named_at_its_question_and_nothing_is_stored(
    clinic_app: FastAPI, acting: Acting, staffed: Registry, visit_due_today: int
) -> None:
    client = _client(clinic_app)
    path = _link(acting, visit_due_today)
    before = row_counts(staffed)
    response = client.post(path, data={**ANSWERS, "nrs_leg.1": "11", "walking_minutes.1": "lots"})
    assert response.status_code == 422
    assert "unknown value '11'" in _field_error(response.text, "f-nrs_leg-1")
    assert "not a whole number" in _field_error(response.text, "f-walking_minutes-1")
    assert 'value="4" id="f-nrs_back-1-4" checked' in response.text  # answers are kept
    assert row_counts(staffed) == before
    assert client.post(path, data=ANSWERS).status_code == 200  # the link still works


def test_an_expired_link_is_polite_and_stores_nothing(
    clinic_app: FastAPI, acting: Acting, staffed: Registry, visit_due_today: int
) -> None:
    four_days_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=4)
    path = _link(acting, visit_due_today, four_days_ago)
    client = _client(clinic_app)
    before = row_counts(staffed)
    for response in (client.get(path), client.post(path, data=ANSWERS)):
        assert response.status_code == 410
        assert "This link has expired" in response.text
        assert "ask your clinic for a new one" in response.text
        assert "<form" not in response.text
    assert row_counts(staffed) == before


def test_an_unknown_link_is_polite_whatever_it_looks_like(
    clinic_app: FastAPI, staffed: Registry
) -> None:
    client = _client(clinic_app)
    for token in ("not-a-real-token", "x" * 5000, "%00", "😀", "a.b"):
        response = client.get(f"/r/{token}")
        assert response.status_code == 410, token
        assert "This link does not work" in response.text
    assert client.post("/r/nothing-here", data=ANSWERS).status_code == 410


def test_an_answer_for_a_question_not_asked_is_ignored_by_name(
    clinic_app: FastAPI, acting: Acting, staffed: Registry, visit_due_today: int
) -> None:
    path = _link(acting, visit_due_today)
    response = _client(clinic_app).post(path, data={**ANSWERS, "ndi.1": "3", "odi.99": "1"})
    assert response.status_code == 200
    with staffed.sessions() as session:
        instruments = session.scalars(select(Assessment.instrument)).all()
    assert "ndi" not in instruments


def test_junk_in_any_answer_is_never_a_server_error(
    clinic_app: FastAPI, acting: Acting, visit_due_today: int
) -> None:
    client = _client(clinic_app)
    path = _link(acting, visit_due_today)
    junk: list[Any] = ["", "-1", "3.5", "\x00", "1e400", "<b>", "x" * 10_000, ["1", "2"]]
    for field in ("odi.1", "zcq.7", "walking_minutes.1", "pgic.1"):
        for value in junk:
            status = client.post(path, data={**ANSWERS, field: value}).status_code
            assert status < 500, (field, value)


def test_the_clinic_cookie_never_reaches_the_self_report_pages(
    signed_in: Callable[[str], Any], acting: Acting, visit_due_today: int
) -> None:
    clinic = signed_in("coordinator")
    response = clinic.client.get(_link(acting, visit_due_today))
    assert response.status_code == 200
    assert "regenspine_clinic" not in response.request.headers.get("cookie", "")
