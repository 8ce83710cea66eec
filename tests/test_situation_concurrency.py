"""Racing clients on SQLite and PostgreSQL: each thread uses a connection of its own (the pool is
as large as the crowd) and all start together at a barrier.

- 50 clients place 50 different requests into the last free bed: one wins, 49 get Conflict;
- 20 clients place the same request into 20 different beds: one placement;
- 20 clients retry one create with the same idempotency key: one request, one result."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
import sqlalchemy as sa

from tilannekuva.situation import Conflict, SituationCentre, create_engine, create_schema
from tilannekuva.situation.tables import audit_log, beds, placements, routing_requests


@pytest.fixture
def engine(situation_url):
    engine = create_engine(situation_url, pool_size=55, max_overflow=0, pool_timeout=60)
    create_schema(engine)
    yield engine
    engine.dispose()


def race(n: int, call) -> list:
    """Run call(i) in n threads started together; each outcome is a result or an exception."""
    barrier = threading.Barrier(n)
    outcomes: list = [None] * n

    def run(i: int) -> None:
        barrier.wait()
        try:
            outcomes[i] = call(i)
        except Exception as error:  # the outcome is what the test inspects
            outcomes[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a client hung"
    return outcomes


def accepted(sc: SituationCentre, ward: int) -> int:
    rid = sc.create_request("ed-nurse", "internal_medicine", "urgent")["id"]
    sc.offer("coord", rid, ward)
    sc.accept("ward-nurse", rid)
    return rid


def kinds(outcomes: list) -> Counter:
    return Counter("ok" if isinstance(o, dict) else type(o).__name__ for o in outcomes)


def test_fifty_clients_race_for_the_last_free_bed(engine):
    sc = SituationCentre(engine)
    ward = sc.create_ward("admin", "W1", "Ward", "internal_medicine", 3)["id"]
    taken = [sc.create_bed("admin", ward, label)["id"] for label in ("1", "2")]
    for bed in taken:
        sc.place("ward-nurse", accepted(sc, ward), bed)
    last = sc.create_bed("admin", ward, "3")["id"]
    requests = [accepted(sc, ward) for _ in range(50)]

    # Warm the pool so every client has its own open connection before the start.
    with engine.connect() as con:
        con.execute(sa.text("SELECT 1"))
    outcomes = race(50, lambda i: sc.place(f"nurse-{i}", requests[i], last))

    assert kinds(outcomes) == {"ok": 1, "Conflict": 49}, outcomes
    winner = next(o for o in outcomes if isinstance(o, dict))
    for error in outcomes:
        if isinstance(error, Conflict):
            assert "bed 3 (id" in str(error) and "no longer free" in str(error)
    with engine.connect() as con:
        bed = con.execute(sa.select(beds).where(beds.c.id == last)).mappings().one()
        assert (bed["state"], bed["occupant_request_id"]) == ("occupied", winner["id"])
        assert con.execute(sa.select(sa.func.count()).select_from(placements).where(
            placements.c.bed_id == last)).scalar() == 1
        states = Counter(con.execute(sa.select(routing_requests.c.state).where(
            routing_requests.c.id.in_(requests))).scalars())
        assert states == {"placed": 1, "accepted": 49}
        assert con.execute(sa.select(sa.func.count()).select_from(audit_log).where(
            audit_log.c.action == "place")).scalar() == 3  # two earlier, one winner


def test_twenty_clients_place_the_same_request_into_different_beds(engine):
    sc = SituationCentre(engine)
    ward = sc.create_ward("admin", "W1", "Ward", "internal_medicine", 20)["id"]
    beds_ = [sc.create_bed("admin", ward, str(i))["id"] for i in range(20)]
    request = accepted(sc, ward)

    outcomes = race(20, lambda i: sc.place(f"nurse-{i}", request, beds_[i]))

    assert kinds(outcomes) == {"ok": 1, "Conflict": 19}, outcomes
    winner = next(o for o in outcomes if isinstance(o, dict))
    for error in outcomes:
        if isinstance(error, Conflict):
            assert f"routing request {request} is already placed in bed" in str(error)
    with engine.connect() as con:
        occupied = con.execute(sa.select(beds.c.id, beds.c.occupant_request_id).where(
            beds.c.state == "occupied")).all()
        assert occupied == [(winner["bed_id"], request)]
        assert con.execute(sa.select(sa.func.count()).select_from(placements)).scalar() == 1


def test_twenty_retries_with_one_idempotency_key_create_one_request(engine):
    sc = SituationCentre(engine)
    outcomes = race(20, lambda i: sc.create_request(
        "ed-nurse", "surgery", "emergency", patient_ref="P1", key="retry-1"))
    assert kinds(outcomes) == {"ok": 20}, outcomes
    assert len({o["id"] for o in outcomes}) == 1
    assert all(o == outcomes[0] for o in outcomes)
    with engine.connect() as con:
        assert con.execute(sa.select(sa.func.count()).select_from(routing_requests)).scalar() == 1


def test_racing_state_changes_on_one_request_stay_consistent(engine):
    """Ten accepts, ten declines and ten cancels of one offered request at once. Whatever the
    order, the machine allows at most one accept-or-decline and exactly one cancel (cancel is
    legal from offered, open and accepted; nothing is legal after it): the request ends
    cancelled and its history holds exactly the changes that succeeded."""
    sc = SituationCentre(engine)
    ward = sc.create_ward("admin", "W1", "Ward", "internal_medicine", 1)["id"]
    rid = sc.create_request("ed-nurse", "internal_medicine", "urgent")["id"]
    sc.offer("coord", rid, ward)

    def call(i: int):
        action = ("accept", "decline", "cancel")[i % 3]
        if action == "accept":
            return ("accept", sc.accept(f"u{i}", rid))
        return (action, getattr(sc, action)(f"u{i}", rid, "busy"))

    outcomes = race(30, call)
    won = [o[0] for o in outcomes if isinstance(o, tuple)]
    refused = [o for o in outcomes if not isinstance(o, tuple)]
    assert all(type(o).__name__ == "IllegalTransition" for o in refused), refused
    assert won.count("cancel") == 1 and won.count("accept") + won.count("decline") <= 1
    assert sc.get("request", rid)["state"] == "cancelled"
    history = [e["action"] for e in sc.history("request", rid)]
    assert history[:2] == ["create", "offer"] and history[-1] == "cancel"
    assert sorted(history[2:]) == sorted(won)
