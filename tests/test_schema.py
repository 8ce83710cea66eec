"""The schema declarations are consistent, create real DuckDB tables, and match the docs."""

from pathlib import Path

import duckdb
import pytest

from tilannekuva.schema import TABLES, TABLES_BY_NAME, Column, Table, TimeOrder, code_list
from tilannekuva.schema.reference import render_schema_reference
from tilannekuva.store import open_store

REQUIRED_TABLES = {
    "persons", "units", "professionals", "contacts", "care_need_assessments", "visits",
    "appointment_slots", "referrals", "episodes", "social_cases", "social_decisions",
    "care_plans", "responsible_worker_assignments", "feedback_responses", "digital_usage",
    "digital_pathways", "digital_pathway_stages", "ed_routings", "home_care_handoffs",
    "ambulance_transports", "unit_costs",
}


def test_every_table_the_design_names_exists():
    assert set(TABLES_BY_NAME) == REQUIRED_TABLES


def test_every_code_list_loads_with_three_languages():
    names = {c.codes for t in TABLES for c in t.columns if c.codes}
    for name in names:
        codes = code_list(name)
        assert codes, name
        for code in codes.values():
            assert code.code and code.fi and code.sv and code.en, (name, code)


def test_references_point_to_declared_key_columns():
    for table in TABLES:
        for column in table.columns:
            if column.references:
                target, target_column = column.references.split(".")
                assert TABLES_BY_NAME[target].key == (target_column,), column.references


def test_time_orders_through_references_name_real_columns():
    for table in TABLES:
        for order in table.time_orders:
            for side in (order.earlier, order.later):
                if "." in side:
                    via, column = side.split(".")
                    target = TABLES_BY_NAME[table.column(via).referenced_table]
                    assert column in target.column_names, (table.name, side)


def test_tables_are_in_load_order():
    seen = set()
    for table in TABLES:
        assert table.dependencies <= seen, table.name
        seen.add(table.name)


def test_bad_declarations_are_refused():
    with pytest.raises(ValueError, match="key column"):
        Table("t", "", key=("missing",), columns=(Column("a", "id", ""),))
    with pytest.raises(ValueError, match="unknown type"):
        Column("a", "varchar", "")
    with pytest.raises(ValueError, match="unknown column"):
        Table("t", "", key=("a",), columns=(Column("a", "id", ""),),
              time_orders=(TimeOrder("a", "b", ""),))


def test_store_creates_tables_and_enforces_keys(tmp_path):
    con = open_store(tmp_path / "county.duckdb")
    tables = {row[0] for row in con.sql("SHOW TABLES").fetchall()}
    assert REQUIRED_TABLES | {"import_log", "quarantine"} <= tables
    con.execute("INSERT INTO unit_costs VALUES ('ed_visit', 2024, 300.0, 'visit')")
    with pytest.raises(duckdb.ConstraintException):
        con.execute("INSERT INTO unit_costs VALUES ('ed_visit', 2024, 310.0, 'visit')")
    # Times are shown in Helsinki time: 10:00 UTC in July is 13:00 in Helsinki (EEST, +3).
    hour = con.execute("SELECT hour(TIMESTAMPTZ '2024-07-01 10:00:00+00')").fetchone()[0]
    assert hour == 13
    con.close()
    # Opening again neither fails nor duplicates anything.
    con = open_store(tmp_path / "county.duckdb")
    assert con.execute("SELECT count(*) FROM unit_costs").fetchone()[0] == 1


def test_schema_reference_in_docs_is_up_to_date():
    committed = Path(__file__).parents[1] / "docs" / "schema.md"
    assert committed.read_text(encoding="utf-8") == render_schema_reference(), (
        "docs/schema.md is stale: run `tilannekuva schema-docs`"
    )
