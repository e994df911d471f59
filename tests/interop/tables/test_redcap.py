"""`regenspine export redcap`: the files load by REDCap's documented formats.

The documented sets below are REDCap's data dictionary field types and text validation types
(as listed in REDCap's data dictionary documentation and reproduced by its client libraries).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tests.factories.cli import Clinic, error_line
from tests.factories.exports import (
    fill_course,
    header,
    plant_identifiers,
    read_rows,
    run_export,
)

from regenspine.care.schedule import TIMEPOINT_IDS
from regenspine.instruments import SCORERS, instruments
from regenspine.interop.tables.redcap_layout import DICTIONARY_HEADER

FIELD_TYPES = {
    "text", "notes", "dropdown", "radio", "checkbox", "yesno", "truefalse", "calc", "file",
    "slider", "descriptive", "sql",
}  # fmt: skip
VALIDATION_TYPES = {
    "date_dmy", "date_mdy", "date_ymd", "datetime_dmy", "datetime_mdy", "datetime_ymd",
    "datetime_seconds_dmy", "datetime_seconds_mdy", "datetime_seconds_ymd", "email", "integer",
    "alpha_only", "number", "number_1dp", "number_2dp", "number_3dp", "number_4dp", "phone",
    "time", "time_mm_ss", "zipcode", "ssn", "mrn", "signature",
}  # fmt: skip
CHOICE_TYPES = {"radio", "dropdown", "checkbox"}
SYSTEM_COLUMNS = ("record_id", "redcap_event_name", "redcap_repeat_instrument")
REPEATING = {"screening", "procedure", "adverse_events", "later_treatments"}
NAME = re.compile(r"[a-z][a-z0-9_]*")
CHOICE = re.compile(r"([A-Za-z0-9_]+), (.+)")


def export(clinic: Clinic, *options: str, user: str = "admin") -> Path:
    """Run a REDCap export that must succeed; returns its folder."""
    fill_course(clinic)
    plant_identifiers(clinic.registry)
    out = clinic.folder / "redcap"
    result = run_export("redcap", "--out", str(out), "--user", user, *options)
    assert result.exit_code == 0, result.stderr
    return out


def choices(text: str) -> list[tuple[str, str]]:
    """Parse `code, label | code, label`; fail on anything else."""
    parsed = []
    for part in text.split(" | "):
        match = CHOICE.fullmatch(part)
        assert match, f"bad choice {part!r} in {text!r}"
        parsed.append((match[1], match[2]))
    return parsed


@pytest.fixture(params=[(), ("--deidentified",)], ids=["identified", "deidentified"])
def redcap(clinic: Clinic, request: pytest.FixtureRequest) -> Path:
    """A REDCap export of the clinic, identified and de-identified."""
    return export(clinic, *request.param)


def test_dictionary_has_the_18_documented_columns_and_valid_fields(redcap: Path) -> None:
    assert tuple(header(redcap / "data_dictionary.csv")) == DICTIONARY_HEADER
    assert len(DICTIONARY_HEADER) == 18
    fields = read_rows(redcap / "data_dictionary.csv")
    assert fields[0]["Variable / Field Name"] == "record_id"
    names = [field["Variable / Field Name"] for field in fields]
    assert len(names) == len(set(names))
    for field in fields:
        name, kind = field["Variable / Field Name"], field["Field Type"]
        assert NAME.fullmatch(name), name
        assert len(name) <= 26, name  # REDCap's recommended limit for variable names
        assert NAME.fullmatch(field["Form Name"]), field["Form Name"]
        assert kind in FIELD_TYPES, (name, kind)
        assert field["Field Label"], name
        validation = field["Text Validation Type OR Show Slider Number"]
        assert validation in VALIDATION_TYPES | {""}, (name, validation)
        if validation:
            assert kind == "text", name
        assert field["Identifier?"] in ("", "y"), name
        if kind in CHOICE_TYPES:
            assert choices(field["Choices, Calculations, OR Slider Labels"]), name
        else:
            assert field["Choices, Calculations, OR Slider Labels"] == "", name
    used = {field["Field Type"] for field in fields}
    assert {"text", "radio", "dropdown", "checkbox", "yesno", "descriptive"} <= used


def test_each_form_is_contiguous_and_every_prom_has_a_form(redcap: Path) -> None:
    forms = [field["Form Name"] for field in read_rows(redcap / "data_dictionary.csv")]
    runs = [form for index, form in enumerate(forms) if index == 0 or forms[index - 1] != form]
    assert len(runs) == len(set(runs))
    assert runs[:3] == ["registration", "screening", "procedure"]
    assert set(SCORERS) <= set(runs)
    assert runs[-2:] == ["adverse_events", "later_treatments"]


def test_prom_items_take_the_catalogue_choices(redcap: Path) -> None:
    fields = {
        row["Variable / Field Name"]: row for row in read_rows(redcap / "data_dictionary.csv")
    }
    odi_1 = fields["odi_1"]
    assert odi_1["Field Type"] == "radio"
    assert choices(odi_1["Choices, Calculations, OR Slider Labels"]) == [
        ("0", "least limitation"), ("1", "1"), ("2", "2"), ("3", "3"), ("4", "4"),
        ("5", "most limitation"),
    ]  # fmt: skip
    zcq_7 = choices(fields["zcq_7"]["Choices, Calculations, OR Slider Labels"])
    assert [code for code, _label in zcq_7] == ["1", "3", "5"]
    walking = fields["walking_minutes_1"]
    assert (walking["Field Type"], walking["Text Validation Type OR Show Slider Number"]) == (
        "text", "integer"
    )  # fmt: skip
    assert (walking["Text Validation Min"], walking["Text Validation Max"]) == ("0", "600")
    zcq = [name for name in fields if name.startswith("zcq_") and not name[4:].isdigit()]
    assert {"zcq_symptom_severity", "zcq_physical_function", "zcq_satisfaction"} <= set(zcq)
    assert "zcq_score" not in fields
    for data in instruments():
        assert fields[f"{data.id}_about"]["Field Type"] == "descriptive"
        assert len([n for n in fields if re.fullmatch(rf"{data.id}_\d+", n)]) == len(data.items)


def test_identifiers_are_flagged_and_absent_when_de_identified(clinic: Clinic) -> None:
    out = export(clinic)
    flagged = {
        row["Variable / Field Name"]
        for row in read_rows(out / "data_dictionary.csv")
        if row["Identifier?"] == "y"
    }
    assert {"name", "birth_date", "zip", "email", "phone", "mrn", "proc_operator"} <= flagged
    assert {"proc_lot_number", "proc_device", "ae_description", "episode_note"} <= flagged
    plain = clinic.folder / "plain"
    result = run_export("redcap", "--out", str(plain), "--deidentified", "--user", "researcher")
    assert result.exit_code == 0, result.stderr
    fields = read_rows(plain / "data_dictionary.csv")
    assert not flagged & {row["Variable / Field Name"] for row in fields}
    assert all(row["Identifier?"] == "" for row in fields)
    assert not [
        row for row in fields if "date" in row["Text Validation Type OR Show Slider Number"]
    ]


def test_every_records_column_is_in_the_dictionary(redcap: Path) -> None:
    fields = {
        row["Variable / Field Name"]: row for row in read_rows(redcap / "data_dictionary.csv")
    }
    columns = header(redcap / "records.csv")
    assert tuple(columns[:4]) == (*SYSTEM_COLUMNS, "redcap_repeat_instance")
    for column in columns[4:]:
        name, _, code = column.partition("___")
        assert name in fields, column
        field = fields[name]
        assert field["Field Type"] != "descriptive"
        if code:
            assert field["Field Type"] == "checkbox", column
            codes = [c for c, _label in choices(field["Choices, Calculations, OR Slider Labels"])]
            assert code in codes, column


def test_records_follow_the_longitudinal_layout(redcap: Path) -> None:
    events = read_rows(redcap / "events.csv")
    assert header(redcap / "events.csv")[:3] == ["event_name", "arm_num", "unique_event_name"]
    unique = [event["unique_event_name"] for event in events]
    assert unique == [f"{t}_arm_1" for t in TIMEPOINT_IDS] + ["any_time_arm_1"]
    assert header(redcap / "instrument_event_mapping.csv") == [
        "arm_num",
        "unique_event_name",
        "form",
    ]
    mapped = {
        (m["unique_event_name"], m["form"])
        for m in read_rows(redcap / "instrument_event_mapping.csv")
    }
    fields = read_rows(redcap / "data_dictionary.csv")
    form_of = {row["Variable / Field Name"]: row["Form Name"] for row in fields}
    assert {form for _event, form in mapped} == set(form_of.values())
    repeating = read_rows(redcap / "repeating_instruments.csv")
    assert {row["form_name"] for row in repeating} == REPEATING
    records = read_rows(redcap / "records.csv")
    assert len({row["record_id"] for row in records}) == 2
    keys = [tuple(row[column] for column in header(redcap / "records.csv")[:4]) for row in records]
    assert len(keys) == len(set(keys))  # one row per record, event and repeat instance
    for row in records:
        event, form = row["redcap_event_name"], row["redcap_repeat_instrument"]
        assert event in unique
        if form:
            assert form in REPEATING
            assert int(row["redcap_repeat_instance"]) >= 1
        else:
            assert row["redcap_repeat_instance"] == ""
        filled = {
            form_of[column.partition("___")[0]]
            for column, value in row.items()
            if value and column not in (*SYSTEM_COLUMNS, "redcap_repeat_instance")
        }
        assert {(event, used) for used in filled} <= mapped
        if form:
            assert filled <= {form}


def test_questionnaire_rows_carry_answers_and_scores(clinic: Clinic) -> None:
    out = export(clinic, "--deidentified", user="researcher")
    record = f"{clinic.patient}-1"
    rows = {
        r["redcap_event_name"]: r
        for r in read_rows(out / "records.csv")
        if r["record_id"] == record and not r["redcap_repeat_instrument"]
    }
    assert set(rows) == {"baseline_arm_1", "3m_arm_1"}
    baseline, month_3 = rows["baseline_arm_1"], rows["3m_arm_1"]
    assert (baseline["region"], baseline["age_at_index"], baseline["zip3"]) == (
        "lumbar",
        "68",
        "021",
    )
    assert (baseline["odi_days"], baseline["odi_1"], baseline["odi_8"], baseline["odi_score"]) == (
        "-10", "3", "", "51.1"
    )  # fmt: skip
    assert (month_3["odi_days"], month_3["odi_score"], month_3["zcq_symptom_severity"]) == (
        "92", "22.2", "1.86"
    )  # fmt: skip
    assert month_3["region"] == ""  # registration belongs to the baseline event only
    events = [
        r for r in read_rows(out / "records.csv")
        if r["record_id"] == record and r["redcap_repeat_instrument"] == "adverse_events"
    ]  # fmt: skip
    assert [(e["redcap_repeat_instance"], e["ae_days"], e["ae_serious"]) for e in events] == [
        ("1", "14", "1")
    ]
    assert events[0]["ae_criteria___hospitalization"] == "1"
    assert events[0]["ae_criteria___death"] == "0"


def test_researchers_need_deidentified_for_redcap_too(clinic: Clinic) -> None:
    out = clinic.folder / "redcap"
    line = error_line(run_export("redcap", "--out", str(out), "--user", "researcher"))
    assert line.startswith("error: --deidentified:")
    assert not out.exists()
