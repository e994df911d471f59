"""Procedure input: valid records parse, and every bad value names its dotted field."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from tests.factories.procedures import ALLOGENEIC_PROCEDURE, BONE_MARROW_PROCEDURE, DELETE, changed

from regenspine.care import parse_medication, parse_procedure
from regenspine.errors import InvalidInput


def refusal(document: object) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        parse_procedure(document)
    return caught.value


def test_bone_marrow_record_parses_with_times_and_counts() -> None:
    record = parse_procedure(BONE_MARROW_PROCEDURE)
    assert record.performed_on == dt.date(2026, 3, 2)
    assert record.processing is not None
    assert record.processing.started_at == dt.datetime(2026, 3, 2, 9, 0)
    assert record.processing.duration_minutes == 45
    assert record.injection.levels == ["L4-L5"]


def test_ready_made_donor_product_needs_no_processing() -> None:
    record = parse_procedure(ALLOGENEIC_PROCEDURE)
    assert record.processing is None
    assert record.harvest.lot_number == "LOT-2026-0142"


def test_levels_are_normalised_and_junction_levels_fit_both_regions() -> None:
    lumbar = parse_procedure(changed(BONE_MARROW_PROCEDURE, injection__levels=[" l5-s1", "t12-l1"]))
    assert lumbar.injection.levels == ["L5-S1", "T12-L1"]
    sacral = changed(BONE_MARROW_PROCEDURE, injection__region="sacral", injection__levels=["L5-S1"])
    assert parse_procedure(sacral).injection.region == "sacral"


def test_record_round_trips_through_json() -> None:
    record = parse_procedure(BONE_MARROW_PROCEDURE)
    assert parse_procedure(record.model_dump(mode="json")) == record


@pytest.mark.parametrize(
    ("changes", "field", "allowed"),
    [
        ({"injection__image_guidance": "blind"}, "injection.image_guidance", "fluoroscopy"),
        ({"harvest__source": "cord_blood"}, "harvest.source", "allogeneic"),
        ({"injection__region": "neck"}, "injection.region", "cervical"),
        ({"injection__targets": ["epidural", "joint"]}, "injection.targets[1]", "intradiscal"),
        ({"injection__targets": ["facet", "facet"]}, "injection.targets[1]", "epidural"),
        ({"injection__levels": ["L3-L5"]}, "injection.levels[0]", "L4-L5"),
        ({"injection__levels": ["L4L5"]}, "injection.levels[0]", "L4-L5"),
        ({"injection__levels": ["L4-L5", "l4-l5"]}, "injection.levels[1]", None),
        ({"injection__levels": ["L4-L5", "C5-C6"]}, "injection.levels[1]", "L5-S1"),
        ({"harvest__volume_ml": 0}, "harvest.volume_ml", "more than 0"),
        ({"processing__viability_percent": 100.5}, "processing.viability_percent", "0 to 100"),
        ({"processing__cfu_f_per_ml": -1}, "processing.cfu_f_per_ml", "0 or more"),
        ({"processing__cfu_f_per_ml": "2000"}, "processing.cfu_f_per_ml", "0 or more"),
        (
            {"harvest__donor_screening_documented": "yes"},
            "harvest.donor_screening_documented",
            "true",
        ),
        ({"injection__colour": "red"}, "injection.colour", "operator"),
        ({"performed_on": "next Tuesday"}, "performed_on", None),
        ({"processing__ended_at": "2026-03-02T08:59:59"}, "processing.ended_at", None),
        ({"processing__ended_at": "2026-03-02T09:45:00+01:00"}, "processing.ended_at", None),
    ],
)
def test_bad_values_name_the_dotted_field_and_what_is_allowed(
    changes: dict[str, Any], field: str, allowed: str | None
) -> None:
    error = refusal(changed(BONE_MARROW_PROCEDURE, **changes))
    assert error.field == field
    if allowed is not None:
        assert allowed in str(error.allowed)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"performed_on": DELETE}, "performed_on"),
        ({"injection__operator": "   "}, "injection.operator"),
        ({"injection__levels": []}, "injection.levels"),
        ({"injection__targets": []}, "injection.targets"),
        ({"processing__method": DELETE}, "processing.method"),
        ({"processing": "centrifuged"}, "processing"),
    ],
)
def test_missing_or_empty_values_are_refused(changes: dict[str, Any], field: str) -> None:
    assert refusal(changed(BONE_MARROW_PROCEDURE, **changes)).field == field


def test_processing_is_required_unless_the_product_is_ready_made() -> None:
    error = refusal(changed(BONE_MARROW_PROCEDURE, processing=DELETE))
    assert error.field == "processing"
    assert "allogeneic" in str(error.allowed)


def test_end_equal_to_start_is_allowed() -> None:
    same = changed(BONE_MARROW_PROCEDURE, processing__ended_at="2026-03-02T09:00:00")
    processing = parse_procedure(same).processing
    assert processing is not None
    assert processing.duration_minutes == 0


def test_a_level_outside_the_region_lists_the_regions_levels() -> None:
    error = refusal(changed(BONE_MARROW_PROCEDURE, injection__region="cervical"))
    assert error.field == "injection.levels[0]"
    assert isinstance(error.allowed, list)
    assert "C5-C6" in error.allowed
    assert "L4-L5" not in error.allowed


def test_a_document_that_is_not_an_object_is_refused() -> None:
    assert refusal(["not", "a", "record"]).field == "procedure"


def test_medication_parses_and_an_open_end_means_still_taking() -> None:
    note = parse_medication({"drug": "ibuprofen", "is_nsaid": True, "started_on": "2026-03-01"})
    assert note.stopped_on is None
    assert note.started_on == dt.date(2026, 3, 1)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (
            {
                "drug": "ibuprofen",
                "is_nsaid": True,
                "started_on": "2026-03-05",
                "stopped_on": "2026-03-04",
            },
            "stopped_on",
        ),
        ({"drug": "", "is_nsaid": True, "started_on": "2026-03-05"}, "drug"),
        ({"drug": "ibuprofen", "is_nsaid": "no", "started_on": "2026-03-05"}, "is_nsaid"),
        ({"drug": "ibuprofen", "is_nsaid": True}, "started_on"),
        ("ibuprofen", "medication"),
    ],
)
def test_bad_medication_names_the_field(data: object, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_medication(data)
    assert caught.value.field == field


def test_medication_stopped_on_the_day_it_started_is_allowed() -> None:
    note = parse_medication(
        {
            "drug": "naproxen",
            "is_nsaid": True,
            "started_on": "2026-03-05",
            "stopped_on": "2026-03-05",
        }
    )
    assert note.stopped_on == note.started_on
