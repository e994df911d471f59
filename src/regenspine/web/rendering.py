"""Page rendering: one autoescaped Jinja2 environment, numbered source footnotes, htmx partials."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment
from markupsafe import Markup, escape
from starlette.concurrency import run_in_threadpool

from regenspine.decision_aid.journey import STEPS, JourneyAnswers, neighbours, next_step, step_done
from regenspine.documents.formatting import money
from regenspine.documents.icon_arrays import GRID, SHAPES, icon_cells
from regenspine.documents.templating import template_environment
from regenspine.knowledge import Source, load_knowledge
from regenspine.web.journey import answers_of
from regenspine.web.kept import PerKnowledgeVersion
from regenspine.web.labels import (
    SOURCE_KIND_LABELS,
    Choice,
    basis_label,
    certainty_label,
    evidence_label,
    question_names,
    region_words,
    words,
)

# The site's sections, in the order a person would usually work through them.
NAV: tuple[tuple[str, str], ...] = (
    ("/", "Home"),
    ("/learn", "Learn"),
    ("/check", "Your 6 steps"),
    ("/claims", "Clinic claims"),
    ("/clinic-questions", "Clinic questions"),
    ("/recovery", "Recovery"),
    ("/faq", "FAQ"),
    ("/about", "About"),
)


# Pages that belong to a section listed under another address in the navigation.
NAV_SECTION = dict.fromkeys(
    ("/screening", "/options", "/costs", "/values", "/summary", "/save"), "/check"
)


def in_section(nav_path: str, current_path: str) -> bool:
    """Whether the page at `current_path` belongs to the navigation entry `nav_path`."""
    section = NAV_SECTION.get(current_path, current_path)
    if nav_path == "/":
        return section == "/"
    return section == nav_path or section.startswith(nav_path + "/")


# Knowledge texts name CLI commands (`regenspine options`); on a page they link to the page that
# does the same. Unknown commands stay as code.
COMMAND_PAGES = {
    "options": ("/options", "the option comparison"),
    "costs": ("/costs", "the cost comparison"),
    "clinic-questions": ("/clinic-questions", "the list of questions to ask a clinic"),
    "check-claims": ("/claims", "the clinic-claims checker"),
    "recovery": ("/recovery", "the recovery plan"),
    "screen": ("/check", "the symptom check"),
    "values": ("/values", "the values questions"),
    "faq": ("/faq", "the questions and answers"),
}
COMMAND = re.compile(r"`regenspine ([a-z-]+)[^`]*`")


def linked_commands(text: str) -> Markup:
    """The text, escaped, with each `regenspine COMMAND` mention as a link to its page."""

    def link(match: re.Match[str]) -> str:
        """The link (or code) that stands for one command mention."""
        page = COMMAND_PAGES.get(match.group(1))
        if page is None:
            return f"<code>{match.group(0).strip('`')}</code>"
        return f'<a href="{page[0]}">{page[1]}</a>'

    # The text is escaped first; only the links and code marks built above are markup.
    return Markup(COMMAND.sub(link, str(escape(text))))  # noqa: S704


@dataclass(frozen=True)
class ListedSource:
    """A source as the page's numbered source list shows it."""

    number: int
    id: str
    title: str
    kind: str
    year: int | None
    href: str | None
    note: str | None


class Citations:
    """Numbers the sources one page cites, first mention first, for footnotes and a source list."""

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}

    def numbered(self, source_ids: Iterable[str]) -> list[tuple[int, str]]:
        """(number, id) for each cited source, giving new sources the next number."""
        pairs = []
        for source_id in dict.fromkeys(source_ids):
            number = self._numbers.setdefault(source_id, len(self._numbers) + 1)
            pairs.append((number, source_id))
        return pairs

    def listed(self) -> list[ListedSource]:
        """Every source cited so far, in number order, resolved to title and link."""
        knowledge = load_knowledge()
        return [listed_source(n, knowledge.source(sid)) for sid, n in self._numbers.items()]


def listed_source(number: int, source: Source) -> ListedSource:
    """One knowledge-base source as a numbered list entry with a link where it has one."""
    href = f"https://doi.org/{source.doi}" if source.doi else None
    if source.url:
        href = str(source.url)
    return ListedSource(
        number=number,
        id=source.id,
        title=source.title,
        kind=SOURCE_KIND_LABELS.get(source.kind, source.kind),
        year=source.year,
        href=href,
        note=source.note,
    )


def as_choice(value: str) -> Choice:
    """A closed-vocabulary value as a form choice labelled in words (`research_use`)."""
    return Choice(value, words(value))


