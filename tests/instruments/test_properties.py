"""No input crashes a scorer: anything but a valid answer list ends in InvalidInput."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from regenspine.errors import InvalidInput
from regenspine.instruments import SCORERS, score
from regenspine.instruments.base import InstrumentScore

answer = st.one_of(
    st.none(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.text(max_size=12),
    st.sampled_from(["-", "", " 3 ", "1e3", "٣", "+2", "2.0", "9" * 5000]),
    st.booleans(),
    st.floats(allow_nan=True),
)


@settings(max_examples=300)
@given(
    instrument=st.sampled_from(sorted(SCORERS)),
    answers=st.lists(answer, max_size=20),
)
def test_any_answer_list_scores_or_raises_invalid_input(
    instrument: str, answers: list[object]
) -> None:
    outcome: InstrumentScore | InvalidInput
    try:
        outcome = score(instrument, answers)
    except InvalidInput as error:
        outcome = error
    if isinstance(outcome, InvalidInput):
        assert outcome.field.startswith("answers")
    else:
        assert outcome.answered <= len(answers)


@settings(max_examples=300)
@given(instrument=st.sampled_from(sorted(SCORERS)), text=st.text(max_size=60))
def test_any_cli_text_scores_or_raises_invalid_input(instrument: str, text: str) -> None:
    try:
        score(instrument, text)
    except InvalidInput:
        pass


@given(
    answers=st.lists(
        st.one_of(st.none(), st.integers(min_value=0, max_value=5)), min_size=10, max_size=10
    )
)
def test_odi_score_stays_within_0_100_or_is_null(answers: list[int | None]) -> None:
    result = score("odi", answers)
    answered = sum(value is not None for value in answers)
    if answered >= 9:
        assert result.score is not None
        assert 0 <= result.score <= 100
    else:
        assert result.score is None
        assert result.reason
