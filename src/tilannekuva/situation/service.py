"""The situation centre's service layer: one method per action, each one transaction.

Every write method takes the acting user (`actor`) and an optional idempotency `key`; it
validates the action with the state machine (`states.py`), enforces the invariants with row
locks and versioned updates (`txn.py`, `database.py`), writes the audit row and the history
event, and returns the changed entity as a JSON-ready dict. A retried call with the same key
returns the first call's result and changes nothing."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from tilannekuva.schema.codelists import codes
from tilannekuva.situation import states
from tilannekuva.situation.base import Result, Wards, check_ward, reason_for, text_required
from tilannekuva.situation.errors import Conflict, IllegalTransition, Invalid
from tilannekuva.situation.logistics import LogisticsMixin
from tilannekuva.situation.routing import RoutingMixin
from tilannekuva.situation.tables import beds, placements, routing_requests, wards
from tilannekuva.situation.txn import Tx


class SituationCentre(RoutingMixin, LogisticsMixin):
    """The situation centre over a SQLAlchemy engine (see `database.create_engine`) and a clock
    (default: the wall clock in UTC; the traffic generator and tests pass their own). Routing
    requests are in `routing.py`, hand-offs and transports in `logistics.py`, the transaction
    wrapper and the readers in `base.py`."""

    # -- wards and beds -------------------------------------------------------------------------

    def create_ward(self, actor: str, code: str, name: str, specialty: str, capacity: int,
                    isolation_rooms: int = 0, key: str | None = None) -> Result:
        payload = dict(code=code, name=name, specialty=specialty, capacity=capacity,
                       isolation_rooms=isolation_rooms)
        code, name = text_required(code, "a ward code"), text_required(name, "a ward name")
        if specialty not in codes("specialty"):
            raise Invalid(f"unknown specialty {specialty!r} (codes/specialty.csv)")
        if not (isinstance(capacity, int) and isinstance(isolation_rooms, int)
                and 0 <= isolation_rooms <= capacity):
            raise Invalid("capacity and isolation rooms must be whole numbers with "
                          f"0 <= isolation rooms <= capacity (got {capacity}, {isolation_rooms})")

        def work(tx: Tx) -> Result:
            if tx.con.execute(sa.select(wards.c.id).where(wards.c.code == code)).first():
                raise Conflict(f"a ward with code {code!r} already exists")
            return tx.insert(wards, "ward", "create", dict(
                code=code, name=name, specialty=specialty, capacity=capacity,
                isolation_rooms=isolation_rooms))

        ward = self._call("create_ward", actor, key, payload, work)
        self._ward_names.clear()  # a new ward may be named by a unit already resolved
        return ward

    def create_bed(self, actor: str, ward_id: int, label: str, is_isolation: bool = False,
                   key: str | None = None) -> Result:
        payload = dict(ward_id=ward_id, label=label, is_isolation=is_isolation)
        label = text_required(label, "a bed label")

        def work(tx: Tx) -> Result:
            ward = tx.get(wards, "ward", ward_id)  # locked: bed counts cannot race
            existing = tx.con.execute(sa.select(beds.c.label, beds.c.is_isolation).where(
                beds.c.ward_id == ward_id)).all()
            if any(b.label == label for b in existing):
                raise Conflict(f"ward {ward['code']} already has a bed {label!r}")
            if len(existing) >= ward["capacity"]:
                raise Conflict(f"ward {ward['code']} is at its capacity of {ward['capacity']} "
                               "beds")
            if is_isolation and sum(b.is_isolation for b in existing) >= ward["isolation_rooms"]:
                raise Conflict(f"ward {ward['code']} already has all its "
                               f"{ward['isolation_rooms']} isolation rooms")
            return tx.insert(beds, "bed", "create", dict(
                ward_id=ward_id, label=label, is_isolation=bool(is_isolation),
                state=states.BED.initial), event=dict(ward_id=ward_id))

        return self._call("create_bed", actor, key, payload, work)

    def bed_action(self, actor: str, bed_id: int, action: str, reason: str | None = None,
                   request_id: int | None = None, key: str | None = None,
                   wards: Wards = None) -> Result:
        """reserve (optionally for `request_id`), release, block (with a reason), unblock,
        vacate (the patient left the ward; the bed goes to cleaning), cleaned. A bed becomes
        occupied only by `place`."""
        payload = dict(bed_id=bed_id, action=action, reason=reason, request_id=request_id)
        machine = states.BED
        reason = None if action in machine.internal else reason_for(machine, action, reason)

        def work(tx: Tx) -> Result:
            request = None
            if action == "vacate":
                # Lock order everywhere: request, then bed. The patient's request is found
                # through the bed and locked in one statement; the bed is then locked and must
                # still hold that patient.
                request = tx.con.execute(
                    sa.select(routing_requests).join(
                        beds, beds.c.occupant_request_id == routing_requests.c.id)
                    .where(beds.c.id == bed_id).with_for_update(of=routing_requests)
                ).mappings().one_or_none()
            bed = tx.get(beds, "bed", bed_id)
            check_ward(tx, wards, bed["ward_id"])  # a bed never changes ward
            if action in machine.internal:
                raise IllegalTransition("bed", bed_id, bed["state"], action,
                                        "a bed is occupied or freed from a patient only through "
                                        "the routing request (place, cancel, interrupt)")
            patient = None if request is None else request["id"]
            if action == "vacate" and bed["occupant_request_id"] != patient:
                raise Conflict(f"bed {bed['label']} changed meanwhile; reload and try again")
            changes: dict[str, Any] = {"state": machine.next_state(bed["state"], action, bed_id)}
            if action == "reserve":
                if request_id is not None:
                    req = tx.get(routing_requests, "routing request", request_id, lock=False)
                    if req["state"] in states.REQUEST.final:
                        raise Conflict(f"routing request {request_id} is {req['state']}")
                changes["reserved_for_request_id"] = request_id
            elif bed["state"] == "reserved":
                changes["reserved_for_request_id"] = None
            if action == "vacate":
                if request is not None and request["state"] != "departed":
                    raise IllegalTransition(
                        "bed", bed_id, bed["state"], action,
                        f"its patient (routing request {request['id']}) has not left the ED; "
                        "cancel or interrupt the request instead")
                changes["occupant_request_id"] = None
                tx.con.execute(placements.update().where(
                    placements.c.bed_id == bed_id, placements.c.released_at.is_(None),
                ).values(released_at=tx.now))
            changes["reason"] = reason if action == "block" else None
            return tx.update(beds, "bed", bed, action, changes,
                             event=dict(ward_id=bed["ward_id"], bed_id=bed_id, reason=reason))

        return self._call("bed_action", actor, key, payload, work)
