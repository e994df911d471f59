"""The instrument data files: schema checks and source ids that resolve."""

from __future__ import annotations

import pytest

from regenspine.instruments import SCORERS, instruments
from regenspine.instruments.catalogue import (
    AnswerScale,
    Banding,
    Instrument,
    _known_source_ids,
    load_instruments,
)


def test_every_scorer_has_data_and_every_data_entry_a_scorer() -> None:
    assert set(load_instruments()) == set(SCORERS)


def test_every_cited_source_resolves_and_thresholds_carry_sources() -> None:
    known = _known_source_ids()
    for data in instruments():
        assert set(data.cited_sources()) <= known, data.id
        assert all(change.sources for change in data.minimal_important_change)


def test_instruments_without_a_threshold_say_so() -> None:
    for data in instruments():
        assert data.minimal_important_change or data.unknowns, data.id


def test_answer_scale_rejects_restricted_values_outside_its_range() -> None:
    with pytest.raises(ValueError, match="outside"):
        AnswerScale(minimum=1, maximum=5, only=(1, 3, 7))


def test_bands_must_ascend() -> None:
    with pytest.raises(ValueError, match="strictly increase"):
        Banding.model_validate(
            {
                "rule": "a rule of ten+",
                "bands": [{"label": "a", "upper": 5}, {"label": "b", "upper": 2}],
                "sources": ["x"],
            }
        )


def test_items_must_be_numbered_in_order() -> None:
    raw = load_instruments()["odi"].model_dump()
    items = list(raw["items"])
    raw["items"] = [items[1], items[0], *items[2:]]
    with pytest.raises(ValueError, match="numbered"):
        Instrument.model_validate(raw)
