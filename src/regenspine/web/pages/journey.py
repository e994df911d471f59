"""Save and come back, or start again: the answers as a code or a file the person keeps.

The server stores nothing: the code and the file hold the answers themselves, and bringing one
back puts the answers into this browser again.
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from regenspine.decision_aid.journey import (
    CODE_FIELD,
    JourneyAnswers,
    next_step,
    parse_answers,
    read_code,
    save_code,
    skipped_steps,
)
from regenspine.errors import InvalidInput
from regenspine.web.forms.fields import text
from regenspine.web.journey import answers_of, forget_answers, keep_answers
from regenspine.web.rendering import render

router = APIRouter(include_in_schema=False)

FILE_FIELD = "file"
MAX_FILE_BYTES = 30_000  # a saved answers file is about 2,000 bytes
FILE_NAME = "regenspine-answers.json"
# Plain words for the page; the API and the CLI name the field and the allowed values instead.
PLAIN_PROBLEMS = {
    CODE_FIELD: "This code does not work. Copy the whole code from the save page, or use the file.",
    FILE_FIELD: "This file does not work. Choose the answers file this tool gave you.",
}


def _save_page(
    request: Request, errors: dict[str, str] | None = None, status: int = 200
) -> Response:
    answers = answers_of(request)
    context = {
        "code": save_code(answers) if answers.started else "",
        "skipped": skipped_steps(answers),
        "errors": errors or {},
    }
    return render(request, "pages/save.html.j2", context, status_code=status)


@router.get("/save", response_class=HTMLResponse)
def save_page(request: Request) -> Response:
    """The answers as a code to copy and a file to download, and the form to bring them back."""
    return _save_page(request)


@router.get("/save/answers.json")
def answers_file(request: Request) -> Response:
    """The answers as a file to keep (nothing identifying is in it)."""
    answers = answers_of(request)
    body = json.dumps(answers.model_dump(mode="json", exclude_defaults=True), indent=2)
    headers = {"content-disposition": f'attachment; filename="{FILE_NAME}"'}
    return Response(body + "\n", media_type="application/json", headers=headers)


async def _brought_back(request: Request) -> JourneyAnswers:
    """The answers in the pasted code or the chosen file; InvalidInput naming which one."""
    form = await request.form(max_fields=5, max_files=1)
    upload = form.get(FILE_FIELD)
    if isinstance(upload, UploadFile) and upload.filename:
        content = await upload.read(MAX_FILE_BYTES + 1)
        try:
            if len(content) > MAX_FILE_BYTES:
                raise ValueError("too large")
            return parse_answers(json.loads(content))
        except (ValueError, InvalidInput):
            raise InvalidInput(FILE_FIELD, "is not an answers file", FILE_NAME) from None
    return read_code(text(form, CODE_FIELD))


@router.post("/resume", response_class=HTMLResponse)
async def resume(request: Request) -> Response:
    """Put saved answers back into this browser and go on where the person stopped."""
    try:
        answers = await _brought_back(request)
    except InvalidInput as problem:
        field = problem.field if problem.field in PLAIN_PROBLEMS else CODE_FIELD
        return _save_page(request, {field: PLAIN_PROBLEMS[field]}, status=422)
    response = RedirectResponse(next_step(answers).path, status_code=303)
    keep_answers(request, response, answers)
    return response


@router.get("/start-again", response_class=HTMLResponse)
def start_again_page(request: Request) -> HTMLResponse:
    """Ask before clearing: what will be cleared, and a way to save it first."""
    return render(request, "pages/start_again.html.j2")


@router.post("/start-again")
def start_again(request: Request) -> Response:
    """Clear every answer from this browser and go back to step 1."""
    response = RedirectResponse("/check", status_code=303)
    forget_answers(response)
    return response
