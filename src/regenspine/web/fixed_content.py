"""Public content that depends only on the knowledge base, built once per knowledge-base version.

The option comparison, the clinic questions and their JSON are the same for every reader until
the data files change, so building and validating them again on each request would only spend
time. Each builder here is keyed by `knowledge_version()` (a digest of the data files): a new
knowledge base is built anew, the old entries age out of the bounded cache.
"""

from __future__ import annotations

from fastapi.responses import JSONResponse
from pydantic import BaseModel

from regenspine.decision_aid.clinic_questions import ClinicQuestionList, clinic_questions
from regenspine.decision_aid.option_content import Region
from regenspine.decision_aid.options import OptionComparison, compare_options
from regenspine.web.kept import per_knowledge_version

# Three regions, a few versions at most in one process (tests swap the version).
KEPT_PER_BUILDER = 16


def json_bytes(model: BaseModel) -> bytes:
    """A response model as the JSON API sends it (FastAPI's own JSON encoding of the model)."""
    return bytes(JSONResponse(model.model_dump(mode="json", by_alias=True)).body)


@per_knowledge_version(KEPT_PER_BUILDER)
def comparison(region: Region) -> OptionComparison:
    """Every option side by side for one region, from the published evidence alone."""
    return compare_options(region)


@per_knowledge_version(KEPT_PER_BUILDER)
def comparison_json(region: Region) -> bytes:
    """The comparison as the body of `GET /api/v1/options`."""
    return json_bytes(comparison(region))


@per_knowledge_version(KEPT_PER_BUILDER)
def questions() -> ClinicQuestionList:
    """The questions to ask a clinic, grouped, each with why and sources."""
    return clinic_questions()


@per_knowledge_version(KEPT_PER_BUILDER)
def questions_json() -> bytes:
    """The questions as the body of `GET /api/v1/clinic-questions`."""
    return json_bytes(questions())
