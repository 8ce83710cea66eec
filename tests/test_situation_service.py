"""The situation centre's service on SQLite and PostgreSQL: placing a patient, declining and
offering elsewhere, cancelling a placement, hand-offs and transports; audit rows with before and
after; history timestamps; idempotent retries; refusals; the database constraints behind the
invariants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from tilannekuva.errors import TilannekuvaError
from tilannekuva.privacy.identity_codes import REDACTED
from tilannekuva.situation import (
    Conflict,
    ForeignWard,
    IdempotencyKeyReused,
    IllegalTransition,
    Invalid,
    NotFound,
    SituationCentre,
    create_engine,
    create_schema,
)
from tilannekuva.situation.tables import (
    audit_log,
    beds,
    idempotency_keys,
    placements,
    situation_events,
)

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves: each call returns the current time."""

    def __init__(self):
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += timedelta(minutes=minutes)


@pytest.fixture
def engine(situation_url):
    engine = create_engine(situation_url)
    create_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def sc(engine, clock):
    return SituationCentre(engine, clock=clock)


@pytest.fixture
def setup(sc):
    """Ward W1 (internal medicine; beds 1, 2 and isolation room 3) and ward W2 (surgery; bed 1)."""
    w1 = sc.create_ward("admin", "W1", "Sisätautiosasto", "internal_medicine", 3, 1)
    w2 = sc.create_ward("admin", "W2", "Kirurginen osasto", "surgery", 2)
    b = [sc.create_bed("admin", w1["id"], label)["id"] for label in ("1", "2")]
    iso = sc.create_bed("admin", w1["id"], "3", is_isolation=True)["id"]
    b2 = sc.create_bed("admin", w2["id"], "1")["id"]
    return {"w1": w1["id"], "w2": w2["id"], "b1": b[0], "b2": b[1], "iso": iso, "w2b1": b2}


def accepted(sc, ward, isolation=False):
    r = sc.create_request("ed-nurse", "internal_medicine", "urgent", needs_isolation=isolation)
    sc.offer("coord", r["id"], ward)
    return sc.accept("ward-nurse", r["id"])


def test_place_a_patient(sc, setup, clock):
    r = sc.create_request("ed-nurse", "internal_medicine", "emergency", patient_ref="PX1")
    assert (r["state"], r["ward_id"], r["bed_id"], r["version"]) == ("open", None, None, 1)
    clock.advance(5)
    sc.offer("coord", r["id"], setup["w1"])
    clock.advance(10)
    sc.accept("ward-nurse", r["id"])
    clock.advance(5)
    placed = sc.place("ward-nurse", r["id"], setup["b1"])
    assert (placed["state"], placed["ward_id"], placed["bed_id"]) == ("placed", setup["w1"],
                                                                     setup["b1"])
    bed = sc.get("bed", setup["b1"])
    assert (bed["state"], bed["occupant_request_id"]) == ("occupied", r["id"])
    clock.advance(28)
    departed = sc.depart("ward-nurse", r["id"])
    assert departed["state"] == "departed" and departed["bed_id"] == setup["b1"]

    history = sc.history("request", r["id"])
    assert [(e["action"], e["from_state"], e["to_state"]) for e in history] == [
        ("create", None, "open"), ("offer", "open", "offered"), ("accept", "offered", "accepted"),
        ("place", "accepted", "placed"), ("depart", "placed", "departed")]
    at = {e["action"]: datetime.fromisoformat(e["at"]) for e in history}
    assert at["create"] == T0 and at["create"].tzinfo is not None
    assert at["place"] - at["create"] == timedelta(minutes=20)  # time to arrange a place
    assert at["depart"] - at["create"] == timedelta(minutes=48)  # time to leave the ED
    assert history[3]["bed_id"] == setup["b1"] and history[3]["ward_id"] == setup["w1"]
    bed_history = sc.history("bed", setup["b1"])
    assert [(e["action"], e["to_state"]) for e in bed_history] == [
        ("create", "free"), ("occupy", "occupied")]
    assert datetime.fromisoformat(sc.get("request", r["id"])["state_since"]) == clock.now

    # The patient leaves the ward: the bed goes to cleaning, then is free again.
    sc.bed_action("ward-nurse", setup["b1"], "vacate")
    assert sc.get("bed", setup["b1"])["state"] == "cleaning"
    assert sc.bed_action("cleaner", setup["b1"], "cleaned")["state"] == "free"


