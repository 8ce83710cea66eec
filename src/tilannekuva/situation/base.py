"""The service's shared parts: the transaction wrapper every action goes through (idempotency
key, audit, history via `txn.Tx`), input checks, and the readers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from tilannekuva.situation import states
from tilannekuva.situation.database import read, run_transaction
from tilannekuva.situation.errors import Invalid
from tilannekuva.situation.tables import (
    ENTITY_TABLES,
    audit_log,
    placements,
    situation_events,
    utcnow,
)
from tilannekuva.situation.txn import Tx, claim_key, jsonable, payload_hash, store_result

Result = dict[str, Any]


def text_required(value: str | None, what: str) -> str:
    if value is None or not str(value).strip():
        raise Invalid(f"{what} is required")
    return str(value).strip()


def reason_for(machine: states.Machine, action: str, reason: str | None) -> str | None:
    if action in machine.needs_reason:
        return text_required(reason, f"a reason to {action} the {machine.entity}")
    return reason.strip() if reason and reason.strip() else None


class ServiceBase:
    """The engine, the clock and the one transaction wrapper."""

    def __init__(self, engine: sa.Engine, clock: Callable[[], datetime] = utcnow):
        self.engine = engine
        self.clock = clock

    # -- the transaction wrapper -------------------------------------------------------------

    def _call(self, operation: str, actor: str, key: str | None, payload: dict,
              work: Callable[[Tx], Result]) -> Result:
        actor = text_required(actor, "the acting user")
        digest = payload_hash(operation, payload) if key is not None else ""

        def body(con: sa.Connection) -> Result:
            now = self.clock()
            if key is not None:
                stored = claim_key(con, actor, key, operation, digest, now)
                if stored is not None:
                    return stored
            result = jsonable(work(Tx(con, actor, now, key)))
            if key is not None:
                store_result(con, actor, key, result)
            return result

        return run_transaction(self.engine, body)


    # -- reading ---------------------------------------------------------------------------------

    def get(self, entity: str, entity_id: int) -> Result:
        """The current row of a ward, bed, request (with its bed_id), handoff or transport."""
        def work(con: sa.Connection) -> Result:
            name = "routing request" if entity == "request" else entity
            row = Tx(con, "", utcnow()).get(ENTITY_TABLES[entity], name, entity_id, lock=False)
            if entity == "request":
                row["bed_id"] = self._bed_id(con, entity_id)
            return jsonable(row)

        return read(self.engine, work)

    def history(self, entity: str, entity_id: int) -> list[Result]:
        """The entity's events (state changes with times), oldest first."""
        return self._rows(sa.select(situation_events).where(
            situation_events.c.entity == entity, situation_events.c.entity_id == entity_id
        ).order_by(situation_events.c.id))

    def audit(self, entity: str | None = None, entity_id: int | None = None) -> list[Result]:
        """Audit rows, oldest first, optionally of one entity."""
        query = sa.select(audit_log).order_by(audit_log.c.id)
        if entity is not None:
            query = query.where(audit_log.c.entity == entity)
        if entity_id is not None:
            query = query.where(audit_log.c.entity_id == entity_id)
        return self._rows(query)

    def _rows(self, query) -> list[Result]:
        return read(self.engine, lambda con: [
            jsonable(dict(r)) for r in con.execute(query).mappings()])

    @staticmethod
    def _bed_id(con: sa.Connection, request_id: int) -> int | None:
        return con.execute(sa.select(placements.c.bed_id).where(
            placements.c.request_id == request_id)).scalar()
