"""The patient page shows the whole record: identity for care roles (and the read is audited),
registry keys only for researchers, and on each episode its screenings, consents, procedures
with their stored protocol checks, medicines, follow-up visits with today's status, scores,
adverse events and later treatments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import select
from tests.factories.pages import plain, texts
from tests.factories.registry import Acting
from tests.factories.workspace import Clinic, audit_actions

from regenspine.care.adverse_events import load_adverse_event_texts
from regenspine.registry.database import Registry
from regenspine.registry.models import AuditEvent, Episode
from regenspine.registry.services.episodes import record_consent
from regenspine.registry.services.followups import record_assessment
from regenspine.registry.services.safety import record_adverse_event, record_intervention


def _visit_statuses(page: str) -> dict[str, str]:
    """Each follow-up visit's label and the status the page shows for it."""
    table = page.split('class="records follow-ups"', 1)[1].split("</table>", 1)[0]
    found = {}
    for row in table.split('<tr id="follow-up-')[1:]:
        label = plain(row.split('<th scope="row">', 1)[1].split("</th>", 1)[0])
        found[label] = row.split('<span class="tag tag-', 1)[1].split('"', 1)[0]
    return found


def test_a_care_role_sees_the_identity_and_the_read_is_audited(
    signed_in: Callable[[str], Clinic], staffed: Registry, patient_key: str
) -> None:
    page = signed_in("coordinator").get(f"/clinic/patients/{patient_key}").text
    facts = plain(page.split('id="patient-facts">', 1)[1].split("</dl>", 1)[0])
    for shown in ("Grace Example", "1957-06-02", "MRN-100", "grace@example.org", "02139"):
        assert shown in facts
    assert 'id="deidentified-note"' not in page
    with staffed.sessions() as session:
        read = session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "read_identifying", AuditEvent.entity_id.is_not(None)
            )
        ).all()
    assert [(event.entity_id, event.reason) for event in read] == [
        (patient_key, "clinic workspace: patient page")
    ]


def test_a_researcher_sees_the_record_without_identity_and_no_read_is_audited(
    signed_in: Callable[[str], Clinic], staffed: Registry, patient_key: str, visit_due_today: int
) -> None:
    page = signed_in("researcher").get(f"/clinic/patients/{patient_key}").text
    assert 'id="deidentified-note"' in page
    for hidden in ("Grace Example", "MRN-100", "grace@example.org", "617 555"):
        assert hidden not in page
    assert "Procedure 1" in page  # the clinical record itself is there
    assert "read_identifying" not in audit_actions(staffed)


def test_each_visit_shows_where_it_stands_today(
    signed_in: Callable[[str], Clinic], patient_key: str, visit_due_today: int
) -> None:
    page = signed_in("clinician").get(f"/clinic/patients/{patient_key}").text
    statuses = _visit_statuses(page)
    # The procedure was two weeks ago: its 2-week visit is due today, later ones are ahead.
    assert statuses["2 weeks"] == "due"
    assert statuses["6 weeks"] == "upcoming"
    assert statuses["24 months"] == "upcoming"
    assert len(statuses) == 7


def test_every_kind_of_record_appears_under_its_episode(
    signed_in: Callable[[str], Clinic],
    staffed: Registry,
    acting: Acting,
    patient_key: str,
    visit_due_today: int,
) -> None:
    today = dt.date.today()
    with acting("clinician") as (session, user):
        episode = session.scalars(select(Episode.id)).one()
        consent = {"kind": "treatment", "given": True, "recorded_on": today}
        record_consent(session, user, episode, consent, "test")
        event = {
            "patient": patient_key,
            "description": "Bruise at the harvest site",
            "category": "bleeding",
            "site": "harvest",
            "grade": 1,
            "relatedness": "definite",
            "onset_on": today.isoformat(),
            "outcome": "recovering",
        }
        record_adverse_event(session, user, event, "test")
        later = {"patient": patient_key, "kind": "epidural_steroid", "performed_on": str(today)}
        record_intervention(session, user, later, "test")
    page = signed_in("clinician").get(f"/clinic/patients/{patient_key}").text
    article = page.split(f'id="episode-{episode}"', 1)[1].split("</article>", 1)[0]
    assert "Treatment: <strong>given</strong>" in article
    checks = article.split('<ol class="checks">', 1)[1].split("</ol>", 1)[0]
    assert checks.count('<li class="check outcome-') >= 1
    assert texts(page, "source-title")  # the stored checks' sources are listed
    event_row = plain(article.split('id="adverse-event-', 1)[1].split("</tr>", 1)[0])
    labels = load_adverse_event_texts()
    assert labels.categories.levels["bleeding"] in event_row
    assert labels.relatedness.levels["definite"].label in event_row
    assert "Epidural steroid" in article
    assert "(surgery)" not in article
    assert "Nothing recorded on this episode yet." not in article


