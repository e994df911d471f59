"""Reading FHIR files for import: NDJSON streamed in batches, or one transaction Bundle.

Every resource is parsed, checked to be one of ours (resource type, registry-derived id, not a
de-identified export) and validated with its fhir.resources R4B model before anything is
written. A problem names the file and the line (or Bundle entry) it came from.

NDJSON files are read line by line into batches of about `batch_lines` resources; a batch never
splits the steps of one procedure (harvest, processing, injection), which map to one row. A
Bundle is read whole (JSON has no streaming reader in the standard library) and is one batch,
as a FHIR transaction is all or nothing; large registries travel as NDJSON.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from regenspine.errors import InvalidInput
from regenspine.interop.fhir.mapping import (
    DEIDENTIFIED_TAG,
    ID_EXAMPLES,
    RESOURCE_TYPES,
    Json,
    has_tag,
    is_registry_key,
    parse_resource_id,
)
from regenspine.interop.fhir.validation import ResourceValidator

BATCH_LINES = 1000
MAX_BATCH_LINES = 100_000
BUNDLE_TYPES = ("transaction", "batch", "collection")
ALLOWED_FILES = [f"{name}.ndjson" for name in RESOURCE_TYPES] + ["a Bundle .json file"]


@dataclass(frozen=True)
class Where:
    """Where a resource came from: a file and a line (or a Bundle entry) number."""

    file: str
    number: int
    unit: str = "line"

    def __str__(self) -> str:
        return f"{self.file} {self.unit} {self.number}"


class BadResource(InvalidInput):
    """A resource that cannot be imported; the message starts with its file and line."""

    def __init__(
        self, where: Where, field: str, problem: str, allowed: list[str] | str | None = None
    ) -> None:
        self.where = where
        super().__init__(f"{where}: {field}", problem, allowed)


@dataclass(frozen=True)
class ParsedResource:
    """One validated resource of ours and where it came from."""

    where: Where
    resource_type: str
    id: str
    data: Json


@dataclass
class ResourceBatch:
    """Resources written together in one transaction, parents' types first."""

    source: str
    resources: list[ParsedResource] = field(default_factory=list)

    @property
    def span(self) -> str:
        """The lines (or entries) the batch covers, e.g. `lines 1-1000`."""
        if not self.resources:
            return "no lines"
        first, last = self.resources[0].where, self.resources[-1].where
        return f"{first.unit}s {first.number}-{last.number}"

    @property
    def progress(self) -> int:
        """How far the batch moves a progress bar counted as `count_lines` counts."""
        bundle = bool(self.resources) and self.resources[0].where.unit == "entry"
        return 1 if bundle else len(self.resources)

    def of_type(self, resource_type: str) -> list[ParsedResource]:
        """The batch's resources of one type, in file order."""
        return [item for item in self.resources if item.resource_type == resource_type]


