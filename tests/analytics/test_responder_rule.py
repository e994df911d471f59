"""The relative responder rule gives the same answer in pandas and in SQL."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import case, create_engine, literal, select

from regenspine.analytics.responder_rule import can_respond, relative_response

# (baseline, follow-up, responder at 30%?): exactly 30% counts, just under does not, a baseline
# of 0 cannot respond, a worse score does not.
PAIRS = [
    (50.0, 35.0, True),
    (50.0, 35.02, False),
    (40.0, 20.0, True),
    (0.0, 0.0, False),
    (10.0, 12.0, False),
    (33.33, 23.33, True),
]


def test_pandas_gives_the_expected_answers() -> None:
    frame = pd.DataFrame(PAIRS, columns=["baseline", "value", "expected"])
    got = relative_response(frame["baseline"], frame["value"], 0.3)
    assert got.tolist() == frame["expected"].tolist()
    assert can_respond(frame["baseline"]).tolist() == [True, True, True, False, True, True]


def test_sql_gives_the_same_answers_as_pandas() -> None:
    engine = create_engine("sqlite://")
    with engine.connect() as connection:
        for baseline, value, expected in PAIRS:
            test = relative_response(literal(baseline), literal(value), 0.3)
            answer = connection.scalar(select(case((test, 1), else_=0)))
            assert bool(answer) is expected, (baseline, value)
    engine.dispose()
