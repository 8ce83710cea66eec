"""The service's shared parts: the transaction wrapper every action goes through (idempotency
key, audit, history via `txn.Tx`), input checks, and the readers."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Collection
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from tilannekuva.privacy.identity_codes import EMBEDDED_PATTERN, redact_identity_codes
from tilannekuva.situation import states
from tilannekuva.situation.database import read, run_transaction
from tilannekuva.situation.errors import ForeignWard, Invalid, NotFound
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
)

Result = dict[str, Any]
#: How long `ServiceBase.ward_ids` remembers an answer (see there).
WARD_NAMES_SECONDS = 60.0
#: The ward ids an actor may act for (a ward nurse's own wards); None: every ward.
Wards = Collection[int] | None


_IDENTITY_CODE = re.compile(EMBEDDED_PATTERN)


def free_text(value: str | None) -> str | None:
    """Stripped text, None when empty, with anything shaped like a personal identity code
    redacted: notes, reasons and places are typed in a hurry, and an identity code must never
    be stored (DESIGN.md, privacy)."""
    value = str(value).strip() if value is not None else ""
    return redact_identity_codes(value) if value else None


def text_required(value: str | None, what: str) -> str:
    text = free_text(value)
    if text is None:
        raise Invalid(f"{what} is required")
    return text


def pseudonym(value: str | None) -> str | None:
    """A patient reference: the county's pseudonym, never an identity code, which is refused
    rather than redacted (a redacted reference would name nobody)."""
    value = str(value).strip() if value is not None else ""
    if _IDENTITY_CODE.search(value):
        raise Invalid("the patient reference looks like a personal identity code; give the "
                      "patient's pseudonym, never the identity code")
    return value or None


def reason_for(machine: states.Machine, action: str, reason: str | None) -> str | None:
    if action in machine.needs_reason:
        return text_required(reason, f"a reason to {action} the {machine.entity}")
    return free_text(reason)


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
        #: `ward_ids`' answers: units → (ward ids, valid until time.monotonic()).
        self._ward_names: dict[tuple[str, ...], tuple[frozenset[int], float]] = {}

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
            tx = Tx(con, actor, now, key)
            result = jsonable(work(tx))
            tx.finish(result)
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
        table = ENTITY_TABLES[entity]
        query = sa.select(table).where(table.c.id == entity_id)
        if entity == "request":
            query = query.add_columns(placements.c.bed_id).outerjoin(
                placements, placements.c.request_id == table.c.id)
        name = "routing request" if entity == "request" else entity
        return read(self.engine, lambda con: jsonable(
            Tx(con, "", utcnow()).one(query, name, entity_id)))

    def creator(self, request_id: int) -> str:
        """Who created routing request `request_id` (its `create` event's actor), or
        `NotFound`: the owner in "cancel own requests"."""
        actor = read(self.engine, lambda con: con.execute(
            sa.select(situation_events.c.actor).where(
                situation_events.c.entity == "request",
                situation_events.c.entity_id == request_id,
                situation_events.c.action == "create")).scalar())
        if actor is None:
            raise NotFound("routing request", request_id)
        return actor

    def ward_ids(self, units: Collection[str]) -> frozenset[int]:
        """The ids of the wards named by a user's units (ward ids or codes): a ward nurse's own
        wards. A ward's id and code never change and wards are never deleted, so an answer in
        which every unit named a ward stays true and is remembered (per set of units); only
        a ward created later that a unit also names (a code equal to another ward's id) could
        add to it, so the memory is forgotten when this process creates a ward and after
        `WARD_NAMES_SECONDS`. An answer missing a unit is never remembered: its ward may be
        created any moment."""
        units = tuple(sorted(set(units)))
        known = self._ward_names.get(units)
        if known is not None and known[1] > time.monotonic():
            return known[0]
        ids = [int(u) for u in units if u.isdigit()]
        found = read(self.engine, lambda con: con.execute(
            sa.select(wards.c.id, wards.c.code).where(
                sa.or_(wards.c.code.in_(units), wards.c.id.in_(ids)))).all())
        answer = frozenset(r.id for r in found)
        named = {r.code for r in found} | {str(r.id) for r in found}
        if named.issuperset(units):
            self._ward_names[units] = (answer, time.monotonic() + WARD_NAMES_SECONDS)
        return answer

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
