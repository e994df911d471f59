"""The six guided steps: progress on every step page, answers that follow the person in their
own browser, "I don't know" answers explained, save and come back, start again."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient
from tests.factories.pages import candidate_form, plain, values_form
from tests.factories.profiles import VALUE_IDS

from regenspine.decision_aid.journey import CODE_PREFIX, read_code
from regenspine.web.journey import ANSWERS_COOKIE

COSTS = "/costs?country=mexico&travel_cost=600&companions=1&nights=5&nightly_cost=120"


def _answers(client: TestClient):  # type: ignore[no-untyped-def]
    return read_code(client.cookies[ANSWERS_COOKIE])


def _walk(client: TestClient) -> None:
    """Steps 1 to 5, answered as a person would (summary left for the test)."""
    client.get("/screening?checked=yes")
    client.post("/screening", data=candidate_form())
    client.get("/options")
    client.get(COSTS)
    client.post("/values", data=values_form())


def test_every_step_page_shows_where_the_person_is_of_six(client: TestClient) -> None:
    pages = {
        1: "/check",
        2: "/screening?checked=yes",
        3: "/options",
        4: "/costs",
        5: "/values",
    }
    for number, path in pages.items():
        page = client.get(path).text
        assert f"Step {number} of 6" in plain(page), path
        assert page.count('aria-current="step"') == 1
        assert 'rel="prev"' in page or number == 1
        assert 'rel="next"' in page or number == 1


def test_pages_outside_the_steps_show_no_progress_until_there_are_answers(
    client: TestClient,
) -> None:
    assert "your-place" not in client.get("/faq").text
    client.get("/screening?checked=yes")
    page = client.get("/faq").text
    assert 'id="your-place"' in page
    assert "Go on with step 2 of 6" in plain(page)
    assert 'aria-current="step"' not in page


def test_answers_follow_the_person_from_step_to_step(client: TestClient) -> None:
    _walk(client)
    answers = _answers(client)
    assert answers.red_flags == ()
    assert answers.profile is not None
    assert answers.profile.age == 66
    assert answers.options_seen
    assert answers.costs is not None
    assert str(answers.costs.travel_cost) == "600"
    assert answers.values is not None
    assert answers.values.leaning == "conservative_care"


def test_going_back_shows_the_answers_filled_in(client: TestClient) -> None:
    client.get("/screening?checked=yes&red_flags=major_trauma")
    assert 'value="major_trauma" id="f-red_flags-major_trauma"' in client.get("/check").text
    assert "checked" in client.get("/check").text.split('value="major_trauma"')[1][:120]
    client.get("/screening?checked=yes")
    client.post("/screening", data=candidate_form(age="71"))
    form = client.get("/screening").text
    assert 'name="age" id="f-age" value="71"' in form
    client.get(COSTS)
    assert 'value="600"' in client.get("/costs").text
    client.post("/values", data=values_form(rating="4"))
    values = client.get("/values").text
    assert len(re.findall(r'value="4" id="[^"]+" checked', values)) == len(VALUE_IDS)


def test_a_red_flag_kept_in_the_browser_keeps_showing_urgent_care(client: TestClient) -> None:
    client.get("/screening?checked=yes&red_flags=saddle_anesthesia")
    page = client.get("/screening").text
    assert "Seek urgent care now" in page
    assert "<form" not in page.split("<main")[1].split("</main>")[0]


def test_the_screening_step_without_answers_still_starts_at_step_one(client: TestClient) -> None:
    response = client.get("/screening", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/check"


def test_the_options_follow_the_region_answered_in_screening(client: TestClient) -> None:
    client.get("/screening?checked=yes")
    client.post("/screening", data=candidate_form(region="cervical"))
    page = client.get("/options").text
    assert '<option value="cervical" selected>' in page
    # Asking for another region on the page itself still wins.
    assert '<option value="lumbar" selected>' in client.get("/options?region=lumbar").text


def test_i_dont_know_answers_are_accepted_and_explained(client: TestClient) -> None:
    form = candidate_form(
        severity="unknown",
        imaging__disc_bulge=None,
        imaging__ligamentum_flavum_hypertrophy=None,
        imaging__bony_compression_percent=None,
    )
    form["imaging.unknown"] = "yes"
    page = client.post("/screening", data=form).text
    assert 'id="unknown-severity"' in page
    assert 'id="unknown-imaging"' in page
    assert "did not know how severe" in plain(page)
    profile = _answers(client).profile
    assert profile is not None
    assert profile.severity is None
    assert not profile.imaging.known


def test_not_knowing_the_report_while_ticking_a_finding_is_a_plain_problem(
    client: TestClient,
) -> None:
    form = candidate_form()
    form["imaging.unknown"] = "yes"
    response = client.post("/screening", data=form)
    assert response.status_code == 422
    assert 'class="error-summary"' in response.text
    assert ANSWERS_COOKIE not in response.cookies


def test_the_save_page_gives_a_code_and_a_file_that_bring_the_answers_back(
    client: TestClient, app: object
) -> None:
    _walk(client)
    saved = _answers(client)
    page = client.get("/save").text
    code = page.split('id="f-saved-code"')[1].split(">", 1)[1].split("</textarea>")[0]
    assert code.startswith(CODE_PREFIX)
    file = client.get("/save/answers.json")
    assert "attachment" in file.headers["content-disposition"]
    assert json.loads(file.text)["profile"]["age"] == 66

    fresh = TestClient(app)  # type: ignore[arg-type]
    back = fresh.post("/resume", data={"code": code}, follow_redirects=False)
    assert back.status_code == 303
    assert back.headers["location"] == "/summary"
    assert read_code(back.cookies[ANSWERS_COOKIE]) == saved

    other = TestClient(app)  # type: ignore[arg-type]
    upload = {"file": ("regenspine-answers.json", file.content, "application/json")}
    back = other.post("/resume", files=upload, follow_redirects=False)
    assert back.status_code == 303
    assert read_code(back.cookies[ANSWERS_COOKIE]) == saved


def test_a_half_done_journey_comes_back_to_the_first_step_not_done(
    client: TestClient, app: object
) -> None:
    client.get("/screening?checked=yes")
    client.post("/screening", data=candidate_form())
    code = client.cookies[ANSWERS_COOKIE]
    back = TestClient(app).post("/resume", data={"code": code}, follow_redirects=False)  # type: ignore[arg-type]
    assert back.headers["location"] == "/options"


def test_a_wrong_code_or_file_gets_a_plain_message_and_changes_nothing(
    client: TestClient,
) -> None:
    response = client.post("/resume", data={"code": "hello there"})
    assert response.status_code == 422
    assert "This code does not work" in plain(response.text)
    assert ANSWERS_COOKIE not in response.cookies
    upload = {"file": ("answers.json", b'{"profile": {"age": "old"}}', "application/json")}
    response = client.post("/resume", files=upload)
    assert response.status_code == 422
    assert "This file does not work" in plain(response.text)
    assert "profile.age" not in response.text


def test_start_again_asks_first_and_then_clears_every_answer(client: TestClient) -> None:
    _walk(client)
    assert "Clear my answers" in client.get("/start-again").text
    assert ANSWERS_COOKIE in client.cookies
    response = client.post("/start-again", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/check"
    assert ANSWERS_COOKIE not in client.cookies
    assert "your-place" not in client.get("/faq").text


def test_a_damaged_cookie_is_treated_as_no_answers(client: TestClient) -> None:
    client.cookies.set(ANSWERS_COOKIE, "RS1-garbage")
    response = client.get("/faq")
    assert response.status_code == 200
    assert "your-place" not in response.text


def test_the_summary_is_made_from_the_answers_in_the_browser(client: TestClient) -> None:
    _walk(client)
    response = client.get("/summary")
    assert response.status_code == 200
    page = plain(response.text)
    assert "$600" in page or "600" in page
    assert 'id="skipped"' not in response.text
    assert "Conservative care, or wait and see" in page


def test_the_summary_names_the_steps_the_person_skipped(client: TestClient) -> None:
    client.get("/screening?checked=yes")
    client.get(COSTS)
    response = client.get("/summary")
    page = plain(response.text)
    assert 'id="skipped"' in response.text
    assert "Steps I skipped" in page
    assert "Is this for me" in page
    assert "What matters to me" in page
    download = client.get("/summary?download=yes")
    assert "attachment" in download.headers["content-disposition"]


def test_kept_pages_never_show_one_persons_answers_to_another(app: object) -> None:
    person = TestClient(app)  # type: ignore[arg-type]
    stranger = TestClient(app)  # type: ignore[arg-type]
    person.get("/screening?checked=yes")
    person.post("/screening", data=candidate_form(age="83"))
    for path in ("/faq", "/claims", "/learn"):
        assert 'id="your-place"' in person.get(path).text
        assert 'id="your-place"' not in stranger.get(path).text, path
    for path in ("/check", "/options", "/values"):
        assert "progress-done" in person.get(path).text
        # A fresh browser each time: the options page itself marks step 3 as seen.
        assert "progress-done" not in TestClient(app).get(path).text, path  # type: ignore[arg-type]
    assert 'value="83"' in person.get("/screening").text
    assert 'value="83"' not in stranger.get("/screening?checked=yes").text
