"""The situation centre's history exported into the canonical tables, on SQLite and PostgreSQL:
a hand-built day at the situation centre (fake clock) with every row and time worked out by
hand, privacy of patient references, bad rows in the quarantine with source, line and field,
and a re-export that replaces rather than duplicates."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import pytest
from conftest import KEY

from tilannekuva.privacy.identity_codes import Pseudonymiser
from tilannekuva.schema import codes
from tilannekuva.situation import SituationCentre, create_engine, create_schema, states
from tilannekuva.situation.export import ExportError, export, export_history
from tilannekuva.situation.tables import routing_requests
from tilannekuva.store import open_store

#: A valid identity code (the one in the population register's own documentation).
IDENTITY_CODE = "131052-308T"


class Clock:
    """The situation centre's clock, set to Helsinki wall-clock times of 2 March 2026 (winter
    time, UTC+2)."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def at(self, hh_mm: str) -> None:
        hours, minutes = map(int, hh_mm.split(":"))
        self.now = datetime(2026, 3, 2, hours - 2, minutes, tzinfo=UTC)


@pytest.fixture
def engine(situation_url):
    engine = create_engine(situation_url)
    create_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def county(tmp_path) -> duckdb.DuckDBPyConnection:
    """A county database with wards OS1 and OS2 and home-care team KH1 (not OS9 or KH9)."""
    con = open_store(tmp_path / "county.duckdb")
    con.execute("""INSERT INTO units VALUES
        ('OS1', 'Sisätautiosasto 1', 'specialised_care', '272', 'specialised', 'ward',
         'internal_medicine', 3),
        ('OS2', 'Kirurginen osasto 2', 'specialised_care', '272', 'specialised', 'ward',
         'surgery', 2),
        ('KH1', 'Kotihoito Keskusta', 'older_people', '272', 'social', 'home_care_team',
         NULL, NULL)""")
    yield con
    con.close()


