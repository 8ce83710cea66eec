"""The routing flow of the synthetic traffic: requests arrive from the ED (a non-homogeneous
Poisson process with the hour-of-day and weekday pattern of `traffic_model`), the coordinator
offers each to a ward with a suitable free bed, the ward accepts (reserving a bed) or declines
with a reason, a bed is chosen and the patient placed, then leaves the ED; a few requests are
cancelled or interrupted on the way."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from tilannekuva.situation import traffic_model as model
from tilannekuva.situation.tables import beds
from tilannekuva.situation.traffic_core import (
    COORDINATOR,
    ED_NURSE,
    EXPECTED,
    FINAL,
    Core,
    Request,
    Ward,
    log,
    minutes,
    ward_actor,
)


class RoutingFlow(Core):
    """The routing-request steps of `traffic_process.Traffic`."""

    def arrival(self) -> None:
        """A candidate arrival of the non-homogeneous Poisson process (thinning: candidates at
        the peak rate, each kept with probability intensity / peak)."""
        rate = self.total_rate()
        self.schedule(("arrivals",), self.t + self.exponential(rate * model.PEAK), self.arrival)
        if self.rng.random() * model.PEAK < model.intensity(self.t):
            wards = list(self.wards.values())
            ward = self.rng.choices(wards, weights=[w.rate for w in wards])[0]
            self.create_request(ward, False)

    def draw_patient(self, specialty: str) -> str:
        """A county person (pseudonym) with a stay of the specialty, else any county person,
        not already in the ED or on a ward; else a generated pseudonym."""
        pool = self.county.patients.get(specialty) or self.county.all_patients
        for _ in range(10 if pool else 0):
            person = self.rng.choice(pool)
            if person not in self.active_patients:
                return person
        return f"sim-{self.rng.getrandbits(40):010x}"

    def create_request(self, ward: Ward, background: bool) -> None:
        urgency = model.pick(self.rng, model.URGENCY_MIX)
        isolation = self.rng.random() < model.ISOLATION_SHARE
        patient = self.draw_patient(ward.specialty)
        row = self.call(self.service.create_request, ED_NURSE, ward.specialty, urgency,
                        needs_isolation=isolation, patient_ref=patient)
        rid = row["id"]
        self.active_patients.add(patient)
        info = Request(ward.specialty, urgency, isolation, patient, self.t,
                       target_ward=ward.id if background else None)
        self.requests[rid] = info
        self.own_requests.add(rid)
        self.timeline.created[rid] = self.t
        self.stats["requests"] += 1
        ending = self.rng.random()
        if not background and ending < model.CANCEL_SHARE + model.INTERRUPT_SHARE:
            action, reasons = (("cancel", model.CANCEL_REASONS) if ending < model.CANCEL_SHARE
                               else ("interrupt", model.INTERRUPT_REASONS))
            info.end = (action, self.rng.choice(reasons), self.rng.randrange(4))
        self.plan_request(rid, self.t + minutes(model.PICK_UP.draw(self.rng, info.pace)))

    def plan_request(self, rid: int, at: datetime) -> None:
        info = self.requests[rid]
        step = {"open": self.offer, "offered": self.answer, "accepted": self.place,
                "placed": self.depart}.get(info.state)
        if step is None:
            self.cancel_timer(("request", rid))
            return
        if info.end is not None and info.steps == info.end[2]:
            self.schedule(("request", rid), at, self.end_request, rid, *info.end[:2])
        else:
            self.schedule(("request", rid), at, step, rid)
        info.steps += 1

    def choose_ward(self, info: Request) -> Ward | None:
        """The ward the coordinator offers to: one with a suitable free bed, of the needed
        specialty first, then a related one, then any; wards that declined this request only
        if no other has room."""
        free = self.free_beds()
        room = [w for w in self.wards.values()
                if self.suitable([f for f in free if f[0] == w.id], info.needs_isolation)]
        if not room:
            return None
        fresh = [w for w in room if w.id not in info.declined_wards] or room
        related = model.RELATED.get(info.specialty, ())

        def rank(w: Ward) -> tuple:
            order = (0 if w.specialty == info.specialty
                     else 1 + related.index(w.specialty) if w.specialty in related
                     else 1 + len(related))
            return order, -sum(1 for f in free if f[0] == w.id), w.id
        if info.target_ward in {w.id for w in fresh}:
            return self.wards[info.target_ward]
        return min(fresh, key=rank)

    def offer(self, rid: int) -> None:
        info = self.requests[rid]
        if (self.t - info.created_at) > minutes(model.MAX_ED_WAIT):
            self.end_request(rid, "interrupt", model.NO_PLACE_REASON)
            return
        ward = self.choose_ward(info)
        if ward is None:
            self.schedule(("request", rid), self.t + minutes(model.RETRY.draw(self.rng)),
                          self.offer, rid)
            return
        self.call(self.service.offer, COORDINATOR, rid, ward.id)
        info.state, info.ward_id = "offered", ward.id
        self.plan_request(rid, self.t + minutes(model.ANSWER.draw(self.rng, info.pace)))

    def answer(self, rid: int) -> None:
        info = self.requests[rid]
        ward = self.wards[info.ward_id]
        actor = ward_actor(ward.code)
        if not self.suitable(self.free_beds(ward.id), info.needs_isolation):
            reason = model.NO_ISOLATION_ROOM if info.needs_isolation else model.NO_BED
            self.decline(rid, actor, reason)
        elif (info.target_ward is None and info.declines < model.MAX_RANDOM_DECLINES
              and self.rng.random() < model.DECLINE_SHARE):
            info.declines += 1
            self.decline(rid, actor, self.rng.choice(model.DECLINE_REASONS))
        else:
            self.call(self.service.accept, actor, rid)
            info.state = "accepted"
            self.stats["accepted"] += 1
            if self.rng.random() < model.RESERVE_SHARE:
                self.reserve(rid, ward, actor)
            self.plan_request(rid, self.t + minutes(model.BED.draw(self.rng, info.pace)))

    def decline(self, rid: int, actor: str, reason: str) -> None:
        info = self.requests[rid]
        self.call(self.service.decline, actor, rid, reason)
        self.stats["declined"] += 1
        info.declined_wards.add(info.ward_id)
        info.state, info.ward_id = "open", None
        self.plan_request(rid, self.t + minutes(model.RE_OFFER.draw(self.rng, info.pace)))

    def reserve(self, rid: int, ward: Ward, actor: str) -> None:
        candidates = self.suitable(self.free_beds(ward.id), self.requests[rid].needs_isolation)
        if not candidates:
            return
        try:
            self.call(self.service.bed_action, actor, self.rng.choice(candidates), "reserve",
                      request_id=rid)
        except EXPECTED as error:  # someone took the bed: the ward places into another
            log.debug("traffic could not reserve a bed for request %s: %s", rid, error)

    def place(self, rid: int) -> None:
        info = self.requests[rid]
        ward = self.wards[info.ward_id]
        held = self._read(lambda con: con.execute(sa.select(beds.c.id).where(
            beds.c.reserved_for_request_id == rid, beds.c.ward_id == ward.id,
            beds.c.state == "reserved").order_by(beds.c.id)).scalars().first())
        candidates = [held] if held else self.suitable(self.free_beds(ward.id),
                                                       info.needs_isolation)
        if not candidates:
            self.call(self.service.withdraw, COORDINATOR, rid, model.WITHDRAW_REASON)
            info.declined_wards.add(ward.id)
            info.state, info.ward_id = "open", None
            self.plan_request(rid, self.t + minutes(model.RE_OFFER.draw(self.rng, info.pace)))
            return
        bed_id = candidates[0] if held else self.rng.choice(candidates)
        self.call(self.service.place, ward_actor(ward.code), rid, bed_id)
        info.state = "placed"
        self.timeline.placed[rid] = self.t
        self.stats["placed"] += 1
        self.plan_stay(bed_id, rid, ward, self.t, residual=info.target_ward is not None)
        self.plan_request(rid, self.t + minutes(model.TRANSFER.draw(self.rng, info.pace)))

    def depart(self, rid: int) -> None:
        self.call(self.service.depart, ED_NURSE, rid)
        self.requests[rid].state = "departed"
        self.timeline.departed[rid] = self.t
        self.stats["departed"] += 1
        self.plan_request(rid, self.t)

    def end_request(self, rid: int, action: str, reason: str) -> None:
        """Cancel or interrupt a request still in the ED (in place of its next step); an
        interrupted patient is taken elsewhere by an urgent transport."""
        info = self.requests.get(rid)
        if info is None or info.state in FINAL:
            return
        method = self.service.cancel if action == "cancel" else self.service.interrupt
        row = self.call(method, COORDINATOR, rid, reason)
        self.stats[row["state"]] += 1
        self.drop_request(rid, row["state"])
        if action == "interrupt":
            self.order_transport("urgent", self.county.ed_name,
                                 model.INTERRUPT_DESTINATIONS[reason], info.patient_ref,
                                 info.specialty, info.needs_isolation, request_id=rid)

    def drop_request(self, rid: int, state: str) -> None:
        """The request ended (cancelled or interrupted): stop its timers, forget the stay in the
        bed it had (the service freed the bed)."""
        info = self.requests[rid]
        info.state = state
        for bed_id in [b for b, s in self.stays.items() if s.request_id == rid]:
            self.end_stay(bed_id)
        if info.patient_ref:
            self.active_patients.discard(info.patient_ref)
        self.plan_request(rid, self.t)
        del self.requests[rid]

