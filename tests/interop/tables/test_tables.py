"""The export building blocks: column shapes, the de-identified value check, merging streams."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from regenspine.interop.release import ExportContext
from regenspine.interop.tables.csv_export import csv_value
from regenspine.interop.tables.redcap_records import redcap_value
from regenspine.interop.tables.tidy import Column, conform, pair_up

REGION = Column("region", "category", "Region.", ("lumbar", "cervical"))
FLAGS = Column("red_flags", "categories", "Red flags.", ("saddle_anesthesia", "major_trauma"))
ICD10 = Column("diagnosis_code", "code", "ICD-10.", pattern=r"[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?")


@pytest.mark.parametrize(
    ("column", "value", "kept"),
    [
        (REGION, "lumbar", "lumbar"),
        (REGION, "Call Jane Roe at 555-0100", None),
        (FLAGS, ["major_trauma", "Jane Roe"], ["major_trauma"]),
        (FLAGS, "major_trauma", None),
        (ICD10, "M48.062", "M48.062"),
        (ICD10, "M48.062 Jane Roe", None),
        (Column("n", "integer", "N."), 3, 3),
        (Column("n", "integer", "N."), True, None),
        (Column("n", "integer", "N."), "3", None),
        (Column("x", "number", "X."), 2.5, 2.5),
        (Column("b", "boolean", "B."), "yes", None),
        (Column("b", "boolean", "B."), False, False),
        (Column("age", "age", "Age."), "90+", "90+"),
        (Column("age", "age", "Age."), "91", "91"),  # the producer caps; the shape is two digits
        (Column("age", "age", "Age."), "101", None),
        (Column("patient_key", "key", "Key."), "RS-7F3K9Q2M", "RS-7F3K9Q2M"),
        (Column("patient_key", "key", "Key."), "Jane Roe", None),
        (Column("note", "notes", "Note."), "anything", None),
        (Column("day", "date", "Day."), date(2026, 3, 2), None),
        (Column("title", "label", "Title."), "Processing time", "Processing time"),
        (REGION, None, None),
    ],
)
def test_de_identified_values_must_fit_their_column(
    column: Column, value: object, kept: object
) -> None:
    assert conform(column, value) == kept


def test_columns_belong_to_identified_or_de_identified_exports() -> None:
    both = Column("a", "integer", "A.")
    only_identified = Column("b", "date", "B.", privacy="identified")
    only_deidentified = Column("c", "age", "C.", privacy="deidentified")
    assert [both.shown(True), both.shown(False)] == [True, True]
    assert [only_identified.shown(True), only_identified.shown(False)] == [True, False]
    assert [only_deidentified.shown(True), only_deidentified.shown(False)] == [False, True]


@pytest.mark.parametrize(
    ("column", "text"),
    [
        (REGION, "lumbar; cervical"),
        (FLAGS, "any of saddle_anesthesia; major_trauma (joined with ;)"),
        (Column("g", "integer", "G.", minimum=1, maximum=5), "1 to 5"),
        (Column("v", "number", "V.", minimum=0), "0 or more"),
        (Column("b", "boolean", "B."), "true; false"),
        (Column("d", "date", "D."), "YYYY-MM-DD"),
        (ICD10, r"pattern [A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?"),
    ],
)
def test_allowed_values_are_described(column: Column, text: str) -> None:
    assert column.allowed_text() == text


def test_ages_are_capped_only_in_de_identified_exports() -> None:
    born = date(1935, 1, 15)
    assert (
        ExportContext(identified=True, as_of=date(2026, 11, 21)).age(born, date(2026, 8, 10)) == 91
    )
    assert (
        ExportContext(identified=False, as_of=date(2026, 11, 21)).age(born, date(2026, 8, 10))
        == "90+"
    )
    assert ExportContext(identified=False, as_of=date(2026, 11, 21)).age(born, None) is None
    assert (
        ExportContext(identified=False, as_of=date(2026, 1, 1)).day(
            date(2026, 3, 2), date(2026, 2, 20)
        )
        == -10
    )


def test_streams_pair_up_by_key_and_skip_orphans() -> None:
    parents = [1, 2, 4]
    children = [(1, "a"), (1, "b"), (3, "orphan"), (4, "c")]
    paired = list(pair_up(parents, children, lambda p: p, lambda c: c[0]))
    assert paired == [(1, [(1, "a"), (1, "b")]), (2, []), (4, [(4, "c")])]
    assert list(pair_up([1], [], lambda p: p, lambda c: c)) == [(1, [])]


@pytest.mark.parametrize(
    ("value", "csv_text", "redcap_text"),
    [
        (None, "", ""),
        (True, "true", "1"),
        (False, "false", "0"),
        (date(2026, 3, 2), "2026-03-02", "2026-03-02"),
        (datetime(2026, 3, 2, 9, 45), "2026-03-02 09:45:00", "2026-03-02 09:45:00"),
        (60.0, "60", "60"),
        (92.5, "92.5", "92.5"),
        (["epidural", "facet"], "epidural;facet", "epidural;facet"),
    ],
)
def test_values_are_written_as_each_format_reads_them(
    value: object, csv_text: str, redcap_text: str
) -> None:
    assert csv_value(value) == csv_text
    assert redcap_value(value) == redcap_text
