"""The synthetic situation-centre traffic (situation/traffic*.py): wards from the county's ward
units (hand-worked capacities and isolation rooms, idempotent), the facts read from the county
(hand-worked lengths of stay and destinations), deterministic history for a seed (also across
SQLite and PostgreSQL), the calibration measured from the history itself, the invariants at
the end, resuming a database, and the live mode — including a person acting first."""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa
from county import County

from tilannekuva.situation import (
    Conflict,
    IllegalTransition,
    SituationCentre,
    create_engine,
    create_schema,
    states,
)
from tilannekuva.situation.tables import (
    beds,
    handoffs,
    placements,
    routing_requests,
    situation_events,
    transports,
    wards,
)
from tilannekuva.situation.traffic import LiveTraffic, setup_wards, simulate
from tilannekuva.situation.traffic_county import CountyWard, county_facts
from tilannekuva.situation.traffic_model import HELSINKI

#: The demo county's wards at 70,000 residents (synth/structure.py WARDS), four of them, plus
#: a ward without beds, which the traffic skips.
WARDS = (("W-IM", "Sisätautiosasto", "internal_medicine", 42),
         ("W-SU", "Kirurginen osasto", "surgery", 24),
         ("W-GE", "Geriatrinen osasto", "geriatrics", 21),
         ("W-PA", "Lastenosasto", "paediatrics", 6))
START = datetime(2026, 1, 5, tzinfo=UTC)       # a Monday, 02:00 in Helsinki


def build_county(path: Path, episodes: bool = False) -> Path:
    county = County(path)
    for code, name, specialty, n in WARDS:
        county.add("units", unit_id=code, name=name, service_area="specialised_care",
                   level="specialised", unit_type="ward", specialty=specialty, beds=n)
    county.add("units", unit_id="W-XX", name="Suljettu osasto", service_area="specialised_care",
               level="specialised", unit_type="ward", specialty="neurology", beds=None)
    for unit_id, municipality in (("HC1", "272"), ("HC2", "217")):
        county.add("units", unit_id=unit_id, name=f"Kotihoito {unit_id}", municipality=municipality,
                   service_area="older_people", level="social", unit_type="home_care_team")
    county.add("units", unit_id="SH1", name="Palvelukoti Koivu", service_area="older_people",
               level="social", unit_type="service_housing")
    county.add("units", unit_id="ED1", name="Yhteispäivystys", service_area="emergency",
               level="specialised", unit_type="emergency_department")
    for n in range(1, 301):
        county.person(f"P{n:03d}", municipality=("272", "217", "999")[n % 3])
    if episodes:
        # internal_medicine: 10 stays of 3 days and 10 of 5 (15 home, 5 home care) and one death
        # after 4 days: mean stay (30 + 50 + 4) / 21 = 4.0 days; the death is no destination.
        for n in range(20):
            county.add("episodes", episode_id=f"E{n}", person_id=f"P{n + 1:03d}",
                       unit_id="W-IM", specialty="internal_medicine",
                       admitted_at="2025-03-01 10:00",
                       discharged_at="2025-03-04 10:00" if n < 10 else "2025-03-06 10:00",
                       admission_source="emergency_department",
                       discharged_to="home" if n < 15 else "home_care")
        county.add("episodes", episode_id="E20", person_id="P021", unit_id="W-IM",
                   specialty="internal_medicine", admitted_at="2025-03-01 10:00",
                   discharged_at="2025-03-05 10:00", admission_source="emergency_department",
                   discharged_to="died")
        # surgery: three stays home, too few for their own figures.
        for n in range(3):
            county.add("episodes", episode_id=f"S{n}", person_id=f"P{n + 30:03d}",
                       unit_id="W-SU", specialty="surgery", admitted_at="2025-03-01 10:00",
                       discharged_at="2025-03-02 10:00",
                       admission_source="emergency_department", discharged_to="home")
    return county.write()


@pytest.fixture(scope="module")
def county_path(tmp_path_factory) -> Path:
    return build_county(tmp_path_factory.mktemp("county") / "county.duckdb")


@pytest.fixture
def county(county_path):
    con = duckdb.connect(str(county_path), read_only=True)
    yield con
    con.close()


def centre_at(url: str) -> SituationCentre:
    engine = create_engine(url)
    create_schema(engine)
    return SituationCentre(engine)


