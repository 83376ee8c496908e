"""Initial schema and reference data

Revision ID: 0001
Revises:
Create Date: 2026-11-22

Reference data (the 22 Welsh local authorities, the forces) is written out here, not read
from a file, so this revision gives the same database whenever it runs.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FORCES = [
    ("dyfed-powys", "Dyfed-Powys Police", "Heddlu Dyfed-Powys"),
    ("gwent", "Gwent Police", "Heddlu Gwent"),
    ("north-wales", "North Wales Police", "Heddlu Gogledd Cymru"),
    ("south-wales", "South Wales Police", "Heddlu De Cymru"),
    ("other", "Another police force", "Heddlu arall"),
]

LOCAL_AUTHORITIES = [
    ("isle-of-anglesey", "W06000001", "Isle of Anglesey", "Ynys Môn", "north-wales"),
    ("gwynedd", "W06000002", "Gwynedd", "Gwynedd", "north-wales"),
    ("conwy", "W06000003", "Conwy", "Conwy", "north-wales"),
    ("denbighshire", "W06000004", "Denbighshire", "Sir Ddinbych", "north-wales"),
    ("flintshire", "W06000005", "Flintshire", "Sir y Fflint", "north-wales"),
    ("wrexham", "W06000006", "Wrexham", "Wrecsam", "north-wales"),
    ("ceredigion", "W06000008", "Ceredigion", "Ceredigion", "dyfed-powys"),
    ("pembrokeshire", "W06000009", "Pembrokeshire", "Sir Benfro", "dyfed-powys"),
    ("carmarthenshire", "W06000010", "Carmarthenshire", "Sir Gaerfyrddin", "dyfed-powys"),
    ("swansea", "W06000011", "Swansea", "Abertawe", "south-wales"),
    ("neath-port-talbot", "W06000012", "Neath Port Talbot", "Castell-nedd Port Talbot",
     "south-wales"),
    ("bridgend", "W06000013", "Bridgend", "Pen-y-bont ar Ogwr", "south-wales"),
    ("vale-of-glamorgan", "W06000014", "Vale of Glamorgan", "Bro Morgannwg", "south-wales"),
    ("cardiff", "W06000015", "Cardiff", "Caerdydd", "south-wales"),
    ("rhondda-cynon-taf", "W06000016", "Rhondda Cynon Taf", "Rhondda Cynon Taf", "south-wales"),
    ("caerphilly", "W06000018", "Caerphilly", "Caerffili", "gwent"),
    ("blaenau-gwent", "W06000019", "Blaenau Gwent", "Blaenau Gwent", "gwent"),
    ("torfaen", "W06000020", "Torfaen", "Tor-faen", "gwent"),
    ("monmouthshire", "W06000021", "Monmouthshire", "Sir Fynwy", "gwent"),
    ("newport", "W06000022", "Newport", "Casnewydd", "gwent"),
    ("powys", "W06000023", "Powys", "Powys", "dyfed-powys"),
    ("merthyr-tydfil", "W06000024", "Merthyr Tydfil", "Merthyr Tudful", "south-wales"),
]  # fmt: skip

# The audit log is append-only in the database itself, not only by convention.
_SQLITE_TRIGGERS = [
    "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
    "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
]
_PG_TRIGGERS = [
    "CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$",
    "CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events "
    "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()",
]


def _seed() -> None:
    forces = sa.table(
        "police_forces", sa.column("code"), sa.column("name_en"), sa.column("name_cy")
    )
    las = sa.table(
        "local_authorities",
        sa.column("code"),
        sa.column("gss_code"),
        sa.column("name_en"),
        sa.column("name_cy"),
        sa.column("police_force"),
    )
    op.bulk_insert(
        forces, [dict(zip(("code", "name_en", "name_cy"), f, strict=True)) for f in FORCES]
    )
    keys = ("code", "gss_code", "name_en", "name_cy", "police_force")
    op.bulk_insert(las, [dict(zip(keys, la, strict=True)) for la in LOCAL_AUTHORITIES])


def _append_only_audit() -> None:
    dialect = op.get_bind().dialect.name
    for statement in _PG_TRIGGERS if dialect == "postgresql" else _SQLITE_TRIGGERS:
        op.execute(statement)


def upgrade() -> None:

    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=48), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=True),
        sa.Column("from_state", sa.String(length=32), nullable=True),
        sa.Column("to_state", sa.String(length=32), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index("ix_audit_events_referral_id_at", ["referral_id", "at"], unique=False)

    op.create_table(
        "enrolment_failures",
        sa.Column("telegram_id", sa.BigInteger(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("telegram_id", name=op.f("pk_enrolment_failures")),
    )
    op.create_table(
        "police_forces",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("name_cy", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_police_forces")),
    )
    op.create_table(
        "processed_updates",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("update_id", name=op.f("pk_processed_updates")),
    )
    with op.batch_alter_table("processed_updates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_processed_updates_processed_at"), ["processed_at"], unique=False
        )

    op.create_table(
        "local_authorities",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("gss_code", sa.String(length=9), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("name_cy", sa.String(length=100), nullable=False),
        sa.Column("police_force", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["police_force"],
            ["police_forces.code"],
            name=op.f("fk_local_authorities_police_force_police_forces"),
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_local_authorities")),
        sa.UniqueConstraint("gss_code", name=op.f("uq_local_authorities_gss_code")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("telegram_id", sa.BigInteger(), nullable=True),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("force_code", sa.String(length=32), nullable=True),
        sa.Column("national", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("language IN ('en', 'cy')", name=op.f("ck_users_language")),
        sa.CheckConstraint(
            "role IN ('police', 'yot', 'worker', 'manager', 'admin')", name=op.f("ck_users_role")
        ),
        sa.ForeignKeyConstraint(
            ["force_code"], ["police_forces.code"], name=op.f("fk_users_force_code_police_forces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("telegram_id", name=op.f("uq_users_telegram_id")),
    )
    op.create_table(
        "invites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("force_code", sa.String(length=32), nullable=True),
        sa.Column("la_codes", sa.JSON(), nullable=False),
        sa.Column("national", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_by_user_id", sa.Integer(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "role IN ('police', 'yot', 'worker', 'manager', 'admin')", name=op.f("ck_invites_role")
        ),
        sa.ForeignKeyConstraint(
            ["force_code"], ["police_forces.code"], name=op.f("fk_invites_force_code_police_forces")
        ),
        sa.ForeignKeyConstraint(
            ["used_by_user_id"], ["users.id"], name=op.f("fk_invites_used_by_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invites")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_invites_token_hash")),
    )
    op.create_table(
        "referrals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("state_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("oocd", sa.String(length=32), nullable=True),
        sa.Column("force_code", sa.String(length=32), nullable=True),
        sa.Column("la_code", sa.String(length=32), nullable=True),
        sa.Column("referring_officer_id", sa.Integer(), nullable=True),
        sa.Column("yot", sa.Boolean(), nullable=False),
        sa.Column("consent_given_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_session_due", sa.Date(), nullable=True),
        sa.Column("support_due", sa.Date(), nullable=True),
        sa.Column("extension_until", sa.Date(), nullable=True),
        sa.Column("extension_reason", sa.String(length=500), nullable=True),
        sa.Column("allocated_worker_id", sa.Integer(), nullable=True),
        sa.Column("first_session_date", sa.Date(), nullable=True),
        sa.Column("session_language", sa.String(length=16), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("outcome_recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("police_notified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_reason", sa.String(length=500), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "state IN ('screening', 'closed_ineligible', 'closed_no_consent', 'referred', 'allocated', 'engaged', 'outcome_not_taken_up', 'outcome_not_engaged', 'outcome_completed', 'closed', 'closed_withdrawn')",
            name=op.f("ck_referrals_state"),
        ),
        sa.ForeignKeyConstraint(
            ["allocated_worker_id"],
            ["users.id"],
            name=op.f("fk_referrals_allocated_worker_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["force_code"],
            ["police_forces.code"],
            name=op.f("fk_referrals_force_code_police_forces"),
        ),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authorities.code"],
            name=op.f("fk_referrals_la_code_local_authorities"),
        ),
        sa.ForeignKeyConstraint(
            ["referring_officer_id"],
            ["users.id"],
            name=op.f("fk_referrals_referring_officer_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referrals")),
        sa.UniqueConstraint("reference", name=op.f("uq_referrals_reference")),
    )
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referrals_la_code"), ["la_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_referrals_state"), ["state"], unique=False)

    op.create_table(
        "user_las",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("la_code", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authorities.code"],
            name=op.f("fk_user_las_la_code_local_authorities"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_las_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "la_code", name=op.f("pk_user_las")),
    )
    op.create_table(
        "button_tokens",
        sa.Column("token", sa.String(length=24), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=48), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_button_tokens_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_button_tokens")),
    )
    with op.batch_alter_table("button_tokens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_button_tokens_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_button_tokens_user_id"), ["user_id"], unique=False)

    op.create_table(
        "contact_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=True),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("result", sa.String(length=16), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_contact_attempts_referral_id_referrals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["users.id"], name=op.f("fk_contact_attempts_worker_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_attempts")),
    )
    with op.batch_alter_table("contact_attempts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contact_attempts_referral_id"), ["referral_id"], unique=False
        )

    op.create_table(
        "dialogues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("step", sa.String(length=64), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_dialogues_referral_id_referrals"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_dialogues_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dialogues")),
        sa.UniqueConstraint("user_id", name=op.f("uq_dialogues_user_id")),
    )
    op.create_table(
        "distance_measures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("tool", sa.String(length=64), nullable=False),
        sa.Column("phase", sa.String(length=8), nullable=False),
        sa.Column("score", sa.String(length=32), nullable=False),
        sa.Column("positive", sa.Boolean(), nullable=True),
        sa.Column("measured_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["users.id"], name=op.f("fk_distance_measures_recorded_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_distance_measures_referral_id_referrals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_distance_measures")),
    )
    with op.batch_alter_table("distance_measures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_distance_measures_referral_id"), ["referral_id"], unique=False
        )

    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("recipient_user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("chat_message_id", sa.BigInteger(), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["recipient_user_id"],
            ["users.id"],
            name=op.f("fk_notifications_recipient_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_notifications_referral_id_referrals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_notifications_referral_id"), ["referral_id"], unique=False
        )

    op.create_table(
        "nudge_ledger",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=48), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("recipient_user_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["recipient_user_id"],
            ["users.id"],
            name=op.f("fk_nudge_ledger_recipient_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_nudge_ledger_referral_id_referrals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nudge_ledger")),
        sa.UniqueConstraint(
            "referral_id",
            "rule",
            "due_on",
            "recipient_user_id",
            name=op.f("uq_nudge_ledger_referral_id_rule_due_on_recipient_user_id"),
        ),
    )
    op.create_table(
        "parenting_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=True),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("welsh_medium", sa.Boolean(), nullable=False),
        sa.Column("engagement", sa.String(length=16), nullable=True),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('planned', 'attended', 'missed', 'cancelled')",
            name=op.f("ck_parenting_sessions_status"),
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_parenting_sessions_referral_id_referrals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["users.id"], name=op.f("fk_parenting_sessions_worker_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parenting_sessions")),
    )
    with op.batch_alter_table("parenting_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_parenting_sessions_referral_id"), ["referral_id"], unique=False
        )

    op.create_table(
        "personal_details",
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_personal_details_referral_id_referrals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("referral_id", name=op.f("pk_personal_details")),
    )
    op.create_table(
        "safeguarding_concerns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("raised_by", sa.Integer(), nullable=True),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("summary", sa.LargeBinary(), nullable=True),
        sa.Column("action_taken", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["raised_by"], ["users.id"], name=op.f("fk_safeguarding_concerns_raised_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_safeguarding_concerns_referral_id_referrals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safeguarding_concerns")),
    )
    with op.batch_alter_table("safeguarding_concerns", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_safeguarding_concerns_referral_id"), ["referral_id"], unique=False
        )

    op.create_table(
        "screening_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["answered_by"], ["users.id"], name=op.f("fk_screening_answers_answered_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_screening_answers_referral_id_referrals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_answers")),
        sa.UniqueConstraint(
            "referral_id", "question", name=op.f("uq_screening_answers_referral_id_question")
        ),
    )
    _seed()
    _append_only_audit()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_events_no_change ON audit_events")
        op.execute("DROP FUNCTION audit_events_append_only()")

    op.drop_table("screening_answers")
    with op.batch_alter_table("safeguarding_concerns", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_safeguarding_concerns_referral_id"))

    op.drop_table("safeguarding_concerns")
    op.drop_table("personal_details")
    with op.batch_alter_table("parenting_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_parenting_sessions_referral_id"))

    op.drop_table("parenting_sessions")
    op.drop_table("nudge_ledger")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notifications_referral_id"))

    op.drop_table("notifications")
    with op.batch_alter_table("distance_measures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_distance_measures_referral_id"))

    op.drop_table("distance_measures")
    op.drop_table("dialogues")
    with op.batch_alter_table("contact_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_attempts_referral_id"))

    op.drop_table("contact_attempts")
    with op.batch_alter_table("button_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_button_tokens_user_id"))
        batch_op.drop_index(batch_op.f("ix_button_tokens_created_at"))

    op.drop_table("button_tokens")
    op.drop_table("user_las")
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referrals_state"))
        batch_op.drop_index(batch_op.f("ix_referrals_la_code"))

    op.drop_table("referrals")
    op.drop_table("invites")
    op.drop_table("users")
    op.drop_table("local_authorities")
    with op.batch_alter_table("processed_updates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_processed_updates_processed_at"))

    op.drop_table("processed_updates")
    op.drop_table("police_forces")
    op.drop_table("enrolment_failures")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_referral_id_at")

    op.drop_table("audit_events")
