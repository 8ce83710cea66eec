"""Routing requests from the ED: create, offer, accept, decline, withdraw, place, depart,
cancel, interrupt (state machine `states.REQUEST`)."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from tilannekuva.schema.codelists import codes
from tilannekuva.situation import states
from tilannekuva.situation.base import (
    Result,
    ServiceBase,
    Wards,
    check_ward,
    free_text,
    pseudonym,
    reason_for,
)
from tilannekuva.situation.errors import Conflict, IllegalTransition, Invalid, NotFound
from tilannekuva.situation.tables import beds, placements, routing_requests, wards
from tilannekuva.situation.txn import Tx

#: A routing request, locked, with the bed of its placement if any: one statement.
_REQUEST_AND_BED = (
    sa.select(routing_requests, placements.c.bed_id.label("placed_in"))
    .outerjoin(placements, placements.c.request_id == routing_requests.c.id)
    .where(routing_requests.c.id == sa.bindparam("id"))
    .with_for_update(of=routing_requests))


class RoutingMixin(ServiceBase):
    """The routing-request actions of `SituationCentre`. Lock order: request, then bed."""

    def create_request(self, actor: str, specialty: str, urgency: str,
                       needs_isolation: bool = False, patient_ref: str | None = None,
                       note: str | None = None, key: str | None = None) -> Result:
        payload = dict(specialty=specialty, urgency=urgency, needs_isolation=needs_isolation,
                       patient_ref=patient_ref, note=note)
        if specialty not in codes("specialty"):
            raise Invalid(f"unknown specialty {specialty!r} (codes/specialty.csv)")
        if urgency not in states.URGENCIES:
            raise Invalid(f"urgency must be one of {', '.join(states.URGENCIES)}")
        ref = pseudonym(patient_ref)

        def work(tx: Tx) -> Result:
            row = tx.insert(routing_requests, "request", "create", dict(
                specialty=specialty, urgency=urgency, needs_isolation=bool(needs_isolation),
                patient_ref=ref, note=free_text(note), state=states.REQUEST.initial), event={})
            return {**row, "bed_id": None}

        return self._call("create_request", actor, key, payload, work)

    def offer(self, actor: str, request_id: int, ward_id: int, key: str | None = None) -> Result:
        """Offer an open request to a ward."""
        def changes(tx: Tx, request: dict) -> dict:
            tx.get(wards, "ward", ward_id, lock=False)
            return {"ward_id": ward_id, "reason": None}
        return self._request_action(actor, request_id, "offer", None, key,
                                    {"ward_id": ward_id}, changes, event_ward=ward_id)

    def accept(self, actor: str, request_id: int, key: str | None = None,
               wards: Wards = None) -> Result:
        """The ward the request is offered to accepts it."""
        return self._request_action(actor, request_id, "accept", None, key, wards=wards)

    def decline(self, actor: str, request_id: int, reason: str, key: str | None = None,
                wards: Wards = None) -> Result:
        """The ward declines (with a reason); the request is open again."""
        return self._request_action(actor, request_id, "decline", reason, key,
                                    changes=lambda tx, r: {"ward_id": None}, wards=wards)

    def withdraw(self, actor: str, request_id: int, reason: str, key: str | None = None,
                 wards: Wards = None) -> Result:
        """The coordinator takes an offer or acceptance back (with a reason); open again."""
        return self._request_action(actor, request_id, "withdraw", reason, key,
                                    changes=lambda tx, r: {"ward_id": None}, wards=wards)

    def depart(self, actor: str, request_id: int, key: str | None = None,
               wards: Wards = None) -> Result:
        """The placed patient has left the ED."""
        return self._request_action(actor, request_id, "depart", None, key, wards=wards)

    def cancel(self, actor: str, request_id: int, reason: str, key: str | None = None,
               wards: Wards = None) -> Result:
        """The request is no longer needed; a bed it occupies is freed."""
        return self._request_action(actor, request_id, "cancel", reason, key,
                                    changes=self._undo_placement, wards=wards)

    def interrupt(self, actor: str, request_id: int, reason: str, key: str | None = None,
                  wards: Wards = None) -> Result:
        """The routing broke off; a bed it occupies is freed."""
        return self._request_action(actor, request_id, "interrupt", reason, key,
                                    changes=self._undo_placement, wards=wards)

    def place(self, actor: str, request_id: int, bed_id: int, key: str | None = None,
              wards: Wards = None) -> Result:
        """Place an accepted request in a bed of its ward: the bed becomes occupied."""
        payload = dict(request_id=request_id, bed_id=bed_id)

        def work(tx: Tx) -> Result:
            request = tx.get(routing_requests, "routing request", request_id)
            check_ward(tx, wards, request["ward_id"])
            if request["state"] == "placed":
                raise Conflict(f"routing request {request_id} is already placed in bed "
                               f"{self._bed_label(tx.con, request_id)}")
            nxt = states.REQUEST.next_state(request["state"], "place", request_id)
            # The bed and any others held for the request, locked in one statement (in id
            # order, so two placements never wait for each other's beds crosswise).
            locked = {b["id"]: b for b in self._lock_beds(
                tx, (beds.c.id == bed_id) | (beds.c.reserved_for_request_id == request_id))}
            if bed_id not in locked:
                raise NotFound("bed", bed_id)
            bed = locked.pop(bed_id)
            label = f"bed {bed['label']} (id {bed_id})"
            if bed["ward_id"] != request["ward_id"]:
                raise IllegalTransition("routing request", request_id, request["state"], "place",
                                        f"{label} is not on ward {request['ward_id']}, which "
                                        "accepted the request")
            if request["needs_isolation"] and not bed["is_isolation"]:
                raise IllegalTransition("routing request", request_id, request["state"], "place",
                                        f"the patient needs an isolation room; {label} is not "
                                        "one")
            mine = bed["state"] == "reserved" and bed["reserved_for_request_id"] == request_id
            if bed["state"] != "free" and not mine:
                whom = (f" by routing request {bed['occupant_request_id']}"
                        if bed["state"] == "occupied" else "")
                raise Conflict(f"{label} is no longer free: it is {bed['state']}{whom}")
            try:
                tx.con.execute(placements.insert().values(
                    request_id=request_id, bed_id=bed_id, ward_id=bed["ward_id"],
                    placed_at=tx.now))
                tx.update(beds, "bed", bed, "occupy", dict(
                    state=states.BED.next_state(bed["state"], "occupy", bed_id),
                    occupant_request_id=request_id, reserved_for_request_id=None),
                    event=dict(ward_id=bed["ward_id"], bed_id=bed_id))
            except sa.exc.IntegrityError as error:
                raise Conflict(f"{label} or routing request {request_id} was taken by another "
                               "placement meanwhile") from error
            self._release_reservations(tx, request_id, locked.values())
            row = tx.update(routing_requests, "request", request, "place", {"state": nxt},
                            event=dict(ward_id=bed["ward_id"], bed_id=bed_id))
            return {**row, "bed_id": bed_id}

        return self._call("place", actor, key, payload, work)

    def _undo_placement(self, tx: Tx, request: dict) -> dict:
        """Free the bed of a placed request (and any held for it) when it is cancelled or
        interrupted; the beds are locked in one statement, in id order."""
        held = self._lock_beds(tx, (beds.c.occupant_request_id == request["id"])
                               | (beds.c.reserved_for_request_id == request["id"]))
        if request["state"] == "placed":
            bed = next(b for b in held if b["occupant_request_id"] == request["id"])
            tx.update(beds, "bed", bed, "undo_placement", dict(
                state=states.BED.next_state(bed["state"], "undo_placement", bed["id"]),
                occupant_request_id=None), event=dict(ward_id=bed["ward_id"], bed_id=bed["id"]))
            tx.con.execute(placements.update().where(placements.c.request_id == request["id"])
                           .values(released_at=tx.now))
        self._release_reservations(tx, request["id"], held)
        return {}

    @staticmethod
    def _lock_beds(tx: Tx, which) -> list[dict]:
        """The beds `which` selects, locked FOR UPDATE on PostgreSQL, in id order."""
        return [dict(b) for b in tx.con.execute(
            sa.select(beds).where(which).order_by(beds.c.id).with_for_update()).mappings()]

    @staticmethod
    def _release_reservations(tx: Tx, request_id: int, locked) -> None:
        """Free the beds held for a request that was placed elsewhere or ended, among the
        `locked` beds."""
        for bed in locked:
            if bed["reserved_for_request_id"] != request_id:
                continue
            tx.update(beds, "bed", bed, "release", dict(
                state=states.BED.next_state(bed["state"], "release", bed["id"]),
                reserved_for_request_id=None), event=dict(
                ward_id=bed["ward_id"], bed_id=bed["id"],
                reason=f"routing request {request_id} no longer needs it"))

    def _request_action(self, actor: str, request_id: int, action: str, reason: str | None,
                        key: str | None, extra: dict | None = None,
                        changes: Callable[[Tx, dict], dict] | None = None,
                        event_ward: int | None = None, wards: Wards = None) -> Result:
        payload = dict(request_id=request_id, action=action, reason=reason, **(extra or {}))
        reason = reason_for(states.REQUEST, action, reason)

        def work(tx: Tx) -> Result:
            request = tx.one(_REQUEST_AND_BED, "routing request", request_id, {"id": request_id})
            bed_id = request.pop("placed_in")
            check_ward(tx, wards, request["ward_id"])
            nxt = states.REQUEST.next_state(request["state"], action, request_id)
            values = {"state": nxt, **(changes(tx, request) if changes else {})}
            if reason is not None:
                values["reason"] = reason
            row = tx.update(routing_requests, "request", request, action, values, event=dict(
                ward_id=event_ward or request["ward_id"], bed_id=bed_id, reason=reason))
            return {**row, "bed_id": bed_id}

        return self._call(action, actor, key, payload, work)

    @staticmethod
    def _bed_label(con: sa.Connection, request_id: int) -> str:
        row = con.execute(sa.select(beds.c.label, beds.c.id).join(
            placements, placements.c.bed_id == beds.c.id).where(
            placements.c.request_id == request_id)).first()
        return f"{row.label} (id {row.id})" if row else "?"
