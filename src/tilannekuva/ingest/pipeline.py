"""`import_sources`: load files and database tables into the county's canonical tables.

Order of work, and why:
1. the pseudonymisation key is required first, so a missing key stops everything before any data
   is read;
2. every source is resolved to its table and its header matched, so a wrong file stops the
   command before anything is written;
3. sources load in the schema's table order (referenced tables first), each in its own
   transaction, with staging in an in-memory DuckDB that ATTACHes the store: nothing but
   accepted rows, quarantine entries and the log entry ever reaches the store file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from ..config import Settings
from ..privacy.identity_codes import Pseudonymiser
from ..schema import TABLES, Table
from ..store import configure, create_tables
from .checks import checked_sql
from .columns import ColumnMatch, match_columns
from .errors import IngestError
from .load import CHECKED, STORE, VERDICTS, judge_keys, write
from .prepare import prepare
from .sources import (
    Source,
    file_sha256,
    parse_source,
    read_strings,
    resolve_target,
    source_columns,
    table_sha256,
)
from .sql import literal

#: What happens to each source; the progress callback hears how many are done.
STEPS = ("read", "protect identity codes", "validate", "write")

#: progress(description, done, total): description is stable per source ("visits.csv → visits").
ProgressCallback = Callable[[str, int, int], None]


@dataclass
class ImportResult:
    source: str
    table: str
    rows_read: int = 0
    inserted: int = 0
    unchanged: int = 0
    quarantined: int = 0
    skipped_already_imported: bool = False
    reasons: dict[str, int] = field(default_factory=dict)
    ignored_columns: tuple[str, ...] = ()
    import_id: int | None = None

    @property
    def accepted(self) -> int:
        return self.inserted + self.unchanged


@dataclass(frozen=True)
class _Plan:
    source: Source
    table: Table
    columns: ColumnMatch


def import_sources(
    store_path: str | Path,
    sources: list[str],
    table: str | None,
    settings: Settings,
    progress: ProgressCallback | None = None,
) -> list[ImportResult]:
    """Import each source into `store_path`; one result per source, in load order.

    Raises `config.ConfigError` when the pseudonymisation key is missing and `IngestError` for a
    source that cannot be imported (nothing of that source is written).
    """
    pseudonymiser = Pseudonymiser(settings.require_pseudonym_key())
    if not sources:
        raise IngestError("Give at least one file or database URL to import.")
    plans = sorted((_plan(text, table) for text in sources),
                   key=lambda plan: TABLES.index(plan.table))
    con = _connect(store_path)
    try:
        return [_import(con, plan, pseudonymiser, progress or _silent) for plan in plans]
    finally:
        con.execute(f"DETACH {STORE}")
        con.close()


def _silent(description: str, done: int, total: int) -> None:
    """Progress callback used when the caller gives none."""


def _plan(text: str, table: str | None) -> _Plan:
    source = parse_source(text, table)
    target = resolve_target(source, table)
    return _Plan(source, target, match_columns(source_columns(source), target, source.label))


def _connect(store_path: str | Path) -> duckdb.DuckDBPyConnection:
    con = configure(duckdb.connect())
    try:
        con.execute(f"ATTACH {literal(str(store_path))} AS {STORE}")
    except duckdb.Error as err:
        con.close()
        raise IngestError(f"Cannot open the county database {store_path}: {err}") from None
    con.execute(f"USE {STORE}")
    create_tables(con)
    con.execute("USE memory")
    return con


def _already_imported(con: duckdb.DuckDBPyConnection, sha256: str, table: Table) -> bool:
    return con.execute(
        f"SELECT count(*) > 0 FROM {STORE}.import_log WHERE source_sha256 = ? AND target_table = ?",
        [sha256, table.name]).fetchall()[0][0]


def _import(con: duckdb.DuckDBPyConnection, plan: _Plan, pseudonymiser: Pseudonymiser,
            progress: ProgressCallback) -> ImportResult:
    source, table = plan.source, plan.table
    result = ImportResult(source.label, table.name, ignored_columns=plan.columns.ignored)

    def step(done: int) -> None:
        progress(f"{source.label} → {table.name}", done, len(STEPS))

    step(0)
    if source.kind == "database":  # a database table can only be hashed once it is read
        data = read_strings(source)
        sha256 = table_sha256(data)
    else:
        data, (sha256, quoted) = None, file_sha256(source.location)
    if _already_imported(con, sha256, table):
        result.skipped_already_imported = True
        step(len(STEPS))
        return result
    if data is None:
        data = read_strings(source, quoted)
    step(1)
    staged = prepare(data, table, plan.columns, pseudonymiser)
    del data  # the only copy holding identity codes; free it before validation
    step(2)
    try:
        _validate(con, table, staged)
        step(3)
        counts = write(con, table, source.label, sha256, staged.num_rows)
    finally:
        con.execute(f"DROP TABLE IF EXISTS {CHECKED}")
        con.execute(f"DROP TABLE IF EXISTS {VERDICTS}")
    step(4)
    result.rows_read = staged.num_rows
    result.inserted, result.unchanged = counts.inserted, counts.unchanged
    result.quarantined, result.reasons = counts.quarantined, counts.reasons
    result.import_id = counts.import_id
    return result


def _validate(con: duckdb.DuckDBPyConnection, table: Table, staged: pa.Table) -> None:
    con.register("staged", staged)
    try:
        con.execute(f"CREATE TEMP TABLE {CHECKED} AS {checked_sql(table, 'staged', STORE)}")
        judge_keys(con, table)
    finally:
        con.unregister("staged")
