"""Pictures as data: each draws named facts, its words rest on their sources, bad entries fail."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from regenspine.knowledge import load_knowledge
from regenspine.knowledge.pictures import (
    Panel,
    Picture,
    load_pictures,
    picture_problems,
    picture_shows_claims,
    picture_sources,
    pictures_on,
)


def _picture(**changes: object) -> Picture:
    fields: dict[str, object] = {
        "id": "spine",
        "topic": "spine_anatomy",
        "facts": ["spine_anatomy.vertebrae_and_regions"],
        "caption": "The spine seen from the side.",
        "panels": [{"file": "spine.svg", "alt": "A drawing of the spine."}],
    }
    return Picture.model_validate({**fields, **changes})


def test_the_three_pictures_sit_on_the_topics_they_explain() -> None:
    assert [picture.id for picture in pictures_on("spine_anatomy")] == ["spine_regions"]
    assert [picture.id for picture in pictures_on("spinal_stenosis")] == ["canal_narrowing"]
    assert [picture.id for picture in pictures_on("procedure_steps")] == ["procedure_steps"]
    assert pictures_on("fda_status") == []


def test_the_procedure_picture_has_one_panel_per_step() -> None:
    (picture,) = pictures_on("procedure_steps")
    assert [panel.file for panel in picture.panels] == [
        "step-harvest.svg",
        "step-processing.svg",
        "step-injection.svg",
    ]
    assert [panel.alt.split(":")[0] for panel in picture.panels] == ["Step 1", "Step 2", "Step 3"]


def test_a_picture_cites_the_sources_of_its_facts_each_once_in_order() -> None:
    (picture,) = pictures_on("spine_anatomy")
    knowledge = load_knowledge()
    cited = [sid for fact_id in picture.facts for sid in knowledge.fact(fact_id).sources]
    assert picture_sources(picture) == tuple(dict.fromkeys(cited))
    # The three anatomy facts share their sources: seed-001 comes first and only once.
    assert picture_sources(picture)[0] == "seed-001"
    assert len(picture_sources(picture)) == len(set(cited)) < len(cited)


def test_a_picture_drawing_a_sellers_claim_is_marked_as_one() -> None:
    (procedure,) = pictures_on("procedure_steps")
    (spine,) = pictures_on("spine_anatomy")
    assert picture_shows_claims(procedure)
    assert not picture_shows_claims(spine)


def test_the_pictures_file_has_no_problems() -> None:
    assert picture_problems(load_pictures(), load_knowledge()) == []


def test_unknown_topics_and_facts_and_repeated_files_are_named() -> None:
    pictures = (
        _picture(topic="no_such_topic"),
        _picture(id="other", facts=["spine_anatomy.no_such_fact"]),
    )
    assert picture_problems(pictures, load_knowledge()) == [
        "duplicate file spine.svg",
        "picture spine: unknown topic no_such_topic",
        "picture other: unknown fact spine_anatomy.no_such_fact",
    ]
    assert picture_problems((_picture(), _picture()), load_knowledge())[1] == (
        "duplicate picture id spine"
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"facts": []}, "facts"),
        ({"panels": []}, "panels"),
        ({"caption": ""}, "caption"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_picture_without_facts_panels_or_caption_is_refused(
    changes: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        _picture(**changes)
    assert raised.value.errors()[0]["loc"][0] == field


@pytest.mark.parametrize(
    "file", ["spine.png", "../secret.svg", "Spine.svg", "spine.svg.js", "img/spine.svg"]
)
def test_a_panel_is_an_svg_file_of_this_folder(file: str) -> None:
    with pytest.raises(ValidationError):
        Panel(file=file, alt="A drawing of the spine.")


def test_a_panel_needs_alt_text() -> None:
    with pytest.raises(ValidationError):
        Panel(file="spine.svg", alt="")
    assert Panel(file="spine-2.svg", alt="A drawing of the spine.").file == "spine-2.svg"