def test_decline_then_offer_elsewhere(sc, setup):
    r = sc.create_request("ed-nurse", "internal_medicine", "urgent")
    sc.offer("coord", r["id"], setup["w2"])
    with pytest.raises(Invalid, match="reason"):
        sc.decline("w2-nurse", r["id"], "  ")
    declined = sc.decline("w2-nurse", r["id"], "no internal-medicine nurse tonight")
    assert (declined["state"], declined["ward_id"]) == ("open", None)
    assert declined["reason"] == "no internal-medicine nurse tonight"
    sc.offer("coord", r["id"], setup["w1"])
    sc.accept("w1-nurse", r["id"])
    assert sc.place("w1-nurse", r["id"], setup["b2"])["state"] == "placed"
    decline = [e for e in sc.history("request", r["id"]) if e["action"] == "decline"]
    assert len(decline) == 1
    assert (decline[0]["ward_id"], decline[0]["reason"]) == (
        setup["w2"], "no internal-medicine nurse tonight")


def test_a_ward_limited_actor_acts_only_for_the_ward_named_at_the_time_of_writing(sc, setup):
    """The ward a request names is checked inside the action's transaction: a W1 nurse whose
    screen still shows the offer to W1 cannot accept it once it was withdrawn and offered to
    W2 meanwhile, nor place, depart or vacate for W2."""
    r = sc.create_request("ed-nurse", "internal_medicine", "urgent")
    sc.offer("coord", r["id"], setup["w1"])
    sc.withdraw("coord", r["id"], "W2 has the free isolation nurse")
    sc.offer("coord", r["id"], setup["w2"])
    with pytest.raises(ForeignWard, match=r"ward W2 \(id \d+\)") as refused:
        sc.accept("w1-nurse", r["id"], wards={setup["w1"]})
    assert refused.value.ward_id == setup["w2"] and refused.value.ward_code == "W2"
    assert sc.get("request", r["id"])["state"] == "offered"  # nothing changed
    sc.accept("w2-nurse", r["id"], wards={setup["w2"]})
    with pytest.raises(ForeignWard):
        sc.place("w1-nurse", r["id"], setup["w2b1"], wards={setup["w1"]})
    sc.place("w2-nurse", r["id"], setup["w2b1"], wards={setup["w2"]})
    with pytest.raises(ForeignWard):
        sc.bed_action("w1-nurse", setup["w2b1"], "vacate", wards={setup["w1"]})
    with pytest.raises(ForeignWard, match="no ward"):  # an open request names no ward yet
        sc.accept("w1-nurse", sc.create_request("ed", "surgery", "urgent")["id"],
                  wards={setup["w1"]})
    with pytest.raises(ForeignWard):
        sc.create_handoff("w1-nurse", setup["w2"], "Kotihoito 1", wards={setup["w1"]})


def test_identity_codes_are_never_stored(sc, setup):
    """A patient reference shaped like a personal identity code is refused (a redacted one
    would name nobody); one typed into a note, reason or place is redacted."""
    for call in (lambda: sc.create_request("ed", "surgery", "urgent", patient_ref="131052-308T"),
                 lambda: sc.create_handoff("nurse", setup["w1"], "Kotihoito 1",
                                           patient_ref="x 131052A308T"),
                 lambda: sc.order_transport("ed", "urgent", "ED", "W1", patient_ref="131052-308T")):
        with pytest.raises(Invalid, match="identity code"):
            call()
    r = sc.create_request("ed", "surgery", "urgent", patient_ref="P-77",
                          note="asks for 131052-308T's daughter")
    assert (r["patient_ref"], r["note"]) == ("P-77", f"asks for {REDACTED}'s daughter")
    t = sc.order_transport("ed", "urgent", "ED, 131052-308T", "W1")
    assert "131052-308T" not in t["origin"]
    sc.offer("coord", r["id"], setup["w2"])
    declined = sc.decline("w2", r["id"], "ask 131052-308T first")
    assert "131052-308T" not in declined["reason"]
    assert all("131052-308T" not in str(a) for a in sc.audit())


def test_withdraw_returns_an_acceptance_to_open(sc, setup):
    r = accepted(sc, setup["w1"])
    w = sc.withdraw("coord", r["id"], "patient's condition changed")
    assert (w["state"], w["ward_id"]) == ("open", None)


