"""The person's answers kept in their own browser: one cookie holding the save code.

The server keeps nothing. The cookie lives until the browser closes (no expiry date), is sent
only to this site, and cannot be read by scripts; "Start again" deletes it.
"""

from __future__ import annotations

from fastapi import Request, Response

from regenspine.decision_aid.journey import JourneyAnswers, read_code, save_code
from regenspine.errors import InvalidInput

ANSWERS_COOKIE = "regenspine_answers"


def answers_of(request: Request) -> JourneyAnswers:
    """The answers this browser holds; none when it holds no code or a code that no longer reads."""
    code = request.cookies.get(ANSWERS_COOKIE)
    if not code:
        return JourneyAnswers()
    try:
        return read_code(code)
    except InvalidInput:
        # A code from an older format or a damaged cookie: start from nothing rather than fail.
        return JourneyAnswers()


def keep_answers(request: Request, response: Response, answers: JourneyAnswers) -> None:
    """Store the answers in the browser with the response (or clear them when there are none)."""
    if not answers.started:
        forget_answers(response)
        return
    response.set_cookie(
        ANSWERS_COOKIE,
        save_code(answers),
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


def forget_answers(response: Response) -> None:
    """Delete the answers from the browser."""
    response.delete_cookie(ANSWERS_COOKIE, path="/")
