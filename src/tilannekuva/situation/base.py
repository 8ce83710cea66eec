"""The service's shared parts: the transaction wrapper every action goes through (idempotency
key, audit, history via `txn.Tx`), input checks, and the readers."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from tilannekuva.situation import states
from tilannekuva.situation.database import read, run_transaction
from tilannekuva.situation.errors import ForeignWard, Invalid
from tilannekuva.situation.tables import (
    ENTITY_TABLES,
    audit_log,
    placements,
    situation_events,
    utcnow,
    wards,
)
from tilannekuva.situation.txn import (
    Tx,
    claim_key,
    forget_expired_keys,
    jsonable,
    payload_hash,
    store_result,
)

Result = dict[str, Any]
#: The ward ids an actor may act for (a ward nurse's own wards); None: every ward.
Wards = Collection[int] | None


def text_required(value: str | None, what: str) -> str:
    if value is None or not str(value).strip():
        raise Invalid(f"{what} is required")
    return str(value).strip()


def reason_for(machine: states.Machine, action: str, reason: str | None) -> str | None:
    if action in machine.needs_reason:
        return text_required(reason, f"a reason to {action} the {machine.entity}")
    return reason.strip() if reason and reason.strip() else None


def check_ward(tx: Tx, allowed: Wards, ward_id: int | None) -> None:
    """Refuses (`ForeignWard`) an action on `ward_id` by an actor limited to the `allowed`
    wards. Call it after locking the row that names the ward, so the ward cannot change
    between the check and the write."""
    if allowed is None or ward_id in allowed:
        return
    code = None if ward_id is None else tx.con.execute(
        sa.select(wards.c.code).where(wards.c.id == ward_id)).scalar()
    raise ForeignWard(ward_id, code)


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

    def forget_expired_keys(self) -> int:
        """Delete idempotency keys past their lifetime (`txn.KEY_LIFETIME`); the web app does
        this at start-up. An expired key is also renewed when it is used again, so this only
        keeps the table small."""
        return run_transaction(self.engine, lambda con: forget_expired_keys(con, self.clock()))


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
