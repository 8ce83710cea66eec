"""Situation-centre traffic for a synthetic county in the tests: a deterministic sequence of
routing requests, hand-offs and transports driven through the real `SituationCentre` on
simulated time over the county's years, then exported into its canonical tables
(`situation.export`) and written as Parquet beside the generator's, so the Spark conformance
test computes the situation indicators from the very rows DuckDB holds.

It is a test fixture, not the demo's traffic generator: it only has to give every situation
indicator figures in many months (requests placed, left, interrupted and cancelled; some left
open at the end so the waiting snapshot has something to count; isolation placements; hand-offs
acknowledged, completed and cancelled; transports with each safety need)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tilannekuva.schema import SITUATION_TABLES
from tilannekuva.situation import SituationCentre, create_engine, create_schema, states
from tilannekuva.situation.export import export_history
from tilannekuva.store import open_store


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2000, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def add_traffic(database: Path, parquet: Path, situation_url: str, requests: int = 240,
                seed: int = 11) -> dict[str, int]:
    """Generate `requests` routing requests (with their hand-offs and transports) spread over
    the county's visit days into the situation database at `situation_url`, export them into
    `database` and write the three tables to `parquet/<table>/part-00000.parquet`."""
    rng = random.Random(seed)
    con = open_store(database, read_only=True)
    try:
        first, last = con.execute("SELECT min(start_at)::DATE, max(start_at)::DATE "
                                  "FROM visits").fetchall()[0]
        ward_units = con.execute("SELECT unit_id, specialty, beds FROM units "
                                 "WHERE unit_type = 'ward' ORDER BY unit_id").fetchall()
        teams = [r[0] for r in con.execute("SELECT unit_id FROM units WHERE unit_type = "
                                           "'home_care_team' ORDER BY unit_id").fetchall()]
        persons = [r[0] for r in con.execute("SELECT person_id FROM persons ORDER BY "
                                             "person_id LIMIT 400").fetchall()]
    finally:
        con.close()
    engine = create_engine(situation_url)
    create_schema(engine)
    clock = Clock()
    sc = SituationCentre(engine, clock=clock)
    wards = []
    for code, specialty, capacity in ward_units:
        ward = sc.create_ward("admin", code, f"Osasto {code}", specialty, max(capacity or 0, 3),
                              1)["id"]
        bed = sc.create_bed("admin", ward, "1")["id"]
        iso = sc.create_bed("admin", ward, "2", is_isolation=True)["id"]
        wards.append((ward, specialty, bed, iso))
    start = datetime.combine(first, datetime.min.time(), UTC)
    span = (last - first).days * 24 * 60
    moments = sorted(rng.uniform(0, span) for _ in range(requests))
    for n, minute in enumerate(moments):
        clock.now = start + timedelta(minutes=minute)
        _request(sc, clock, rng, wards, teams, persons, still_open=n >= requests - 3)
    con = open_store(database)
    try:
        accepted = export_history(engine, con)
        for table in SITUATION_TABLES:
            folder = parquet / table.name
            folder.mkdir(parents=True, exist_ok=True)
            target = str(folder / "part-00000.parquet").replace("'", "''")
            con.execute(f"COPY (SELECT * FROM {table.name}) TO '{target}' (FORMAT parquet)")
    finally:
        con.close()
        engine.dispose()
    return accepted


def _later(clock: Clock, rng: random.Random, low: float, high: float) -> None:
    clock.now += timedelta(minutes=rng.uniform(low, high))


def _request(sc: SituationCentre, clock: Clock, rng: random.Random, wards: list, teams: list,
             persons: list, still_open: bool) -> None:
    """One request's life: offered (once declined in a tenth of cases), accepted, placed and
    gone from the ED, then vacated; or interrupted, or cancelled (some after placement); the
    last few left open. A departed patient gets a hand-off or a transport now and then."""
    ward, specialty, bed, iso = rng.choice(wards)
    isolation = rng.random() < 0.12
    patient = rng.choice(persons) if rng.random() < 0.9 else None
    r = sc.create_request("ed", specialty, rng.choice(states.URGENCIES),
                          needs_isolation=isolation, patient_ref=patient)["id"]
    if still_open:
        return
    fate = rng.random()
    if fate < 0.08:
        _later(clock, rng, 20, 300)
        sc.interrupt("coord", r, "no place found")
        return
    _later(clock, rng, 1, 15)
    sc.offer("coord", r, ward)
    if rng.random() < 0.1:
        _later(clock, rng, 1, 10)
        sc.decline("ward", r, "no staff")
        _later(clock, rng, 1, 10)
        sc.offer("coord", r, ward)
    _later(clock, rng, 1, 12)
    sc.accept("ward", r)
    _later(clock, rng, 2, 25)
    sc.place("ward", r, iso if isolation else bed)
    placed = iso if isolation else bed
    if fate < 0.14:
        _later(clock, rng, 5, 60)
        sc.cancel("ed", r, "went home from the ED")
        return
    _later(clock, rng, 10, 50)
    sc.depart("ed", r)
    sc.bed_action("ward", placed, "vacate")
    sc.bed_action("cleaner", placed, "cleaned")
    if rng.random() < 0.4:
        _handoff(sc, clock, rng, ward, teams, patient, r)
    if rng.random() < 0.4:
        _transport(sc, clock, rng, patient, r)


def _handoff(sc, clock, rng, ward, teams, patient, request) -> None:
    _later(clock, rng, 600, 4000)
    h = sc.create_handoff("ward", ward, rng.choice(teams), patient_ref=patient,
                          request_id=request)["id"]
    _later(clock, rng, 10, 180)
    sc.handoff_action("homecare", h, "acknowledge")
    _later(clock, rng, 60, 1800)
    if rng.random() < 0.1:
        sc.handoff_action("ward", h, "cancel", "stays on the ward")
    else:
        sc.handoff_action("homecare", h, "complete")


def _transport(sc, clock, rng, patient, request) -> None:
    needs = [n for n in states.SAFETY_NEEDS if rng.random() < 0.3]
    t = sc.order_transport("ed", rng.choice(states.TRANSPORT_URGENCIES), "ED", "Ward",
                           safety_needs=needs, patient_ref=patient, request_id=request)["id"]
    for action in ("accept", "depart", "pick_up", "deliver"):
        _later(clock, rng, 2, 30)
        if rng.random() < 0.05:
            sc.transport_action("transport", t, "cancel", "no longer needed")
            return
        sc.transport_action("transport", t, action)
