"""No identity code reaches the database file; the key is required before any data is read."""

from __future__ import annotations

import duckdb
import pytest
from conftest import KEY, load, query, write

from tilannekuva.config import ConfigError, Settings, load_settings
from tilannekuva.privacy import Pseudonymiser

VALID = ["131052-308T", "010101A123N"]      # hand-checked in test_identity_codes.py
MALFORMED = ["131052-308U", "290201-123J"]  # wrong check character; 29.2.1901 never existed


def test_missing_key_stops_before_anything_is_written(tmp_path, store):
    path = write(tmp_path / "persons.csv",
                 "person_id,birth_date,sex,municipality\nP1,1980-01-01,1,272\n")
    no_key = Settings(database=store, min_cell_size=5, pseudonym_key=None)
    with pytest.raises(ConfigError, match="No pseudonymisation key"):
        load(store, no_key, path)
    assert not store.exists()


def test_short_key_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TILANNEKUVA_CONFIG", raising=False)
    monkeypatch.setenv("TILANNEKUVA_PSEUDONYM_KEY", "too-short")
    with pytest.raises(ConfigError, match="at least 16"):
        load_settings()


def test_no_identity_code_survives_in_the_file(tmp_path, store, settings):
    folder = tmp_path / f"extract {VALID[1]}"  # even the file name holds a code
    folder.mkdir()
    persons = write(folder / "persons.csv", f"""\
        person_id,birth_date,sex,municipality
        {VALID[0]},1952-10-13,2,272
        {VALID[1].lower()},2001-01-01,1,272
        {MALFORMED[0]},1952-10-13,2,272
        """)
    units = write(folder / "units.csv", """\
        unit_id,name,service_area,municipality,level,unit_type
        U1,Terveysasema,primary_care,272,primary,health_station
        """)
    visits = write(folder / "visits.csv", f"""\
        visit_id,person_id,unit_id,profession,start_at,contact_type,service,urgency,status,diagnosis_icd10
        V1,{VALID[0]},U1,nurse,2024-03-05 09:00,physical,general_practice,non_urgent,done,
        V2,{MALFORMED[1]},U1,nurse,2024-03-05 09:00,physical,general_practice,non_urgent,done,
        V3,{VALID[1]},U1,nurse,2024-03-05 09:00,physical,general_practice,non_urgent,done,{VALID[0]}
        V4{VALID[0]},{VALID[0]},U1,nurse,2024-03-05 09:00,physical,general_practice,non_urgent,done,
        """)
    feedback = write(folder / "feedback_responses.csv", f"""\
        response_id,unit_id,responded_at,service,service_channel,response_channel,language,comment
        F1,U1,2024-03-06 12:00,general_practice,physical,sms,fi,"Olen {VALID[1]}, kiitos"
        F2,U1,2024-03-06 12:00,general_practice,physical,sms,fi,"{MALFORMED[0]}" ja {VALID[0]}
        F3,U1,eilen {VALID[0]},general_practice,physical,sms,fi,
        """)
    results = load(store, settings, persons, units, visits, feedback)
    assert [(r.table, r.inserted, r.quarantined) for r in results] == [
        ("persons", 2, 1), ("units", 1, 0), ("visits", 1, 3), ("feedback_responses", 2, 1)]

    pseudonym = Pseudonymiser(KEY).pseudonym(VALID[0])
    assert query(store, "SELECT person_id FROM visits") == [(pseudonym,)]
    assert (pseudonym,) in query(store, "SELECT person_id FROM persons")
    assert query(store, "SELECT reason FROM quarantine WHERE target_table = 'visits' ORDER BY line"
                 ) == [("malformed_identity_code",), ("pattern_mismatch",),
                       ("malformed_identity_code",)]

    with duckdb.connect(str(store)) as con:
        con.execute("CHECKPOINT")
    content = store.read_bytes()
    for code in VALID + MALFORMED:
        for form in (code, code.lower(), code[:6] + code[7:10]):
            assert form.encode() not in content, form
    assert b"[henkil" in content  # the redaction marker is there instead
