"""The audit log of person-level views: who produced which list, when, for which scope, and how
many people it showed. Written to the county database's `audit_log` table, append-only (no code
path updates or deletes a row). The dashboard issue adds its own users; the CLI records the
operating-system user."""

from __future__ import annotations

import getpass
import json
from datetime import UTC, datetime
from pathlib import Path

from ..store import open_store


def record(db: Path, action: str, scope: dict, rows: int, user: str | None = None) -> None:
    """Appends one entry. `scope` is stored as JSON (units, as-of day, ...)."""
    con = open_store(db)
    try:
        con.execute(
            "INSERT INTO audit_log VALUES (nextval('audit_log_seq'), ?, ?, ?, ?, ?)",
            [datetime.now(UTC), user or getpass.getuser(), action,
             json.dumps(scope, sort_keys=True, default=str), rows])
    finally:
        con.close()
