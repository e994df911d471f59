"""Words the pages use for the knowledge base's closed vocabularies (never clinical claims)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from regenspine.decision_aid.evidence_terms import CERTAINTY_LABELS as CERTAINTY_LABELS
from regenspine.decision_aid.evidence_terms import REGION_WORDS, Region
from regenspine.decision_aid.evidence_terms import certainty_label as certainty_label
from regenspine.decision_aid.values import load_values_catalogue
from regenspine.knowledge import EvidenceLevel

EVIDENCE_LABELS: dict[EvidenceLevel, str] = {
    EvidenceLevel.regulatory: "Regulator",
    EvidenceLevel.guideline: "Clinical guideline",
    EvidenceLevel.systematic_review: "Systematic review",
    EvidenceLevel.rct: "Randomised trial",
    EvidenceLevel.observational: "Observational study",
    EvidenceLevel.expert_opinion: "Expert opinion or patient education",
    EvidenceLevel.marketing_claim: "Marketing claim",
}

SOURCE_KIND_LABELS: dict[str, str] = {
    "seed": "source text",
    "publication": "publication",
    "regulator": "regulator",
    "guideline": "guideline",
    "web": "web page",
    "marketing": "marketing",
    "court": "court record",
}


@dataclass(frozen=True)
class Choice:
    """One answer a question offers: the value the rules read and its words on the form."""

    value: str
    label: str
    hint_fact: str | None = None


def choices_of(
    values: Iterable[str], labels: Mapping[str, str], hints: Mapping[str, str] | None = None
) -> tuple[Choice, ...]:
    """The choices of a closed vocabulary in its own order; a value without words is an error."""
    missing = [value for value in values if value not in labels]
    extra = sorted(set(labels) - set(values))
    if missing or extra:
        raise ValueError(f"labels do not match the vocabulary: missing {missing}, unknown {extra}")
    return tuple(Choice(value, labels[value], (hints or {}).get(value)) for value in values)


def evidence_label(level: str) -> str:
    """The evidence level in words, e.g. `rct` -> "Randomised trial"."""
    return EVIDENCE_LABELS[EvidenceLevel(level)]


def words(identifier: str) -> str:
    """An identifier as words with a capital: `surgical_evaluation` -> "Surgical evaluation"."""
    text = identifier.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


BASIS_LABELS: dict[str, str] = {
    "per_procedure": "one procedure",
    "mean_cost": "average hospital cost of one procedure",
    "mean_charge": "average hospital charge for one procedure",
    "package": "a package of several treatments",
    "booster": "an add-on repeat treatment",
    "component": "one part of the bill",
}


def basis_label(basis: str) -> str:
    """What a published amount is the price of, in words."""
    return BASIS_LABELS.get(basis, words(basis))


def region_words(region: object) -> str:
    """A stenosis region in everyday words (`lumbar` -> "the low back")."""
    return "the " + REGION_WORDS[Region(str(getattr(region, "value", region)))]


# Each public form question by its field name, in a few plain words for error messages.
QUESTION_NAMES: dict[str, str] = {
    "age": "Your age",
    "region": "Where the narrowing is",
    "severity": "How severe it is",
    "symptom_weeks": "How long you have had symptoms",
    "symptoms": "Your symptoms",
    "worsening_symptoms": "Symptoms that got worse",
    "red_flags": "Warning signs",
    "imaging.bony_compression_percent": "How much of the narrowing is bone",
    "conservative_care_weeks": "Weeks of conservative care",
    "contraindications": "What applies to you",
    "general_health": "Your general health",
    "country": "The country",
    "option": "The options",
    "travel_cost": "Travel cost",
    "companions": "People travelling with you",
    "nights": "Nights of stay",
    "nightly_cost": "Lodging cost per night",
    "procedures": "Number of procedures",
    "text": "The clinic's text",
    "q": "Your question",
    "question": "Your question",
    "procedure_date": "Day of the injection",
    "leaning": "Which option you lean toward",
    "profile": "Your answers from the symptom check",
    "values": "Your answers about what matters to you",
}


@cache
def question_names() -> dict[str, str]:
    """Every public question's plain name, the values questions' names included."""
    catalogue = load_values_catalogue()
    names = dict(QUESTION_NAMES)
    names.update({f"ratings.{item.id}": item.label for item in catalogue.items})
    names.update(
        {f"sure.{item.id}": f"The question “{item.question}”" for item in catalogue.sure.items}
    )
    return names
