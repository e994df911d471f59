"""Red flags first, then the screening questions: every path a person can take through them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import get_args

import pytest
from fastapi.testclient import TestClient
from starlette.datastructures import FormData
from tests.factories.pages import candidate_form, hidden_value, plain, texts
from tests.factories.profiles import candidate_profile

from regenspine.decision_aid.profile import (
    CONTRAINDICATIONS,
    RED_FLAG_IDS,
    GeneralHealth,
    ImagingFindings,
    Region,
    Severity,
    Symptom,
    parse_profile,
)
from regenspine.knowledge import load_knowledge
from regenspine.knowledge.red_flags import load_red_flags
from regenspine.web.forms import screening as screening_form
from regenspine.web.forms.fields import InvalidForm
from regenspine.web.forms.screening import profile_from_form


def form_data(fields: dict[str, object]) -> FormData:
    """The fields as Starlette's FormData, lists becoming repeated fields."""
    items: list[tuple[str, str]] = []
    for name, value in fields.items():
        values = value if isinstance(value, list) else [value]
        items += [(name, str(item)) for item in values]
    return FormData(items)


def test_the_check_lists_every_red_flag_with_why_and_sources(client: TestClient) -> None:
    page = client.get("/check").text
    for flag in load_red_flags():
        assert f'value="{flag.id}"' in page
        assert flag.why.split("(")[0] in plain(page)
    assert 'action="/screening" method="get"' in page


