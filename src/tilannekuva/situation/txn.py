"""One service call's transaction: row locks, versioned updates, the audit row and the history
event, and the idempotency key. `service.py` builds every action from these.

The audit rows, history events and the key's result of a call are collected while it works and
written together at its end (`Tx.finish`): on PostgreSQL as one statement (the inserts as
data-modifying WITH clauses of the key's update), because each statement is a round trip to
the server and these are the most of a call's statements. They are still in the call's
transaction: a call that fails leaves none of them."""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from tilannekuva.situation.errors import Conflict, IdempotencyKeyReused, NotFound
from tilannekuva.situation.tables import (
    UTCDateTime,
    audit_log,
    idempotency_keys,
    situation_events,
)

#: How long an idempotency key protects a retry. A client retries within seconds or minutes;
#: a day covers a retry after a network outage or a night shift's reconnect, and keeps the
#: table small. Afterwards the same key starts a new action.
KEY_LIFETIME = timedelta(hours=24)


#: Values `jsonable` passes through as they are (checked by exact type: the common case of a
#: row's columns, without a call per value).
_PLAIN = frozenset({str, int, float, bool, type(None)})


def jsonable(value: Any) -> Any:
    """`value` with datetimes as ISO 8601 text, so a result reads the same from the first call
    and from the idempotency table."""
    if isinstance(value, dict):
        return {k: v if type(v) in _PLAIN else jsonable(v) for k, v in value.items()}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [v if type(v) in _PLAIN else jsonable(v) for v in value]
    return value


# The statements every call runs, built once per table (and set of columns): building a
# SQLAlchemy expression and its cache key on each call cost more than sending it. SQLAlchemy
# memoises the cache key on the statement object, and the values go in as bound parameters.

@functools.cache
def _by_id(table: sa.Table, lock: bool) -> sa.Select:
    """The row whose id is the parameter `id`, locked FOR UPDATE if `lock`."""
    query = sa.select(table).where(table.c.id == sa.bindparam("id"))
    return query.with_for_update() if lock else query


@functools.cache
def _versioned_update(table: sa.Table, columns: tuple[str, ...]) -> sa.Update:
    return table.update().where(
        table.c.id == sa.bindparam("row_id"), table.c.version == sa.bindparam("row_version")
    ).values({c: sa.bindparam(f"new_{c}", type_=table.c[c].type) for c in columns})


@functools.cache
def _insert_returning(table: sa.Table, columns: tuple[str, ...]) -> sa.Insert:
    return table.insert().values(
        {c: sa.bindparam(f"new_{c}", type_=table.c[c].type) for c in columns}).returning(table)


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


