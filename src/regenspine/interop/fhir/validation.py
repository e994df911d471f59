"""Validating FHIR resources with fhir.resources R4B models, each distinct element once.

fhir.resources validates every nested element (Coding, Reference, Extension, ...) by building
its model in Python, which costs far more than writing the resource. A registry's resources
repeat most of their elements: the same instrument code, record tag, category or answer value
appears in thousands of them. An element's validity depends only on its declared type and its
value, so `ResourceValidator` validates each distinct (type, value) once, keeps the validated
model, and hands it to the parent's model, which accepts an instance of the right class as it
is. Every resource is still validated whole by its own model: its own fields, its choice types
and required elements, and every element that was not seen before.

The memory is bounded (`capacity` elements; forgotten all at once when full), so it stays flat
however many resources pass. When anything fails, the plain model validates the original
resource again, so the error names its place in the resource and not in an element.
"""

from __future__ import annotations

import types
import typing
from functools import cache
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from regenspine.interop.fhir.mapping import Json

CAPACITY = 5_000


@cache
def resource_model(resource_type: str) -> Any:
    """The fhir.resources R4B model class of a resource type."""
    return get_fhir_model_class(resource_type)


@cache
def _element_types(model: Any) -> dict[str, Any]:
    """Each field's JSON name mapped to its complex element's model class (None: primitive)."""
    found = {}
    for name, field in model.model_fields.items():
        found[field.alias or name] = _complex_class(field.annotation)
    return found


def _complex_class(annotation: Any) -> Any:
    """The model class behind `X`, `X | None` or `list[X] | None`, when X is a complex type."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType, list):
        for argument in typing.get_args(annotation):
            found = _complex_class(argument)
            if found is not None:
                return found
        return None
    klass = getattr(annotation, "get_model_klass", None)
    return klass() if klass is not None else None


class ResourceValidator:
    """Validates whole resources; distinct elements are validated once and remembered."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self.capacity = capacity
        self._known: dict[tuple[Any, str], Any] = {}

    def validate(self, resource: Json) -> None:
        """Raise pydantic.ValidationError unless `resource` is valid for its R4B model."""
        model = resource_model(resource["resourceType"])
        try:
            model.model_validate(self._prepared(model, resource))
        except Exception:
            # The plain model decides, and its error names the place in the whole resource
            # (an error from a remembered element would name the element alone).
            model.model_validate(resource)

    def _prepared(self, model: Any, data: Json) -> Json:
        """`data` with its complex elements replaced by their validated models."""
        element_types = _element_types(model)
        prepared = {}
        for key, value in data.items():
            element = element_types.get(key)
            if element is None:
                prepared[key] = value
            elif isinstance(value, list):
                prepared[key] = [self._element(element, item) for item in value]
            else:
                prepared[key] = self._element(element, value)
        return prepared

    def _element(self, model: Any, value: Any) -> Any:
        if not isinstance(value, dict):
            return value  # the parent's validation refuses it with its place
        key = (model, repr(value))
        known = self._known.get(key)
        if known is None:
            known = model.model_validate(self._prepared(model, value))
            if len(self._known) >= self.capacity:
                self._known.clear()
            self._known[key] = known
        return known