@pytest.fixture
def story(engine) -> dict:
    """One morning at the situation centre (Helsinki times):

    R1 (P1, internal medicine, urgent): requested 10:00, offered to OS2 10:05, declined 10:08
       ("no beds"), offered to OS1 10:10, accepted 10:15, placed in bed 1 10:20, left the ED
       10:48 → 20 minutes to a place, 48 to leave the ED.
    R2 (no patient, surgery, non-urgent): requested 10:30, offered to OS2 10:35, interrupted
       11:30 ("sent to the central hospital").
    R3 (P2, internal medicine, emergency, isolation): requested 11:00, offered to OS1 11:02,
       accepted 11:04, placed in isolation room 3 11:10, left 11:40.
    R4 (geriatrics, non-urgent): requested 12:00, still open.
    R5 (P3, internal medicine, urgent): requested 12:10, offered 12:12, accepted 12:15, placed
       in bed 2 12:20, cancelled 12:30 ("went home from the ED").
    R6 (patient reference an identity code): requested 12:40, still open. The service refuses
       such a reference, so the story writes it into the database directly, as an older
       version or another client could have: the export must still never store it.
    R7 (P4, surgery, urgent): requested 12:50, offered to OS9 (not a county unit) 12:55.
    H1 OS1 → KH1 (P1, R1): created 13:00, acknowledged 13:30, completed 15:00.
    H2 OS1 → KH1: created 13:10, cancelled 13:20 ("stays on the ward").
    H3 OS1 → KH9 (not a county unit): created 13:15.
    T1 urgent, isolation and oxygen (P2): ordered 14:00, accepted 14:02, departed 14:05,
       picked up 14:20, delivered 14:45.
    T2 non-urgent, no needs: ordered 14:10, cancelled 14:15 ("patient stays")."""
    clock = Clock()
    sc = SituationCentre(engine, clock=clock)
    os1 = sc.create_ward("admin", "OS1", "Sisätautiosasto 1", "internal_medicine", 3, 1)["id"]
    os2 = sc.create_ward("admin", "OS2", "Kirurginen osasto 2", "surgery", 2)["id"]
    os9 = sc.create_ward("admin", "OS9", "Väistöosasto", "surgery", 1)["id"]
    bed1, bed2 = (sc.create_bed("admin", os1, label)["id"] for label in ("1", "2"))
    iso = sc.create_bed("admin", os1, "3", is_isolation=True)["id"]

    def step(hh_mm, action, *args, **kwargs):
        clock.at(hh_mm)
        return getattr(sc, action)(*args, **kwargs)

    r1 = step("10:00", "create_request", "ed", "internal_medicine", "urgent",
              patient_ref="P1")["id"]
    step("10:05", "offer", "coord", r1, os2)
    step("10:08", "decline", "os2", r1, "no beds")
    step("10:10", "offer", "coord", r1, os1)
    step("10:15", "accept", "os1", r1)
    step("10:20", "place", "os1", r1, bed1)
    step("10:48", "depart", "ed", r1)
    r2 = step("10:30", "create_request", "ed", "surgery", "non_urgent")["id"]
    step("10:35", "offer", "coord", r2, os2)
    step("11:30", "interrupt", "coord", r2, "sent to the central hospital")
    r3 = step("11:00", "create_request", "ed", "internal_medicine", "emergency",
              needs_isolation=True, patient_ref="P2")["id"]
    step("11:02", "offer", "coord", r3, os1)
    step("11:04", "accept", "os1", r3)
    step("11:10", "place", "os1", r3, iso)
    step("11:40", "depart", "ed", r3)
    r4 = step("12:00", "create_request", "ed", "geriatrics", "non_urgent")["id"]
    r5 = step("12:10", "create_request", "ed", "internal_medicine", "urgent",
              patient_ref="P3")["id"]
    step("12:12", "offer", "coord", r5, os1)
    step("12:15", "accept", "os1", r5)
    step("12:20", "place", "os1", r5, bed2)
    step("12:30", "cancel", "ed", r5, "went home from the ED")
    r6 = step("12:40", "create_request", "ed", "surgery", "urgent", patient_ref="R6")["id"]
    with engine.begin() as con:
        con.execute(routing_requests.update().where(routing_requests.c.id == r6)
                    .values(patient_ref=IDENTITY_CODE))
    r7 = step("12:50", "create_request", "ed", "surgery", "urgent", patient_ref="P4")["id"]
    step("12:55", "offer", "coord", r7, os9)
    h1 = step("13:00", "create_handoff", "os1", os1, "KH1", patient_ref="P1",
              request_id=r1)["id"]
    step("13:30", "handoff_action", "kh", h1, "acknowledge")
    step("15:00", "handoff_action", "kh", h1, "complete")
    h2 = step("13:10", "create_handoff", "os1", os1, "KH1")["id"]
    step("13:20", "handoff_action", "os1", h2, "cancel", "stays on the ward")
    h3 = step("13:15", "create_handoff", "os1", os1, "KH9")["id"]
    t1 = step("14:00", "order_transport", "ed", "urgent", "Päivystys", "Keskussairaala",
              safety_needs=["oxygen", "isolation"], patient_ref="P2", request_id=r3)["id"]
    for hh_mm, action in (("14:02", "accept"), ("14:05", "depart"), ("14:20", "pick_up"),
                          ("14:45", "deliver")):
        step(hh_mm, "transport_action", "amb", t1, action)
    t2 = step("14:10", "order_transport", "os1", "non_urgent", "OS1", "Kotiin")["id"]
    step("14:15", "transport_action", "amb", t2, "cancel", "patient stays")
    return dict(sc=sc, clock=clock, engine=engine, os1=os1, r=[r1, r2, r3, r4, r5, r6, r7],
                h=[h1, h2, h3], t=[t1, t2])


def rows(con: duckdb.DuckDBPyConnection, table: str, columns: str, key: str) -> list[tuple]:
    """`columns` of `table` in key order, times shown as Helsinki HH:MM."""
    con.execute("SET TimeZone = 'Europe/Helsinki'")
    return con.execute(f"SELECT {columns} FROM {table} ORDER BY {key}::INT").fetchall()


def hm(column: str) -> str:
    return f"strftime({column}, '%H:%M')"


