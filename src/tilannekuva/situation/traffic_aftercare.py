"""After the placement: the stay on the ward (length of stay, a daytime discharge), the bed
vacated and cleaned, beds blocked now and then, home-care hand-offs for patients going home
with home care, and ambulance transports (discharge transports and urgent transfers from the
ED), each through all its phases."""

from __future__ import annotations

from datetime import datetime, timedelta

from tilannekuva.situation import traffic_model as model
from tilannekuva.situation.traffic_core import (
    ACTOR_PREFIX,
    AMBULANCE,
    COORDINATOR,
    Core,
    Stay,
    Ward,
    minutes,
    ward_actor,
)


class AfterCareFlow(Core):
    """The stay, bed, hand-off and transport steps of `traffic_process.Traffic`."""

    def plan_stay(self, bed_id: int, rid: int, ward: Ward, placed_at: datetime,
                  residual: bool = False) -> None:
        info = self.requests[rid]
        days = model.length_of_stay(self.rng, self.county.mean_los(ward.specialty), residual)
        end = placed_at + timedelta(days=days)
        while end <= self.t:  # resumed: the stay has lasted longer than drawn
            end = self.t + timedelta(days=model.length_of_stay(
                self.rng, self.county.mean_los(ward.specialty), residual=True))
        discharge = model.daytime_discharge(self.rng, end)
        destination = model.pick(self.rng, self.county.destination_shares(ward.specialty))
        stay = Stay(rid, ward, info.patient_ref, info.needs_isolation, discharge, destination)
        self.stays[bed_id] = stay
        self.schedule(("bed", bed_id), discharge, self.vacate, bed_id)
        soon = self.t + minutes(60)
        if destination == "home_care" and self.county.teams_for(info.patient_ref):
            self.schedule(("handoff-for", bed_id), max(soon, discharge - minutes(
                model.HANDOFF_LEAD.draw(self.rng))), self.create_handoff, bed_id)
        if self.rng.random() < model.TRANSPORT_SHARE.get(destination, 0.0):
            self.schedule(("transport-for", bed_id), max(soon, discharge - minutes(
                model.TRANSPORT_ORDER_LEAD)), self.discharge_transport, bed_id)

    def end_stay(self, bed_id: int) -> None:
        stay = self.stays.pop(bed_id)
        for key in (("bed", bed_id), ("handoff-for", bed_id), ("transport-for", bed_id)):
            self.cancel_timer(key)
        if stay.patient_ref:
            self.active_patients.discard(stay.patient_ref)

    def vacate(self, bed_id: int) -> None:
        stay = self.stays[bed_id]
        info = self.requests.get(stay.request_id)
        if info is not None and info.state != "departed":  # still in the ED: wait for it
            self.schedule(("bed", bed_id), self.t + minutes(30), self.vacate, bed_id)
            return
        self.call(self.service.bed_action, ward_actor(stay.ward.code), bed_id, "vacate")
        self.stats["discharged"] += 1
        self.end_stay(bed_id)
        self.requests.pop(stay.request_id, None)
        self.schedule(("bed", bed_id), self.t + minutes(model.CLEANING.draw(self.rng)),
                      self.cleaned, bed_id)

    def cleaned(self, bed_id: int) -> None:
        self.call(self.service.bed_action, COORDINATOR, bed_id, "cleaned")

    def block(self, ward: Ward) -> None:
        self.schedule(("block", ward.id), self.t + self.exponential(
            model.BLOCKS_PER_WARD_DAY / (24 * 60)), self.block, ward)
        free = [b for _, b, iso in self.free_beds(ward.id) if not iso]
        if len(free) < 2:  # the last free bed is never taken out of use
            return
        bed_id = self.rng.choice(free)
        self.call(self.service.bed_action, ward_actor(ward.code), bed_id, "block",
                  reason=self.rng.choice(model.BLOCK_REASONS))
        self.stats["blocked"] += 1
        self.schedule(("bed", bed_id), self.t + minutes(model.BLOCK.draw(self.rng)),
                      self.unblock, bed_id)

    def unblock(self, bed_id: int) -> None:
        self.call(self.service.bed_action, COORDINATOR, bed_id, "unblock")

    def create_handoff(self, bed_id: int) -> None:
        stay = self.stays[bed_id]
        teams = self.county.teams_for(stay.patient_ref)
        team = teams[self.rng.randrange(len(teams))]
        row = self.call(self.service.create_handoff, ward_actor(stay.ward.code), stay.ward.id,
                        team, patient_ref=stay.patient_ref, request_id=stay.request_id,
                        planned_discharge_at=self.wall(stay.discharge_at))
        stay.handoff_id = row["id"]
        self.stats["handoffs"] += 1
        self.handoff_discharge[row["id"]] = stay.discharge_at
        self.plan_handoff(row["id"], "created", self.t)

    def plan_handoff(self, hid: int, state: str, since: datetime) -> None:
        if state == "created":
            if self.rng.random() < model.HANDOFF_CANCEL_SHARE:
                self.schedule(("handoff", hid), since + minutes(model.ACKNOWLEDGE.draw(
                    self.rng)), self.handoff_step, hid, "cancel")
            else:
                self.schedule(("handoff", hid), since + minutes(model.ACKNOWLEDGE.draw(
                    self.rng)), self.handoff_step, hid, "acknowledge")
        elif state == "acknowledged":
            discharge = self.handoff_discharge.get(hid, since)
            self.schedule(("handoff", hid), max(since + minutes(10), discharge + minutes(
                model.COMPLETE_AFTER.draw(self.rng))), self.handoff_step, hid, "complete")
        else:
            self.handoff_discharge.pop(hid, None)

    def handoff_step(self, hid: int, action: str) -> None:
        reason = self.rng.choice(model.HANDOFF_CANCEL_REASONS) if action == "cancel" else None
        row = self.call(self.service.handoff_action, f"{ACTOR_PREFIX}home-care", hid, action,
                        reason=reason)
        self.plan_handoff(hid, row["state"], self.t)

    def discharge_transport(self, bed_id: int) -> None:
        stay = self.stays[bed_id]
        destination = model.DESTINATION_TEXT[stay.destination]
        housing = self.county.service_housing.get(
            self.county.municipality.get(stay.patient_ref or "", ""), [])
        if stay.destination == "service_housing_24h" and housing:
            destination = housing[self.rng.randrange(len(housing))]
        self.order_transport("non_urgent", stay.ward.name, destination, stay.patient_ref,
                             stay.ward.specialty, stay.needs_isolation,
                             request_id=stay.request_id, handoff_id=stay.handoff_id)

    def urgent_transport(self) -> None:
        """Urgent transfers from the ED to the university hospital, at a fixed share of the
        routing requests' rate and with their daily pattern (thinning as in `arrival`)."""
        rate = self.total_rate() * model.URGENT_TRANSPORTS_PER_REQUEST
        self.schedule(("urgent-transports",), self.t + self.exponential(rate * model.PEAK),
                      self.urgent_transport)
        if self.rng.random() * model.PEAK < model.intensity(self.t):
            specialty = self.rng.choice(sorted({w.specialty for w in self.wards.values()}))
            self.order_transport("urgent", self.county.ed_name, model.UNIVERSITY_HOSPITAL,
                                 self.draw_patient(specialty), specialty,
                                 self.rng.random() < model.ISOLATION_SHARE)

    def order_transport(self, urgency: str, origin: str, destination: str,
                        patient: str | None, specialty: str, isolation: bool,
                        request_id: int | None = None, handoff_id: int | None = None) -> None:
        needs = model.safety_needs(self.rng, urgency, isolation, specialty)
        row = self.call(self.service.order_transport, AMBULANCE if urgency == "urgent"
                        else COORDINATOR, urgency, origin, destination, needs,
                        patient_ref=patient, request_id=request_id, handoff_id=handoff_id)
        self.stats["transports"] += 1
        cancel_at = (self.rng.randrange(3)
                     if self.rng.random() < model.TRANSPORT_CANCEL_SHARE[urgency] else None)
        self.transport_plan[row["id"]] = (urgency, cancel_at)
        self.plan_transport(row["id"], "ordered", self.t)

    def plan_transport(self, tid: int, state: str, since: datetime) -> None:
        urgency, cancel_at = self.transport_plan.get(tid, ("non_urgent", None))
        phases = model.TRANSPORT_PHASES[urgency]
        order = ["ordered", "accepted", "departed", "picked_up"]
        if state not in order:
            self.transport_plan.pop(tid, None)
            return
        index = order.index(state)
        action, delay = phases[index]
        if cancel_at == index:
            action = "cancel"
        self.schedule(("transport", tid), since + minutes(delay.draw(self.rng)),
                      self.transport_step, tid, action)

    def transport_step(self, tid: int, action: str) -> None:
        urgency = self.transport_plan.get(tid, ("non_urgent", None))[0]
        reason = (self.rng.choice(model.TRANSPORT_CANCEL_REASONS[urgency])
                  if action == "cancel" else None)
        row = self.call(self.service.transport_action, AMBULANCE, tid, action, reason=reason)
        self.plan_transport(tid, row["state"], self.t)

