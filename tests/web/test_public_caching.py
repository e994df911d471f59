"""Fixed public content is built once per knowledge-base version, and the registry's numbers
for the public pages are counted at most once a minute; what is kept equals what is built."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from starlette.requests import Request
from tests.factories.cases import add_cases, responders_and_not
from tests.factories.pages import plain

from regenspine.config import Settings
from regenspine.decision_aid import options as options_rules
from regenspine.decision_aid.clinic_questions import ClinicQuestionList, clinic_questions
from regenspine.decision_aid.faq import MAX_QUESTION_LENGTH, answer_question
from regenspine.decision_aid.option_content import Region
from regenspine.decision_aid.options import OptionComparison, compare_options
from regenspine.decision_aid.registry_note import RegistryOutcome
from regenspine.knowledge.loader import knowledge_version
from regenspine.registry.database import Registry
from regenspine.web import fixed_content, rendering
from regenspine.web import kept as kept_module
from regenspine.web.app import create_app
from regenspine.web.pages import faq as faq_page
from regenspine.web.pages import learn
from regenspine.web.pages import options as options_page
from regenspine.web.pages import recovery as recovery_page
from regenspine.web.plumbing.sessions import SESSION_COOKIE, in_clinic
from regenspine.web.registry_numbers import MAX_AGE_SECONDS, RegistryNumbers

HEADLINE_40 = "In this registry, 40 of 100 people like you improved meaningfully at 12 months"
SEVERITY = {"region": "lumbar", "severity": "moderate"}


def run_apart(coroutine: Any) -> Any:
    """Run a coroutine to its end in a thread of its own: a browser test in the same worker
    (Playwright's sync API) may hold this thread's event loop, and asyncio.run would refuse."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def forget_everything() -> None:
    """Empty every kept build, so a test sees its own first build."""
    for builder in (
        fixed_content.comparison,
        fixed_content.comparison_json,
        fixed_content.questions,
        fixed_content.questions_json,
    ):
        builder.cache_clear()
    rendering.FIXED_PAGES.cache_clear()
    rendering.ASKED_PAGES.cache_clear()


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Region]]:
    """The regions compare_options is asked to build, from an empty cache."""
    asked: list[Region] = []

    def counted(region: Region | str = Region.lumbar, registry: Any = None) -> OptionComparison:
        asked.append(Region(region))
        return compare_options(region, registry)

    forget_everything()
    monkeypatch.setattr(fixed_content, "compare_options", counted)
    yield asked
    forget_everything()


def test_the_api_builds_the_comparison_once(client: TestClient, builds: list[Region]) -> None:
    first = client.get("/api/v1/options")
    second = client.get("/api/v1/options")
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert builds == [Region.lumbar]
    client.get("/api/v1/options", params={"region": "cervical"})
    assert builds == [Region.lumbar, Region.cervical]


def test_the_page_and_the_api_share_one_build(client: TestClient, builds: list[Region]) -> None:
    assert client.get("/options").status_code == 200
    assert client.get("/options").status_code == 200
    assert client.get("/api/v1/options").status_code == 200
    assert builds == [Region.lumbar]


def test_a_new_knowledge_base_version_builds_again(
    client: TestClient, builds: list[Region], monkeypatch: pytest.MonkeyPatch
) -> None:
    client.get("/api/v1/options")
    client.get("/options")
    assert builds == [Region.lumbar]
    monkeypatch.setattr(kept_module, "knowledge_version", lambda: "another-version")
    client.get("/api/v1/options")
    assert builds == [Region.lumbar, Region.lumbar]
    page = client.get("/options")
    assert page.status_code == 200
    assert builds == [Region.lumbar, Region.lumbar]  # the page reuses the new build


def test_bad_input_is_never_kept_and_still_names_the_field(
    client: TestClient, builds: list[Region]
) -> None:
    for _ in range(2):
        response = client.get("/options", params={"region": "knee"})
        assert response.status_code == 422
        assert "where the narrowing is" in plain(response.text).lower()
    assert builds == []
    assert client.get("/costs", params={"companions": "-3"}).status_code == 422
    assert client.get("/costs", params={"companions": "1"}).status_code == 200
    assert client.get("/recovery", params={"procedure_date": "2026-02-30"}).status_code == 422


