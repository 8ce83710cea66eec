"""One service call's transaction: row locks, versioned updates, the audit row and the history
event, and the idempotency key. `service.py` builds every action from these."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from tilannekuva.situation.errors import Conflict, IdempotencyKeyReused, NotFound
from tilannekuva.situation.tables import audit_log, idempotency_keys, situation_events

#: How long an idempotency key protects a retry. A client retries within seconds or minutes;
#: a day covers a retry after a network outage or a night shift's reconnect, and keeps the
#: table small. Afterwards the same key starts a new action.
KEY_LIFETIME = timedelta(hours=24)


def jsonable(value: Any) -> Any:
    """`value` with datetimes as ISO 8601 text, so a result reads the same from the first call
    and from the idempotency table."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def payload_hash(operation: str, payload: dict[str, Any]) -> str:
    text = json.dumps({"operation": operation, "payload": jsonable(payload)}, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def claim_key(con: sa.Connection, actor: str, key: str, operation: str, digest: str,
              now: datetime) -> dict | None:
    """Claim idempotency `key` for this call, or return the stored result of the earlier call
    that used it within `KEY_LIFETIME`. The INSERT ... ON CONFLICT DO NOTHING waits, on
    PostgreSQL, for a concurrent transaction that inserted the same key, so a racing retry sees
    the first call's result. An expired key is claimed afresh: the call is a new action."""
    dialect = postgresql if con.dialect.name == "postgresql" else sqlite
    values = dict(operation=operation, payload_hash=digest, created_at=now, result=None)
    mine = (idempotency_keys.c.actor == actor, idempotency_keys.c.key == key)
    claimed = con.execute(dialect.insert(idempotency_keys).values(
        actor=actor, key=key, **values,
    ).on_conflict_do_nothing().returning(idempotency_keys.c.actor)).first()
    if claimed is not None:
        return None
    renewed = con.execute(idempotency_keys.update().where(
        *mine, idempotency_keys.c.created_at < now - KEY_LIFETIME).values(values)).rowcount
    if renewed:
        return None
    row = con.execute(sa.select(idempotency_keys).where(*mine)).one()
    if row.operation != operation or row.payload_hash != digest:
        what = (f"a different operation ({row.operation})" if row.operation != operation
                else f"{operation} with different details")
        raise IdempotencyKeyReused(
            f"idempotency key {key!r} was already used by {actor} for {what}; "
            "use a new key for a new action")
    if row.result is None:  # cannot happen: the key and its result commit together
        raise Conflict(f"idempotency key {key!r} is in use by a call still running")
    return row.result


def forget_expired_keys(con: sa.Connection, now: datetime) -> int:
    """Delete the idempotency keys older than `KEY_LIFETIME`; returns how many."""
    return con.execute(idempotency_keys.delete().where(
        idempotency_keys.c.created_at < now - KEY_LIFETIME)).rowcount


def store_result(con: sa.Connection, actor: str, key: str, result: Any) -> None:
    con.execute(idempotency_keys.update().where(
        idempotency_keys.c.actor == actor, idempotency_keys.c.key == key).values(result=result))


@dataclass
class Tx:
    """The connection, actor, time and idempotency key of one service call."""

    con: sa.Connection
    actor: str
    now: datetime
    key: str | None = None

    def get(self, table: sa.Table, entity: str, entity_id: int, lock: bool = True) -> dict:
        """The row `entity_id` of `table`, locked FOR UPDATE on PostgreSQL (SQLite's writer
        already holds the database lock), or `NotFound`."""
        query = sa.select(table).where(table.c.id == entity_id)
        if lock:
            query = query.with_for_update()
        row = self.con.execute(query).mappings().one_or_none()
        if row is None:
            raise NotFound(entity, entity_id)
        return dict(row)

    def insert(self, table: sa.Table, entity: str, action: str, values: dict,
               event: dict | None = None) -> dict:
        """Insert a versioned entity row; audit it and record its creation event."""
        values = {**values, "version": 1, "created_at": self.now, "updated_at": self.now}
        if "state" in table.c:
            values["state_since"] = self.now
        row = dict(self.con.execute(table.insert().values(values).returning(table))
                   .mappings().one())
        self.audit(entity, row["id"], action, None, row)
        if event is not None:
            self.event(entity, row["id"], action, None, row.get("state"), **event)
        return row

    def update(self, table: sa.Table, entity: str, row: dict, action: str, changes: dict,
               event: dict | None = None) -> dict:
        """Apply `changes` to `row` if its version is unchanged (else `Conflict`); bump the
        version; audit before/after; record the event (state changes always)."""
        values = {**changes, "version": row["version"] + 1, "updated_at": self.now}
        if "state" in changes and changes["state"] != row["state"]:
            values["state_since"] = self.now
        done = self.con.execute(table.update().where(
            table.c.id == row["id"], table.c.version == row["version"]).values(values)).rowcount
        if done != 1:
            raise Conflict(f"{entity} {row['id']} was changed by someone else meanwhile; "
                           "reload and try again")
        after = {**row, **values}
        self.audit(entity, row["id"], action, row, after)
        if event is not None or "state" in changes:
            self.event(entity, row["id"], action, row.get("state"), after.get("state"),
                       **(event or {}))
        return after

    def audit(self, entity: str, entity_id: int, action: str, before: dict | None,
              after: dict | None) -> None:
        self.con.execute(audit_log.insert().values(
            at=self.now, actor=self.actor, entity=entity, entity_id=entity_id, action=action,
            before=jsonable(before), after=jsonable(after), idempotency_key=self.key))

    def event(self, entity: str, entity_id: int, action: str, from_state: str | None,
              to_state: str | None, ward_id: int | None = None, bed_id: int | None = None,
              reason: str | None = None) -> None:
        self.con.execute(situation_events.insert().values(
            at=self.now, actor=self.actor, entity=entity, entity_id=entity_id, action=action,
            from_state=from_state, to_state=to_state, ward_id=ward_id, bed_id=bed_id,
            reason=reason))
