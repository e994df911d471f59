"""Recovery plan: calendar arithmetic, the medicine window, warning signs and the .ics export."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from icalendar import Calendar

from regenspine.decision_aid import recovery
from regenspine.decision_aid.recovery import build_recovery_plan, recovery_calendar
from regenspine.errors import KnowledgeBaseError
from regenspine.knowledge import load_knowledge
from regenspine.knowledge.red_flags import (
    red_flag_groups,
    red_flags_in,
    seek_urgent_care,
    seek_urgent_care_after_treatment,
)

STAMP = dt.datetime(2026, 1, 20, 9, 30, tzinfo=dt.UTC)


def visits(procedure_date: dt.date) -> dict[str, dt.date]:
    return {visit.id: visit.due for visit in build_recovery_plan(procedure_date).follow_up_visits}


def test_follow_up_visits_use_calendar_months_from_the_31st() -> None:
    assert visits(dt.date(2026, 1, 31)) == {
        "2w": dt.date(2026, 2, 14),
        "6w": dt.date(2026, 3, 14),
        "3m": dt.date(2026, 4, 30),
        "6m": dt.date(2026, 7, 31),
        "12m": dt.date(2027, 1, 31),
        "24m": dt.date(2028, 1, 31),
    }


@pytest.mark.parametrize(
    ("procedure", "visit", "due"),
    [
        (dt.date(2023, 11, 30), "3m", dt.date(2024, 2, 29)),  # into a leap February
        (dt.date(2025, 11, 30), "3m", dt.date(2026, 2, 28)),  # into a common February
        (dt.date(2024, 2, 29), "12m", dt.date(2025, 2, 28)),
        (dt.date(2024, 2, 29), "24m", dt.date(2026, 2, 28)),
        (dt.date(2024, 2, 20), "2w", dt.date(2024, 3, 5)),  # across 29 February
        (dt.date(2026, 12, 25), "2w", dt.date(2027, 1, 8)),  # across the year end
    ],
)
def test_leap_years_and_month_ends(procedure: dt.date, visit: str, due: dt.date) -> None:
    assert visits(procedure)[visit] == due


def test_phases_are_dated_from_day_one_on_the_procedure_date() -> None:
    plan = build_recovery_plan(dt.date(2026, 3, 2))
    spans = {phase.id: (phase.first_day, phase.last_day) for phase in plan.phases}
    assert spans == {
        "rest": (dt.date(2026, 3, 2), dt.date(2026, 3, 6)),  # days 1 to 5
        "gentle_activity": (dt.date(2026, 3, 7), dt.date(2026, 3, 15)),  # to the end of week 2
        "strengthening": (dt.date(2026, 3, 16), dt.date(2026, 4, 12)),  # weeks 3 to 6
        "improvement_window": (dt.date(2026, 4, 2), dt.date(2026, 6, 1)),  # months 2 and 3
    }
    assert all(phase.sources for phase in plan.phases)


def test_nsaid_window_is_labelled_as_an_assumption_and_the_clinic_wins() -> None:
    plan = build_recovery_plan(dt.date(2026, 3, 2))
    window = plan.nsaid_window
    assert window.first_day == dt.date(2026, 3, 2)
    assert window.last_day == dt.date(2026, 4, 12)  # end of week 6, with the strengthening phase
    assert "planning assumption" in window.assumption
    assert "clinic's own instruction" in window.assumption
    assert "No source says" in window.assumption
    assert {"seed-004", "navani-2019-asipp-biologics"} <= set(window.sources)
    assert "blood thinner" in window.caution


def test_warning_signs_cover_infection_weakness_and_spinal_headache() -> None:
    signs = {sign.id: sign for sign in build_recovery_plan(dt.date(2026, 3, 2)).warning_signs}
    assert {"spinal_infection", "worsening_weakness", "spreading_redness", "upright_headache"} <= (
        set(signs)
    )
    # After an injection, fever, new weakness and bladder or bowel changes are urgent care.
    for urgent in ("spinal_infection", "worsening_weakness", "cauda_equina"):
        assert signs[urgent].action == "urgent_care"
        assert "emergency" in signs[urgent].action_text.lower()
        assert "clinic" in signs[urgent].action_text.lower()
    assert "fever" in signs["spinal_infection"].sign.lower()
    assert "pee or poo" in signs["cauda_equina"].sign
    assert signs["spreading_redness"].action == "call_clinic_today"
    assert "seed-004" in signs["upright_headache"].sources


def test_every_sign_that_reads_as_a_red_flag_is_urgent_care_in_the_shared_words() -> None:
    plan = build_recovery_plan(dt.date(2026, 3, 2))
    matched = [sign for sign in plan.warning_signs if red_flags_in(sign.sign)]
    assert len(matched) >= len(red_flag_groups())
    for sign in matched:
        assert sign.action == "urgent_care", sign.id
        assert sign.action_text == seek_urgent_care_after_treatment()
        assert sign.action_text.startswith(seek_urgent_care())


def test_each_red_flag_group_is_an_urgent_sign_whose_words_it_recognises() -> None:
    urgent = {
        sign.id: sign
        for sign in build_recovery_plan(dt.date(2026, 3, 2)).warning_signs
        if sign.action == "urgent_care"
    }
    for group in red_flag_groups():
        assert group.id in urgent
        assert group.id in {flag.group for flag in red_flags_in(urgent[group.id].sign)}
        assert set(group.sources) <= set(urgent[group.id].sources)


def test_a_red_flag_written_as_a_clinic_call_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    real = recovery.load_model

    def with_fever_as_a_call(path: str, model: Any) -> Any:
        texts = real(path, model)
        fever = texts.warning_signs[0].model_copy(update={"id": "fever", "sign": "Fever"})
        return texts.model_copy(update={"warning_signs": (*texts.warning_signs, fever)})

    recovery.load_recovery_texts.cache_clear()
    monkeypatch.setattr(recovery, "load_model", with_fever_as_a_call)
    try:
        with pytest.raises(KnowledgeBaseError, match="sign fever is a red flag"):
            recovery.load_recovery_texts()
    finally:
        recovery.load_recovery_texts.cache_clear()


def test_every_cited_source_resolves_and_the_disclaimer_is_carried() -> None:
    plan = build_recovery_plan(dt.date(2026, 3, 2))
    known = {source.id for source in load_knowledge().sources}
    cited = {s for phase in plan.phases for s in phase.sources}
    cited |= set(plan.nsaid_window.sources) | set(plan.follow_up_sources)
    cited |= {s for sign in plan.warning_signs for s in sign.sources}
    cited |= {s for visit in plan.follow_up_visits for s in visit.sources}
    assert cited <= known
    assert plan.disclaimer == load_knowledge().text("disclaimer")


def parsed_events(procedure_date: dt.date, stamp: dt.datetime = STAMP) -> dict[str, Any]:
    calendar = Calendar.from_ical(recovery_calendar(build_recovery_plan(procedure_date), stamp))
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def test_ics_parses_back_with_all_day_events_for_phases_window_and_visits() -> None:
    events = parsed_events(dt.date(2026, 1, 31))
    assert len(events) == 4 + 1 + 6
    visit = events["2026-01-31-visit-3m@regenspine"]
    assert visit["summary"] == "Follow-up visit: 3 months"
    assert visit.decoded("dtstart") == dt.date(2026, 4, 30)
    assert visit.decoded("dtend") == dt.date(2026, 5, 1)
    rest = events["2026-01-31-phase-rest@regenspine"]
    assert rest.decoded("dtstart") == dt.date(2026, 1, 31)
    assert rest.decoded("dtend") == dt.date(2026, 2, 5)
    window = events["2026-01-31-nsaid-window@regenspine"]
    assert "planning assumption" in str(window["description"])
    for event in events.values():
        assert not isinstance(event.decoded("dtstart"), dt.datetime)
        assert event.decoded("dtstamp") == STAMP
        assert "For education only" in str(event["description"])
        assert "Sources:\n- " in str(event["description"])
    # Sources by their titles, as a patient reads them; ids stay in the data.
    first = build_recovery_plan(dt.date(2026, 1, 31)).phases[0]
    described = str(events[f"2026-01-31-phase-{first.id}@regenspine"]["description"])
    for source_id in first.sources:
        assert f"- {load_knowledge().source(source_id).title}" in described
        assert source_id not in described


def test_ics_uids_are_stable_across_exports_and_differ_per_procedure_date() -> None:
    first = parsed_events(dt.date(2026, 1, 31))
    later = parsed_events(dt.date(2026, 1, 31), STAMP + dt.timedelta(days=3))
    other = parsed_events(dt.date(2026, 2, 1))
    assert set(first) == set(later)
    assert not set(first) & set(other)