@pytest.mark.parametrize("region", list(Region))
def test_kept_api_json_is_what_fastapi_sends_for_a_fresh_build(region: Region) -> None:
    fresh_app = FastAPI()

    @fresh_app.get("/options", response_model=OptionComparison)
    def fresh() -> OptionComparison:
        return compare_options(region)

    @fresh_app.get("/questions", response_model=ClinicQuestionList)
    def fresh_questions() -> ClinicQuestionList:
        return clinic_questions()

    fresh_client = TestClient(fresh_app)
    assert fixed_content.comparison_json(region) == fresh_client.get("/options").content
    assert fixed_content.questions_json() == fresh_client.get("/questions").content


NECK = ("cervical", "", None)


def _request(path: str) -> Request:
    scope = {"type": "http", "method": "GET", "path": path, "query_string": b"", "headers": []}
    return Request(scope)


@pytest.mark.parametrize(
    ("path", "template", "build", "key"),
    [
        ("/options", "pages/options.html.j2", options_page._options_context, NECK),
        ("/learn/outcomes", "pages/learn_group.html.j2", learn._group_context, ("outcomes",)),
        ("/about", "pages/about.html.j2", learn._about_context, ("errors@example.org",)),
        ("/", "pages/home.html.j2", learn._with_groups, ()),
    ],
)
def test_a_kept_page_is_the_page_rendered_fresh(
    path: str, template: str, build: Callable[..., Any], key: tuple[Any, ...]
) -> None:
    forget_everything()
    fresh = rendering.render(_request(path), template, build(*key))
    kept = run_apart(rendering.render_fixed(_request(path), template, build, *key))
    again = run_apart(rendering.render_fixed(_request(path), template, build, *key))
    assert kept.body == fresh.body == again.body
    assert kept.headers["vary"] == "HX-Request"
    assert kept.headers["content-type"] == "text/html; charset=utf-8"


def test_the_registry_line_on_a_kept_comparison_equals_a_fresh_build() -> None:
    outcome = RegistryOutcome.model_validate(
        {
            "region": "lumbar", "severity": "moderate", "instrument": "odi",
            "instrument_name": "ODI", "percent_of_baseline": 30,
            "rule_sources": ["ostelo-2008-mic"], "n": 40, "minimum": 30, "responders": 20,
            "ci": (0.35, 0.65), "as_of": date(2026, 12, 1),
        }
    )  # fmt: skip
    kept = fixed_content.comparison(Region.lumbar)
    assert options_rules.with_registry_numbers(kept, outcome) == compare_options("lumbar", outcome)
    assert all(option.registry is None for option in kept.options)  # the kept one is untouched
    with pytest.raises(Exception, match="counts lumbar patients"):
        options_rules.with_registry_numbers(fixed_content.comparison(Region.cervical), outcome)


def test_at_most_size_results_are_kept_and_errors_never() -> None:
    calls: list[int] = []

    def square(number: int) -> int:
        calls.append(number)
        if number < 0:
            raise ValueError("negative")
        return number * number

    kept = kept_module.PerKnowledgeVersion(square, size=2)
    assert [kept(2), kept(3), kept(2)] == [4, 9, 4]
    assert calls == [2, 3]
    kept(4)  # the oldest (2) makes room
    assert run_apart(kept.get(2)) == 4
    assert calls == [2, 3, 4, 2]
    for _ in range(2):
        with pytest.raises(ValueError, match="negative"):
            kept(-1)
    assert calls == [2, 3, 4, 2, -1, -1]


def test_the_knowledge_version_is_a_digest_of_the_data_files() -> None:
    version = knowledge_version()
    assert len(version) == 16
    assert int(version, 16) >= 0
    knowledge_version.cache_clear()
    assert knowledge_version() == version


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Counter:
    """A stand-in for the registry query: returns the next prepared answer and counts calls."""

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.calls: list[tuple[str, str, date]] = []

    def __call__(self, _registry: Any, region: str, severity: str, today: date) -> Any:
        self.calls.append((region, severity, today))
        return self.answers[min(len(self.calls), len(self.answers)) - 1]


DAY = date(2026, 12, 6)


def numbers(count: Counter, clock: Clock, run: Callable[[Callable[[], None]], None]) -> Any:
    return RegistryNumbers(registry=None, clock=clock, count=count, run=run)  # type: ignore[arg-type]


