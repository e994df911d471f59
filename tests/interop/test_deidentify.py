"""Safe Harbor rules: ZIP3 and the restricted areas, ages over 89, dates as day offsets."""

from __future__ import annotations

from datetime import date

import pytest

from regenspine.interop.deidentify import (
    RESTRICTED_ZIP3,
    days_from,
    reported_age,
    reported_birth_year,
    zip3,
)


@pytest.mark.parametrize(
    ("zip_code", "expected"),
    [("02139", "021"), ("03601", "000"), ("89012-1234", "000"), ("10001", "100"), (None, None),
     ("", None), ("ab123", None)],
)  # fmt: skip
def test_zip_codes_keep_three_digits_unless_the_area_is_small(
    zip_code: str | None, expected: str | None
) -> None:
    assert zip3(zip_code) == expected


def test_the_restricted_list_has_the_seventeen_hhs_areas() -> None:
    assert len(RESTRICTED_ZIP3) == 17
    assert {"036", "890", "893"} <= RESTRICTED_ZIP3


@pytest.mark.parametrize(
    ("born", "on", "age", "year"),
    [
        (date(1936, 6, 2), date(2026, 6, 1), "89", 1936),  # the day before the 90th birthday
        (date(1936, 6, 2), date(2026, 6, 2), "90+", None),
        (date(1930, 1, 1), date(2026, 1, 1), "90+", None),
        (date(2000, 2, 29), date(2026, 2, 28), "25", 2000),
    ],
)
def test_ages_over_89_become_one_category(born: date, on: date, age: str, year: int | None) -> None:
    assert reported_age(born, on) == age
    assert reported_birth_year(born, on) == year


def test_dates_become_days_from_the_index_procedure() -> None:
    index = date(2026, 3, 2)
    assert days_from(index, date(2026, 3, 16)) == 14
    assert days_from(index, date(2026, 2, 20)) == -10
    assert days_from(None, date(2026, 2, 20)) is None