@dataclass
class Tx:
    """The connection, actor, time and idempotency key of one service call, and the audit rows
    and history events it has made so far (written by `finish`)."""

    con: sa.Connection
    actor: str
    now: datetime
    key: str | None = None
    audits: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)

    def get(self, table: sa.Table, entity: str, entity_id: int, lock: bool = True) -> dict:
        """The row `entity_id` of `table`, locked FOR UPDATE on PostgreSQL (SQLite's writer
        already holds the database lock), or `NotFound`."""
        return self.one(_by_id(table, lock), entity, entity_id, {"id": entity_id})

    def one(self, query, entity: str, entity_id: int, params: dict | None = None) -> dict:
        """The one row `query` (with `params`) finds, or `NotFound(entity, entity_id)`."""
        row = self.con.execute(query, params).mappings().one_or_none()
        if row is None:
            raise NotFound(entity, entity_id)
        return dict(row)

    def insert(self, table: sa.Table, entity: str, action: str, values: dict,
               event: dict | None = None) -> dict:
        """Insert a versioned entity row; audit it and record its creation event."""
        values = {**values, "version": 1, "created_at": self.now, "updated_at": self.now}
        if "state" in table.c:
            values["state_since"] = self.now
        row = dict(self.con.execute(_insert_returning(table, tuple(values)), {
            f"new_{c}": v for c, v in values.items()}).mappings().one())
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
        done = self.con.execute(_versioned_update(table, tuple(values)), {
            "row_id": row["id"], "row_version": row["version"],
            **{f"new_{c}": v for c, v in values.items()}}).rowcount
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
        self.audits.append(dict(
            at=self.now, actor=self.actor, entity=entity, entity_id=entity_id, action=action,
            before=jsonable(before), after=jsonable(after), idempotency_key=self.key))

    def event(self, entity: str, entity_id: int, action: str, from_state: str | None,
              to_state: str | None, ward_id: int | None = None, bed_id: int | None = None,
              reason: str | None = None) -> None:
        self.events.append(dict(
            at=self.now, actor=self.actor, entity=entity, entity_id=entity_id, action=action,
            from_state=from_state, to_state=to_state, ward_id=ward_id, bed_id=bed_id,
            reason=reason))

    def finish(self, result: Any) -> None:
        """Write the call's audit rows and history events (in the order made) and, for a call
        with an idempotency key, store its `result` on the key: one statement on PostgreSQL,
        one per table on SQLite (in-process, where a statement costs no round trip)."""
        if not self.audits and not self.events and self.key is None:
            return
        if self.con.dialect.name == "postgresql":
            self._finish_postgresql(result)
            return
        if self.audits:
            self.con.execute(audit_log.insert(), self.audits)
        if self.events:
            self.con.execute(situation_events.insert(), self.events)
        if self.key is not None:
            self.con.execute(idempotency_keys.update().where(
                idempotency_keys.c.actor == self.actor, idempotency_keys.c.key == self.key
            ).values(result=result))

    def _finish_postgresql(self, result: Any) -> None:
        at = UTCDateTime().process_bind_param(self.now, self.con.dialect)
        params: list[Any] = []
        for row in self.audits:
            params += [at, *(row[c] for c in _AUDIT[1:5]), json.dumps(row["before"]),
                       json.dumps(row["after"]), row["idempotency_key"]]
        for row in self.events:
            params += [at, *(row[c] for c in _EVENT[1:])]
        if self.key is not None:
            params += [json.dumps(result), self.actor, self.key]
        self.con.exec_driver_sql(
            _finish_sql(len(self.audits), len(self.events), self.key is not None), tuple(params))


_AUDIT = tuple(c.name for c in audit_log.c if c.name != "id")
_EVENT = tuple(c.name for c in situation_events.c if c.name != "id")


@functools.cache
def _finish_sql(audits: int, events: int, key: bool) -> str:
    """PostgreSQL text of `Tx.finish` for a call with `audits` audit rows, `events` events and
    (`key`) an idempotency key: the inserts as data-modifying WITH clauses of the last write.
    Written out rather than built with SQLAlchemy: SQLAlchemy does not cache the compiled form
    of a multi-row INSERT, and compiling it on every call cost more than the round trips it
    saves. One text per shape (a few in all), so psycopg prepares each on the server too."""
    def insert(table: sa.Table, columns: tuple[str, ...], rows: int, casts: dict) -> str:
        row = "(" + ", ".join(f"%s{casts.get(c, '')}" for c in columns) + ")"
        return (f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES "
                + ", ".join([row] * rows))

    writes = []
    if audits:
        writes.append(insert(audit_log, _AUDIT, audits, {"before": "::jsonb",
                                                          "after": "::jsonb"}))
    if events:
        writes.append(insert(situation_events, _EVENT, events, {}))
    if key:
        writes.append(f"UPDATE {idempotency_keys.name} SET result = %s::jsonb "
                      "WHERE actor = %s AND key = %s")
    *first, last = writes
    clauses = ", ".join(f"write_{n} AS ({w})" for n, w in enumerate(first))
    return f"WITH {clauses} {last}" if first else last
