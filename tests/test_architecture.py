"""The structure docs/ARCHITECTURE.md describes, where import-linter cannot see it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "regenspine"


def top_package(module: str) -> str:
    """`regenspine.care.protocol` -> `care`; a top-level module is its own package."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def module_name(path: Path) -> str:
    """The dotted name of a source file under src/."""
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = [part for part in relative.parts if part != "__init__"]
    return ".".join(parts)


def private_imports_across_packages(source: str, importer: str) -> list[str]:
    """`from regenspine.other import _name` where `other` is not the importer's own package."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ImportFrom) or not (node.module or "").startswith("regenspine"):
            continue
        if top_package(node.module or "") == top_package(importer):
            continue
        for alias in node.names:
            if alias.name.startswith("_") and not alias.name.startswith("__"):
                found.append(f"{importer}:{node.lineno} imports {node.module}.{alias.name}")
    return found


def test_no_package_imports_another_packages_private_names() -> None:
    leaks = [
        leak
        for path in PACKAGE.rglob("*.py")
        for leak in private_imports_across_packages(path.read_text(), module_name(path))
    ]
    assert leaks == []


def test_the_private_name_check_catches_a_leak_and_allows_its_own_package() -> None:
    source = "from regenspine.decision_aid.screening import _reasons, screen_candidate\n"
    assert private_imports_across_packages(source, "regenspine.care.protocol") == [
        "regenspine.care.protocol:1 imports regenspine.decision_aid.screening._reasons"
    ]
    assert private_imports_across_packages(source, "regenspine.decision_aid.summary") == []


@pytest.mark.parametrize(
    "part",
    [
        "documents/summary_page.py",
        "documents/report_page.py",
        "documents/icon_arrays.py",
        "interop/fhir/outbound/export.py",
        "interop/fhir/inbound/importer.py",
        "interop/tables/csv_export.py",
        "interop/tables/redcap.py",
        "synthetic/registry.py",
        "web/plumbing/sessions.py",
        "web/forms/fields.py",
        "knowledge/timing.py",
    ],
)
def test_the_tree_shows_its_parts(part: str) -> None:
    assert (PACKAGE / part).is_file()


def test_pure_packages_render_no_html() -> None:
    # HTML belongs to documents/ and web/: no template under the rules or the services.
    for package in ("decision_aid", "care", "instruments", "knowledge", "analytics", "interop"):
        assert list((PACKAGE / package).rglob("*.j2")) == [], package
