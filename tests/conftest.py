"""Shared fixtures: a pseudonymisation key, a county database path, and a small reference
population (persons, units, professionals, an assessment) for tests that import events."""

from __future__ import annotations

import textwrap
from pathlib import Path

import duckdb
import pytest

from tilannekuva.config import Settings
from tilannekuva.ingest import ImportResult, import_sources

KEY = b"test-pseudonym-key-0123456789"

PERSONS = """\
    person_id,birth_date,sex,municipality,language
    P1,1980-05-01,2,272,fi
    P2,2000-01-01,1,272,sv
    """
UNITS = """\
    unit_id,name,service_area,municipality,level,unit_type,specialty,beds
    U1,Kokkolan terveysasema,primary_care,272,primary,health_station,,
    W1,Osasto 1,specialised_care,272,specialised,ward,internal_medicine,24
    """
PROFESSIONALS = """\
    professional_id,profession,unit_id
    D1,physician,U1
    """
ASSESSMENTS = """\
    assessment_id,person_id,unit_id,assessed_at,assessor_profession,urgency,service,treatment_needed
    A1,P1,U1,2024-03-01 10:00,nurse,non_urgent,general_practice,true
    """


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(database=tmp_path / "county.duckdb", min_cell_size=5, pseudonym_key=KEY)


@pytest.fixture
def store(settings: Settings) -> Path:
    return settings.database


def write(path: Path, text: str) -> Path:
    """Write a CSV fixture given as an indented literal."""
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def load(store: Path, settings: Settings, *paths: Path | str, table: str | None = None
         ) -> list[ImportResult]:
    return import_sources(store, [str(p) for p in paths], table, settings)


def query(store: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(store), read_only=True) as con:
        con.execute("SET TimeZone = 'Europe/Helsinki'")
        return con.execute(sql, params or []).fetchall()


def quarantined(store: Path) -> list[tuple]:
    """(line, field, reason) of every quarantined row, in line order."""
    return query(store, "SELECT line, field, reason FROM quarantine ORDER BY import_id, line")


@pytest.fixture
def population(tmp_path: Path, store: Path, settings: Settings) -> Path:
    """Persons P1 (born 1980-05-01) and P2 (born 2000-01-01), units U1 and ward W1, physician D1
    and assessment A1 (P1, 2024-03-01 10:00) loaded into the store."""
    folder = tmp_path / "population"
    folder.mkdir()
    files = [write(folder / f"{name}.csv", text) for name, text in (
        ("persons", PERSONS), ("units", UNITS), ("professionals", PROFESSIONALS),
        ("care_need_assessments", ASSESSMENTS))]
    results = load(store, settings, *files)
    assert [r.quarantined for r in results] == [0, 0, 0, 0]
    return store


@pytest.fixture(params=["sqlite", "postgresql"])
def situation_url(request, tmp_path: Path) -> str:
    """The situation centre's database, once as an SQLite file and once on the PostgreSQL
    server that scripts/test.sh starts (URL in TILANNEKUVA_TEST_POSTGRES). Each PostgreSQL test
    gets a database of its own, dropped afterwards. Without the server the PostgreSQL run is
    skipped locally but fails in CI (CI=true), where both databases must be tested."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'situation.sqlite'}"
        return
    import os
    import uuid

    import sqlalchemy as sa

    server = os.environ.get("TILANNEKUVA_TEST_POSTGRES")
    if not server:
        if os.environ.get("CI"):
            pytest.fail("TILANNEKUVA_TEST_POSTGRES is not set: run the tests with "
                        "scripts/test.sh, which starts PostgreSQL")
        pytest.skip("no PostgreSQL server (start one with scripts/postgres.sh start)")
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as con:
        con.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.engine.make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as con:
            con.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
