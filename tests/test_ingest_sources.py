"""Reading sources: Parquet with typed columns, databases through Ibis, header matching, target
tables, Finnish formats and CSV line numbers."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from zoneinfo import ZoneInfo

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import load, quarantined, query, write

from tilannekuva.ingest import IngestError
from tilannekuva.ingest.sources import parse_source, resolve_target

HELSINKI = ZoneInfo("Europe/Helsinki")


def test_parquet_with_typed_columns(tmp_path, population, settings):
    visits = pa.table({
        "visit_id": ["V1", "V2"],
        "person_id": ["P1", "P1"],
        "unit_id": ["U1", "U1"],
        "profession": ["nurse", "nurse"],
        # naive = Helsinki local time; aware = that instant
        "start_at": pa.array([datetime(2024, 3, 5, 9, 0), datetime(2024, 7, 1, 7, 0)],
                             pa.timestamp("us")),
        "booked_at": pa.array([datetime(2024, 3, 1, 8, 0, tzinfo=ZoneInfo("UTC")), None],
                              pa.timestamp("us", tz="UTC")),
        "contact_type": ["physical", "phone"],
        "service": ["general_practice", "general_practice"],
        "urgency": ["non_urgent", "urgent"],
        "status": ["done", "done"],
        "first_care_event": [True, False],
    })
    path = tmp_path / "visits.parquet"
    pq.write_table(visits, path)
    [result] = load(population, settings, path)
    assert (result.rows_read, result.inserted) == (2, 2)
    assert query(population, "SELECT start_at, booked_at, first_care_event FROM visits "
                 "ORDER BY visit_id") == [
        (datetime(2024, 3, 5, 9, 0, tzinfo=HELSINKI), datetime(2024, 3, 1, 10, 0, tzinfo=HELSINKI),
         True),
        (datetime(2024, 7, 1, 7, 0, tzinfo=HELSINKI), None, False),
    ]


def test_parquet_row_numbers_are_lines(tmp_path, store, settings):
    path = tmp_path / "persons.parquet"
    pq.write_table(pa.table({
        "person_id": ["P1", "P2"], "birth_date": pa.array([date(1990, 1, 1), None]),
        "sex": ["1", "2"], "municipality": [272, 272]}), path)
    load(store, settings, path)
    assert quarantined(store) == [(2, "birth_date", "missing_value")]


def test_sqlite_table_through_ibis(tmp_path, store, settings):
    db = tmp_path / "source.sqlite"
    with sqlite3.connect(db) as con:
        con.execute("CREATE TABLE persons (person_id TEXT, birth_date TEXT, sex TEXT, "
                    "municipality TEXT)")
        con.executemany("INSERT INTO persons VALUES (?, ?, ?, ?)",
                        [("P1", "1990-01-01", "1", "272"), ("P2", "1991-02-02", "7", "272")])
    [result] = load(store, settings, f"sqlite:///{db}#persons")
    assert (result.table, result.inserted, result.quarantined) == ("persons", 1, 1)
    assert quarantined(store) == [(2, "sex", "unknown_code")]
    assert query(store, "SELECT source FROM import_log") == [(f"sqlite:///{db}#persons",)]


def test_duckdb_table_through_ibis_with_table_option(tmp_path, store, settings):
    db = tmp_path / "source.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE persons AS SELECT 'P1' AS person_id, DATE '1990-01-01' AS "
                    "birth_date, '2' AS sex, '272' AS municipality")
    [result] = load(store, settings, f"duckdb:///{db}", table="persons")
    assert (result.rows_read, result.inserted) == (1, 1)
    assert query(store, "SELECT birth_date FROM persons") == [(date(1990, 1, 1),)]


def test_header_matching(tmp_path, store, settings):
    path = write(tmp_path / "persons.csv", """\
        Person_ID; BIRTH_DATE ;sex;Municipality;notes
        P1;13.10.1952;2;272;hello
        """)
    [result] = load(store, settings, path)
    assert result.ignored_columns == ("notes",)
    assert query(store, "SELECT * FROM persons") == [
        ("P1", date(1952, 10, 13), "2", "272", None, None)]


def test_missing_required_column_stops_the_command(tmp_path, store, settings):
    good = write(tmp_path / "persons.csv", "person_id,birth_date,sex,municipality\n"
                 "P1,1990-01-01,1,272\n")
    bad = write(tmp_path / "units.csv", "unit_id,name\nU1,Asema\n")
    with pytest.raises(IngestError, match=r"units.csv: required columns service_area, "
                                          r"municipality, level, unit_type missing"):
        load(store, settings, good, bad)
    assert not store.exists()


@pytest.mark.parametrize(("name", "table"), [
    ("visits.csv", "visits"), ("visits_2024.csv", "visits"), ("VISITS.parquet", "visits"),
    ("social_cases_2023.csv", "social_cases"), ("social_decisions.csv", "social_decisions"),
])
def test_target_table_from_the_file_name(tmp_path, name, table):
    path = tmp_path / name
    path.write_text("x\n")
    assert resolve_target(parse_source(str(path)), None).name == table


def test_unknown_targets_are_refused(tmp_path):
    path = tmp_path / "patients.csv"
    path.write_text("x\n")
    with pytest.raises(IngestError, match="give --table"):
        resolve_target(parse_source(str(path)), None)
    with pytest.raises(IngestError, match="Unknown table 'patient'"):
        resolve_target(parse_source(str(path)), "patient")
    with pytest.raises(IngestError, match="unknown file type"):
        parse_source(str(tmp_path / "visits.xlsx"))


def test_finnish_formats(tmp_path, population, settings):
    visits = write(tmp_path / "visits.csv", """\
        visit_id;person_id;unit_id;profession;start_at;booked_at;contact_type;service;urgency;status;first_care_event
        V1;P1;U1;nurse;5.3.2024 9:05;1.3.2024;physical;general_practice;non_urgent;done;kyllä
        V2;P1;U1;nurse;2024-07-01T10:00:00+00:00;;phone;general_practice;urgent;done;EI
        """)
    costs = write(tmp_path / "unit_costs.csv", """\
        cost_item;year;euros;per
        primary_physician_visit;2024;112,50;visit
        primary_physician_visit;2023;1.5;visit
        primary_physician_visit;2022;1.5e;visit
        """)
    results = load(population, settings, visits, costs)
    assert [r.quarantined for r in results] == [0, 1]
    assert query(population, "SELECT start_at, booked_at, first_care_event FROM visits "
                 "ORDER BY visit_id") == [
        (datetime(2024, 3, 5, 9, 5, tzinfo=HELSINKI), datetime(2024, 3, 1, tzinfo=HELSINKI), True),
        (datetime(2024, 7, 1, 13, 0, tzinfo=HELSINKI), None, False),
    ]
    assert query(population, "SELECT year, euros FROM unit_costs ORDER BY year") == [
        (2023, 1.5), (2024, 112.5)]
    assert quarantined(population) == [(4, "euros", "wrong_type")]


def test_whole_numbers_must_look_whole(tmp_path, store, settings):
    write(tmp_path / "unit_costs.csv",
          "cost_item,year,euros,per\nprimary_physician_visit,2024.5,1,visit\n")
    load(store, settings, tmp_path / "unit_costs.csv")
    assert quarantined(store) == [(2, "year", "wrong_type")]


def test_line_numbers_count_line_breaks_inside_values(tmp_path, store, settings):
    write(tmp_path / "units.csv", """\
        unit_id,name,service_area,municipality,level,unit_type
        U1,"Terveysasema
        Keskusta",primary_care,272,primary,health_station
        U2,Asema,nowhere,272,primary,health_station
        """)
    load(store, settings, tmp_path / "units.csv")
    assert quarantined(store) == [(4, "service_area", "unknown_code")]
    assert query(store, "SELECT name FROM units") == [("Terveysasema\nKeskusta",)]


def test_database_label_leaves_credentials_out():
    source = parse_source("postgresql://analyst:secret@db.example:5432/county?password=x#visits")
    assert source.label == "postgresql://db.example:5432/county#visits"