@pytest.mark.parametrize("action", ["cancel", "interrupt"])
def test_ending_a_placed_request_frees_its_bed(sc, setup, action):
    r = accepted(sc, setup["w1"])
    sc.place("ward-nurse", r["id"], setup["b1"])
    ended = getattr(sc, action)("coord", r["id"], "patient transferred to the central hospital")
    assert ended["state"] == {"cancel": "cancelled", "interrupt": "interrupted"}[action]
    bed = sc.get("bed", setup["b1"])
    assert (bed["state"], bed["occupant_request_id"]) == ("free", None)
    assert [e["action"] for e in sc.history("bed", setup["b1"])][-1] == "undo_placement"
    # The bed can take the next patient; the ended request can do nothing more.
    other = accepted(sc, setup["w1"])
    assert sc.place("ward-nurse", other["id"], setup["b1"])["bed_id"] == setup["b1"]
    with pytest.raises(IllegalTransition, match="final state"):
        sc.depart("ward-nurse", r["id"])


def test_placement_refusals(sc, setup):
    r = accepted(sc, setup["w1"])
    with pytest.raises(IllegalTransition, match=r"bed 1 \(id \d+\) is not on ward"):
        sc.place("ward-nurse", r["id"], setup["w2b1"])
    iso = accepted(sc, setup["w1"], isolation=True)
    with pytest.raises(IllegalTransition, match="needs an isolation room; bed 1"):
        sc.place("ward-nurse", iso["id"], setup["b1"])
    assert sc.place("ward-nurse", iso["id"], setup["iso"])["bed_id"] == setup["iso"]
    sc.place("ward-nurse", r["id"], setup["b1"])
    late = accepted(sc, setup["w1"])
    with pytest.raises(Conflict, match=rf"bed 1 \(id {setup['b1']}\) is no longer free: it is "
                                       rf"occupied by routing request {r['id']}"):
        sc.place("ward-nurse", late["id"], setup["b1"])
    # A bed reserved for one request takes that request and refuses others.
    sc.bed_action("ward-nurse", setup["b2"], "reserve", request_id=r["id"])
    with pytest.raises(Conflict, match="reserved"):
        sc.place("ward-nurse", late["id"], setup["b2"])
    sc.bed_action("ward-nurse", setup["b2"], "release")
    sc.bed_action("ward-nurse", setup["b2"], "reserve", request_id=late["id"])
    assert sc.place("ward-nurse", late["id"], setup["b2"])["state"] == "placed"
    assert sc.get("bed", setup["b2"])["reserved_for_request_id"] is None
    with pytest.raises(IllegalTransition, match="place is allowed only when"):
        sc.place("ward-nurse", sc.create_request("ed", "surgery", "urgent")["id"], setup["b1"])


def test_vacate_needs_the_patient_to_have_left_the_ed(sc, setup):
    r = accepted(sc, setup["w1"])
    sc.place("ward-nurse", r["id"], setup["b1"])
    with pytest.raises(IllegalTransition, match="has not left the ED"):
        sc.bed_action("ward-nurse", setup["b1"], "vacate")
    sc.depart("ward-nurse", r["id"])
    sc.bed_action("ward-nurse", setup["b1"], "vacate")
    with sc.engine.connect() as con:
        released = con.execute(sa.select(placements.c.released_at)).scalar_one()
    assert released is not None and released.tzinfo is not None


def test_bed_blocking_needs_a_reason(sc, setup):
    with pytest.raises(Invalid, match="reason"):
        sc.bed_action("ward-nurse", setup["b1"], "block")
    blocked = sc.bed_action("ward-nurse", setup["b1"], "block", reason="water damage")
    assert (blocked["state"], blocked["reason"]) == ("blocked", "water damage")
    freed = sc.bed_action("ward-nurse", setup["b1"], "unblock")
    assert (freed["state"], freed["reason"]) == ("free", None)