def rows(engine: sa.Engine, query) -> list:
    with engine.connect() as con:
        return con.execute(query).all()


def history(engine: sa.Engine) -> list[tuple]:
    return [tuple(r) for r in rows(engine, sa.select(situation_events).order_by(
        situation_events.c.id))]


# -- wards and county facts ------------------------------------------------------------------


def test_isolation_rooms_are_a_tenth_rounded_up_at_least_one():
    rooms = {n: CountyWard("W", "w", "surgery", n).isolation_rooms for n in (1, 6, 10, 11, 24, 42)}
    assert rooms == {1: 1, 6: 1, 10: 1, 11: 2, 24: 3, 42: 5}
    assert CountyWard("W", "w", "surgery", 6).bed_labels() == [
        ("1", False), ("2", False), ("3", False), ("4", False), ("5", False), ("E1", True)]


def test_setup_wards_creates_the_county_wards_once(tmp_path, county):
    centre = centre_at(f"sqlite:///{tmp_path / 's.sqlite'}")
    ids = setup_wards(centre, county)
    assert list(ids) == ["W-GE", "W-IM", "W-PA", "W-SU"]  # by unit_id; W-XX has no beds
    made = {r.code: (r.specialty, r.capacity, r.isolation_rooms) for r in rows(
        centre.engine, sa.select(wards))}
    assert made == {"W-IM": ("internal_medicine", 42, 5), "W-SU": ("surgery", 24, 3),
                    "W-GE": ("geriatrics", 21, 3), "W-PA": ("paediatrics", 6, 1)}
    per_ward = Counter((r.ward_id, r.is_isolation) for r in rows(centre.engine, sa.select(beds)))
    assert per_ward[(ids["W-IM"], True)] == 5 and per_ward[(ids["W-IM"], False)] == 37
    assert per_ward[(ids["W-PA"], True)] == 1 and per_ward[(ids["W-PA"], False)] == 5
    before = history(centre.engine)
    assert setup_wards(centre, county) == ids
    assert history(centre.engine) == before  # nothing changed


def test_county_facts_are_read_from_the_episodes(tmp_path):
    with duckdb.connect(str(build_county(tmp_path / "c.duckdb", episodes=True)),
                        read_only=True) as con:
        facts = county_facts(con)
    assert facts.mean_los("internal_medicine") == pytest.approx(4.0)
    assert facts.mean_los("surgery") == 5.0  # 3 stays < 20: the default
    assert facts.destination_shares("internal_medicine") == {"home": 15, "home_care": 5}
    assert facts.destination_shares("surgery") == {"home": 18, "home_care": 5}  # county-wide
    assert set(facts.patients["internal_medicine"]) == {f"P{n:03d}" for n in range(1, 22)}
    assert facts.patients["paediatrics"] == []  # no stays: any county person is drawn
    assert len(facts.all_patients) == 300
    assert facts.teams_for("P001") == ["HC2"]          # municipality 217
    assert facts.teams_for("P003") == ["HC1"]          # 272
    assert facts.teams_for("P002") == ["HC1", "HC2"]   # 999 has no team: all teams
    assert facts.service_housing == {"272": ["Palvelukoti Koivu"]}
    assert facts.ed_name == "Yhteispäivystys"


# -- determinism -----------------------------------------------------------------------------


def test_same_seed_gives_the_same_history_on_both_databases(tmp_path, county, situation_url):
    """One run on SQLite, one on the parametrised database (SQLite or PostgreSQL): every
    event — ids, times, actors, states, wards, beds, reasons — is the same."""
    facts = county_facts(county)
    end = START + timedelta(days=1)
    first = centre_at(f"sqlite:///{tmp_path / 'first.sqlite'}")
    second = centre_at(situation_url)
    simulate(first, facts, START, end, seed=7)
    simulate(second, facts, START, end, seed=7)
    expected = history(first.engine)
    assert len(expected) > 400
    assert history(second.engine) == expected
    second.engine.dispose()


def test_another_seed_gives_another_history(tmp_path, county):
    facts = county_facts(county)
    end = START + timedelta(hours=6)
    runs = []
    for seed in (1, 2):
        centre = centre_at(f"sqlite:///{tmp_path / f'{seed}.sqlite'}")
        simulate(centre, facts, START, end, seed=seed)
        runs.append(history(centre.engine))
    assert runs[0] != runs[1]


