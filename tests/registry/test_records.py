"""A patient's whole record: every entry of every episode; identity only where allowed."""

from __future__ import annotations

from datetime import date

from tests.factories.procedures import BONE_MARROW_PROCEDURE
from tests.factories.registry import Acting

from regenspine.registry.services.audit import audit_trail
from regenspine.registry.services.followups import record_assessment
from regenspine.registry.services.procedures import record_procedure
from regenspine.registry.services.records import patient_record
from regenspine.registry.services.safety import record_intervention


def test_the_record_lists_every_entry_and_audits_identity_reads(
    acting: Acting, patient_key: str
) -> None:
    with acting("clinician") as (session, user):
        record_procedure(session, user, {"patient": patient_key, **BONE_MARROW_PROCEDURE}, "t")
        record_assessment(
            session, user, registry_key=patient_key, instrument="nrs_leg", answers="6",
            timepoint="2w", assessed_on=date(2026, 3, 16), reason="t",
        )  # fmt: skip
        record_intervention(
            session, user,
            {"patient": patient_key, "kind": "decompression", "performed_on": "2027-01-05"}, "t",
        )  # fmt: skip
        seen = patient_record(session, user, patient_key, "clinic visit")
    [episode] = seen.episodes
    assert seen.identity is not None
    assert seen.identity["mrn"] == "MRN-100"
    assert [p.cell_source for p in episode.procedures] == ["bone_marrow"]
    assert episode.procedures[0].checks[0].sources
    assert len(episode.follow_ups) == 7
    assert episode.follow_ups[1].completed_on == date(2026, 3, 16)
    assert [(a.instrument, a.score) for a in episode.assessments] == [("nrs_leg", 6.0)]
    assert [i.is_surgery for i in episode.interventions] == [True]
    with acting("researcher") as (session, researcher):
        hidden = patient_record(session, researcher, patient_key, "study")
    assert hidden.identity is None
    assert len(hidden.episodes[0].procedures) == 1
    with acting("admin") as (session, admin):
        reads = [e for e in audit_trail(session, admin) if e.action == "read_identifying"]
    assert [(e.username, e.reason) for e in reads] == [("cleo", "clinic visit")]