def at_once(work: Callable[[], None]) -> None:
    work()


def test_numbers_are_counted_once_inside_a_minute() -> None:
    count, clock = Counter("first", "second"), Clock()
    kept = numbers(count, clock, at_once)
    assert kept.outcome("lumbar", "moderate", DAY) == "first"
    clock.now += MAX_AGE_SECONDS - 0.001
    assert kept.outcome("lumbar", "moderate", DAY) == "first"
    assert count.calls == [("lumbar", "moderate", DAY)]


def test_older_numbers_are_served_while_one_refresh_counts_again() -> None:
    count, clock = Counter("first", "second"), Clock()
    scheduled: list[Callable[[], None]] = []
    kept = numbers(count, clock, scheduled.append)
    kept.outcome("lumbar", "moderate", DAY)
    clock.now += MAX_AGE_SECONDS
    # The minute is up: readers still get the kept numbers at once, and one refresh is started.
    assert kept.outcome("lumbar", "moderate", DAY) == "first"
    assert kept.outcome("lumbar", "moderate", DAY) == "first"
    assert len(scheduled) == 1
    scheduled[0]()
    assert kept.outcome("lumbar", "moderate", DAY) == "second"
    assert len(count.calls) == 2


def test_a_failed_refresh_lets_the_next_reader_try_again() -> None:
    clock, scheduled = Clock(), []

    def failing(_registry: Any, *_key: Any) -> Any:
        if scheduled:
            raise RuntimeError("database went away")
        return "first"

    kept = numbers(failing, clock, scheduled.append)  # type: ignore[arg-type]
    kept.outcome("lumbar", "moderate", DAY)
    clock.now += MAX_AGE_SECONDS
    kept.outcome("lumbar", "moderate", DAY)
    with pytest.raises(RuntimeError):
        scheduled[0]()
    assert kept.outcome("lumbar", "moderate", DAY) == "first"
    assert len(scheduled) == 2


def test_each_region_severity_and_day_is_counted_apart() -> None:
    count, clock = Counter("a", "b", "c", "d"), Clock()
    kept = numbers(count, clock, at_once)
    assert kept.outcome("lumbar", "moderate", DAY) == "a"
    assert kept.outcome("lumbar", "severe", DAY) == "b"
    assert kept.outcome("cervical", "moderate", DAY) == "c"
    tomorrow = date(2026, 12, 7)
    assert kept.outcome("lumbar", "moderate", tomorrow) == "d"
    assert len(count.calls) == 4
    assert set(kept._kept) == {("lumbar", "moderate", tomorrow)}  # yesterday's are dropped
    kept.forget()
    assert kept._kept == {}


@pytest.fixture
def registry_app(registry: Registry, tmp_path: Path) -> FastAPI:
    """The app on a registry of 30 real moderate lumbar patients, 12 of them responders."""
    add_cases(registry, responders_and_not(12, 18))
    return create_app(Settings(data_dir=tmp_path / "web-data"), registry)