# -- calibration and invariants --------------------------------------------------------------


@pytest.fixture(scope="module")
def fortnight(tmp_path_factory, county_path) -> sa.Engine:
    """Fourteen simulated days (about 290 routing requests) on SQLite, seed 1."""
    path = tmp_path_factory.mktemp("fortnight") / "s.sqlite"
    centre = centre_at(f"sqlite:///{path}")
    with duckdb.connect(str(county_path), read_only=True) as con:
        simulate(centre, con, START, START + timedelta(days=14), seed=1)
    return centre.engine


def request_times(engine: sa.Engine) -> dict[str, dict[int, datetime]]:
    times: dict[str, dict[int, datetime]] = {"create": {}, "place": {}, "depart": {}}
    for entity_id, action, at in rows(engine, sa.select(
            situation_events.c.entity_id, situation_events.c.action, situation_events.c.at)
            .where(situation_events.c.entity == "request",
                   situation_events.c.action.in_(list(times)))):
        times[action][entity_id] = at
    return times


def mean_minutes(times: dict, until: str) -> float:
    spans = [(at - times["create"][r]).total_seconds() / 60 for r, at in times[until].items()]
    return sum(spans) / len(spans)


def test_calibration_measured_from_the_history(fortnight):
    """Mean created → placed and created → departed, from the events alone. Tolerance: the
    times have standard deviations of about 10 and 24 minutes, so over ~270 placed requests
    the standard errors of the means are about 0.6 and 1.5 minutes; besides, full wards move
    the mean by up to a minute from run to run. 17–23 and 43–53 (±3 and ±5 minutes) allow
    both with room to spare and still fail a model that misses the targets by 15 %."""
    times = request_times(fortnight)
    assert len(times["place"]) > 250
    assert 17 <= mean_minutes(times, "place") <= 23
    assert 43 <= mean_minutes(times, "depart") <= 53


def test_arrivals_follow_the_hour_of_day_pattern(fortnight):
    """Requests created 10–18 Helsinki time outnumber those created 0–8 (profile ratio 3.4);
    the first hours (the wards being filled at the start) are left out."""
    created = [at.astimezone(HELSINKI) for at in request_times(fortnight)["create"].values()
               if at >= START + timedelta(hours=6)]
    day = sum(10 <= at.hour < 18 for at in created)
    night = sum(at.hour < 8 for at in created)
    assert day > 2 * night > 0


def test_invariants_hold_at_the_end(fortnight):
    bed_rows = rows(fortnight, sa.select(beds))
    occupants = [b.occupant_request_id for b in bed_rows if b.occupant_request_id is not None]
    assert len(occupants) == len(set(occupants))  # no patient in two beds
    assert all((b.state == "occupied") == (b.occupant_request_id is not None) for b in bed_rows)
    open_placements = rows(fortnight, sa.select(placements.c.request_id, placements.c.bed_id)
                           .where(placements.c.released_at.is_(None)))
    assert len({p.bed_id for p in open_placements}) == len(open_placements)
    in_bed = {b.occupant_request_id: b.id for b in bed_rows if b.occupant_request_id}
    assert {p.request_id: p.bed_id for p in open_placements} == in_bed
    placed = [r.id for r in rows(fortnight, sa.select(routing_requests.c.id).where(
        routing_requests.c.state == "placed"))]
    assert all(r in in_bed for r in placed)  # every placed request has its one bed
    ward_beds = Counter(b.ward_id for b in bed_rows)
    occupied = Counter(b.ward_id for b in bed_rows if b.state == "occupied")
    assert all(occupied[w] <= ward_beds[w] for w in ward_beds)
    share = sum(occupied.values()) / len(bed_rows)
    assert 0.6 <= share <= 0.97, share


