"""The situation centre's tables (SQLAlchemy Core). Timestamps are timezone-aware UTC on both
databases; every mutable row has a `version` that each update increments and checks.

Database constraints back the invariants the service enforces (docs/situation.md):
- `beds.occupant_request_id` is unique and a CHECK ties it to `state = 'occupied'`: a bed holds
  at most one patient and an occupied bed always names its patient;
- `placements.request_id` is the primary key (a request is placed at most once) and a partial
  unique index allows one unreleased placement per bed;
- `idempotency_keys` has the primary key (actor, key);
- `audit_log` and `situation_events` refuse UPDATE and DELETE (triggers): append-only."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from tilannekuva.situation.states import (
    BED,
    HANDOFF,
    REQUEST,
    TRANSPORT,
    TRANSPORT_URGENCIES,
    URGENCIES,
)


class UTCDateTime(sa.TypeDecorator):
    """A timezone-aware datetime stored as UTC: `timestamptz` on PostgreSQL, a naive UTC text on
    SQLite; always read back as an aware UTC datetime."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: the situation centre stores aware times")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


JSON = sa.JSON().with_variant(JSONB(), "postgresql")

metadata = sa.MetaData()


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _stamps() -> list[sa.Column]:
    return [
        sa.Column("version", sa.Integer, nullable=False, default=1),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        # When the entity entered its current state (the board's "waiting for").
        sa.Column("state_since", UTCDateTime, nullable=False),
    ]


