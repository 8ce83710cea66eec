"""The audit log of person-level views: who produced which list (or was refused it), when, for
which scope, and how many people it showed. Written to the county database's `audit_log` table,
append-only (no code path updates or deletes a row). The CLI records the operating-system user,
the dashboard and the API the signed-in user."""

from __future__ import annotations

import getpass
import json
from datetime import UTC, datetime

import duckdb
import pandas as pd


def record(con: duckdb.DuckDBPyConnection, action: str, scope: dict, rows: int,
           user: str | None = None) -> None:
    """Appends one entry. `scope` is stored as JSON (units, as-of day, ...)."""
    con.execute(
        "INSERT INTO audit_log VALUES (nextval('audit_log_seq'), ?, ?, ?, ?, ?)",
        [datetime.now(UTC), user or getpass.getuser(), action,
         json.dumps(scope, sort_keys=True, default=str), rows])


def latest(con: duckdb.DuckDBPyConnection, limit: int = 200) -> pd.DataFrame:
    """The newest entries first, for the administrator's view of the log."""
    columns = ["entry_id", "logged_at", "user_name", "action", "scope", "rows"]
    found = con.execute(f"SELECT {', '.join(columns)} FROM audit_log ORDER BY entry_id DESC "
                        "LIMIT ?", [limit]).fetchall()
    return pd.DataFrame(found, columns=columns)
