"""Self-report links, reminder e-mails through a real local SMTP server, and API tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes

import pytest
from sqlalchemy import select
from tests.factories.procedures import BONE_MARROW_PROCEDURE
from tests.factories.registry import Acting, row_counts

from regenspine.config import Settings
from regenspine.errors import Conflict, Forbidden, Gone, InvalidInput
from regenspine.registry.database import Registry
from regenspine.registry.models import Assessment, FollowUp, Reminder
from regenspine.registry.services.procedures import record_procedure
from regenspine.registry.services.reminders import SmtpMailer, follow_ups_to_remind, remind
from regenspine.registry.services.selfreport import (
    create_self_report_link,
    open_self_report,
    submit_self_report,
)
from regenspine.registry.services.tokens import issue_api_token, revoke_api_tokens, user_for_token

# The 2-week visit of a procedure on 2 March 2026 is due 16 March (window 13 to 23 March).
VISIT_DAY = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)
BASE_URL = "https://clinic.test"
LUMBAR_ANSWERS = {
    "odi": [2, 2, 2, 2, 2, 3, 3, 3, 3, 3],
    "zcq": [3, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2],
    "nrs_back": [4],
    "nrs_leg": "5",
    "walking_minutes": [20],
    "pgic": [5],
}


@pytest.fixture
def two_week_visit(acting: Acting, patient_key: str, staffed: Registry) -> int:
    """The 2-week follow-up id of a bone marrow procedure on 2026-03-02."""
    with acting("clinician") as (session, user):
        procedure, _ = record_procedure(
            session, user, {"patient": patient_key, **BONE_MARROW_PROCEDURE}, "t"
        )
        return session.scalars(
            select(FollowUp.id).where(
                FollowUp.procedure_id == procedure.id, FollowUp.timepoint == "2w"
            )
        ).one()


def _link(acting: Acting, follow_up: int, now: datetime = VISIT_DAY) -> str:
    with acting("coordinator") as (session, user):
        return create_self_report_link(session, user, follow_up, now, 72).token


def test_a_link_opens_once_stores_every_questionnaire_and_closes_the_visit(
    acting: Acting, staffed: Registry, two_week_visit: int
) -> None:
    token = _link(acting, two_week_visit)
    with staffed.transaction() as session:
        visit = open_self_report(session, token, VISIT_DAY)
        assert visit.instruments == list(LUMBAR_ANSWERS)
        stored = submit_self_report(session, token, LUMBAR_ANSWERS, VISIT_DAY + timedelta(hours=1))
    assert [item.scored.instrument for item in stored] == list(LUMBAR_ANSWERS)
    assert stored[0].scored.score == 50.0
    with staffed.sessions() as session:
        assert session.get(FollowUp, two_week_visit).completed_on == VISIT_DAY.date()
    with pytest.raises(Gone) as used, staffed.transaction() as session:
        open_self_report(session, token, VISIT_DAY + timedelta(hours=2))
    assert used.value.reason == "used"
    with pytest.raises(Conflict, match="already completed"):
        _link(acting, two_week_visit)


def test_a_re_sent_link_leaves_the_first_working_until_either_is_answered(
    acting: Acting, staffed: Registry, two_week_visit: int
) -> None:
    first = _link(acting, two_week_visit)
    again = _link(acting, two_week_visit, VISIT_DAY + timedelta(hours=1))
    later = VISIT_DAY + timedelta(hours=2)
    with staffed.transaction() as session:
        assert open_self_report(session, first, later).link_id > 0
        assert open_self_report(session, again, later).link_id > 0
        submit_self_report(session, again, LUMBAR_ANSWERS, later)
    before = row_counts(staffed)
    with pytest.raises(Gone) as spent, staffed.transaction() as session:
        submit_self_report(session, first, LUMBAR_ANSWERS, later)
    assert spent.value.reason == "used"
    assert "already sent" in spent.value.message
    assert row_counts(staffed) == before
    with staffed.sessions() as session:
        assert len(session.scalars(select(Assessment.id)).all()) == len(LUMBAR_ANSWERS)


def test_expired_and_unknown_links_store_nothing(
    acting: Acting, staffed: Registry, two_week_visit: int
) -> None:
    token = _link(acting, two_week_visit)
    before = row_counts(staffed)
    late = VISIT_DAY + timedelta(hours=72)
    for attempt, reason in ((token, "expired"), ("not-a-token", "unknown")):
        with pytest.raises(Gone) as refused, staffed.transaction() as session:
            submit_self_report(session, attempt, LUMBAR_ANSWERS, late)
        assert refused.value.reason == reason
    assert row_counts(staffed) == before


def test_a_bad_answer_rolls_back_every_questionnaire_and_keeps_the_link(
    acting: Acting, staffed: Registry, two_week_visit: int
) -> None:
    token = _link(acting, two_week_visit)
    before = row_counts(staffed)
    with pytest.raises(InvalidInput) as bad, staffed.transaction() as session:
        submit_self_report(session, token, LUMBAR_ANSWERS | {"nrs_leg": [11]}, VISIT_DAY)
    assert "allowed: 0-10" in str(bad.value)
    with pytest.raises(InvalidInput, match="pgic: answers missing"), staffed.transaction() as s:
        submit_self_report(
            s, token, {k: v for k, v in LUMBAR_ANSWERS.items() if k != "pgic"}, VISIT_DAY
        )
    assert row_counts(staffed) == before
    with staffed.transaction() as session:
        assert open_self_report(session, token, VISIT_DAY).link_id > 0


def test_reminders_go_out_once_with_a_working_link(
    acting: Acting,
    staffed: Registry,
    two_week_visit: int,
    smtp_server: tuple[Settings, list[bytes]],
) -> None:
    settings, received = smtp_server
    for _ in range(2):  # the second run finds nothing left to remind
        with acting("coordinator") as (session, user):
            due = follow_ups_to_remind(session, user, VISIT_DAY, 0)
            for visit in due:
                outcome = remind(
                    session, user, visit, SmtpMailer(settings), settings, VISIT_DAY, BASE_URL
                )
                assert outcome.sent
    assert len(received) == 1
    message = message_from_bytes(received[0])
    assert message["To"] == "grace@example.org"
    body = message.get_payload()
    assert isinstance(body, str)
    [url] = [word for word in body.split() if word.startswith("https://clinic.test/r/")]
    with staffed.transaction() as session:
        assert open_self_report(session, url.rsplit("/", 1)[1], VISIT_DAY).timepoint == "2w"
        assert session.scalars(select(Reminder.follow_up_id)).all() == [two_week_visit]
    assert "Grace" not in body  # no name or health detail in the e-mail


def test_api_tokens_act_as_their_user_until_revoked(acting: Acting, staffed: Registry) -> None:
    with acting("clinician") as (session, user):
        token = issue_api_token(session, user, "cleo", "lab system")
        with pytest.raises(Forbidden):
            issue_api_token(session, user, "ada", "not mine")
    with staffed.transaction() as session:
        found = user_for_token(session, token)
        assert found is not None
        assert found.username == "cleo"
        assert user_for_token(session, token + "x") is None
    with acting("admin") as (session, admin):
        assert revoke_api_tokens(session, admin, "cleo", VISIT_DAY) == 1
    with staffed.transaction() as session:
        assert user_for_token(session, token) is None
        assert session.scalars(select(Assessment)).all() == []