def test_an_episode_with_nothing_recorded_says_so(
    signed_in: Callable[[str], Clinic], patient_key: str
) -> None:
    page = signed_in("clinician").get(f"/clinic/patients/{patient_key}").text
    assert "Nothing recorded on this episode yet." in page


def _store_scores(
    acting: Acting, patient_key: str, scores: list[tuple[str, str, list[int]]]
) -> None:
    with acting("coordinator") as (session, user):
        for timepoint, day, answers in scores:
            record_assessment(
                session,
                user,
                registry_key=patient_key,
                instrument="odi",
                answers=answers,
                timepoint=timepoint,
                assessed_on=dt.date.fromisoformat(day),
                reason="t",
            )


def test_the_record_plots_each_score_against_baseline_and_the_mic_and_flags_worse(
    signed_in: Callable[[str], Clinic], acting: Acting, patient_key: str
) -> None:
    # ODI 40 at baseline, 30 at 6 weeks, 50 at 3 months: exactly the MIC of 10 points worse.
    _store_scores(
        acting,
        patient_key,
        [
            ("baseline", "2026-09-02", [2] * 10),
            ("6w", "2026-10-20", [1] * 5 + [2] * 5),
            ("3m", "2026-12-10", [3] * 5 + [2] * 5),
        ],
    )
    page = signed_in("researcher").get(f"/clinic/patients/{patient_key}").text
    top = plain(page.split('id="worse-than-baseline"', 1)[1].split("</div>", 1)[0])
    assert "Worse than baseline" in top
    assert ">ODI</a>: episode 1" in page
    assert "episode 1: 40.0 at baseline, 50.0 at 3m" in top
    figure = page.split('class="score-chart"', 1)[1].split("</figure>", 1)[0]
    assert " style=" not in figure
    assert "<script" not in figure
    flag = plain(figure.split('class="flag flag-worse"', 1)[1].split("</p>", 1)[0])
    assert "Worse than baseline" in flag
    assert "40.0 at baseline, 50.0 at 3m (change +10, MIC 10.0)" in flag
    svg = figure.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert 'role="img"' in svg
    assert svg.count("<circle") == 2
    assert svg.count("<rect") == 1
    for label in ("baseline 40", "worse by MIC 50", ">30<", ">50<", ">6w<", ">3m<"):
        assert label in svg
    desc = plain(svg.split("<desc", 1)[1].split("</desc>", 1)[0])
    assert "baseline 40.0; 6w 30.0; 3m 50.0" in desc
    assert "worse than baseline by at least that change" in desc
    caption = plain(figure.split("<figcaption", 1)[1].split("</figcaption>", 1)[0])
    assert "minimal important change 10.0 points" in caption
    assert "a higher score is worse" in caption
    table = plain(figure.split('class="records chart-data"', 1)[1].split("</table>", 1)[0])
    assert "6w" in table
    assert "-10" in table
    assert "+10" in table


def test_a_score_better_than_baseline_is_plotted_without_a_flag(
    signed_in: Callable[[str], Clinic], acting: Acting, patient_key: str
) -> None:
    # 40 at baseline, 49.99 is not reachable on the ODI; 48 is 8 points worse, below the MIC.
    _store_scores(
        acting,
        patient_key,
        [("baseline", "2026-09-02", [2] * 10), ("3m", "2026-12-10", [3] * 4 + [2] * 6)],
    )
    page = signed_in("clinician").get(f"/clinic/patients/{patient_key}").text
    assert 'class="score-chart"' in page
    assert "flag-worse" not in page
    assert 'id="worse-than-baseline"' not in page
    assert "worse by MIC 50" in page
