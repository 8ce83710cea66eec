"""What the situation board shows, read from the situation centre's database in one consistent
snapshot: every ward with its beds, the routing requests, hand-offs and transports not yet
ended, and a fingerprint of all of it.

The fingerprint (`Snapshot.version`) is a hash of the rows read, not the highest id of the
history: on PostgreSQL ids are handed out when a transaction inserts, not when it commits, so a
transaction that took id 101 can commit after one that took 102, and a watcher that saw 102
would never notice 101. Comparing what was read cannot miss a change. The read is one
REPEATABLE READ transaction on PostgreSQL (one deferred read transaction on SQLite, which is
a snapshot in WAL mode), so a placed request and its occupied bed always appear together.
`BoardWatch` shares one read a second among all the board's open streams of a server."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import sqlalchemy as sa

from ..situation import states
from ..situation.occupancy import ward_figures
from ..situation.tables import (
    beds,
    handoffs,
    placements,
    routing_requests,
    situation_events,
    transports,
    utcnow,
    wards,
)

T = TypeVar("T")
Row = dict[str, Any]
#: How old a shared snapshot may be before a stream reads a new one, in seconds.
FRESH_FOR = 1.0


@dataclass(frozen=True)
class Snapshot:
    """The board's rows as read at `at` (UTC), and their fingerprint `version`."""

    version: str
    at: datetime
    wards: list[Row]
    requests: list[Row]
    handoffs: list[Row]
    transports: list[Row]

    def ward(self, ward_id: int | None) -> Row | None:
        return next((w for w in self.wards if w["id"] == ward_id), None)


def _consistent_read(engine: sa.Engine, work: Callable[[sa.Connection], T]) -> T:
    with engine.connect() as con:
        options: dict[str, Any] = {"situation_readonly": True}  # SQLite: a deferred BEGIN
        if con.dialect.name == "postgresql":
            options.update(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        con.execution_options(**options)
        with con.begin():
            return work(con)


def _rows(con: sa.Connection, query) -> list[Row]:
    return [dict(r) for r in con.execute(query).mappings()]


def _not_ended(table: sa.Table, machine: states.Machine):
    return table.c.state.not_in(sorted(machine.final))


def _read(con: sa.Connection) -> tuple[list[Row], ...]:
    all_beds = _rows(con, sa.select(beds).order_by(beds.c.ward_id, beds.c.label, beds.c.id))
    ward_rows = _rows(con, sa.select(wards).order_by(wards.c.code))
    creator = (sa.select(situation_events.c.actor).where(
        situation_events.c.entity == "request",
        situation_events.c.entity_id == routing_requests.c.id,
        situation_events.c.action == "create").limit(1).scalar_subquery())
    requests = _rows(con, sa.select(
        routing_requests, placements.c.bed_id, creator.label("created_by")).outerjoin(
        placements, placements.c.request_id == routing_requests.c.id)
        .where(_not_ended(routing_requests, states.REQUEST))
        .order_by(routing_requests.c.created_at, routing_requests.c.id))
    open_handoffs = _rows(con, sa.select(handoffs).where(
        _not_ended(handoffs, states.HANDOFF)).order_by(handoffs.c.created_at, handoffs.c.id))
    open_transports = _rows(con, sa.select(transports).where(
        _not_ended(transports, states.TRANSPORT)).order_by(
        transports.c.created_at, transports.c.id))
    return all_beds, ward_rows, requests, open_handoffs, open_transports


def _fingerprint(*parts: list[Row]) -> str:
    text = json.dumps(parts, default=str, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def read_snapshot(engine: sa.Engine) -> Snapshot:
    """The board as it is now."""
    all_beds, ward_rows, requests, open_handoffs, open_transports = _consistent_read(
        engine, _read)
    version = _fingerprint(all_beds, ward_rows, requests, open_handoffs, open_transports)
    by_ward: dict[int, list[Row]] = {}
    for bed in all_beds:
        by_ward.setdefault(bed["ward_id"], []).append(bed)
    labels = {b["id"]: b["label"] for b in all_beds}
    codes = {w["id"]: w["code"] for w in ward_rows}
    for request in requests:
        request["bed_label"] = labels.get(request["bed_id"])
        request["ward_code"] = codes.get(request["ward_id"])
    for handoff in open_handoffs:
        handoff["ward_code"] = codes.get(handoff["ward_id"])
    return Snapshot(version, utcnow(), [ward_figures(w, by_ward.get(w["id"], []))
                                        for w in ward_rows],
                    requests, open_handoffs, open_transports)


class BoardWatch:
    """One server's shared view of the board for its streams: a snapshot is read at most once
    every `FRESH_FOR` seconds however many streams ask, so fifty watchers cost the database
    what one does. Thread-safe: streams ask from the thread pool."""

    def __init__(self, engine: sa.Engine):
        self.engine = engine
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._read_at = 0.0

    def cached(self) -> Snapshot | None:
        """The shared snapshot if it is fresh enough, without touching the database (so a
        stream need not leave the event loop to learn that nothing is due)."""
        if self._snapshot is not None and time.monotonic() - self._read_at < FRESH_FOR:
            return self._snapshot
        return None

    def snapshot(self) -> Snapshot:
        """A snapshot at most `FRESH_FOR` seconds old (read now if the shared one is older)."""
        with self._lock:
            fresh = self.cached()
            if fresh is not None:
                return fresh
            self._snapshot = read_snapshot(self.engine)
            self._read_at = time.monotonic()
            return self._snapshot
