"""The six steps, the answers that follow a person, and the save code that brings them back."""

from __future__ import annotations

import base64
import zlib

import pytest
from tests.factories.profiles import VALUES, candidate_profile

from regenspine.decision_aid.costs import cost_query
from regenspine.decision_aid.journey import (
    CODE_PREFIX,
    STEPS,
    JourneyAnswers,
    StepKey,
    neighbours,
    next_step,
    parse_answers,
    read_code,
    save_code,
    skipped_steps,
)
from regenspine.decision_aid.profile import parse_profile
from regenspine.decision_aid.values import parse_values_answers
from regenspine.errors import InvalidInput


def _everything() -> JourneyAnswers:
    return JourneyAnswers(
        red_flags=(),
        profile=parse_profile(candidate_profile()),
        options_seen=True,
        costs=cost_query(country="mexico", travel_cost="600", nights=5, nightly_cost="120"),
        values=parse_values_answers(VALUES),
    )


def test_the_steps_are_numbered_one_to_six_in_the_order_the_issue_gives() -> None:
    assert [step.number for step in STEPS] == [1, 2, 3, 4, 5, 6]
    assert [step.key for step in STEPS] == list(StepKey)
    assert STEPS[0].path == "/check"
    assert STEPS[-1].path == "/summary"


def test_nothing_answered_skips_every_step_but_the_summary_and_starts_at_step_one() -> None:
    empty = JourneyAnswers()
    assert not empty.started
    assert [step.number for step in skipped_steps(empty)] == [1, 2, 3, 4, 5]
    assert next_step(empty).number == 1


def test_checked_with_no_red_flag_counts_as_done_but_not_checked_does_not() -> None:
    assert StepKey.urgent not in {s.key for s in skipped_steps(JourneyAnswers(red_flags=()))}
    assert StepKey.urgent in {s.key for s in skipped_steps(JourneyAnswers(red_flags=None))}


def test_skipping_costs_alone_is_named_and_the_next_step_is_costs() -> None:
    answers = _everything().model_copy(update={"costs": None})
    assert [step.key for step in skipped_steps(answers)] == [StepKey.costs]
    assert next_step(answers).key is StepKey.costs
    assert next_step(_everything()).key is StepKey.summary


def test_neighbours_stop_at_both_ends() -> None:
    assert neighbours(StepKey.urgent) == (None, STEPS[1])
    assert neighbours(StepKey.costs) == (STEPS[2], STEPS[4])
    assert neighbours(StepKey.summary) == (STEPS[4], None)


def test_a_save_code_reads_back_to_the_same_answers_and_stays_short() -> None:
    answers = _everything()
    code = save_code(answers)
    assert code.startswith(CODE_PREFIX)
    assert read_code(code) == answers
    # It must fit a browser cookie (4,096 bytes) with room to spare.
    assert len(code) < 1_500


def test_a_code_copied_across_lines_with_spaces_still_reads() -> None:
    code = save_code(_everything())
    broken = " ".join(code[i : i + 20] for i in range(0, len(code), 20)) + "\n"
    assert read_code(broken) == _everything()


def test_the_code_holds_nothing_identifying() -> None:
    body = save_code(_everything()).removeprefix(CODE_PREFIX)
    raw = zlib.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))).decode()
    for identifying in ("name", "birth", "email", "phone", "address", "mrn"):
        assert identifying not in raw


@pytest.mark.parametrize(
    "code",
    [
        "",
        "hello",
        CODE_PREFIX + "!!!!",
        CODE_PREFIX + base64.urlsafe_b64encode(b"not compressed").decode(),
        CODE_PREFIX + base64.urlsafe_b64encode(zlib.compress(b"[1, 2]")).decode(),
        CODE_PREFIX + base64.urlsafe_b64encode(zlib.compress(b"{not json")).decode(),
        CODE_PREFIX + "A" * 9_000,
    ],
)
def test_anything_else_is_refused_naming_the_code_or_the_answers(code: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        read_code(code)
    assert refused.value.field in {"code", "answers"}


def test_a_code_that_unpacks_to_something_huge_is_refused() -> None:
    bomb = zlib.compress(b'{"red_flags": []' + b" " * 5_000_000 + b"}")
    with pytest.raises(InvalidInput, match="damaged"):
        read_code(CODE_PREFIX + base64.urlsafe_b64encode(bomb).decode())


def test_a_saved_file_with_a_wrong_answer_names_the_field() -> None:
    data = _everything().model_dump(mode="json")
    data["profile"]["severity"] = "very bad"
    with pytest.raises(InvalidInput) as refused:
        parse_answers(data)
    assert refused.value.field == "profile.severity"
    data = _everything().model_dump(mode="json")
    data["values"]["leaning"] = "magic"
    with pytest.raises(InvalidInput) as refused:
        parse_answers(data)
    assert refused.value.field == "leaning"