def fhir_files(path: Path) -> list[Path]:
    """The files to import: one file, or a folder's NDJSON files (parents first) and Bundles."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise InvalidInput("DIR", f"{path} does not exist", "a folder of NDJSON files or a Bundle")
    ndjson = sorted(path.glob("*.ndjson"), key=lambda file: (_file_type(file), file.name))
    bundles = sorted(path.glob("*.json"))
    if not ndjson and not bundles:
        raise InvalidInput("DIR", f"no FHIR files in {path}", ALLOWED_FILES)
    return [*ndjson, *bundles]


def _file_type(file: Path) -> int:
    name = file.name.split(".", 1)[0]
    if name not in RESOURCE_TYPES:
        raise InvalidInput("DIR", f"{file.name} is not a file this import reads", ALLOWED_FILES)
    return RESOURCE_TYPES.index(name)


def read_batches(path: Path, batch_lines: int = BATCH_LINES) -> Iterator[ResourceBatch]:
    """Validated resources, batch by batch, from a folder or a file."""
    if not 1 <= batch_lines <= MAX_BATCH_LINES:
        raise InvalidInput(
            "batch_lines", f"{batch_lines} is out of range", f"1 to {MAX_BATCH_LINES}"
        )
    validator = ResourceValidator()
    for file in fhir_files(path):
        if file.suffix == ".ndjson":
            resource_type = RESOURCE_TYPES[_file_type(file)]
            yield from _ndjson_batches(file, resource_type, batch_lines, validator)
        elif file.suffix == ".json":
            yield _bundle_batch(file, validator)
        else:
            raise InvalidInput("DIR", f"{file.name} is neither NDJSON nor a Bundle", ALLOWED_FILES)


def count_lines(path: Path) -> int:
    """How many NDJSON lines (a Bundle counts as one) an import will read, for a progress bar."""
    total = 0
    for file in fhir_files(path):
        with file.open("rb") as stream:
            total += sum(1 for _ in stream) if file.suffix == ".ndjson" else 1
    return total


def _ndjson_batches(
    file: Path, resource_type: str, batch_lines: int, validator: ResourceValidator
) -> Iterator[ResourceBatch]:
    batch = ResourceBatch(file.name)
    last_group: object = None
    with file.open(encoding="utf-8") as stream:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            where = Where(file.name, number)
            data, problem = _decode(where, line)
            # The batch before a bad line is complete and goes out first; the bad one fails.
            group = where if problem else row_group(resource_type, data.get("id"))
            if len(batch.resources) >= batch_lines and group != last_group:
                yield batch
                batch = ResourceBatch(file.name)
            if problem:
                raise problem
            batch.resources.append(parse_resource(data, where, validator, resource_type))
            last_group = group
    if batch.resources:
        yield batch


def _decode(where: Where, text: str) -> tuple[Json, BadResource | None]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        return {}, BadResource(where, "JSON", f"{error.msg} at column {error.colno}")
    if not isinstance(data, dict):
        return {}, BadResource(where, "JSON", "must be one resource (a JSON object)")
    return data, None


def row_group(resource_type: str, identifier: object) -> object:
    """Resources that map to the same registry row: the steps of one procedure share one."""
    if resource_type == "Procedure":
        found = parse_resource_id("Procedure", identifier)
        return ("Procedure", found[0] if found else identifier)
    return (resource_type, identifier)


def parse_resource(
    data: Json, where: Where, validator: ResourceValidator, expected_type: str | None = None
) -> ParsedResource:
    """Check that a decoded resource is one of ours and valid FHIR R4 (R4B models)."""
    resource_type = data.get("resourceType")
    allowed = [expected_type] if expected_type else list(RESOURCE_TYPES)
    if resource_type not in allowed:
        raise BadResource(where, "resourceType", f"unexpected value {resource_type!r}", allowed)
    try:
        validator.validate(data)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        location = ".".join(str(part) for part in (resource_type, *first["loc"]))
        raise BadResource(where, location, str(first["msg"])) from None
    identifier = data.get("id")
    if not _is_ours(resource_type, identifier):
        raise BadResource(
            where,
            f"{resource_type}.id",
            f"{identifier!r} is not a registry id",
            ID_EXAMPLES[resource_type],
        )
    if has_tag(data, DEIDENTIFIED_TAG):
        raise BadResource(
            where,
            f"{resource_type}.meta.tag",
            "comes from a de-identified export, whose identifiers and dates were removed",
            "resources of an identified export",
        )
    return ParsedResource(where, resource_type, str(identifier), data)


def _is_ours(resource_type: str, identifier: object) -> bool:
    if resource_type == "Patient":
        return is_registry_key(identifier)
    if resource_type == "Procedure" and parse_resource_id("Intervention", identifier):
        return True
    return parse_resource_id(resource_type, identifier) is not None


def _bundle_batch(file: Path, validator: ResourceValidator) -> ResourceBatch:
    where = Where(file.name, 0, "entry")
    try:
        bundle = json.loads(file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise BadResource(where, "JSON", f"{error.msg} at line {error.lineno}") from None
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise BadResource(where, "resourceType", "the file must hold one Bundle", ["Bundle"])
    if bundle.get("type") not in BUNDLE_TYPES:
        raise BadResource(
            where, "Bundle.type", f"unexpected value {bundle.get('type')!r}", list(BUNDLE_TYPES)
        )
    entries = bundle.get("entry") or []
    if not isinstance(entries, list):
        raise BadResource(where, "Bundle.entry", "must be a list of entries")
    parsed = [
        _bundle_entry(entry, Where(file.name, number, "entry"), bundle["type"], validator)
        for number, entry in enumerate(entries, start=1)
    ]
    parsed.sort(key=lambda item: RESOURCE_TYPES.index(item.resource_type))
    return ResourceBatch(file.name, parsed)


def _bundle_entry(
    entry: Any, where: Where, bundle_type: str, validator: ResourceValidator
) -> ParsedResource:
    resource = entry.get("resource") if isinstance(entry, dict) else None
    if not isinstance(resource, dict):
        raise BadResource(where, "Bundle.entry.resource", "every entry must hold a resource")
    parsed = parse_resource(resource, where, validator)
    if bundle_type != "collection":
        request = entry.get("request") or {}
        expected_url = f"{parsed.resource_type}/{parsed.id}"
        # Registry ids are kept, so each entry is an update at a known id (PUT), never a POST.
        if request.get("method") != "PUT" or request.get("url") != expected_url:
            raise BadResource(
                where,
                "Bundle.entry.request",
                "must update the resource at its id",
                f"PUT {expected_url}",
            )
    return parsed
