"""Registry tables, and triggers that keep the audit trail append-only.

Revision ID: 0001
Revises:
Create Date: 2026-11-21 11:05:38.543112
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=60), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "admin",
                "clinician",
                "coordinator",
                "researcher",
                name="role",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("username", name=op.f("uq_app_user_username")),
    )
    op.create_table(
        "patient",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registry_key", sa.String(length=16), nullable=False),
        sa.Column("site", sa.String(length=40), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patient")),
        sa.UniqueConstraint("registry_key", name=op.f("uq_patient_registry_key")),
    )
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=60), nullable=False),
        sa.Column(
            "action",
            sa.Enum(
                "create",
                "update",
                "delete",
                "read_identifying",
                "login",
                "export",
                name="audit_action",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.String(length=40), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column(
            "details",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_audit_event_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_audit_event_occurred_at"), ["occurred_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_audit_event_user_id"), ["user_id"], unique=False)

    op.create_table(
        "episode",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column(
            "region",
            sa.Enum(
                "lumbar",
                "cervical",
                "thoracic",
                name="region",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "severity",
            sa.Enum(
                "mild",
                "moderate",
                "severe",
                name="severity",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("diagnosis_code", sa.String(length=12), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open", "closed", name="episode_status", native_enum=False, create_constraint=True
            ),
            nullable=False,
        ),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
            name=op.f("fk_episode_patient_id_patient"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_episode")),
    )
    with op.batch_alter_table("episode", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_episode_patient_id"), ["patient_id"], unique=False)

    op.create_table(
        "patient_identity",
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column(
            "sex",
            sa.Enum(
                "female",
                "male",
                "other",
                "unknown",
                name="sex",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("zip", sa.String(length=10), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("mrn", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
            name=op.f("fk_patient_identity_patient_id_patient"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("patient_id", name=op.f("pk_patient_identity")),
        sa.UniqueConstraint("mrn", name=op.f("uq_patient_identity_mrn")),
    )
    op.create_table(
        "consent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "treatment",
                "registry",
                "research_use",
                "contact",
                name="consent_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("given", sa.Boolean(), nullable=False),
        sa.Column("form_version", sa.String(length=40), nullable=True),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("withdrawn_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["episode.id"],
            name=op.f("fk_consent_episode_id_episode"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent")),
    )
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consent_episode_id"), ["episode_id"], unique=False)

    op.create_table(
        "intervention",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("performed_on", sa.Date(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "decompression",
                "decompression_with_fusion",
                "epidural_steroid",
                "repeat_cell_injection",
                "other_surgery",
                "other",
                name="intervention_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("is_surgery", sa.Boolean(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["episode.id"],
            name=op.f("fk_intervention_episode_id_episode"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intervention")),
    )
    with op.batch_alter_table("intervention", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_intervention_episode_id"), ["episode_id"], unique=False
        )

    op.create_table(
        "medication_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("drug", sa.String(length=120), nullable=False),
        sa.Column("is_nsaid", sa.Boolean(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("stopped_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["episode.id"],
            name=op.f("fk_medication_note_episode_id_episode"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_medication_note")),
    )
    with op.batch_alter_table("medication_note", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_medication_note_episode_id"), ["episode_id"], unique=False
        )

    op.create_table(
        "procedure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("performed_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "cell_source",
            sa.Enum(
                "bone_marrow",
                "adipose",
                "allogeneic",
                name="cell_source",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("harvest_site", sa.String(length=120), nullable=True),
        sa.Column("harvest_volume_ml", sa.Float(), nullable=True),
        sa.Column("anaesthetic", sa.String(length=120), nullable=True),
        sa.Column("product_name", sa.String(length=120), nullable=True),
        sa.Column("lot_number", sa.String(length=60), nullable=True),
        sa.Column("donor_screening_documented", sa.Boolean(), nullable=False),
        sa.Column("processing_method", sa.String(length=120), nullable=True),
        sa.Column("processing_device", sa.String(length=120), nullable=True),
        sa.Column("processing_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("processing_ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("total_nucleated_cells_per_ml", sa.Float(), nullable=True),
        sa.Column("cfu_f_per_ml", sa.Float(), nullable=True),
        sa.Column("cd34_per_ml", sa.Float(), nullable=True),
        sa.Column("viability_percent", sa.Float(), nullable=True),
        sa.Column(
            "region",
            sa.Enum(
                "cervical",
                "thoracic",
                "lumbar",
                "sacral",
                name="spinal_region",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "levels",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "image_guidance",
            sa.Enum(
                "fluoroscopy",
                "ultrasound",
                "ct",
                "none",
                name="image_guidance",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("injection_volume_ml", sa.Float(), nullable=True),
        sa.Column("cell_dose", sa.Float(), nullable=True),
        sa.Column("operator", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["episode.id"],
            name=op.f("fk_procedure_episode_id_episode"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_procedure")),
    )
    with op.batch_alter_table("procedure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_procedure_episode_id"), ["episode_id"], unique=False)

    op.create_table(
        "screening",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("screened_on", sa.Date(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column(
            "profile",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "result",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["episode.id"],
            name=op.f("fk_screening_episode_id_episode"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening")),
    )
    with op.batch_alter_table("screening", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_screening_episode_id"), ["episode_id"], unique=False)

    op.create_table(
        "adverse_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("procedure_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column(
            "site",
            sa.Enum(
                "harvest",
                "injection",
                "systemic",
                name="adverse_event_site",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("grade", sa.Integer(), nullable=False),
        sa.Column("serious", sa.Boolean(), nullable=False),
        sa.Column(
            "serious_criteria",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "relatedness",
            sa.Enum(
                "unrelated",
                "unlikely",
                "possible",
                "probable",
                "definite",
                name="relatedness",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("onset_on", sa.Date(), nullable=False),
        sa.Column("resolved_on", sa.Date(), nullable=True),
        sa.Column(
            "outcome",
            sa.Enum(
                "recovered",
                "recovering",
                "not_recovered",
                "recovered_with_sequelae",
                "fatal",
                "unknown",
                name="adverse_event_outcome",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("grade BETWEEN 1 AND 5", name=op.f("ck_adverse_event_ctcae_grade")),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["episode.id"],
            name=op.f("fk_adverse_event_episode_id_episode"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["procedure_id"],
            ["procedure.id"],
            name=op.f("fk_adverse_event_procedure_id_procedure"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adverse_event")),
    )
    with op.batch_alter_table("adverse_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_adverse_event_episode_id"), ["episode_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_adverse_event_procedure_id"), ["procedure_id"], unique=False
        )

    op.create_table(
        "follow_up",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("procedure_id", sa.Integer(), nullable=False),
        sa.Column("timepoint", sa.String(length=12), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("window_opens", sa.Date(), nullable=False),
        sa.Column("window_closes", sa.Date(), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["procedure_id"],
            ["procedure.id"],
            name=op.f("fk_follow_up_procedure_id_procedure"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up")),
        sa.UniqueConstraint("procedure_id", "timepoint", name=op.f("uq_follow_up_procedure_id")),
    )
    with op.batch_alter_table("follow_up", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_follow_up_due_on"), ["due_on"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_follow_up_procedure_id"), ["procedure_id"], unique=False
        )

    op.create_table(
        "injection_target",
        sa.Column("procedure_id", sa.Integer(), nullable=False),
        sa.Column(
            "target",
            sa.Enum(
                "epidural",
                "facet",
                "intradiscal",
                "other",
                name="injection_target",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["procedure_id"],
            ["procedure.id"],
            name=op.f("fk_injection_target_procedure_id_procedure"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("procedure_id", "target", name=op.f("pk_injection_target")),
    )
    op.create_table(
        "protocol_check",
        sa.Column("procedure_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("check_id", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "passed",
                "refused",
                "warning",
                "note",
                name="check_outcome",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("field", sa.String(length=80), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column(
            "sources",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("evidence_level", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["procedure_id"],
            ["procedure.id"],
            name=op.f("fk_protocol_check_procedure_id_procedure"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("procedure_id", "position", name=op.f("pk_protocol_check")),
    )
    op.create_table(
        "assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("follow_up_id", sa.Integer(), nullable=True),
        sa.Column("instrument", sa.String(length=40), nullable=False),
        sa.Column("timepoint", sa.String(length=12), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column(
            "answers",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column(
            "subscales",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["episode.id"],
            name=op.f("fk_assessment_episode_id_episode"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["follow_up_id"],
            ["follow_up.id"],
            name=op.f("fk_assessment_follow_up_id_follow_up"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment")),
        sa.UniqueConstraint(
            "episode_id", "instrument", "timepoint", name=op.f("uq_assessment_episode_id")
        ),
    )
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessment_episode_id"), ["episode_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_assessment_follow_up_id"), ["follow_up_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_assessment_instrument"), ["instrument"], unique=False)
        batch_op.create_index(batch_op.f("ix_assessment_timepoint"), ["timepoint"], unique=False)

    _protect_audit_trail()


def downgrade() -> None:
    """Revert this revision."""
    _unprotect_audit_trail()
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_timepoint"))
        batch_op.drop_index(batch_op.f("ix_assessment_instrument"))
        batch_op.drop_index(batch_op.f("ix_assessment_follow_up_id"))
        batch_op.drop_index(batch_op.f("ix_assessment_episode_id"))

    op.drop_table("assessment")
    op.drop_table("protocol_check")
    op.drop_table("injection_target")
    with op.batch_alter_table("follow_up", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follow_up_procedure_id"))
        batch_op.drop_index(batch_op.f("ix_follow_up_due_on"))

    op.drop_table("follow_up")
    with op.batch_alter_table("adverse_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_adverse_event_procedure_id"))
        batch_op.drop_index(batch_op.f("ix_adverse_event_episode_id"))

    op.drop_table("adverse_event")
    with op.batch_alter_table("screening", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_screening_episode_id"))

    op.drop_table("screening")
    with op.batch_alter_table("procedure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_procedure_episode_id"))

    op.drop_table("procedure")
    with op.batch_alter_table("medication_note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_medication_note_episode_id"))

    op.drop_table("medication_note")
    with op.batch_alter_table("intervention", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intervention_episode_id"))

    op.drop_table("intervention")
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_episode_id"))

    op.drop_table("consent")
    op.drop_table("patient_identity")
    with op.batch_alter_table("episode", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_episode_patient_id"))

    op.drop_table("episode")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_user_id"))
        batch_op.drop_index(batch_op.f("ix_audit_event_occurred_at"))

    op.drop_table("audit_event")
    op.drop_table("patient")
    op.drop_table("app_user")


# The application may only add audit events; the database refuses UPDATE and DELETE on them.
_AUDIT_TRIGGERS_SQLITE = [
    f"""CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event
    BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END"""
    for verb in ("UPDATE", "DELETE")
]
_AUDIT_FUNCTION_POSTGRESQL = """
CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_event is append-only';
END $$"""
_AUDIT_TRIGGER_POSTGRESQL = """
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_event
FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()"""


def _protect_audit_trail() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_AUDIT_FUNCTION_POSTGRESQL)
        op.execute(_AUDIT_TRIGGER_POSTGRESQL)
        return
    for statement in _AUDIT_TRIGGERS_SQLITE:
        op.execute(statement)


def _unprotect_audit_trail() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS audit_event_append_only()")
        return
    for verb in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS audit_event_no_{verb}")
