"""The discrete-event process behind the synthetic traffic: timers on a heap, each firing one
call of the real service (`SituationCentre`, one transaction each). `traffic_core` holds the
clocks, timers and reads, `traffic_routing` the routing of requests, `traffic_aftercare` the
stays, hand-offs and transports.

The database is the single source of truth: the process keeps only its timers and what it
means to do with each entity (the patient, the planned discharge), and reads bed states from
the database when it chooses a ward or a bed. So it can resume any database — its own history
from an earlier run, or one that people changed meanwhile — by reading every entity it drives
and scheduling that entity's next step (`resume`, `resync`). A step the service refuses
because someone acted first (`Conflict`, `IllegalTransition`, `NotFound`) is skipped and the
entity is re-read and rescheduled. The traffic drives only what it created (its actors are
`sim:…`) and the county's wards; requests people create are left to people."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from tilannekuva.situation import traffic_model as model
from tilannekuva.situation.tables import (
    beds,
    handoffs,
    placements,
    routing_requests,
    situation_events,
    transports,
    wards,
)
from tilannekuva.situation.traffic_aftercare import AfterCareFlow
from tilannekuva.situation.traffic_core import (
    ACTOR_PREFIX,
    FINAL,
    Request,
    Ward,
    minutes,
)
from tilannekuva.situation.traffic_routing import RoutingFlow


class Traffic(RoutingFlow, AfterCareFlow):
    """One run of the process over an engine (see the module docstring)."""

    def load_wards(self) -> None:
        """The situation-centre wards that are county ward units, with their arrival rates:
        rate = target occupancy × beds / (mean stay + the daytime-discharge shift)."""
        codes = {w.code: w for w in self.county.wards}
        rows = self._read(lambda con: con.execute(sa.select(
            wards.c.id, wards.c.code, wards.c.name, wards.c.specialty,
            sa.select(sa.func.count()).where(beds.c.ward_id == wards.c.id).scalar_subquery(),
        ).order_by(wards.c.id)).all())
        shift = model.discharge_shift_days()
        for ward_id, code, name, specialty, n in rows:
            if code not in codes or n == 0:
                continue
            target = model.occupancy_target(self.seed, code)
            stay = self.county.mean_los(specialty) + shift
            self.wards[ward_id] = Ward(ward_id, code, name, specialty, n, target,
                                       target * n / (stay * 24 * 60))

    def resume(self, fill: bool = True) -> None:
        """Schedule the next step of every entity the traffic drives, start the arrival
        streams, and — on a database the traffic has never run on — fill the wards to their
        target occupancy with patients already there (`fill`)."""
        self.load_wards()
        if not self.wards:
            raise ValueError("no situation-centre ward is one of the county's ward units with "
                             "beds (setup_wards creates them): there is nothing to drive")
        ours = self._read(lambda con: con.execute(
            sa.select(situation_events.c.entity, situation_events.c.entity_id).where(
                situation_events.c.action == "create",
                situation_events.c.entity.in_(("request", "handoff", "transport")),
                situation_events.c.actor.startswith(ACTOR_PREFIX),
            ).order_by(situation_events.c.id)).all())
        self.own_requests.update(i for e, i in ours if e == "request")
        in_flight = set(self._read(lambda con: [
            (entity, row_id) for entity, table in (("request", routing_requests),
                                                   ("handoff", handoffs),
                                                   ("transport", transports))
            for row_id in con.execute(sa.select(table.c.id).where(
                table.c.state.not_in(FINAL | {"completed", "delivered"}))).scalars()]))
        for entity, entity_id in ours:
            if (entity, entity_id) in in_flight:
                self.resync((entity, entity_id))
        for bed_id in self._read(lambda con: con.execute(sa.select(beds.c.id).where(
                beds.c.ward_id.in_(list(self.wards))).order_by(beds.c.id)).scalars().all()):
            self.resync(("bed", bed_id))
        if fill and not self.own_requests:
            self.fill()
        self.schedule(("arrivals",), self.t, self.arrival)
        self.schedule(("urgent-transports",), self.t, self.urgent_transport)
        for ward in self.wards.values():
            self.schedule(("block", ward.id), self.t + self.exponential(
                model.BLOCKS_PER_WARD_DAY / (24 * 60)), self.block, ward)
        self.schedule(("sample",), self.t, self.sample)

    def fill(self) -> None:
        """Patients already on the wards at the start: round(target × beds) per ward, less the
        beds already occupied, routed over the first hour with the ordinary step delays (so
        they do not bias the calibrated times) and staying for the remainder of a
        length-biased stay."""
        occupied = dict(self._read(lambda con: con.execute(
            sa.select(beds.c.ward_id, sa.func.count()).where(beds.c.state == "occupied")
            .group_by(beds.c.ward_id)).all()))
        for ward in self.wards.values():
            for _ in range(round(ward.target * ward.beds) - occupied.get(ward.id, 0)):
                at = self.t + minutes(self.rng.uniform(0, 60))
                self.seq += 1
                self.schedule(("background", self.seq), at, self.create_request, ward, True)

    def resync(self, key: tuple) -> None:
        """Re-read the entity behind `key` and schedule its next step from its state now."""
        kind, ident = key[0], key[1] if len(key) > 1 else None
        if kind == "request":
            self._resync_request(ident)
        elif kind in ("bed", "handoff-for", "transport-for"):
            self._resync_bed(ident)
        elif kind == "handoff":
            row = self._row(handoffs, ident)
            if row is not None:
                if row["planned_discharge_at"] is not None:
                    self.handoff_discharge.setdefault(
                        ident, self.model_time(row["planned_discharge_at"]))
                self.plan_handoff(ident, row["state"], self._since(row))
        elif kind == "transport":
            row = self._row(transports, ident)
            if row is not None:
                self.transport_plan.setdefault(ident, (row["urgency_class"], None))
                self.plan_transport(ident, row["state"], self._since(row))

    def _row(self, table: sa.Table, ident: int) -> dict | None:
        row = self._read(lambda con: con.execute(
            sa.select(table).where(table.c.id == ident)).mappings().first())
        return dict(row) if row is not None else None

    def _since(self, row: dict) -> datetime:
        return max(self.t, self.model_time(row["state_since"]))

    def _resync_request(self, rid: int) -> None:
        row = self._row(routing_requests, rid) if rid in self.own_requests else None
        if row is None:
            return  # a request people created: people route it
        info = self.requests.get(rid)
        if info is None:
            info = Request(row["specialty"], row["urgency"], row["needs_isolation"],
                           row["patient_ref"], self.model_time(row["created_at"]))
            self.requests[rid] = info
            if row["patient_ref"] and row["state"] not in FINAL:
                self.active_patients.add(row["patient_ref"])
        if row["state"] in ("cancelled", "interrupted"):
            self.drop_request(rid, row["state"])
            return
        info.state, info.ward_id = row["state"], row["ward_id"]
        if info.ward_id is not None and info.ward_id not in self.wards:
            return  # offered to a ward the traffic does not drive: people answer for it
        if info.state in ("placed", "departed"):
            bed_id = self._read(lambda con: con.execute(sa.select(placements.c.bed_id).where(
                placements.c.request_id == rid, placements.c.released_at.is_(None))).scalar())
            if bed_id is not None and bed_id not in self.stays:
                self._resync_bed(bed_id)
        delay = {"open": model.RE_OFFER, "offered": model.ANSWER, "accepted": model.BED,
                 "placed": model.TRANSFER}.get(info.state)
        self.plan_request(rid, self.t if delay is None else
                          self._since(row) + minutes(delay.draw(self.rng, info.pace)))

    def _resync_bed(self, bed_id: int) -> None:
        row = self._row(beds, bed_id)
        if row is None or row["ward_id"] not in self.wards:
            return
        stay = self.stays.get(bed_id)
        if stay is not None and stay.request_id != row["occupant_request_id"]:
            self.end_stay(bed_id)  # the patient left or was moved by people meanwhile
            stay = None
        if row["state"] == "occupied":
            rid = row["occupant_request_id"]
            if stay is not None:
                self.schedule(("bed", bed_id), stay.discharge_at, self.vacate, bed_id)
            elif rid in self.requests:
                placed = self._read(lambda con: con.execute(sa.select(
                    placements.c.placed_at).where(placements.c.request_id == rid)).scalar())
                self.plan_stay(bed_id, rid, self.wards[row["ward_id"]],
                               self.model_time(placed) if placed else self.t)
            elif rid in self.own_requests:
                self._resync_request(rid)  # reads the request, then plans this stay
        elif row["state"] == "cleaning":
            self.schedule(("bed", bed_id), self._since(row) + minutes(
                model.CLEANING.draw(self.rng)), self.cleaned, bed_id)
        elif row["state"] == "blocked":
            last = self._read(lambda con: con.execute(sa.select(situation_events.c.actor).where(
                situation_events.c.entity == "bed", situation_events.c.entity_id == bed_id)
                .order_by(situation_events.c.id.desc()).limit(1)).scalar())
            if last and last.startswith(ACTOR_PREFIX):
                self.schedule(("bed", bed_id), self._since(row) + minutes(
                    model.BLOCK.draw(self.rng)), self.unblock, bed_id)

