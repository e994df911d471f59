"""Follow-ups due, one-time self-report links shown once, and PROM entry by staff with the
instrument's own items and answer labels; a reload of the page a write led to stores nothing."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from sqlalchemy import select
from tests.factories.pages import plain
from tests.factories.registry import row_counts
from tests.factories.workspace import Clinic, reload_after

from regenspine.instruments.catalogue import instrument
from regenspine.registry.database import Registry
from regenspine.registry.models import Assessment, FollowUp, SelfReportLink
from regenspine.registry.services.selfreport import token_hash

ODI_ANSWERS = {f"odi.{number}": "2" for number in range(1, 11)}


def _field_error(page: str, field_id: str) -> str:
    return plain(page.split(f'id="{field_id}-error">', 1)[1].split("</p>", 1)[0])


def test_the_visit_due_today_is_listed_with_its_actions(
    signed_in: Callable[[str], Clinic], visit_due_today: int, patient_key: str
) -> None:
    page = signed_in("coordinator").get("/clinic/follow-ups").text
    row = page.split(f'href="/clinic/patients/{patient_key}"', 1)[1].split("</tr>", 1)[0]
    assert "2w" in row
    assert "due" in row
    assert f"/clinic/follow-ups/{visit_due_today}/link" in row
    assert "timepoint=2w" in row


def test_a_horizon_that_cannot_be_read_is_named(signed_in: Callable[[str], Clinic]) -> None:
    response = signed_in("clinician").get("/clinic/follow-ups?within=forever")
    assert response.status_code == 422
    assert "14d or 2w" in _field_error(response.text, "f-within")


def test_a_self_report_link_is_shown_once_and_kept_only_as_a_hash(
    signed_in: Callable[[str], Clinic], staffed: Registry, visit_due_today: int
) -> None:
    clinic = signed_in("coordinator")
    response = clinic.post(f"/clinic/follow-ups/{visit_due_today}/link", {})
    assert response.headers["location"] == f"/clinic/follow-ups/{visit_due_today}/link"
    shown = reload_after(clinic, staffed, response)
    url = re.search(r'id="self-report-url" href="([^"]+)"', shown.first)
    assert url is not None
    assert url.group(1).startswith("http://testserver/r/")  # the address the request came in on
    token = url.group(1).rsplit("/", 1)[1]
    assert "odi, zcq, nrs_back, nrs_leg, walking_minutes, pgic" in shown.first
    assert token not in shown.again  # a reload neither shows the link again nor makes another
    assert 'id="link-gone"' in shown.again
    with staffed.sessions() as session:
        stored = session.scalars(select(SelfReportLink.token_hash)).one()
    assert stored == token_hash(token)
    assert token not in stored
    page = clinic.get(shown.location)
    assert page.headers["cache-control"] == "no-store"
    assert token not in response.headers["location"]


def test_a_link_page_shows_only_the_link_made_for_its_own_visit(
    signed_in: Callable[[str], Clinic], visit_due_today: int
) -> None:
    clinic = signed_in("coordinator")
    clinic.post(f"/clinic/follow-ups/{visit_due_today}/link", {})
    other = clinic.get(f"/clinic/follow-ups/{visit_due_today + 1}/link").text
    assert 'id="self-report-url"' not in other
    researcher = signed_in("researcher")
    assert researcher.get(f"/clinic/follow-ups/{visit_due_today}/link").status_code == 403


def test_a_link_for_an_unknown_visit_is_a_404(signed_in: Callable[[str], Clinic]) -> None:
    response = signed_in("coordinator").post("/clinic/follow-ups/999999/link", {})
    assert response.status_code == 404
    assert (
        signed_in("coordinator").post("/clinic/follow-ups/99999999999/link", {}).status_code == 422
    )


def test_the_prom_form_asks_the_instrument_items_with_their_answer_labels(
    signed_in: Callable[[str], Clinic], patient_key: str
) -> None:
    clinic = signed_in("clinician")
    page = clinic.get(
        f"/clinic/assessments/new?patient={patient_key}&instrument=zcq&timepoint=baseline"
    ).text
    zcq = instrument("zcq")
    # Baseline leaves out the satisfaction items, which only make sense after treatment.
    assert page.count('class="field question') == 12
    assert "Pain in general" in page
    assert "1: none" in page
    assert "5: very severe" in page
    assert zcq.items[12].label.capitalize() not in page
    later = clinic.get(f"/clinic/assessments/new?patient={patient_key}&instrument=zcq&timepoint=3m")
    assert later.text.count('class="field question') == 18
    walking = clinic.get("/clinic/assessments/new?instrument=walking_minutes&timepoint=3m").text
    assert 'type="number"' in walking
    assert 'max="600"' in walking


def test_an_unknown_instrument_is_named_with_the_known_ones(
    signed_in: Callable[[str], Clinic],
) -> None:
    response = signed_in("clinician").get("/clinic/assessments/new?instrument=sf36")
    assert response.status_code == 422
    assert "odi" in _field_error(response.text, "f-instrument")


def test_a_prom_is_scored_stored_and_closes_the_visit(
    signed_in: Callable[[str], Clinic],
    staffed: Registry,
    patient_key: str,
    visit_due_today: int,
) -> None:
    clinic = signed_in("coordinator")
    form = {
        "patient": patient_key,
        "instrument": "odi",
        "timepoint": "2w",
        "assessed_on": dt.date.today().isoformat(),
        **ODI_ANSWERS,
        "odi.8": "",  # sex life left out: nine answers still score
    }
    shown = reload_after(clinic, staffed, clinic.post("/clinic/assessments", form))
    assert shown.location == f"/clinic/patients/{patient_key}"
    notice = plain(shown.first.split('class="notice"', 1)[1].split("</div>", 1)[0])
    assert "Oswestry Disability Index" in notice
    assert "visit 2w, score 40.0 (moderate disability); 9 questions answered." in notice
    assert "timepoint=2w" in shown.first.split('class="notice"', 1)[1].split("</div>", 1)[0]
    assert 'class="notice"' not in shown.again
    row = shown.again.split('id="assessment-', 1)[1].split("</tr>", 1)[0]
    assert "40.0" in row
    visit_row = shown.again.split(f'id="follow-up-{visit_due_today}"', 1)[1].split("</tr>", 1)[0]
    assert "tag-done" in visit_row
    with staffed.sessions() as session:
        stored = session.scalars(select(Assessment)).one()
        visit = session.get(FollowUp, visit_due_today)
        assert visit is not None
        assert visit.completed_on == dt.date.today()
    assert stored.answers == [2, 2, 2, 2, 2, 2, 2, None, 2, 2]
    duplicate = clinic.post("/clinic/assessments", form)
    assert duplicate.status_code == 409
    assert "already recorded" in duplicate.text


def test_a_bad_prom_answer_is_named_at_its_question_and_nothing_is_stored(
    signed_in: Callable[[str], Clinic], staffed: Registry, patient_key: str
) -> None:
    clinic = signed_in("clinician")
    before = row_counts(staffed)
    form = {
        "patient": patient_key,
        "instrument": "odi",
        "timepoint": "3m",
        "assessed_on": "2026-12-01",
        **ODI_ANSWERS,
        "odi.4": "9",
    }
    response = clinic.post("/clinic/assessments", form)
    assert response.status_code == 422
    assert "unknown value '9'" in _field_error(response.text, "f-odi-4")
    assert 'value="2" id="f-odi-1-2" checked' in response.text
    walking = clinic.post(
        "/clinic/assessments",
        {
            "patient": patient_key,
            "instrument": "walking_minutes",
            "timepoint": "3m",
            "assessed_on": "2026-12-01",
            "walking_minutes.1": "601",
        },
    )
    assert "out of range" in _field_error(walking.text, "f-walking_minutes-1")
    assert row_counts(staffed) == before