wards = sa.Table(
    "wards", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("code", sa.String(40), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("specialty", sa.String(40), nullable=False),  # codes/specialty.csv
    sa.Column("capacity", sa.Integer, nullable=False),
    sa.Column("isolation_rooms", sa.Integer, nullable=False),
    sa.Column("version", sa.Integer, nullable=False, default=1),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.CheckConstraint("capacity >= 0 AND isolation_rooms >= 0 AND isolation_rooms <= capacity",
                       name="ck_wards_capacity"),
)

routing_requests = sa.Table(
    "routing_requests", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("specialty", sa.String(40), nullable=False),
    sa.Column("needs_isolation", sa.Boolean, nullable=False),
    sa.Column("urgency", sa.String(20), nullable=False),
    sa.Column("patient_ref", sa.String(80)),  # a pseudonym, never a personal identity code
    sa.Column("note", sa.Text),
    sa.Column("state", sa.String(20), nullable=False),
    # The ward it is offered to / accepted by / placed on; NULL while open.
    sa.Column("ward_id", sa.ForeignKey("wards.id")),
    sa.Column("reason", sa.Text),  # the reason of the last decline, withdrawal or ending
    *_stamps(),
    sa.CheckConstraint(_in("state", REQUEST.states), name="ck_requests_state"),
    sa.CheckConstraint(_in("urgency", URGENCIES), name="ck_requests_urgency"),
    sa.CheckConstraint("state NOT IN ('offered', 'accepted', 'placed') OR ward_id IS NOT NULL",
                       name="ck_requests_ward"),
    sa.Index("ix_requests_state", "state"),
)

beds = sa.Table(
    "beds", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("ward_id", sa.ForeignKey("wards.id"), nullable=False),
    sa.Column("label", sa.String(40), nullable=False),
    sa.Column("is_isolation", sa.Boolean, nullable=False),
    sa.Column("state", sa.String(20), nullable=False),
    sa.Column("occupant_request_id", sa.ForeignKey("routing_requests.id"), unique=True),
    sa.Column("reserved_for_request_id", sa.ForeignKey("routing_requests.id")),
    sa.Column("reason", sa.Text),  # why blocked
    *_stamps(),
    sa.UniqueConstraint("ward_id", "label", name="uq_beds_ward_label"),
    sa.CheckConstraint(_in("state", BED.states), name="ck_beds_state"),
    sa.CheckConstraint("(state = 'occupied') = (occupant_request_id IS NOT NULL)",
                       name="ck_beds_occupant"),
    sa.CheckConstraint("state = 'reserved' OR reserved_for_request_id IS NULL",
                       name="ck_beds_reservation"),
)

placements = sa.Table(
    "placements", metadata,
    sa.Column("request_id", sa.ForeignKey("routing_requests.id"), primary_key=True),
    sa.Column("bed_id", sa.ForeignKey("beds.id"), nullable=False),
    sa.Column("ward_id", sa.ForeignKey("wards.id"), nullable=False),
    sa.Column("placed_at", UTCDateTime, nullable=False),
    # Set when the placement is undone (request cancelled or interrupted after placing) or the
    # patient leaves the bed (bed vacated).
    sa.Column("released_at", UTCDateTime),
    sa.Index("uq_placements_active_bed", "bed_id", unique=True,
             sqlite_where=sa.text("released_at IS NULL"),
             postgresql_where=sa.text("released_at IS NULL")),
)

handoffs = sa.Table(
    "handoffs", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("ward_id", sa.ForeignKey("wards.id"), nullable=False),
    sa.Column("home_care_team", sa.String(200), nullable=False),
    sa.Column("patient_ref", sa.String(80)),
    sa.Column("request_id", sa.ForeignKey("routing_requests.id")),
    sa.Column("planned_discharge_at", UTCDateTime),
    sa.Column("note", sa.Text),
    sa.Column("state", sa.String(20), nullable=False),
    sa.Column("reason", sa.Text),
    *_stamps(),
    sa.CheckConstraint(_in("state", HANDOFF.states), name="ck_handoffs_state"),
)

transports = sa.Table(
    "transports", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("urgency_class", sa.String(20), nullable=False),
    sa.Column("safety_needs", JSON, nullable=False),  # sorted list of states.SAFETY_NEEDS
    sa.Column("origin", sa.String(200), nullable=False),
    sa.Column("destination", sa.String(200), nullable=False),
    sa.Column("patient_ref", sa.String(80)),
    sa.Column("request_id", sa.ForeignKey("routing_requests.id")),
    sa.Column("handoff_id", sa.ForeignKey("handoffs.id")),
    sa.Column("note", sa.Text),
    sa.Column("state", sa.String(20), nullable=False),
    sa.Column("reason", sa.Text),
    *_stamps(),
    sa.CheckConstraint(_in("state", TRANSPORT.states), name="ck_transports_state"),
    sa.CheckConstraint(_in("urgency_class", TRANSPORT_URGENCIES), name="ck_transports_urgency"),
)

# Every state change (and creation) of every entity, in order: the history that is exported into
# the canonical tables for the metrics (time to arrange a place, time to leave the ED, ...).
situation_events = sa.Table(
    "situation_events", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("actor", sa.String(120), nullable=False),
    sa.Column("entity", sa.String(20), nullable=False),  # ward, bed, request, handoff, transport
    sa.Column("entity_id", sa.Integer, nullable=False),
    sa.Column("action", sa.String(30), nullable=False),
    sa.Column("from_state", sa.String(20)),  # NULL for creation
    sa.Column("to_state", sa.String(20)),
    sa.Column("ward_id", sa.Integer),  # the ward concerned, if any
    sa.Column("bed_id", sa.Integer),
    sa.Column("reason", sa.Text),
    sa.Index("ix_events_entity", "entity", "entity_id"),
    sa.Index("ix_events_at", "at"),
)

# Who changed what, when, with the row before and after (JSON): append-only.
audit_log = sa.Table(
    "audit_log", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("actor", sa.String(120), nullable=False),
    sa.Column("entity", sa.String(20), nullable=False),
    sa.Column("entity_id", sa.Integer, nullable=False),
    sa.Column("action", sa.String(30), nullable=False),
    sa.Column("before", JSON),  # NULL for creation
    sa.Column("after", JSON),
    sa.Column("idempotency_key", sa.String(200)),
    sa.Index("ix_audit_entity", "entity", "entity_id"),
)

idempotency_keys = sa.Table(
    "idempotency_keys", metadata,
    sa.Column("actor", sa.String(120), primary_key=True),
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("operation", sa.String(60), nullable=False),
    sa.Column("payload_hash", sa.String(64), nullable=False),
    sa.Column("result", JSON),  # filled in the same transaction that claimed the key
    sa.Column("created_at", UTCDateTime, nullable=False),
)

ENTITY_TABLES: dict[str, sa.Table] = {
    "ward": wards, "bed": beds, "request": routing_requests, "handoff": handoffs,
    "transport": transports}


def _append_only(table: sa.Table) -> None:
    name = table.name
    sa.event.listen(table, "after_create", sa.DDL(
        f"CREATE TRIGGER {name}_no_update BEFORE UPDATE ON {name} "
        f"BEGIN SELECT RAISE(ABORT, '{name} is append-only'); END").execute_if(dialect="sqlite"))
    sa.event.listen(table, "after_create", sa.DDL(
        f"CREATE TRIGGER {name}_no_delete BEFORE DELETE ON {name} "
        f"BEGIN SELECT RAISE(ABORT, '{name} is append-only'); END").execute_if(dialect="sqlite"))
    sa.event.listen(table, "after_create", sa.DDL(
        f"CREATE OR REPLACE FUNCTION {name}_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN RAISE EXCEPTION '{name} is append-only'; END $$").execute_if(
            dialect="postgresql"))
    sa.event.listen(table, "after_create", sa.DDL(
        f"CREATE TRIGGER {name}_no_change BEFORE UPDATE OR DELETE ON {name} "
        f"FOR EACH ROW EXECUTE FUNCTION {name}_append_only()").execute_if(dialect="postgresql"))


_append_only(audit_log)
_append_only(situation_events)


def utcnow() -> datetime:
    return datetime.now(UTC)