def test_ward_and_bed_validation(sc, setup):
    with pytest.raises(Invalid, match="unknown specialty 'cardiology_x'"):
        sc.create_ward("admin", "W9", "X", "cardiology_x", 3)
    with pytest.raises(Invalid, match="isolation rooms"):
        sc.create_ward("admin", "W9", "X", "surgery", 2, 3)
    with pytest.raises(Conflict, match="code 'W1' already exists"):
        sc.create_ward("admin", "W1", "Again", "surgery", 2)
    with pytest.raises(Conflict, match="already has a bed '1'"):
        sc.create_bed("admin", setup["w2"], "1")
    sc.create_bed("admin", setup["w2"], "2")
    with pytest.raises(Conflict, match="capacity of 2"):
        sc.create_bed("admin", setup["w2"], "3")
    w3 = sc.create_ward("admin", "W3", "Geriatric", "geriatrics", 5, 1)
    sc.create_bed("admin", w3["id"], "1", is_isolation=True)
    with pytest.raises(Conflict, match="isolation rooms"):
        sc.create_bed("admin", w3["id"], "2", is_isolation=True)
    with pytest.raises(Invalid, match="urgency"):
        sc.create_request("ed", "surgery", "whenever")
    with pytest.raises(Invalid, match="acting user"):
        sc.create_request(" ", "surgery", "urgent")


def test_not_found(sc, setup):
    for call in (lambda: sc.offer("c", 999, setup["w1"]), lambda: sc.get("bed", 999),
                 lambda: sc.create_bed("a", 999, "x"), lambda: sc.handoff_action("h", 9, "cancel",
                                                                                   "x")):
        with pytest.raises(NotFound, match="999|with id 9"):
            call()
    r = sc.create_request("ed", "surgery", "urgent")
    with pytest.raises(NotFound, match="no ward with id 999"):
        sc.offer("c", r["id"], 999)
    assert sc.get("request", r["id"])["state"] == "open"  # nothing half-done


def test_errors_are_tilannekuva_errors():
    for error in (Conflict, IdempotencyKeyReused, IllegalTransition, Invalid, NotFound):
        assert issubclass(error, TilannekuvaError)


def test_handoff(sc, setup, clock):
    h = sc.create_handoff("ward-nurse", setup["w1"], "Kotihoito Kokkola, alue 2",
                          patient_ref="PX2", planned_discharge_at=T0 + timedelta(hours=4))
    assert h["state"] == "created" and h["planned_discharge_at"] == "2026-03-02T12:00:00+00:00"
    clock.advance(30)
    sc.handoff_action("homecare", h["id"], "acknowledge")
    clock.advance(90)
    done = sc.handoff_action("homecare", h["id"], "complete")
    assert done["state"] == "completed"
    times = [datetime.fromisoformat(e["at"]) for e in sc.history("handoff", h["id"])]
    assert times[-1] - times[0] == timedelta(minutes=120)  # hand-off completion time
    with pytest.raises(IllegalTransition, match="final state"):
        sc.handoff_action("homecare", h["id"], "cancel", reason="x")
    other = sc.create_handoff("ward-nurse", setup["w1"], "Kotihoito")
    with pytest.raises(Invalid, match="reason"):
        sc.handoff_action("ward-nurse", other["id"], "cancel")
    cancelled = sc.handoff_action("ward-nurse", other["id"], "cancel", reason="stays on ward")
    assert (cancelled["state"], cancelled["reason"]) == ("cancelled", "stays on ward")


def test_transport(sc, setup):
    r = sc.create_request("ed", "psychiatry", "urgent")
    t = sc.order_transport("coord", "urgent", "ED Kokkola", "Psychiatric ward, Seinäjoki",
                           safety_needs=["violence_risk", "escort", "escort"], request_id=r["id"])
    assert (t["state"], t["safety_needs"], t["urgency_class"]) == (
        "ordered", ["escort", "violence_risk"], "urgent")
    for action, state in [("accept", "accepted"), ("depart", "departed"),
                          ("pick_up", "picked_up"), ("deliver", "delivered")]:
        assert sc.transport_action("amb", t["id"], action)["state"] == state
    assert [e["to_state"] for e in sc.history("transport", t["id"])] == [
        "ordered", "accepted", "departed", "picked_up", "delivered"]
    with pytest.raises(Invalid, match="urgency class"):
        sc.order_transport("coord", "emergency", "a", "b")
    with pytest.raises(Invalid, match="unknown safety needs jetpack"):
        sc.order_transport("coord", "non_urgent", "a", "b", ["jetpack"])