def test_the_story_exports_with_the_times_worked_out_by_hand(story, county):
    results = export(story["engine"], county, KEY)
    assert [(r.table, r.rows_read, r.accepted, r.quarantined, r.reasons) for r in results] == [
        ("ed_routings", 7, 6, 1, {"dangling_reference": 1}),
        ("home_care_handoffs", 3, 2, 1, {"dangling_reference": 1}),
        ("ambulance_transports", 2, 2, 0, {}),
    ]
    r1, r2, r3, r4, r5, r6, _ = (str(i) for i in story["r"])
    times = ", ".join(hm(c) for c in ("requested_at", "first_offered_at", "accepted_at",
                                      "placed_at", "departed_at", "ended_at"))
    pseudonym = Pseudonymiser(KEY).pseudonym(IDENTITY_CODE)
    assert rows(county, "ed_routings", "routing_id, person_id, specialty, urgency, "
                "needs_isolation, unit_id, offers, declines, isolation_room, state, end_reason, "
                + times, "routing_id") == [
        (r1, "P1", "internal_medicine", "urgent", False, "OS1", 2, 1, False, "departed", None,
         "10:00", "10:05", "10:15", "10:20", "10:48", "10:48"),
        (r2, None, "surgery", "non_urgent", False, "OS2", 1, 0, None, "interrupted",
         "sent to the central hospital", "10:30", "10:35", None, None, None, "11:30"),
        (r3, "P2", "internal_medicine", "emergency", True, "OS1", 1, 0, True, "departed", None,
         "11:00", "11:02", "11:04", "11:10", "11:40", "11:40"),
        (r4, None, "geriatrics", "non_urgent", False, None, 0, 0, None, "open", None,
         "12:00", None, None, None, None, None),
        (r5, "P3", "internal_medicine", "urgent", False, "OS1", 1, 0, False, "cancelled",
         "went home from the ED", "12:10", "12:12", "12:15", "12:20", None, "12:30"),
        (r6, pseudonym, "surgery", "urgent", False, None, 0, 0, None, "open", None,
         "12:40", None, None, None, None, None),
    ]
    # Real elapsed minutes, the metrics' definitions: R1 20 to a place and 48 to leave.
    assert county.execute(
        "SELECT date_diff('minute', requested_at, placed_at), "
        "date_diff('minute', requested_at, departed_at) FROM ed_routings "
        "WHERE routing_id = ?", [r1]).fetchone() == (20, 48)
    # The instant is kept: 10:00 in Helsinki is 08:00 UTC.
    county.execute("SET TimeZone = 'UTC'")
    assert county.execute("SELECT strftime(requested_at, '%H:%M') FROM ed_routings "
                          "WHERE routing_id = ?", [r1]).fetchone() == ("08:00",)

    h1, h2, _ = (str(i) for i in story["h"])
    assert rows(county, "home_care_handoffs", "handoff_id, person_id, unit_id, "
                "home_care_unit_id, routing_id, state, cancel_reason, "
                + ", ".join(hm(c) for c in ("created_at", "acknowledged_at", "completed_at",
                                            "cancelled_at")), "handoff_id") == [
        (h1, "P1", "OS1", "KH1", r1, "completed", None, "13:00", "13:30", "15:00", None),
        (h2, None, "OS1", "KH1", None, "cancelled", "stays on the ward", "13:10", None, None,
         "13:20"),
    ]
    t1, t2 = (str(i) for i in story["t"])
    needs = ", ".join(f"need_{n}" for n in codes("safety_need"))
    phases = ", ".join(hm(c) for c in ("ordered_at", "accepted_at", "departed_at",
                                       "picked_up_at", "delivered_at", "cancelled_at"))
    assert rows(county, "ambulance_transports", f"transport_id, person_id, urgency_class, "
                f"{needs}, origin, destination, routing_id, state, cancel_reason, {phases}",
                "transport_id") == [
        (t1, "P2", "urgent", True, False, False, False, True, False, False, "Päivystys",
         "Keskussairaala", r3, "delivered", None, "14:00", "14:02", "14:05", "14:20", "14:45",
         None),
        (t2, None, "non_urgent", False, False, False, False, False, False, False, "OS1",
         "Kotiin", None, "cancelled", "patient stays", "14:10", None, None, None, None,
         "14:15"),
    ]


def test_bad_rows_reach_the_quarantine_with_source_line_and_field(story, county):
    export(story["engine"], county)  # no pseudonymisation key
    r6, r7 = story["r"][5], story["r"][6]
    found = county.execute(
        "SELECT source, line, target_table, field, reason, detail FROM quarantine "
        "ORDER BY target_table, line").fetchall()
    label = found[0][0]
    assert label.endswith("#routing_requests")
    assert [row[1:5] for row in found] == [
        (r6, "ed_routings", "person_id", "malformed_identity_code"),
        (r7, "ed_routings", "unit_id", "dangling_reference"),
        (story["h"][2], "home_care_handoffs", "home_care_unit_id", "dangling_reference"),
    ]
    assert "without the pseudonymisation key" in found[0][5]
    assert found[1][5] == 'unit_id "OS9" not found in units'
    assert found[2][5] == 'home_care_unit_id "KH9" not found in units'
    assert found[2][0].endswith("#handoffs")
    # The identity code is nowhere in the county database, not even in the quarantine.
    stored = county.execute("SELECT string_agg(raw, ' ') FROM quarantine").fetchone()[0]
    assert IDENTITY_CODE not in stored and "131052" not in stored
    log = county.execute("SELECT target_table, rows_read, rows_inserted, rows_unchanged, "
                         "rows_quarantined FROM import_log ORDER BY import_id").fetchall()
    assert log == [("ed_routings", 7, 5, 0, 2), ("home_care_handoffs", 3, 2, 0, 1),
                   ("ambulance_transports", 2, 2, 0, 0)]