def day(value: dt.date) -> str:
    """A date as people read it, with the weekday: "Mon 2 March 2026"."""
    return f"{value:%a} {value.day} {value:%B %Y}"


def field_label(name: str) -> str:
    """A form field's name as words for the error summary: the public question's plain name,
    else the name itself in words (`imaging.disc_bulge` -> "Disc bulge")."""
    return question_names().get(name) or words(name.rsplit(".", 1)[-1])


def without_field(message: str, name: str) -> str:
    """An error message without its leading "field: ", for showing right at that field."""
    return message.removeprefix(f"{name}: ")


def field_id(name: str) -> str:
    """An HTML id for a form field name (`imaging.disc_bulge` -> `f-imaging-disc_bulge`)."""
    return "f-" + name.replace(".", "-")


@cache
def _environment() -> Environment:
    environment = template_environment("regenspine.web")
    environment.globals.update(
        icon_cells=icon_cells,
        shapes=SHAPES,
        grid=GRID,
        nav=NAV,
        in_section=in_section,
        steps=STEPS,
        step_done=step_done,
        neighbours=neighbours,
        next_step=next_step,
    )
    environment.filters.update(
        money=money,
        day=day,
        evidence_label=evidence_label,
        basis_label=basis_label,
        linked_commands=linked_commands,
        certainty_label=certainty_label,
        words=words,
        region_words=region_words,
        field_id=field_id,
        field_label=field_label,
        without_field=without_field,
        choice=as_choice,
    )
    return environment


TEMPLATES = Jinja2Templates(env=_environment())


def is_htmx(request: Request) -> bool:
    """Whether htmx asked for a part of a page (a history restore still needs the whole page)."""
    headers = request.headers
    return headers.get("hx-request") == "true" and "hx-history-restore-request" not in headers


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """Render a page or partial with the shared context: disclaimer, review date, navigation."""
    given = context or {}
    # A page that changes the answers passes the new ones; others show what the browser holds.
    journey = given.get("journey") or answers_of(request)
    page_context = {**_shared(request.url.path), "journey": journey, **given}
    response = TEMPLATES.TemplateResponse(request, template, page_context, status_code=status_code)
    # The same URL answers with a whole page or an htmx partial; caches must keep them apart.
    response.headers["vary"] = "HX-Request"
    return response


async def render_in_pool(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """`render` in the thread pool, for an async route's pages that are not kept."""
    return await run_in_threadpool(render, request, template, context, status_code)


NO_ANSWERS = JourneyAnswers()  # what a kept page shows: a browser that holds no answers


def _shared(path: str) -> dict[str, Any]:
    """What every page shows: disclaimer, review date, navigation, and a fresh citation list."""
    knowledge = load_knowledge()
    return {
        "citations": Citations(),
        "disclaimer": knowledge.text("disclaimer"),
        "last_reviewed": knowledge.text("evidence_last_reviewed"),
        "current_path": path,
        "errors": {},
        "journey": NO_ANSWERS,
        "current_step": None,
    }


ContextBuilder = Callable[..., Mapping[str, Any]]


def _page_bytes(
    template: str, path: str, build: ContextBuilder, key: tuple[Hashable, ...]
) -> bytes:
    """One page as bytes, as `render` would send it."""
    context = {**_shared(path), **build(*key)}
    return _environment().get_template(template).render(context).encode("utf-8")


# Two bounded stores, so that pages asked for with ever new query strings (a cost estimate, a
# plan's date, a question) can only push out each other, never the fixed pages everyone reads.
# The largest page is about 250 KB.
FIXED_PAGES = PerKnowledgeVersion(_page_bytes, size=64)
ASKED_PAGES = PerKnowledgeVersion(_page_bytes, size=256)


async def render_fixed(
    request: Request,
    template: str,
    build: ContextBuilder,
    *key: Hashable,
    kept: PerKnowledgeVersion[bytes] = FIXED_PAGES,
) -> HTMLResponse:
    """A page that depends only on the knowledge base, its address and `key`: rendered once
    per knowledge-base version and kept (`build(*key)` gives its context), not per request.
    Errors `build` raises (InvalidInput, NotFound) are never kept. Pages keyed by what a
    person typed go to `ASKED_PAGES`."""
    if answers_of(request).started:
        # Pages show the person's own steps and answers: those are never kept, nor shared.
        return await run_in_threadpool(lambda: render(request, template, build(*key)))
    body = await kept.get(template, request.url.path, build, key)
    return HTMLResponse(body, headers={"vary": "HX-Request"})
