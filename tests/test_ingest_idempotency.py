"""Re-importing the same content changes nothing; overlapping extracts count identical rows as
unchanged."""

from __future__ import annotations

from conftest import ASSESSMENTS, PERSONS, UNITS, load, query, write

from tilannekuva.schema import TABLES


def snapshot(store) -> dict[str, list[tuple]]:
    tables = {t.name: f"SELECT * FROM {t.name} ORDER BY ALL" for t in TABLES}
    tables["import_log"] = "SELECT count(*), sum(rows_read) FROM import_log"
    tables["quarantine"] = "SELECT * FROM quarantine ORDER BY ALL"
    return {name: query(store, sql) for name, sql in tables.items()}


def test_second_import_of_the_same_files_changes_nothing(tmp_path, population, settings):
    bad = write(tmp_path / "units_more.csv", """\
        unit_id,name,service_area,municipality,level,unit_type
        U7,Uusi asema,primary_care,272,primary,health_station
        U8,Huono,nowhere,272,primary,health_station
        """)
    load(population, settings, bad)
    before = snapshot(population)
    files = sorted((tmp_path / "population").glob("*.csv")) + [bad]
    results = load(population, settings, *files)
    assert all(r.skipped_already_imported for r in results)
    assert [r.rows_read for r in results] == [0] * 5
    assert snapshot(population) == before


def test_copy_of_a_file_under_another_name_is_also_skipped(tmp_path, population, settings):
    before = snapshot(population)
    copy = write(tmp_path / "persons_copy.csv", PERSONS)
    [result] = load(population, settings, copy)
    assert result.skipped_already_imported
    assert snapshot(population) == before


def test_overlapping_extract_counts_identical_rows_as_unchanged(tmp_path, population, settings):
    overlap = write(tmp_path / "care_need_assessments_march.csv", ASSESSMENTS + """\
    A2,P2,U1,2024-03-02 08:30,nurse,urgent,general_practice,false
    """)
    [result] = load(population, settings, overlap)
    assert (result.rows_read, result.inserted, result.unchanged, result.quarantined) == (2, 1, 1, 0)
    assert query(population, "SELECT count(*) FROM care_need_assessments") == [(2,)]


def test_identical_rows_within_one_file_count_once(tmp_path, store, settings):
    units = write(tmp_path / "units.csv", UNITS + """\
    U1,Kokkolan terveysasema,primary_care,272,primary,health_station,,
    """)
    [result] = load(store, settings, units)
    assert (result.rows_read, result.inserted, result.unchanged, result.quarantined) == (3, 2, 1, 0)