def test_the_history_has_every_kind_of_event(fortnight, county_path):
    events = rows(fortnight, sa.select(situation_events.c.entity, situation_events.c.action,
                                       situation_events.c.reason))
    actions = Counter((e.entity, e.action) for e in events)
    for needed in (("request", "decline"), ("request", "cancel"), ("request", "interrupt"),
                   ("bed", "reserve"), ("bed", "vacate"), ("bed", "cleaned"),
                   ("handoff", "acknowledge"), ("handoff", "complete"),
                   ("transport", "pick_up"), ("transport", "deliver"),
                   ("transport", "cancel")):
        assert actions[needed] > 0, needed
    assert all(e.reason for e in events if e.action in ("decline", "cancel", "interrupt",
                                                        "withdraw", "block"))
    orders = rows(fortnight, sa.select(transports))
    assert {t.urgency_class for t in orders} == {"urgent", "non_urgent"}
    assert all(set(t.safety_needs) <= set(states.SAFETY_NEEDS) for t in orders)
    with duckdb.connect(str(county_path), read_only=True) as con:
        people = {r[0] for r in con.execute("SELECT person_id FROM persons").fetchall()}
    refs = {r.patient_ref for r in rows(fortnight, sa.select(routing_requests.c.patient_ref))}
    assert refs <= people  # county pseudonyms only
    teams = {r.home_care_team for r in rows(fortnight, sa.select(handoffs.c.home_care_team))}
    assert teams <= {"HC1", "HC2"}


# -- resuming --------------------------------------------------------------------------------


def test_a_second_run_resumes_where_the_first_stopped(tmp_path, county):
    facts = county_facts(county)
    centre = centre_at(f"sqlite:///{tmp_path / 's.sqlite'}")
    middle = START + timedelta(days=1)
    simulate(centre, facts, START, middle, seed=3)
    with pytest.raises(ValueError, match="already runs to"):
        simulate(centre, facts, START, middle, seed=3)
    summary = simulate(centre, facts, middle, middle + timedelta(days=1), seed=4)
    assert summary.skipped == 0
    created = request_times(centre.engine)["create"].values()
    assert sum(middle <= at < middle + timedelta(hours=1) for at in created) < 10  # no refill
    # Nothing the first run left in flight is stuck: every request still in the ED is recent.
    waiting = rows(centre.engine, sa.select(routing_requests.c.created_at).where(
        routing_requests.c.state.in_(("open", "offered", "accepted"))))
    assert all(r.created_at > middle + timedelta(hours=18) for r in waiting)


# -- live ------------------------------------------------------------------------------------


def wait_for(condition, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("timed out")


def test_live_traffic_advances_survives_a_person_and_stops(situation_url, county):
    """At 1000 × speed the wards fill within seconds. A coordinator cancels a request the
    traffic is routing: its next step on it is refused, skipped, and the traffic carries on."""
    centre = centre_at(situation_url)
    began = datetime.now(UTC)
    live = LiveTraffic(centre, county, seed=5, speed=1000).start()
    try:
        routed = routing_requests.c
        target = wait_for(lambda: rows(centre.engine, sa.select(routed.id).where(
            routed.state.in_(("offered", "accepted"))).order_by(routed.id).limit(1)))[0].id
        try:
            centre.cancel("koordinaattori", target, "Potilas siirtyi toiseen sairaalaan")
        except (Conflict, IllegalTransition):  # the traffic got there first; take another
            target = wait_for(lambda: rows(centre.engine, sa.select(routed.id).where(
                routed.state.in_(("open", "offered", "accepted")), routed.id > target)
                .limit(1)))[0].id
            centre.cancel("koordinaattori", target, "Potilas siirtyi toiseen sairaalaan")
        wait_for(lambda: live.stats.get("skipped", 0) >= 1)
        calls = live.stats["calls"]
        wait_for(lambda: live.stats["calls"] > calls + 20)
        wait_for(lambda: live.stats.get("departed", 0) >= 3)  # patients reach the wards
        assert live.running
    finally:
        live.stop()
    assert not live.running
    assert live.stats.get("errors", 0) == 0
    assert centre.get("request", target)["state"] == "cancelled"
    placed = rows(centre.engine, sa.select(situation_events.c.at).where(
        situation_events.c.entity == "request", situation_events.c.action == "place"))
    assert placed and all(p.at >= began for p in placed)  # written on the wall clock
    occupants = [r.occupant_request_id for r in rows(centre.engine, sa.select(beds))
                 if r.occupant_request_id is not None]
    assert len(occupants) == len(set(occupants))
    after = len(history(centre.engine))
    time.sleep(0.3)
    assert len(history(centre.engine)) == after  # stopped: nothing more is written
    centre.engine.dispose()
