"""Judging keys and writing one import: rows, quarantine and the import-log entry, atomically.

A row that passed every check is compared with the row already holding its key:
- no such row, in the store or earlier in the file → inserted;
- identical values → "unchanged" (accepted, nothing written), which makes overlapping extracts
  and re-imports harmless;
- different values → quarantined as duplicate_key (the first-loaded version stands).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from ..schema import Table
from .checks import CHECK, DETAIL, FIELD, REASON, raw
from .sources import LINE
from .sql import ident, literal, quoted_value

CHECKED = "checked"
VERDICTS = "verdicts"
STORE = "store"


@dataclass(frozen=True)
class Counts:
    import_id: int
    inserted: int
    unchanged: int
    quarantined: int
    reasons: dict[str, int]


def _row(alias: str, table: Table) -> str:
    return "row(" + ", ".join(f"{alias}.{ident(c)}" for c in table.column_names) + ")"


def _key_text(alias: str, table: Table) -> str:
    parts = [f"{literal(k + ' ')} || {quoted_value(f'{alias}.{ident(k)}')}" for k in table.key]
    return " || ', ' || ".join(parts)


def judge_keys(con: duckdb.DuckDBPyConnection, table: Table) -> None:
    """Create the verdicts table: every row that passed the checks, with 'insert', 'unchanged'
    or 'conflict', and for a conflict the detail."""
    key = ", ".join(ident(k) for k in table.key)
    on = "ON " + " AND ".join(f"c.{ident(k)} = {{other}}.{ident(k)}" for k in table.key)
    differs = ", ".join(
        f"CASE WHEN c.{ident(n)} IS DISTINCT FROM s.{ident(n)} THEN {literal(n)} END"
        for n in table.column_names
    )
    con.execute(f"""
        CREATE TEMP TABLE {VERDICTS} AS
        WITH candidates AS (
            SELECT *, row_number() OVER (PARTITION BY {key} ORDER BY {ident(LINE)}) AS _rank
            FROM {CHECKED} WHERE {CHECK} IS NULL
        ), firsts AS (
            SELECT c.*,
                CASE WHEN s.{ident(table.key[0])} IS NULL THEN 'insert'
                     WHEN {_row('c', table)} IS NOT DISTINCT FROM {_row('s', table)}
                          THEN 'unchanged'
                     ELSE 'conflict' END AS _verdict,
                {_key_text('c', table)} || ' is already stored with different values (differs in: '
                    || concat_ws(', ', {differs}) || ')' AS _conflict
            FROM candidates AS c LEFT JOIN {STORE}.{ident(table.name)} AS s {on.format(other='s')}
            WHERE c._rank = 1
        ), later AS (
            SELECT c.*,
                CASE WHEN {_row('c', table)} IS NOT DISTINCT FROM {_row('f', table)}
                          AND f._verdict <> 'conflict' THEN 'unchanged'
                     ELSE 'conflict' END AS _verdict,
                {_key_text('c', table)} || ' already appears on line ' || f.{ident(LINE)}
                    || CASE WHEN f._verdict = 'conflict'
                            THEN ', which conflicts with the stored row'
                            ELSE ' with different values' END AS _conflict
            FROM candidates AS c JOIN firsts AS f {on.format(other='f')}
            WHERE c._rank > 1
        )
        SELECT * FROM firsts UNION ALL BY NAME SELECT * FROM later
    """)


def write(con: duckdb.DuckDBPyConnection, table: Table, source: str, sha256: str,
          rows_read: int) -> Counts:
    """Insert accepted rows, quarantine rejected ones and log the import in one transaction."""
    columns = ", ".join(ident(c) for c in table.column_names)
    raw_json = "CAST(to_json(struct_pack(" + ", ".join(
        f"{ident(c)} := {raw(c)}" for c in table.column_names) + ")) AS VARCHAR)"
    key_field = literal(", ".join(table.key))
    con.execute("BEGIN")
    try:
        import_id = con.execute(
            f"SELECT coalesce(max(import_id), 0) + 1 FROM {STORE}.import_log").fetchall()[0][0]
        head = f"{import_id}, {literal(source)}, {ident(LINE)}, {literal(table.name)}"
        con.execute(f"""
            INSERT INTO {STORE}.quarantine
            SELECT * FROM (
                SELECT {head}, {FIELD}, {REASON}, {DETAIL}, {raw_json}
                FROM {CHECKED} WHERE {CHECK} IS NOT NULL
                UNION ALL
                SELECT {head}, {key_field}, 'duplicate_key', _conflict, {raw_json}
                FROM {VERDICTS} WHERE _verdict = 'conflict'
            ) ORDER BY {ident(LINE)}
        """)
        con.execute(f"""
            INSERT INTO {STORE}.{ident(table.name)} ({columns})
            SELECT {columns} FROM {VERDICTS} WHERE _verdict = 'insert'
        """)
        inserted, unchanged = con.execute(
            f"SELECT count(*) FILTER (_verdict = 'insert'), "
            f"count(*) FILTER (_verdict = 'unchanged') FROM {VERDICTS}").fetchall()[0]
        reasons = dict(con.execute(
            f"SELECT reason, count(*) FROM {STORE}.quarantine WHERE import_id = ? "
            "GROUP BY reason ORDER BY reason", [import_id]).fetchall())
        quarantined = sum(reasons.values())
        if rows_read != inserted + unchanged + quarantined:
            raise AssertionError(
                f"rows read {rows_read} != inserted {inserted} + unchanged {unchanged} "
                f"+ quarantined {quarantined}; the import was rolled back")
        con.execute(
            f"INSERT INTO {STORE}.import_log VALUES (?, now(), ?, ?, ?, ?, ?, ?, ?)",
            [import_id, source, sha256, table.name, rows_read, inserted, unchanged, quarantined])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return Counts(import_id, inserted, unchanged, quarantined, reasons)
