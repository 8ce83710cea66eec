"""Engines and transactions for the situation centre.

SQLite (the embedded default) runs in WAL mode with a busy timeout, and every write transaction
starts with `BEGIN IMMEDIATE`: writers take the database's write lock before they read, so two
transactions can never both read "bed free" and both write. Read-only work (`read`) starts a
plain deferred transaction and runs beside the writer.

PostgreSQL runs at READ COMMITTED; the service locks the rows it changes with
`SELECT ... FOR UPDATE` (requests before beds), checks a `version` on every update, and
`run_transaction` retries a transaction that lost to a deadlock or serialisation failure."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import sqlalchemy as sa

from tilannekuva.situation.tables import metadata

T = TypeVar("T")

DEFAULT_PATH = Path("situation.sqlite")
RETRIES = 8
# PostgreSQL SQLSTATEs worth another attempt: serialization_failure, deadlock_detected.
_RETRY_SQLSTATES = {"40001", "40P01"}


def default_url(path: Path | str = DEFAULT_PATH) -> str:
    return f"sqlite:///{Path(path)}"


def create_engine(url: str | sa.URL | None = None, **kwargs) -> sa.Engine:
    """An engine for `url` (default: the SQLite file `situation.sqlite` in the working
    directory). Extra keyword arguments go to `sqlalchemy.create_engine` (e.g. pool_size)."""
    url = sa.make_url(url or default_url())
    if url.get_backend_name() == "sqlite":
        connect_args = {"timeout": 60, "check_same_thread": False}
        connect_args.update(kwargs.pop("connect_args", {}))
        engine = sa.create_engine(url, connect_args=connect_args, **kwargs)
        sa.event.listen(engine, "connect", _sqlite_connect)
        sa.event.listen(engine, "begin", _sqlite_begin)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    # Room for the web server's worker threads (40, anyio's default), each holding at most one
    # connection at a time: connections beyond pool_size are closed when returned, and
    # opening a PostgreSQL connection (a new server process) costs more than a dozen calls.
    kwargs.setdefault("pool_size", 40)
    kwargs.setdefault("max_overflow", 10)
    return sa.create_engine(url, **kwargs)


def _sqlite_connect(dbapi_connection, _record) -> None:
    # Let SQLAlchemy's "begin" hook issue BEGIN instead of the sqlite3 module's implicit one.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=60000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: sa.Connection) -> None:
    if connection.get_execution_options().get("situation_readonly"):
        connection.exec_driver_sql("BEGIN")
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_schema(engine: sa.Engine) -> None:
    """Create the situation centre's tables, indexes and append-only triggers if missing."""
    metadata.create_all(engine)


def _retryable(error: sa.exc.DBAPIError) -> bool:
    sqlstate = getattr(error.orig, "sqlstate", None)
    if sqlstate in _RETRY_SQLSTATES:
        return True
    return "database is locked" in str(error.orig)


def run_transaction(engine: sa.Engine, work: Callable[[sa.Connection], T]) -> T:
    """Run `work(connection)` in one write transaction; commit if it returns, roll back if it
    raises. A transaction that loses to a deadlock or serialisation failure (PostgreSQL) or finds
    the database locked past the busy timeout (SQLite) is retried with a short random back-off;
    `work` must therefore have no effects outside the database."""
    for attempt in range(RETRIES):
        try:
            with engine.begin() as connection:
                return work(connection)
        except sa.exc.DBAPIError as error:
            if attempt == RETRIES - 1 or not _retryable(error):
                raise
        time.sleep(random.uniform(0, 0.01 * 2 ** attempt))
    raise AssertionError("unreachable")


def read(engine: sa.Engine, work: Callable[[sa.Connection], T]) -> T:
    """Run read-only `work(connection)` without taking a write lock. On SQLite in a deferred
    transaction (one snapshot for all its statements). On PostgreSQL each statement runs on
    its own (autocommit): at READ COMMITTED every statement sees its own snapshot inside a
    transaction too, so a BEGIN and a COMMIT would add two round trips and change nothing
    (a reader that needs one snapshot for several statements opens its own REPEATABLE READ
    transaction, as the board does)."""
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execution_options(isolation_level="AUTOCOMMIT")
            return work(connection)
        connection.execution_options(situation_readonly=True)
        with connection.begin():
            return work(connection)
