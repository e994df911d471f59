"""The remembering validator accepts exactly what fhir.resources accepts, and says where."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from regenspine.interop.fhir.validation import ResourceValidator

TAG = {"system": "https://regenspine.example/fhir/CodeSystem/record-tag", "code": "synthetic"}
OBSERVATION: dict[str, Any] = {
    "resourceType": "Observation",
    "id": "score-1",
    "meta": {"tag": [TAG]},
    "status": "final",
    "category": [
        {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                    "code": "survey",
                }
            ]
        }
    ],
    "code": {"coding": [{"system": "http://loinc.org", "code": "72514-3"}]},
    "subject": {"reference": "Patient/RS-CC8T5E6C"},
    "effectiveDateTime": "2025-01-09",
    "valueQuantity": {"value": 6.0, "unit": "score", "system": "http://unitsofmeasure.org"},
    "derivedFrom": [{"reference": "QuestionnaireResponse/answers-1"}],
}
RESPONSE: dict[str, Any] = {
    "resourceType": "QuestionnaireResponse",
    "id": "answers-1",
    "meta": {"tag": [TAG]},
    "questionnaire": "https://regenspine.example/fhir/Questionnaire/odi",
    "status": "completed",
    "subject": {"reference": "Patient/RS-CC8T5E6C"},
    "_authored": {
        "extension": [
            {"url": "https://regenspine.example/fhir/StructureDefinition/days-from-index",
             "valueInteger": -14}
        ]
    },
    "item": [
        {"linkId": "1", "answer": [{"valueInteger": 2}]},
        {"linkId": "2", "answer": [{"valueInteger": 5}]},
    ],
}  # fmt: skip
SAMPLES = (OBSERVATION, RESPONSE)
JUNK = (None, "", " padded", "a date? no", -3, 1.5, True, {}, [], {"unexpected": 1}, "2025-13-45")


def plain_accepts(resource: dict[str, Any]) -> bool:
    """What fhir.resources itself says of the resource."""
    try:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    except ValidationError:
        return False
    return True


def ours_accepts(validator: ResourceValidator, resource: dict[str, Any]) -> bool:
    """What the remembering validator says of it."""
    try:
        validator.validate(resource)
    except ValidationError:
        return False
    return True


def leaf_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a resource that holds a value (not resourceType, which picks the model)."""
    if isinstance(value, dict):
        return [
            found
            for key, inner in value.items()
            if key != "resourceType"
            for found in [(*path, key), *leaf_paths(inner, (*path, key))]
        ]
    if isinstance(value, list):
        return [
            found
            for index, inner in enumerate(value)
            for found in [(*path, index), *leaf_paths(inner, (*path, index))]
        ]
    return []


def replaced(resource: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    """A deep copy of the resource with the value at `path` replaced."""
    changed = copy.deepcopy(resource)
    target: Any = changed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return changed


def test_valid_samples_pass_and_repeat_from_memory() -> None:
    validator = ResourceValidator()
    for resource in SAMPLES:
        assert plain_accepts(resource)
        validator.validate(resource)
    remembered = len(validator._known)
    assert remembered > 0
    second = replaced(OBSERVATION, ("id",), "score-2")
    validator.validate(second)
    assert len(validator._known) == remembered  # nothing new but the top level


def test_a_bad_element_is_refused_even_after_a_good_one_of_the_same_type() -> None:
    validator = ResourceValidator()
    validator.validate(OBSERVATION)
    bad = replaced(OBSERVATION, ("code", "coding", 0, "code"), " 72514-3")
    with pytest.raises(ValidationError) as refused:
        validator.validate(bad)
    locations = [error["loc"] for error in refused.value.errors()]
    # The error names its place in the whole resource, as fhir.resources does.
    assert ("code", "coding", 0, "code") in locations


def test_an_unknown_key_inside_a_remembered_element_is_refused() -> None:
    validator = ResourceValidator()
    validator.validate(RESPONSE)
    bad = replaced(RESPONSE, ("item", 1, "answer", 0), {"valueInteger": 5, "score": 5})
    with pytest.raises(ValidationError) as refused:
        validator.validate(bad)
    assert any("score" in map(str, error["loc"]) for error in refused.value.errors())


def test_memory_is_bounded() -> None:
    validator = ResourceValidator(capacity=10)
    for number in range(50):
        validator.validate(replaced(OBSERVATION, ("subject", "reference"), f"Patient/P{number}"))
        assert len(validator._known) <= 10


@settings(max_examples=300, deadline=None)
@given(
    sample=st.sampled_from(SAMPLES),
    choice=st.integers(min_value=0, max_value=10_000),
    junk=st.sampled_from(JUNK),
)
def test_accepts_exactly_what_fhir_resources_accepts(sample: Any, choice: int, junk: Any) -> None:
    validator = ResourceValidator()
    validator.validate(sample)  # remember the good elements first
    paths = leaf_paths(sample)
    mutated = replaced(sample, paths[choice % len(paths)], junk)
    assert ours_accepts(validator, mutated) == plain_accepts(mutated)
