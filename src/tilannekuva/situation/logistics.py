"""Home-care discharge hand-offs (`states.HANDOFF`) and ambulance transport orders
(`states.TRANSPORT`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa

from tilannekuva.situation import states
from tilannekuva.situation.base import (
    Result,
    ServiceBase,
    Wards,
    check_ward,
    free_text,
    pseudonym,
    reason_for,
    text_required,
)
from tilannekuva.situation.errors import Invalid
from tilannekuva.situation.tables import handoffs, routing_requests, transports
from tilannekuva.situation.tables import wards as ward_table
from tilannekuva.situation.txn import Tx


class LogisticsMixin(ServiceBase):
    # -- home-care hand-offs and transports ------------------------------------------------------

    def create_handoff(self, actor: str, ward_id: int, home_care_team: str,
                       patient_ref: str | None = None, request_id: int | None = None,
                       planned_discharge_at: datetime | None = None, note: str | None = None,
                       key: str | None = None, wards: Wards = None) -> Result:
        payload = dict(ward_id=ward_id, home_care_team=home_care_team, patient_ref=patient_ref,
                       request_id=request_id, planned_discharge_at=planned_discharge_at,
                       note=note)
        team = text_required(home_care_team, "the home-care team")
        ref = pseudonym(patient_ref)

        def work(tx: Tx) -> Result:
            tx.get(ward_table, "ward", ward_id, lock=False)
            check_ward(tx, wards, ward_id)
            if request_id is not None:
                tx.get(routing_requests, "routing request", request_id, lock=False)
            return tx.insert(handoffs, "handoff", "create", dict(
                ward_id=ward_id, home_care_team=team, patient_ref=ref,
                request_id=request_id, planned_discharge_at=planned_discharge_at,
                note=free_text(note),
                state=states.HANDOFF.initial), event=dict(ward_id=ward_id))

        return self._call("create_handoff", actor, key, payload, work)

    def handoff_action(self, actor: str, handoff_id: int, action: str,
                       reason: str | None = None, key: str | None = None,
                       wards: Wards = None) -> Result:
        """acknowledge, complete, or cancel (with a reason) a hand-off."""
        return self._simple_action(handoffs, "handoff", states.HANDOFF, actor, handoff_id,
                                   action, reason, key, wards)

    def order_transport(self, actor: str, urgency_class: str, origin: str, destination: str,
                        safety_needs: Iterable[str] = (), patient_ref: str | None = None,
                        request_id: int | None = None, handoff_id: int | None = None,
                        note: str | None = None, key: str | None = None) -> Result:
        needs = sorted(set(safety_needs))
        payload = dict(urgency_class=urgency_class, origin=origin, destination=destination,
                       safety_needs=needs, patient_ref=patient_ref, request_id=request_id,
                       handoff_id=handoff_id, note=note)
        if urgency_class not in states.TRANSPORT_URGENCIES:
            raise Invalid(f"urgency class must be one of {', '.join(states.TRANSPORT_URGENCIES)}")
        unknown = [n for n in needs if n not in states.SAFETY_NEEDS]
        if unknown:
            raise Invalid(f"unknown safety needs {', '.join(unknown)} "
                          f"(known: {', '.join(states.SAFETY_NEEDS)})")
        origin = text_required(origin, "the origin")
        destination = text_required(destination, "the destination")
        ref = pseudonym(patient_ref)

        def work(tx: Tx) -> Result:
            if request_id is not None:
                tx.get(routing_requests, "routing request", request_id, lock=False)
            if handoff_id is not None:
                tx.get(handoffs, "handoff", handoff_id, lock=False)
            return tx.insert(transports, "transport", "create", dict(
                urgency_class=urgency_class, origin=origin, destination=destination,
                safety_needs=needs, patient_ref=ref, request_id=request_id,
                handoff_id=handoff_id, note=free_text(note), state=states.TRANSPORT.initial),
                event={})

        return self._call("order_transport", actor, key, payload, work)

    def transport_action(self, actor: str, transport_id: int, action: str,
                         reason: str | None = None, key: str | None = None) -> Result:
        """accept, depart, pick_up, deliver, or cancel (with a reason) a transport."""
        return self._simple_action(transports, "transport", states.TRANSPORT, actor,
                                   transport_id, action, reason, key)

    def _simple_action(self, table: sa.Table, entity: str, machine: states.Machine, actor: str,
                       entity_id: int, action: str, reason: str | None, key: str | None,
                       wards: Wards = None) -> Result:
        payload = dict(id=entity_id, action=action, reason=reason)
        reason = reason_for(machine, action, reason)

        def work(tx: Tx) -> Result:
            row = tx.get(table, machine.entity, entity_id)
            if wards is not None:
                check_ward(tx, wards, row.get("ward_id"))
            values = {"state": machine.next_state(row["state"], action, entity_id)}
            if reason is not None:
                values["reason"] = reason
            return tx.update(table, entity, row, action, values,
                             event=dict(ward_id=row.get("ward_id"), reason=reason))

        return self._call(f"{entity}_{action}", actor, key, payload, work)