def test_every_change_is_audited_with_before_and_after(sc, setup, engine):
    start = len(sc.audit())
    r = accepted(sc, setup["w1"])  # create, offer, accept: 3 changes
    sc.place("ward-nurse", r["id"], setup["b1"])  # bed and request: 2 changes
    rows = sc.audit()[start:]
    assert [(a["entity"], a["action"]) for a in rows] == [
        ("request", "create"), ("request", "offer"), ("request", "accept"),
        ("bed", "occupy"), ("request", "place")]
    assert [a["actor"] for a in rows] == ["ed-nurse", "coord", "ward-nurse", "ward-nurse",
                                          "ward-nurse"]
    create, offer = rows[0], rows[1]
    assert create["before"] is None and create["after"]["state"] == "open"
    assert offer["before"]["state"] == "open" and offer["after"]["state"] == "offered"
    assert offer["before"]["version"] + 1 == offer["after"]["version"]
    assert offer["after"]["ward_id"] == setup["w1"]
    occupy = rows[3]
    assert (occupy["before"]["occupant_request_id"], occupy["after"]["occupant_request_id"]) == (
        None, r["id"])
    assert all(datetime.fromisoformat(a["at"]).tzinfo is not None for a in rows)
    # A refused action writes nothing.
    with pytest.raises(IllegalTransition):
        sc.accept("ward-nurse", r["id"])
    assert len(sc.audit()) == start + 5
    # The audit log and the history are append-only, in the database itself.
    for table in (audit_log, situation_events):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as con:
            con.execute(table.update().values(actor="someone else"))
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as con:
            con.execute(table.delete())


def test_idempotent_retries(sc, setup):
    first = sc.create_request("ed-nurse", "surgery", "urgent", patient_ref="P9", key="k-1")
    again = sc.create_request("ed-nurse", "surgery", "urgent", patient_ref="P9", key="k-1")
    assert again == first
    assert len([a for a in sc.audit("request") if a["action"] == "create"]) == 1
    with pytest.raises(IdempotencyKeyReused, match="create_request with different details"):
        sc.create_request("ed-nurse", "surgery", "emergency", patient_ref="P9", key="k-1")
    with pytest.raises(IdempotencyKeyReused, match="a different operation"):
        sc.offer("ed-nurse", first["id"], setup["w2"], key="k-1")
    # Keys belong to the actor: another user's k-1 is a new call.
    assert sc.create_request("other", "surgery", "urgent", key="k-1")["id"] != first["id"]

    # A retried state change returns the first result instead of an illegal transition.
    sc.offer("coord", first["id"], setup["w2"], key="offer-1")
    sc.accept("w2", first["id"], key="acc-1")
    placed = sc.place("w2", first["id"], setup["w2b1"], key="place-1")
    assert sc.place("w2", first["id"], setup["w2b1"], key="place-1") == placed
    assert sc.get("request", first["id"])["version"] == placed["version"]
    # A failed call stores nothing: the key can be used once the cause is fixed.
    with pytest.raises(IllegalTransition):
        sc.depart("w2", first["id"] + 1, key="dep-1")  # the other actor's request is open
    assert sc.depart("w2", first["id"], key="dep-1")["state"] == "departed"


def test_idempotency_keys_expire_after_a_day(sc, setup, clock, engine):
    first = sc.create_request("ed-nurse", "surgery", "urgent", key="k-day")
    clock.advance(24 * 60 - 1)  # within the lifetime: still the first answer
    assert sc.create_request("ed-nurse", "surgery", "urgent", key="k-day") == first
    sc.create_request("ed-nurse", "surgery", "urgent", key="k-other")
    clock.advance(2)  # k-day is 24 h 1 min old, k-other 2 min
    again = sc.create_request("ed-nurse", "surgery", "urgent", key="k-day")
    assert again["id"] != first["id"]  # an expired key starts a new action
    assert sc.create_request("ed-nurse", "surgery", "urgent", key="k-day") == again
    clock.advance(24 * 60 + 1)
    assert sc.forget_expired_keys() == 2  # k-day (renewed) and k-other
    with engine.connect() as con:
        assert con.execute(sa.select(sa.func.count()).select_from(idempotency_keys)).scalar() == 0