def test_a_page_view_does_not_run_the_registry_query_again(
    registry_app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = registry_app.state.registry_numbers.count
    calls: list[tuple[str, str]] = []

    def counted(registry: Registry, region: str, severity: str, today: date) -> Any:
        calls.append((region, severity))
        return real(registry, region, severity, today)

    monkeypatch.setattr(registry_app.state.registry_numbers, "count", counted)
    client = TestClient(registry_app)
    for _ in range(3):
        response = client.get("/options", params=SEVERITY)
        assert response.status_code == 200
        assert HEADLINE_40 in plain(response.text)
    assert calls == [("lumbar", "moderate")]


def test_a_new_patient_shows_once_the_minute_is_up(
    registry: Registry, registry_app: FastAPI
) -> None:
    clock = Clock()
    registry_app.state.registry_numbers = RegistryNumbers(registry, clock=clock, run=at_once)
    client = TestClient(registry_app)
    assert HEADLINE_40 in plain(client.get("/options", params=SEVERITY).text)
    # Ten more responders: 22 of 40 is 55 of 100; the page keeps the counted numbers a minute.
    add_cases(registry, responders_and_not(10, 0))
    assert HEADLINE_40 in plain(client.get("/options", params=SEVERITY).text)
    clock.now += MAX_AGE_SECONDS
    client.get("/options", params=SEVERITY)  # served the kept page; the refresh counts again
    fresh = plain(client.get("/options", params=SEVERITY).text)
    assert "55 of 100 people like you improved meaningfully" in fresh
    assert HEADLINE_40 not in fresh


def test_the_openapi_document_is_encoded_once_as_fastapi_would(app: FastAPI) -> None:
    client = TestClient(app)
    first = client.get("/openapi.json")
    assert first.status_code == 200
    assert first.headers["content-type"] == "application/json"
    assert first.content == JSONResponse(app.openapi()).body
    kept = app.state.openapi_json
    assert client.get("/openapi.json").content == first.content
    assert app.state.openapi_json is kept


def test_behind_a_proxy_prefix_the_document_names_it(app: FastAPI) -> None:
    document = TestClient(app, root_path="/aid").get("/openapi.json").json()
    assert document["servers"][0] == {"url": "/aid"}
    assert "/api/v1/options" in document["paths"]


def test_a_question_asked_again_is_answered_from_the_kept_page(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def counted(question: str, top: int = 3) -> Any:
        asked.append(question)
        return answer_question(question, top=top)

    forget_everything()
    monkeypatch.setattr(faq_page, "answer_question", counted)
    question = "Is the stem cell injection painful?"
    first = client.get("/faq", params={"q": question})
    second = client.get("/faq", params={"q": question})
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    client.get("/faq", params={"q": "How long is recovery?"})
    assert asked == [question, "How long is recovery?"]
    for _ in range(2):
        assert client.get("/faq", params={"q": "x" * (MAX_QUESTION_LENGTH + 1)}).status_code == 422
    assert len(asked) == 4  # a refused question is never kept
    forget_everything()


def test_the_calendar_file_is_made_once_a_day_per_date(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[object] = []
    original = recovery_page.recovery_calendar

    def counted(plan: Any, stamp: Any) -> bytes:
        made.append(stamp)
        return original(plan, stamp)

    recovery_page.dated_calendar.cache_clear()
    monkeypatch.setattr(recovery_page, "recovery_calendar", counted)
    first = client.get("/recovery.ics", params={"procedure_date": "2026-03-02"})
    second = client.get("/recovery.ics", params={"procedure_date": "2026-03-02"})
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert b"BEGIN:VCALENDAR" in first.content
    assert len(made) == 1
    client.get("/recovery.ics", params={"procedure_date": "2026-03-09"})
    assert len(made) == 2
    assert client.get("/recovery.ics", params={"procedure_date": "2026-13-01"}).status_code == 422
    recovery_page.dated_calendar.cache_clear()


@pytest.mark.parametrize(
    ("path", "root_path", "expected"),
    [
        ("/clinic", "", True),
        ("/clinic/patients", "", True),
        ("/aid/clinic/login", "/aid", True),
        ("/clinical-trials", "", False),
        ("/options", "", False),
        ("/", "", False),
    ],
)
def test_only_workspace_addresses_open_the_session(
    path: str, root_path: str, expected: bool
) -> None:
    assert in_clinic({"type": "http", "path": path, "root_path": root_path}) is expected


def test_a_public_page_neither_reads_nor_sets_the_session_cookie(app: FastAPI) -> None:
    client = TestClient(app, cookies={SESSION_COOKIE: "forged"})
    response = client.get("/options")
    assert response.status_code == 200
    # Only the person's own answers are set (ANSWERS_COOKIE), never the workspace session.
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")
    login = client.get("/clinic/login")
    assert login.status_code == 200


def test_readers_arriving_together_wait_for_one_count() -> None:
    started, release = threading.Event(), threading.Event()
    calls: list[object] = []

    def slow(_registry: Any, *key: Any) -> Any:
        calls.append(key)
        started.set()
        release.wait(5)
        return "counted"

    kept = numbers(slow, Clock(), at_once)  # type: ignore[arg-type]
    results: list[object] = []
    readers = [
        threading.Thread(target=lambda: results.append(kept.outcome("lumbar", "mild", DAY)))
        for _ in range(3)
    ]
    for reader in readers:
        reader.start()
    assert started.wait(5)
    release.set()
    for reader in readers:
        reader.join(5)
    assert results == ["counted"] * 3
    assert len(calls) == 1
