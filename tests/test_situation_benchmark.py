"""The situation-centre benchmark's harness (benchmarks/bench_situation.py), never its timings:
its invariant checks find violations planted in a database by hand (on SQLite and PostgreSQL),
and a `--quick` run of the real server on PostgreSQL ends with every answer expected, no 5xx
and no violation."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from situation_invariants import check  # noqa: E402
from situation_load import Ledger  # noqa: E402

from tilannekuva.situation import SituationCentre, create_engine, create_schema  # noqa: E402

NAMES = ("no bed with two patients or an occupied bed without one",
         "placements: one active per bed, a request placed at most once",
         "idempotent retries created nothing twice",
         "every change has its audit row and history event",
         "counts consistent with what the clients saw")


@pytest.fixture
def engine(situation_url):
    engine = create_engine(situation_url)
    create_schema(engine)
    yield engine
    engine.dispose()


def traffic(engine) -> tuple[Ledger, dict]:
    """A ward with two beds; request 1 placed in bed 1 (retried with a key), request 2 open;
    the ledger records what a client would have seen."""
    sc, ledger = SituationCentre(engine), Ledger()
    ward = sc.create_ward("coord", "W1", "Osasto 1", "surgery", 2)
    ledger.saw("ward", ward, "create")
    beds = [sc.create_bed("coord", ward["id"], label) for label in ("1", "2")]
    for bed in beds:
        ledger.saw("bed", bed, "create")
    first = sc.create_request("ed", "surgery", "urgent")
    ledger.saw("request", first, "create")
    for action, call in (("offer", lambda: sc.offer("coord", first["id"], ward["id"])),
                         ("accept", lambda: sc.accept("nurse", first["id"]))):
        ledger.saw("request", call(), action)
    placed = sc.place("nurse", first["id"], beds[0]["id"], key="k1")
    assert sc.place("nurse", first["id"], beds[0]["id"], key="k1") == placed
    ledger.saw("request", placed, "place")
    ledger.keys.add(("nurse", "k1"))
    second = sc.create_request("ed", "surgery", "urgent")
    ledger.saw("request", second, "create")
    return ledger, {"ward": ward["id"], "first": first["id"], "second": second["id"]}


def test_the_checks_find_nothing_in_honest_traffic(engine):
    ledger, _ = traffic(engine)
    assert check(engine, ledger) == {name: [] for name in NAMES}


def test_the_checks_find_violations_planted_by_hand(engine):
    ledger, ids = traffic(engine)
    with engine.begin() as con:
        # Request 2 "placed" behind the service's back: no bed, no placement, no event.
        con.execute(sa.text("UPDATE routing_requests SET state = 'placed', ward_id = :w "
                            "WHERE id = :r"), {"w": ids["ward"], "r": ids["second"]})
        # Request 1 placed a second time in the history alone (no audit row).
        con.execute(sa.text(
            "INSERT INTO situation_events (at, actor, entity, entity_id, action, from_state, "
            "to_state) VALUES (CURRENT_TIMESTAMP, 'x', 'request', :r, 'place', 'accepted', "
            "'placed')"), {"r": ids["first"]})
    ledger.keys.add(("nurse", "never-stored"))
    found = check(engine, ledger)
    second, first = ids["second"], ids["first"]
    assert found[NAMES[0]] == []
    assert found[NAMES[1]] == [f"request {first} was placed 2 times",
                               f"request {second} is placed but in no bed",
                               f"request {second} is placed without a placement"]
    assert found[NAMES[2]] == ["key never-stored of nurse is not stored with its result"]
    audit = found[NAMES[3]]
    assert len(audit) == 3
    assert audit[0].startswith(f"event ('request', {first}, 'place', ")
    assert audit[0].endswith("has 1 rows but 0 audit rows")
    assert audit[1] == (f"request {first}: history [(None, 'open'), ('open', 'offered'), "
                        "('offered', 'accepted'), ('accepted', 'placed'), ('accepted', "
                        "'placed')] is not an unbroken chain to its state placed")
    assert audit[2] == (f"request {second}: history [(None, 'open')] is not an unbroken "
                        "chain to its state placed")
    assert found[NAMES[4]] == [
        f"event ('request', {first}, 'place'): 2 in the history, 1 seen by the clients",
        f"request {second} is placed v1; the last answer said open v1"]


@pytest.mark.slow
def test_a_quick_run_ends_with_every_answer_expected_and_no_violation():
    server = os.environ.get("TILANNEKUVA_TEST_POSTGRES")
    if not server:
        if os.environ.get("CI"):
            pytest.fail("TILANNEKUVA_TEST_POSTGRES is not set: run the tests with "
                        "scripts/test.sh, which starts PostgreSQL")
        pytest.skip("no PostgreSQL server (start one with scripts/postgres.sh start)")
    import bench_situation

    result = bench_situation.run(bench_situation.arguments(["--quick", "--postgres", server]))
    assert result.unexpected == []
    assert result.server_errors == 0
    assert result.violations == {name: [] for name in NAMES}
    mixed = result.phase("mixed, paced")
    kinds = {record[0] for record in mixed.records}
    assert {"create request", "offer", "GET /wards", "order transport"} <= kinds
    assert all(phase.records for phase, _ in result.phases)