def test_exporting_again_replaces_and_never_duplicates(story, county):
    first = export_history(story["engine"], county, KEY)
    assert first == {"ed_routings": 6, "home_care_handoffs": 2, "ambulance_transports": 2}
    snapshot = {t: county.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in first}
    assert export_history(story["engine"], county, KEY) == first
    assert {t: county.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
            for t in first} == snapshot
    assert county.execute("SELECT count(*) FROM quarantine").fetchone() == (2,)

    # R4 goes on: offered to OS1 at 16:00, accepted 16:05, placed in bed 1 (vacated) 16:10,
    # left the ED 16:30. The next export replaces its row.
    sc, clock, r4 = story["sc"], story["clock"], story["r"][3]
    sc.bed_action("os1", sc.get("request", story["r"][0])["bed_id"], "vacate")
    bed1 = sc.get("request", story["r"][0])["bed_id"]
    sc.bed_action("cleaner", bed1, "cleaned")
    for hh_mm, action, *args in (("16:00", "offer", story["os1"]), ("16:05", "accept"),
                                 ("16:10", "place", bed1), ("16:30", "depart")):
        clock.at(hh_mm)
        getattr(sc, action)("coord", r4, *args)
    assert export_history(story["engine"], county, KEY) == first
    assert rows(county, "ed_routings", f"state, unit_id, {hm('placed_at')}, "
                f"{hm('departed_at')}", "routing_id")[3] == ("departed", "OS1", "16:10",
                                                             "16:30")
    assert county.execute("SELECT count(*) FROM ed_routings").fetchone() == (6,)
    assert county.execute("SELECT count(*) FROM quarantine").fetchone() == (2,)
    assert county.execute("SELECT count(*) FROM import_log").fetchone() == (9,)


def test_a_database_without_the_situation_tables_is_refused(tmp_path, county):
    engine = create_engine(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    with pytest.raises(ExportError, match="holds no situation-centre tables"):
        export_history(engine, county)
    engine.dispose()


def test_code_lists_follow_the_state_machines():
    """The canonical tables' code lists name exactly the service's states and needs."""
    assert codes("routing_state") == states.REQUEST.states
    assert codes("handoff_state") == states.HANDOFF.states
    assert codes("transport_state") == states.TRANSPORT.states
    assert tuple(codes("transport_urgency")) == states.TRANSPORT_URGENCIES
    assert tuple(codes("safety_need")) == states.SAFETY_NEEDS
    assert tuple(codes("urgency")) == states.URGENCIES


def test_the_command_exports_and_summarises(story, county, situation_url, tmp_path,
                                            monkeypatch):
    from typer.testing import CliRunner

    from tilannekuva.cli import app

    county.close()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TILANNEKUVA_PSEUDONYM_KEY", KEY.decode())
    for name in ("CONFIG", "DATABASE", "SITUATION_DATABASE"):
        monkeypatch.delenv(f"TILANNEKUVA_{name}", raising=False)
    result = CliRunner().invoke(app, ["situation", "export", "--db", "county.duckdb",
                                      "--situation-database", situation_url])
    assert result.exit_code == 0, result.output
    lines = [" ".join(line.replace("│", " ").split()) for line in result.output.splitlines()]
    assert "routing_requests ed_routings 7 6 1" in lines
    assert "handoffs home_care_handoffs 3 2 1" in lines
    assert "transports ambulance_transports 2 2 0" in lines
    assert "ed_routings: quarantined rows by reason: dangling_reference 1" in result.output
    with duckdb.connect(str(tmp_path / "county.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM ed_routings").fetchall() == [(6,)]


def test_the_command_names_a_missing_situation_database(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from tilannekuva.cli import app

    monkeypatch.chdir(tmp_path)
    for name in ("CONFIG", "DATABASE", "SITUATION_DATABASE", "PSEUDONYM_KEY"):
        monkeypatch.delenv(f"TILANNEKUVA_{name}", raising=False)
    open_store(tmp_path / "county.duckdb").close()
    result = CliRunner().invoke(app, ["situation", "export", "--db", "county.duckdb"])
    assert result.exit_code == 2
    assert "No situation-centre database at" in result.output
    assert "situation.sqlite" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "situation.sqlite").exists()
