"""What every research export shares: who may make it, the folder it lands in whole or not at
all, the note that travels with it, and the audit event that records it."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import Connection, Integer, func, select
from sqlalchemy.orm import Session

from regenspine.errors import InvalidInput
from regenspine.interop.deidentify import age_on, days_from, reported_age
from regenspine.knowledge import load_knowledge
from regenspine.registry.access import Permission, allows, require, roles_allowed
from regenspine.registry.models import Patient, User
from regenspine.registry.services.audit import record_audit

ABOUT_FILE = "about.txt"
EMPTY_FOLDER = "a new or empty folder"


@dataclass(frozen=True)
class ExportContext:
    """How one export runs: identified or not, and the day it is made (for the age-90 rule)."""

    identified: bool
    as_of: date

    def day(self, index: date | None, day: date | None) -> int | None:
        """A date as days from the episode's index procedure (None without one)."""
        return days_from(index, day)

    def age(self, birth_date: date | None, day: date | None) -> int | str | None:
        """Age on a day: whole years when identified, else capped at the 90+ category."""
        if birth_date is None or day is None:
            return None
        return age_on(birth_date, day) if self.identified else reported_age(birth_date, day)


@dataclass(frozen=True)
class RegistryCounts:
    """How many patients an export covers and how many of them are synthetic."""

    patients: int
    synthetic: int


@dataclass
class ExportSummary:
    """What one export wrote: its format, whether de-identified, and rows per file."""

    format: str
    deidentified: bool
    as_of: date
    counts: RegistryCounts
    files: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready description (the CLI's --json output and the audit details)."""
        return {
            "format": self.format,
            "deidentified": self.deidentified,
            "as_of": self.as_of.isoformat(),
            "patients": self.counts.patients,
            "synthetic_patients": self.counts.synthetic,
            "synthetic": self.counts.synthetic > 0,
            "files": dict(self.files),
        }


def check_export_rights(actor: User, deidentified: bool) -> None:
    """Refuse an export the actor's role does not allow; researchers get de-identified only."""
    require(actor, Permission.read_deidentified)
    if not deidentified and not allows(actor, Permission.export_identified):
        raise InvalidInput(
            "deidentified",
            f"role {actor.role} may export de-identified data only (identified exports: "
            f"{', '.join(roles_allowed(Permission.export_identified))}); ask for a "
            "de-identified export",
            ["true"],
        )


Progress = Callable[[str], None]


def start_export(
    session: Session,
    actor: User,
    kind: str,
    *,
    deidentified: bool,
    as_of: date,
    progress: Progress | None,
) -> tuple[Connection, ExportContext, ExportSummary, Progress]:
    """Check the right to export, then the connection, context, summary and progress step."""
    check_export_rights(actor, deidentified)
    connection = session.connection()
    context = ExportContext(identified=not deidentified, as_of=as_of)
    summary = ExportSummary(kind, deidentified, as_of, registry_counts(connection))
    return connection, context, summary, progress or (lambda _name: None)


def registry_counts(connection: Connection) -> RegistryCounts:
    """Count the patients, and the synthetic ones among them."""
    total, synthetic = connection.execute(
        select(func.count(), func.coalesce(func.sum(Patient.synthetic.cast(Integer)), 0))
    ).one()
    return RegistryCounts(patients=int(total), synthetic=int(synthetic))


@contextmanager
def staged_folder(target: Path, option: str) -> Iterator[Path]:
    """A private scratch folder beside `target`, renamed onto it when the block succeeds and
    removed when it fails, so an export is never left half-written."""
    target = target.expanduser()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InvalidInput(option, f"{target} exists and is not an empty folder", EMPTY_FOLDER)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(
            tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
        )
    except OSError as error:
        raise InvalidInput(
            option, f"cannot write {target} ({error.strerror})", EMPTY_FOLDER
        ) from None
    try:
        yield staging
        if target.exists():
            target.rmdir()
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def record_export(session: Session, actor: User, summary: ExportSummary, reason: str) -> None:
    """Add the audit event of an export to the current transaction."""
    record_audit(session, actor, "export", "registry", summary.format, reason, summary.as_dict())


def about_text(summary: ExportSummary, title: str, files: list[tuple[str, str]]) -> str:
    """The note that travels with an export: what it holds, de-identified or not, synthetic or
    not, and the caveat that registry data are observational."""
    knowledge = load_knowledge()
    counts = summary.counts
    lines = [
        title,
        f"Made on {summary.as_of.isoformat()} from {counts.patients} registry patients.",
        "",
        *(_deidentified_note() if summary.deidentified else _identified_note()),
        "",
        *_synthetic_note(counts, knowledge.text("synthetic_data")),
        "",
        "Registry data are observational. "
        + " ".join(knowledge.text("registry_observational").split()),
        "Sources: " + ", ".join(knowledge.text("registry_observational_sources").split()) + ".",
        "",
        "Files:",
        *(f"- {name}: {description}" for name, description in files),
        "",
        " ".join(knowledge.text("disclaimer").split()),
    ]
    return "\n".join(lines) + "\n"


def _deidentified_note() -> list[str]:
    return [
        "DE-IDENTIFIED under the HIPAA Safe Harbor method (45 CFR 164.514(b)(2)):",
        "- no names, e-mail addresses, telephone numbers, medical record numbers, lot or device",
        "  numbers, or names of the staff who treated the patient;",
        "- ZIP codes cut to three digits, and 000 for three-digit areas of 20,000 people or fewer;",
        "- no dates: every date is given as days from the episode's index (first) procedure, and",
        "  only years are kept;",
        "- ages over 89 are one category, 90+, and such a person's birth year is left out;",
        "- no free text (notes, descriptions, consent form versions, check messages), and values",
        "  that do not fit their column's vocabulary or pattern are left empty;",
        "- the patient key is the registry's random key, derived from nothing about the person.",
    ]


def _identified_note() -> list[str]:
    return [
        "IDENTIFIED: this export holds names, dates of birth, contact details, medical record",
        "numbers and exact dates. It is protected health information: store and share it only",
        "as your privacy rules allow.",
    ]


def _synthetic_note(counts: RegistryCounts, banner: str) -> list[str]:
    if counts.synthetic == 0:
        return ["No patient in this export is flagged synthetic."]
    return [
        "SYNTHETIC DATA. " + " ".join(banner.split()),
        f"{counts.synthetic} of {counts.patients} patients are synthetic, marked so in the "
        "synthetic column (in REDCap, the registration form's synthetic field). Never present "
        "their rows as evidence.",
    ]
