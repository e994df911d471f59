"""The floor: one hand-written SQLite query for the report's responder table.

For every PROM with a relative responder rule (ODI, NDI and the pain scales) and every
follow-up timepoint, among treated episodes (those with a procedure): patients whose score fell
by at least 30% of a baseline above 0, and patients with a baseline above 0. It is what the
report's responder rows hold, and nothing else, computed the fastest obvious way.

`python -m bench.floor FILE` prints the table as JSON, so it is timed like the report: as a
command of its own.
"""

from __future__ import annotations

import json
import sqlite3
import sys

# 30% of baseline: the ODI threshold (Ostelo 2008; NORDSTEN), which the report applies to every
# instrument here. The tolerance matches analytics/frames.TOLERANCE (scores have 2 decimals).
RESPONDER_TABLE = """
SELECT f.instrument,
       f.timepoint,
       SUM(b.score > 0 AND b.score - f.score >= 0.3 * b.score - 1e-6) AS responders,
       SUM(b.score > 0) AS responder_n
FROM assessment AS f
JOIN assessment AS b
  ON b.episode_id = f.episode_id AND b.instrument = f.instrument AND b.timepoint = 'baseline'
WHERE f.instrument IN ('odi', 'ndi', 'nrs_back', 'nrs_leg', 'nrs_neck', 'nrs_arm')
  AND f.timepoint <> 'baseline'
  AND f.score IS NOT NULL
  AND b.score IS NOT NULL
  AND f.episode_id IN (SELECT episode_id FROM procedure)
GROUP BY f.instrument, f.timepoint
"""


def responder_table(path: str) -> list[dict[str, object]]:
    """The responder table of the registry file at `path` (opened read-only)."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        rows = connection.execute(RESPONDER_TABLE).fetchall()
    return [
        {"instrument": i, "timepoint": t, "responders": r, "responder_n": n} for i, t, r, n in rows
    ]


if __name__ == "__main__":
    print(json.dumps(responder_table(sys.argv[1])))