def test_the_screening_questions_cannot_be_reached_without_the_red_flag_step(
    client: TestClient,
) -> None:
    response = client.get("/screening", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/check"


@pytest.mark.parametrize("flag_id", RED_FLAG_IDS)
def test_any_red_flag_takes_over_the_page_with_urgent_care(
    client: TestClient, flag_id: str
) -> None:
    response = client.get(f"/screening?checked=yes&red_flags={flag_id}")
    assert response.status_code == 200
    page = response.text
    assert page.index('id="urgent"') < page.index("<footer")
    assert " ".join(load_knowledge().text("urgent_care").split()) in plain(page)
    assert "<form" not in page
    assert 'name="age"' not in page


def test_no_red_flag_leads_to_the_screening_questions(client: TestClient) -> None:
    page = client.get("/screening?checked=yes").text
    assert 'action="/screening" method="post"' in page
    assert 'id="urgent"' not in page
    for name in ("age", "region", "severity", "symptom_weeks", "general_health"):
        assert f'name="{name}"' in page
    # Number bounds on the inputs come from the profile's own constraints.
    assert 'min="18" max="120"' in page


def test_an_unknown_red_flag_is_refused_in_plain_words(client: TestClient) -> None:
    response = client.get("/screening?checked=yes&red_flags=headache")
    assert response.status_code == 422
    assert "Warning signs: Choose from the answers shown." in response.text
    assert "saddle_anesthesia" not in response.text
    api = client.post("/api/v1/screening", json=candidate_profile(red_flags=["headache"]))
    assert "saddle_anesthesia" in api.json()["allowed"]


def test_a_candidate_sees_the_category_every_reason_and_how_to_continue(
    client: TestClient,
) -> None:
    response = client.post("/screening", data=candidate_form())
    assert response.status_code == 200
    page = response.text
    assert "Step 2 of 6" in plain(page)
    assert '<h1 id="result-title">Candidate</h1>' in page
    assert page.count("<li>") >= 4
    assert 'href="/options?region=lumbar"' in page
    carried = json.loads(hidden_value(page, "profile"))
    assert parse_profile(carried) == parse_profile(
        candidate_profile(
            symptom_weeks=52.0,
            conservative_care_weeks=16.0,
            imaging={"bony_compression_percent": 20.0},
        )
    )


def test_cli_command_names_in_next_steps_become_links_to_pages(client: TestClient) -> None:
    page = client.post("/screening", data=candidate_form()).text
    assert "`regenspine" not in page
    assert '<a href="/options">the option comparison</a>' in page


@pytest.mark.parametrize(
    ("changes", "title"),
    [
        ({"contraindications": ["pregnancy"]}, "Not suitable"),
        ({"severity": "severe"}, "Surgical evaluation"),
        ({"imaging__instability": "yes"}, "Surgical evaluation"),
        ({"conservative_care_weeks": "2"}, "Conservative care first"),
        ({"general_health": "poor", "severity": "severe"}, "Not suitable"),
    ],
)
def test_each_category_is_reached_from_the_form(
    client: TestClient, changes: dict[str, object], title: str
) -> None:
    page = client.post("/screening", data=candidate_form(**changes)).text
    assert f'<h1 id="result-title">{title}</h1>' in page


def test_a_red_flag_carried_into_the_questions_still_means_urgent_care(client: TestClient) -> None:
    page = client.post("/screening", data=candidate_form(red_flags=["major_trauma"])).text
    assert "Seek urgent care now" in page
    assert 'href="/options?region' not in page
    assert 'action="/summary"' in page


def test_every_problem_is_shown_next_to_its_field_and_answers_are_kept(
    client: TestClient,
) -> None:
    form = candidate_form(age="sixty", region=None, symptom_weeks="-1", general_health="bad")
    response = client.post("/screening", data=form)
    assert response.status_code == 422
    page = response.text
    errors = texts(page, "field-error")
    assert "Error: Enter a number from 18 to 120." in errors
    assert "Error: Choose one of the answers." in errors
    assert "Error: Enter a number of 0 or more." in errors
    assert len(errors) == 4
    summary = plain(page.split('class="error-summary"', 1)[1].split("</div>", 1)[0])
    assert "Your age: Enter a number from 18 to 120." in summary
    assert "Where the narrowing is: Choose one of the answers." in summary
    assert "Your general health: Choose one of the answers." in summary
    assert "allowed" not in summary
    assert 'href="#f-age"' in page
    assert 'id="f-age-error"' in page
    assert 'aria-invalid="true"' in page
    assert 'value="sixty"' in page
    assert 'value="moderate" id="f-severity-moderate" checked' in page


def test_a_range_problem_found_by_the_profile_is_shown_at_its_field(client: TestClient) -> None:
    page = client.post("/screening", data=candidate_form(age="12")).text
    assert "Your age: Enter a number from 18 to 120." in page
    assert 'id="f-age-error"' in page


@pytest.mark.parametrize(
    ("choices", "allowed"),
    [
        (screening_form.REGION_CHOICES, get_args(Region)),
        (screening_form.SEVERITY_CHOICES, [*get_args(Severity), screening_form.DONT_KNOW]),
        (screening_form.SYMPTOM_CHOICES, get_args(Symptom)),
        (screening_form.CONTRAINDICATION_CHOICES, CONTRAINDICATIONS),
        (screening_form.HEALTH_CHOICES, get_args(GeneralHealth)),
        (
            screening_form.IMAGING_CHOICES,
            [
                f"imaging.{name}"
                for name, info in ImagingFindings.model_fields.items()
                if info.annotation is bool and name != "known"
            ],
        ),
    ],
)
def test_the_form_offers_exactly_the_values_the_rules_know(
    choices: tuple[screening_form.Choice, ...], allowed: Sequence[str]
) -> None:
    assert sorted(screening_form.values_of(choices)) == sorted(allowed)


def test_every_symptom_hint_is_a_sourced_fact() -> None:
    knowledge = load_knowledge()
    hinted = [choice for choice in screening_form.SYMPTOM_CHOICES if choice.hint_fact]
    assert hinted
    for choice in hinted:
        assert knowledge.fact(str(choice.hint_fact)).sources


def test_form_reading_converts_boxes_numbers_and_lists() -> None:
    profile = profile_from_form(form_data(candidate_form(**{"imaging.instability": "yes"})))
    assert profile.imaging.instability is True
    assert profile.imaging.facet_arthropathy is False
    assert profile.symptom_weeks == 52.0
    assert profile.symptoms == ["neurogenic_claudication", "leg_pain"]


@pytest.mark.parametrize("value", ["nan", "inf", "1e999", "", "  "])
def test_numbers_that_are_not_finite_or_missing_are_problems(value: str) -> None:
    with pytest.raises(InvalidForm) as caught:
        profile_from_form(form_data(candidate_form(symptom_weeks=value)))
    assert "symptom_weeks" in caught.value.problems


def test_the_urgent_page_names_the_cause_of_each_ticked_flag(client: TestClient) -> None:
    page = client.get(
        "/screening?checked=yes&red_flags=major_trauma&red_flags=fever_with_back_pain"
    )
    assert 'id="urgent-fracture"' in page.text
    assert 'id="urgent-spinal_infection"' in page.text
    assert 'id="urgent-cauda_equina"' not in page.text


def test_cancer_with_back_pain_in_the_answers_means_urgent_care_naming_cancer(
    client: TestClient,
) -> None:
    form = candidate_form(contraindications=["active_cancer"], symptoms=["back_pain"])
    page = client.post("/screening", data=form).text
    assert "Seek urgent care now" in page
    assert 'id="urgent-cancer_spread"' in page
    assert 'href="/options?region' not in page


def test_weakness_getting_worse_in_the_form_means_urgent_care(client: TestClient) -> None:
    form = candidate_form(symptoms=["weakness"], worsening_symptoms=["weakness"])
    page = client.post("/screening", data=form).text
    assert "Seek urgent care now" in page
    assert 'id="urgent-worsening_weakness"' in page


def test_neck_myelopathy_signs_in_the_form_mean_a_specialist_soon(client: TestClient) -> None:
    form = candidate_form(region="cervical", symptoms=["hand_clumsiness"])
    page = client.post("/screening", data=form).text
    assert '<h1 id="result-title">Specialist soon</h1>' in page
    assert "See a spine specialist soon" in page


def test_an_unknown_worsening_symptom_is_refused_next_to_its_field(client: TestClient) -> None:
    response = client.post("/screening", data=candidate_form(worsening_symptoms=["headache"]))
    assert response.status_code == 422
    errors = texts(response.text, "field-error")
    assert errors == ["Error: Choose from the answers shown."]
    assert 'id="f-worsening_symptoms-error"' in response.text


def test_the_share_of_bone_may_be_left_empty_as_i_do_not_know(client: TestClient) -> None:
    page = client.post("/screening", data=candidate_form(imaging__bony_compression_percent="")).text
    assert '<h1 id="result-title">Candidate</h1>' in page
    assert "field-invalid" not in page
