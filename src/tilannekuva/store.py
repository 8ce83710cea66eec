"""The county's analytic store: a DuckDB file holding the canonical tables, the import log,
the quarantine and the audit log of person-level views. Opening a store creates whatever
tables are missing, so a new file is ready to import into and an old one is never altered in
shape by accident."""

from __future__ import annotations

from pathlib import Path

import duckdb

from .schema import TABLES, Table

TIMEZONE = "Europe/Helsinki"

IMPORT_LOG_DDL = """
CREATE TABLE IF NOT EXISTS import_log (
    import_id      BIGINT PRIMARY KEY,
    imported_at    TIMESTAMPTZ NOT NULL,
    source         VARCHAR NOT NULL,   -- file path or connection URL (credentials removed)
    source_sha256  VARCHAR NOT NULL,   -- hash of the content, so a re-import is recognised
    target_table   VARCHAR NOT NULL,
    rows_read      BIGINT NOT NULL,
    rows_inserted  BIGINT NOT NULL,
    rows_unchanged BIGINT NOT NULL,    -- identical to a row already loaded; counted accepted
    rows_quarantined BIGINT NOT NULL
)"""

QUARANTINE_DDL = """
CREATE TABLE IF NOT EXISTS quarantine (
    import_id    BIGINT NOT NULL,
    source       VARCHAR NOT NULL,
    line         BIGINT NOT NULL,      -- line in a CSV file (header = 1); row number otherwise
    target_table VARCHAR NOT NULL,
    field        VARCHAR,              -- the first field that failed
    reason       VARCHAR NOT NULL,     -- stable reason code, e.g. unknown_code
    detail       VARCHAR NOT NULL,     -- human-readable explanation
    raw          VARCHAR NOT NULL      -- the row as read (JSON), identity codes removed
)"""


AUDIT_LOG_DDL = """
CREATE SEQUENCE IF NOT EXISTS audit_log_seq;
CREATE TABLE IF NOT EXISTS audit_log (
    entry_id  BIGINT PRIMARY KEY,
    logged_at TIMESTAMPTZ NOT NULL,
    user_name VARCHAR NOT NULL,
    action    VARCHAR NOT NULL,        -- e.g. overdue_list
    scope     VARCHAR NOT NULL,        -- JSON: units, as-of day, options
    rows      BIGINT NOT NULL          -- persons' rows shown
)"""


def table_ddl(table: Table) -> str:
    cols = ",\n    ".join(
        f"{c.name} {c.duckdb_type}{' NOT NULL' if c.required else ''}" for c in table.columns
    )
    key = ", ".join(table.key)
    return f"CREATE TABLE IF NOT EXISTS {table.name} (\n    {cols},\n    PRIMARY KEY ({key})\n)"


def configure(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Session settings every connection needs: times are read and shown in Helsinki time."""
    con.execute(f"SET TimeZone = '{TIMEZONE}'")
    return con


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    for table in TABLES:
        con.execute(table_ddl(table))
    con.execute(IMPORT_LOG_DDL)
    con.execute(QUARANTINE_DDL)
    con.execute(AUDIT_LOG_DDL)


def open_store(path: str | Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the county database at `path`."""
    path = Path(path)
    if read_only and not path.exists():
        raise FileNotFoundError(f"County database {path} does not exist.")
    con = configure(duckdb.connect(str(path), read_only=read_only))
    if not read_only:
        create_tables(con)
    return con
