"""Covering indexes of assessment scores for outcome analytics.

The report and the decision aid's registry line read every score with its patient's baseline
score. (episode_id, instrument, timepoint, score) pairs each score with its baseline, and
(timepoint, instrument, score, episode_id) counts scores in the report's grouping order and
finds one timepoint's scores (12 months, baseline), so those reads scan narrow indexes instead
of the assessment rows with their stored answers.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 12:45:45.653017
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.create_index(
            "ix_assessment_scores",
            ["episode_id", "instrument", "timepoint", "score"],
            unique=False,
        )
        batch_op.create_index(
            "ix_assessment_levels",
            ["timepoint", "instrument", "score", "episode_id"],
            unique=False,
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_index("ix_assessment_levels")
        batch_op.drop_index("ix_assessment_scores")
