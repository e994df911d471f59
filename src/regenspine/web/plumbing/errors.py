"""One error rendering per face: JSON under /api, an HTML page with the message elsewhere."""

from __future__ import annotations

from typing import cast

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from regenspine.errors import InvalidInput, RegenspineError
from regenspine.web.plain_words import plain_problem
from regenspine.web.plumbing.validation import validation_error_body
from regenspine.web.rendering import field_label, render

API_PREFIX = "/api/"
WORKSPACE_PREFIX = "/clinic/"
HTTP_ERROR_NAMES = {
    400: "BadRequest",
    401: "Unauthorized",
    404: "NotFound",
    405: "MethodNotAllowed",
    429: "TooManyRequests",
}
TITLES = {
    400: "That request could not be read",
    401: "Please sign in",
    403: "Not allowed",
    404: "Page not found",
    405: "That action is not available here",
    409: "That clashes with what is stored",
    410: "This link cannot be used any more",
    422: "Please check what you entered",
    503: "Not ready yet",
}


def wants_json(request: Request) -> bool:
    """Whether the request is for the JSON API rather than a page."""
    return request.url.path.startswith(API_PREFIX) or request.url.path == "/openapi.json"


def error_page(request: Request, status: int, message: str) -> Response:
    """The HTML error page: what went wrong in plain words, with the site's navigation."""
    title = TITLES.get(status, "Something went wrong")
    context = {"title": title, "message": message, "status": status}
    return render(request, "pages/error.html.j2", context, status_code=status)


async def regenspine_error(request: Request, error: Exception) -> Response:
    """A domain error: `to_dict()` as JSON under /api, the message on a page elsewhere."""
    # Registered for RegenspineError only (install_error_handlers), so the type is known.
    error = cast(RegenspineError, error)
    if wants_json(request):
        return JSONResponse(error.to_dict(), status_code=error.status)
    if isinstance(error, InvalidInput) and not for_staff(request):
        return error_page(request, error.status, plain_message(error))
    return error_page(request, error.status, error.message)


def for_staff(request: Request) -> bool:
    """Whether the page is the clinic's workspace, whose staff read field names and codes."""
    return request.url.path.startswith(WORKSPACE_PREFIX)


def plain_message(error: InvalidInput) -> str:
    """A bad-input error for a patient: the question's name and what to do, no codes."""
    return f"{field_label(error.field)}: {plain_problem(error)}"


async def request_validation_error(request: Request, error: Exception) -> Response:
    """FastAPI's own validation failure, as 422 naming the field and the allowed values."""
    # Registered for RequestValidationError only (install_error_handlers), so the type is known.
    error = cast(RequestValidationError, error)
    body = validation_error_body(error, request)
    if wants_json(request):
        return JSONResponse(body, status_code=422)
    if not for_staff(request):
        problem = InvalidInput(str(body["field"]), str(body["detail"]), body["allowed"])
        return error_page(request, 422, plain_message(problem))
    return error_page(request, 422, str(body["detail"]))


async def http_error(request: Request, error: Exception) -> Response:
    """Not found, method not allowed and the like, in the face the request came from."""
    # Registered for HTTPException only (install_error_handlers), so the type is known.
    error = cast(HTTPException, error)
    if wants_json(request):
        name = HTTP_ERROR_NAMES.get(error.status_code, "HTTPError")
        detail = {"error": name, "detail": str(error.detail)}
        return JSONResponse(detail, status_code=error.status_code, headers=error.headers)
    message = "There is no page at this address." if error.status_code == 404 else error.detail
    return error_page(request, error.status_code, str(message))


def install_error_handlers(app: FastAPI) -> None:
    """Register the one error rendering for domain, validation and HTTP errors."""
    app.add_exception_handler(RegenspineError, regenspine_error)
    app.add_exception_handler(RequestValidationError, request_validation_error)
    app.add_exception_handler(HTTPException, http_error)
