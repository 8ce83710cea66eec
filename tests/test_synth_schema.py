"""The synthetic county conforms to the canonical schema. Every check is derived from the table
declarations in `tilannekuva.schema`, so a new column or rule is checked without editing this
file."""

from datetime import date

import pytest

from tilannekuva.schema import SITUATION_TABLES, TABLES, TABLES_BY_NAME, codes
from tilannekuva.store import open_store
from tilannekuva.synth import generate, load_into_store

#: The tables the generator writes: the situation centre's come from its export (see
#: tests/situation_story.py and docs/situation.md).
GENERATED = tuple(t for t in TABLES if t not in SITUATION_TABLES)

# DuckDB's spelling of the schema's types when it describes a Parquet file.
DESCRIBED = {"TIMESTAMPTZ": "TIMESTAMP WITH TIME ZONE"}


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("county")
    counts = generate(tmp / "parquet", residents=6_000, years=2, start=date(2023, 1, 1), seed=7,
                      workers=1)
    con = open_store(tmp / "county.duckdb")
    loaded = load_into_store(con, tmp / "parquet")
    yield con, tmp / "parquet", counts, loaded
    con.close()


def test_every_table_generated_and_loaded(county):
    _, _, counts, loaded = county
    assert counts == loaded
    assert all(counts[t.name] > 0 for t in GENERATED), counts


@pytest.mark.parametrize("table", GENERATED, ids=lambda t: t.name)
def test_parquet_columns_and_types(county, table):
    con, parquet, _, _ = county
    described = con.execute(
        f"DESCRIBE SELECT * FROM read_parquet('{parquet}/{table.name}/*.parquet')").fetchall()
    assert [(name, kind) for name, kind, *_ in described] == [
        (c.name, DESCRIBED.get(c.duckdb_type, c.duckdb_type)) for c in table.columns]


def _column_checks(table):
    for c in table.columns:
        if c.required:
            yield f"{c.name} IS NULL", f"required {c.name} missing"
        if c.codes:
            listed = ", ".join(f"'{code}'" for code in codes(c.codes))
            yield f"{c.name} NOT IN ({listed})", f"{c.name} outside code list {c.codes}"
        if c.pattern:
            yield f"NOT regexp_full_match({c.name}, '{c.pattern}')", f"{c.name} pattern"
        if c.minimum is not None:
            yield f"{c.name} < {c.minimum}", f"{c.name} below minimum"
        if c.maximum is not None:
            yield f"{c.name} > {c.maximum}", f"{c.name} above maximum"


@pytest.mark.parametrize("table", GENERATED, ids=lambda t: t.name)
def test_values_follow_declarations(county, table):
    con = county[0]
    for condition, meaning in _column_checks(table):
        (bad,) = con.execute(f"SELECT count(*) FROM {table.name} WHERE {condition}").fetchone()
        assert bad == 0, f"{table.name}: {bad} rows with {meaning}"


@pytest.mark.parametrize("table", GENERATED, ids=lambda t: t.name)
def test_keys_unique(county, table):
    con = county[0]
    key = ", ".join(table.key)
    (rows, distinct) = con.execute(
        f"SELECT count(*), count(DISTINCT ({key})) FROM {table.name}").fetchone()
    assert rows == distinct


@pytest.mark.parametrize("table", GENERATED, ids=lambda t: t.name)
def test_references_resolve(county, table):
    con = county[0]
    for c in table.columns:
        if not c.references:
            continue
        target, column = c.references.split(".")
        (dangling,) = con.execute(
            f"SELECT count(*) FROM {table.name} s WHERE s.{c.name} IS NOT NULL AND NOT EXISTS "
            f"(SELECT 1 FROM {target} r WHERE r.{column} = s.{c.name})").fetchone()
        assert dangling == 0, f"{table.name}.{c.name}: {dangling} dangling references"


def _side(table, side: str) -> tuple[str, str]:
    """(join clause, expression) for one side of a time order."""
    if "." not in side:
        return "", f"s.{side}"
    own, column = side.split(".")
    target = TABLES_BY_NAME[table.name].column(own).references
    ref_table, ref_key = target.split(".")
    alias = f"r_{own}"
    return (f" LEFT JOIN {ref_table} {alias} ON {alias}.{ref_key} = s.{own}",
            f"{alias}.{column}")


@pytest.mark.parametrize("table", [t for t in GENERATED if t.time_orders],
                         ids=lambda t: t.name)
def test_time_orders_hold(county, table):
    con = county[0]
    for order in table.time_orders:
        join_a, earlier = _side(table, order.earlier)
        join_b, later = _side(table, order.later)
        (bad,) = con.execute(
            f"SELECT count(*) FROM {table.name} s{join_a}{join_b} "
            f"WHERE {earlier} > {later}").fetchone()
        assert bad == 0, f"{table.name}: {bad} rows break '{order.meaning}'"


def test_unit_costs_cover_every_item_and_year(county):
    con = county[0]
    (missing,) = con.execute(
        "SELECT count(*) FROM (SELECT code FROM (VALUES " +
        ", ".join(f"('{c}')" for c in codes("cost_item")) +
        ") v(code)) CROSS JOIN (VALUES (2023), (2024)) y(year) "
        "WHERE NOT EXISTS (SELECT 1 FROM unit_costs u WHERE u.cost_item = code "
        "AND u.year = y.year)").fetchone()
    assert missing == 0


def test_primary_care_chain_shape(county):
    """Most non-urgent general-practice visits carry their assessment; some do not; some are
    cancelled or missed; some are excluded from the guarantee."""
    con = county[0]
    with_assessment, without, not_done, excluded = con.execute("""
        SELECT avg((assessment_id IS NOT NULL)::INT), sum((assessment_id IS NULL)::INT),
               sum((status <> 'done')::INT), sum((guarantee_exclusion IS NOT NULL)::INT)
        FROM visits WHERE service = 'general_practice' AND urgency = 'non_urgent'""").fetchone()
    assert with_assessment > 0.5 and without > 0 and not_done > 0 and excluded > 0
