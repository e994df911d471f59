"""HIPAA Safe Harbor de-identification (45 CFR 164.514(b)(2)) for every research export.

What each of the 18 identifier types becomes in a de-identified export:
- names, phone and fax numbers, e-mail addresses, SSNs, MRNs, health-plan and account numbers,
  certificate, licence, vehicle and device numbers, URLs, IP addresses, biometrics, photos: dropped
  (the registry stores only name, e-mail, phone and MRN of these, in `patient_identity`);
- geography smaller than a state: only the first three ZIP digits, and 000 for the restricted
  three-digit areas of 20,000 people or fewer;
- every date element except the year: replaced by days from the index procedure;
- ages over 89 (and the birth year that would reveal one): one category, 90 or older;
- free text, which may hold any of the above: dropped;
- the registry key stays: it is random, not derived from anything about the person (164.514(c)).
"""

from __future__ import annotations

from datetime import date

# HHS's list of three-digit ZIP areas with 20,000 people or fewer (2000 Census), from the HHS OCR
# "Guidance Regarding Methods for De-identification of PHI" (2012), section 3.3.
RESTRICTED_ZIP3 = frozenset(
    {
        "036", "059", "063", "102", "203", "556", "692", "790", "821",
        "823", "830", "831", "878", "879", "884", "890", "893",
    }
)  # fmt: skip
OLDEST_REPORTED_AGE = 89
AGGREGATED_AGE = "90+"
IDENTIFYING_COLUMNS = ("name", "birth_date", "zip", "email", "phone", "mrn")


def zip3(zip_code: str | None) -> str | None:
    """The first three ZIP digits, or 000 where that area is too small to publish."""
    if not zip_code or len(zip_code) < 3 or not zip_code[:3].isdigit():
        return None
    prefix = zip_code[:3]
    return "000" if prefix in RESTRICTED_ZIP3 else prefix


def age_on(birth_date: date, day: date) -> int:
    """Whole years of age on a day."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - int(before_birthday)


def reported_age(birth_date: date, day: date) -> str:
    """Age as it may be published: the number up to 89, then one category, 90+."""
    age = age_on(birth_date, day)
    return AGGREGATED_AGE if age > OLDEST_REPORTED_AGE else str(age)


def reported_birth_year(birth_date: date, day: date) -> int | None:
    """The birth year, unless it would reveal an age over 89."""
    return None if age_on(birth_date, day) > OLDEST_REPORTED_AGE else birth_date.year


def days_from(index: date | None, day: date | None) -> int | None:
    """A date as days after (or, negative, before) the index procedure."""
    if index is None or day is None:
        return None
    return (day - index).days
