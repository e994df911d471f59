"""The procedure of a synthetic patient: harvest, processing, injection, medicines, checks.

Each procedure is built as the clinic's JSON would be, validated by `care.parse_procedure` and
checked by the real `care.check_procedure`; its checks are stored with it as the registry stores
them. Nothing generated is ever refused: injections are always image-guided and donor products
always carry a lot number and documented donor screening.

Numbers are THIS TOOL'S ASSUMPTION unless a comment names a source. Cell sources, targets and
guidance carry no built-in difference in outcome: synthetic data must not suggest one.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from regenspine.care import (
    CellSource,
    ImageGuidance,
    InjectionTarget,
    MedicationNote,
    ProcedureRecord,
    StenosisRegion,
    check_procedure,
    nsaid_window,
    parse_procedure,
)
from regenspine.registry.rows import (
    injection_target_columns,
    medication_columns,
    procedure_columns,
    protocol_check_columns,
)
from regenspine.synthetic.answers import Weighted
from regenspine.synthetic.rows import IdCounters, RowBatch, at_noon

# Keys typed by the care vocabularies, so a value the registry does not know fails type checking.
CELL_SOURCE_WEIGHTS: dict[CellSource, float] = {"bone_marrow": 60, "adipose": 25, "allogeneic": 15}
CELL_SOURCES = Weighted.by_weight(CELL_SOURCE_WEIGHTS)
LEVELS: dict[StenosisRegion, Weighted] = {
    "lumbar": Weighted.of(("L3-L4", "L4-L5", "L5-S1"), (15, 50, 35)),
    "cervical": Weighted.of(("C4-C5", "C5-C6", "C6-C7"), (20, 50, 30)),
}
TWO_LEVELS = 0.3
TARGET_SET_WEIGHTS: dict[tuple[InjectionTarget, ...], float] = {
    ("epidural",): 55,
    ("intradiscal",): 20,
    ("facet",): 15,
    ("epidural", "facet"): 10,
}
TARGET_SETS = Weighted.by_weight(TARGET_SET_WEIGHTS)
# Image guidance by the first target; never "none", which the protocol refuses.
GUIDANCE_WEIGHTS: dict[InjectionTarget, dict[ImageGuidance, float]] = {
    "epidural": {"fluoroscopy": 90, "ultrasound": 5, "ct": 5},
    "intradiscal": {"fluoroscopy": 75, "ct": 25},
    "facet": {"fluoroscopy": 60, "ultrasound": 40},
}
GUIDANCE = {target: Weighted.by_weight(weights) for target, weights in GUIDANCE_WEIGHTS.items()}
# Clinics describe processing of 30 to 60 minutes (care/protocol.yaml); some runs fall outside.
PROCESSING_INSIDE = 0.9
# Bone marrow concentrate contents: medians near the averages of Pettine's series (121 million
# nucleated cells, CFU-F 2,713 and CD34+ 1.82 million per mL; pettine-2016-bmc-two-year); the
# spread around them is assumed.
NUCLEATED_MEDIAN = 121e6
CFU_F_MEDIAN = 2713.0
CD34_MEDIAN = 1.82e6
COUNT_SPREAD = 0.5  # standard deviation of the log count
COUNTS_NOT_RECORDED = 0.05
# The two doses the phase 2 disc trial of donor precursor cells compared, 6 and 18 million
# (amirdelfan-2021-spine-j-phase2).
DONOR_DOSES = (6e6, 18e6)
DONOR_LOTS = 40
NSAID_USERS = 0.35
NSAID_IN_WINDOW = 0.15  # of NSAID users: still taking one inside the avoidance window
NSAIDS = ("ibuprofen", "naproxen", "diclofenac")
OPERATORS_PER_SITE = 3


@dataclass(frozen=True)
class SyntheticProcedure:
    """What later steps need to know about a stored synthetic procedure."""

    procedure_id: int
    performed_on: date
    cell_source: str
    targets: tuple[str, ...]


def add_procedure(
    rng: random.Random,
    ids: IdCounters,
    batch: RowBatch,
    *,
    episode_id: int,
    region: StenosisRegion,
    site: str,
    performed_on: date,
) -> SyntheticProcedure:
    """Queue medicines, one checked procedure, its targets and its protocol checks."""
    medications = _medications(rng, performed_on)
    record = parse_procedure(_procedure_document(rng, region, site, performed_on))
    return queue_procedure(ids, batch, record, medications, episode_id=episode_id)


def queue_procedure(
    ids: IdCounters,
    batch: RowBatch,
    record: ProcedureRecord,
    medications: list[MedicationNote],
    *,
    episode_id: int,
) -> SyntheticProcedure:
    """Queue the medicines and a procedure record with its targets and protocol checks."""
    for note in medications:
        columns = medication_columns(note, episode_id=episode_id)
        batch.add("medication_note", {"id": ids.take("medication_note"), **columns})
    report = check_procedure(record, medications)
    if report.refused:
        # A generator bug, not bad input: every generated procedure is meant to pass.
        raise RuntimeError(f"synthetic procedure refused at {report.refusals[0].field}")
    procedure_id = ids.take("procedure")
    batch.add(
        "procedure",
        {
            "id": procedure_id,
            "recorded_at": at_noon(record.performed_on),
            **procedure_columns(record, episode_id=episode_id),
        },
    )
    for columns in injection_target_columns(record):
        batch.add("injection_target", {"procedure_id": procedure_id, **columns})
    for columns in protocol_check_columns(report):
        batch.add("protocol_check", {"procedure_id": procedure_id, **columns})
    return SyntheticProcedure(
        procedure_id=procedure_id,
        performed_on=record.performed_on,
        cell_source=record.harvest.source,
        targets=tuple(record.injection.targets),
    )


def _medications(rng: random.Random, performed_on: date) -> list[MedicationNote]:
    """An NSAID for about a third of patients, stopped before the window by most of them."""
    if rng.random() >= NSAID_USERS:
        return []
    first_day, _end = nsaid_window(performed_on)
    started_on = first_day - timedelta(days=rng.randint(60, 400))
    if rng.random() < NSAID_IN_WINDOW:
        stopped_on = first_day + timedelta(days=rng.randint(0, 5))
    else:
        stopped_on = first_day - timedelta(days=rng.randint(1, 20))
    drug = rng.choice(NSAIDS)
    return [MedicationNote(drug=drug, is_nsaid=True, started_on=started_on, stopped_on=stopped_on)]


def _procedure_document(
    rng: random.Random, region: StenosisRegion, site: str, performed_on: date
) -> dict[str, Any]:
    """The procedure as a clinic's JSON record."""
    source = CELL_SOURCES.draw(rng)
    harvest = _harvest(rng, source)
    processing = None if source == "allogeneic" else _processing(rng, source, performed_on)
    return {
        "performed_on": performed_on,
        "harvest": harvest,
        "processing": processing,
        "injection": _injection(rng, region, site, harvest, processing),
    }


