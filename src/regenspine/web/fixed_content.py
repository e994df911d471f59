"""Public content that depends only on the knowledge base, built once per knowledge-base version.

The option comparison, the clinic questions and their JSON are the same for every reader until
the data files change, so building and validating them again on each request would only spend
time. Each builder here is keyed by `knowledge_version()` (a digest of the data files): a new
knowledge base is built anew, the old entries age out of the bounded cache.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Any, Generic, TypeVar

from fastapi.responses import JSONResponse
from pydantic import BaseModel

from regenspine.decision_aid.clinic_questions import ClinicQuestionList, clinic_questions
from regenspine.decision_aid.option_content import Region
from regenspine.decision_aid.options import OptionComparison, compare_options
from regenspine.knowledge.loader import knowledge_version

T = TypeVar("T")
# Three regions, a few versions at most in one process (tests swap the version).
KEPT_PER_BUILDER = 16


class PerKnowledgeVersion(Generic[T]):
    """`build`, cached per knowledge-base version and (hashable, positional) arguments."""

    def __init__(self, build: Callable[..., T]) -> None:
        self.build = build
        self.built = lru_cache(maxsize=KEPT_PER_BUILDER)(self._build)
        wraps(build)(self)

    def _build(self, _version: str, *args: Any) -> T:
        return self.build(*args)

    def __call__(self, *args: Any) -> T:
        """The result for the current knowledge-base version, built on first asking."""
        return self.built(knowledge_version(), *args)

    def cache_clear(self) -> None:
        """Forget every kept result (tests)."""
        self.built.cache_clear()


def per_knowledge_version(build: Callable[..., T]) -> PerKnowledgeVersion[T]:
    """Decorate `build` so it runs once per knowledge-base version and arguments."""
    return PerKnowledgeVersion(build)


def json_bytes(model: BaseModel) -> bytes:
    """A response model as the JSON API sends it (FastAPI's own JSON encoding of the model)."""
    return bytes(JSONResponse(model.model_dump(mode="json", by_alias=True)).body)


@per_knowledge_version
def comparison(region: Region) -> OptionComparison:
    """Every option side by side for one region, from the published evidence alone."""
    return compare_options(region)


@per_knowledge_version
def comparison_json(region: Region) -> bytes:
    """The comparison as the body of `GET /api/v1/options`."""
    return json_bytes(comparison(region))


@per_knowledge_version
def questions() -> ClinicQuestionList:
    """The questions to ask a clinic, grouped, each with why and sources."""
    return clinic_questions()


@per_knowledge_version
def questions_json() -> bytes:
    """The questions as the body of `GET /api/v1/clinic-questions`."""
    return json_bytes(questions())