def test_database_constraints_back_the_invariants(sc, setup, engine):
    r1, r2 = accepted(sc, setup["w1"]), accepted(sc, setup["w1"])
    sc.place("ward-nurse", r1["id"], setup["b1"])
    now = datetime.now(UTC)
    attempts = [
        # A second unreleased placement in the same bed.
        placements.insert().values(request_id=r2["id"], bed_id=setup["b1"], ward_id=setup["w1"],
                                   placed_at=now),
        # The same request placed a second time.
        placements.insert().values(request_id=r1["id"], bed_id=setup["b2"], ward_id=setup["w1"],
                                   placed_at=now),
        # One patient in two beds.
        beds.update().where(beds.c.id == setup["b2"]).values(
            state="occupied", occupant_request_id=r1["id"]),
        # An occupied bed without a patient, and a free bed with one.
        beds.update().where(beds.c.id == setup["b1"]).values(occupant_request_id=None),
        beds.update().where(beds.c.id == setup["b2"]).values(occupant_request_id=r2["id"]),
    ]
    for statement in attempts:
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as con:
            con.execute(statement)


def test_a_stale_version_is_a_conflict(sc, setup, engine):
    """The optimistic check under the row locks: an update of a row someone changed since it was
    read changes nothing and raises Conflict."""
    from tilannekuva.situation.tables import routing_requests
    from tilannekuva.situation.txn import Tx

    r = sc.create_request("ed", "surgery", "urgent")
    with engine.connect() as con:
        stale = dict(con.execute(sa.select(routing_requests).where(
            routing_requests.c.id == r["id"])).mappings().one())
    sc.cancel("coord", r["id"], "not needed")
    with pytest.raises(Conflict, match="changed by someone else"), engine.begin() as con:
        Tx(con, "late", datetime.now(UTC)).update(routing_requests, "request", stale, "offer",
                                                  {"state": "offered", "ward_id": setup["w1"]})
    assert sc.get("request", r["id"])["state"] == "cancelled"


def test_sqlite_reads_do_not_take_the_write_lock(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'x.sqlite'}")
    create_schema(engine)
    statements = []
    sa.event.listen(engine, "before_cursor_execute",
                    lambda conn, cur, stmt, *a: statements.append(stmt))
    sc = SituationCentre(engine)
    sc.create_request("ed", "surgery", "urgent")
    begins = [s for s in statements if s.startswith("BEGIN")]
    sc.get("request", 1)
    begins_after = [s for s in statements if s.startswith("BEGIN")]
    assert begins == ["BEGIN IMMEDIATE"] and begins_after == ["BEGIN IMMEDIATE", "BEGIN"]
    with engine.connect() as con:
        assert con.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert con.exec_driver_sql("PRAGMA busy_timeout").scalar() == 60000
        assert con.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_reservations_are_released_when_no_longer_needed(sc, setup):
    placed_elsewhere, ended = accepted(sc, setup["w1"]), accepted(sc, setup["w1"])
    sc.bed_action("ward-nurse", setup["b1"], "reserve", request_id=placed_elsewhere["id"])
    sc.bed_action("ward-nurse", setup["b2"], "reserve", request_id=ended["id"])
    sc.place("ward-nurse", placed_elsewhere["id"], setup["iso"])
    sc.interrupt("coord", ended["id"], "transferred to the university hospital")
    for bed in (setup["b1"], setup["b2"]):
        row = sc.get("bed", bed)
        assert (row["state"], row["reserved_for_request_id"]) == ("free", None)
        last = sc.history("bed", bed)[-1]
        assert (last["action"], last["to_state"]) == ("release", "free")
        assert "no longer needs it" in last["reason"]
    with pytest.raises(Conflict, match="is interrupted"):
        sc.bed_action("ward-nurse", setup["b1"], "reserve", request_id=ended["id"])


def test_create_schema_twice_is_harmless(engine, sc):
    create_schema(engine)
    assert sc.create_request("ed", "surgery", "urgent")["id"] == 1


def test_lost_deadlocks_are_retried_and_other_errors_are_not(engine):
    from tilannekuva.situation.database import run_transaction

    class Deadlock(Exception):
        sqlstate = "40P01"

    calls = []

    def work(con):
        calls.append(1)
        if len(calls) < 3:
            raise sa.exc.OperationalError("UPDATE beds ...", {}, Deadlock("deadlock detected"))
        return "done"

    assert run_transaction(engine, work) == "done" and len(calls) == 3

    def broken(con):
        calls.append(1)
        raise sa.exc.OperationalError("SELECT", {}, Exception("no such table"))

    calls.clear()
    with pytest.raises(sa.exc.OperationalError):
        run_transaction(engine, broken)
    assert len(calls) == 1