def _harvest(rng: random.Random, source: str) -> dict[str, Any]:
    if source == "allogeneic":
        return {
            "source": source,
            "product_name": "Synthetic donor cell product",
            "lot_number": f"SYN-LOT-{rng.randint(1, DONOR_LOTS):03d}",
            "donor_screening_documented": True,
        }
    bone_marrow = source == "bone_marrow"
    return {
        "source": source,
        "site": "posterior iliac crest" if bone_marrow else "abdomen",
        "volume_ml": float(
            rng.randrange(30, 130, 10) if bone_marrow else rng.randrange(50, 260, 10)
        ),
        "anaesthetic": "local anaesthetic",
    }


def _processing(rng: random.Random, source: str, performed_on: date) -> dict[str, Any]:
    if rng.random() < PROCESSING_INSIDE:
        minutes = rng.randint(30, 60)
    else:
        minutes = rng.choice((rng.randint(15, 29), rng.randint(61, 95)))
    started_at = datetime.combine(performed_on, time(rng.randint(8, 11), rng.randrange(0, 60, 5)))
    processing: dict[str, Any] = {
        "method": "centrifugation" if source == "bone_marrow" else "enzymatic digestion",
        "device": "Synthetic processing device",
        "started_at": started_at,
        "ended_at": started_at + timedelta(minutes=minutes),
        "viability_percent": float(rng.randint(85, 99)),
    }
    if source == "bone_marrow" and rng.random() >= COUNTS_NOT_RECORDED:
        processing["total_nucleated_cells_per_ml"] = _count(rng, NUCLEATED_MEDIAN)
        processing["cfu_f_per_ml"] = _count(rng, CFU_F_MEDIAN)
        processing["cd34_per_ml"] = _count(rng, CD34_MEDIAN)
    return processing


def _count(rng: random.Random, median: float) -> float:
    """A log-normal count rounded to three significant figures, as a lab report gives it."""
    value = median * math.exp(rng.gauss(0, COUNT_SPREAD))
    digits = 2 - math.floor(math.log10(value))
    return float(round(value, digits))


def _injection(
    rng: random.Random,
    region: StenosisRegion,
    site: str,
    harvest: dict[str, Any],
    processing: dict[str, Any] | None,
) -> dict[str, Any]:
    targets = TARGET_SETS.draw(rng)
    volume = round(rng.uniform(2.0, 10.0), 1)
    return {
        "region": region,
        "levels": _levels(rng, region),
        "targets": list(targets),
        "image_guidance": GUIDANCE[targets[0]].draw(rng),
        "volume_ml": volume,
        "cell_dose": _cell_dose(rng, harvest, processing, volume),
        "operator": f"Synthetic operator {site}-{rng.randint(1, OPERATORS_PER_SITE)}",
    }


def _levels(rng: random.Random, region: StenosisRegion) -> list[str]:
    weighted = LEVELS[region]
    levels = weighted.options
    first = weighted.draw(rng)
    if rng.random() >= TWO_LEVELS:
        return [first]
    index = levels.index(first)
    neighbour = levels[index + 1] if index + 1 < len(levels) else levels[index - 1]
    return sorted((first, neighbour), key=levels.index)


def _cell_dose(
    rng: random.Random,
    harvest: dict[str, Any],
    processing: dict[str, Any] | None,
    volume: float,
) -> float | None:
    if harvest["source"] == "allogeneic":
        return rng.choice(DONOR_DOSES)
    per_ml = (processing or {}).get("total_nucleated_cells_per_ml")
    return None if per_ml is None else float(round(per_ml * volume, -6))
