"""The demo county's users, one per role, so a newcomer can sign in and see what each role
sees. Their passwords are public (README): never create them in a real county's database."""

from __future__ import annotations

import duckdb

from .accounts import add_user, remove_user, users

#: (user name, role, display name); the password is "demo-" + the user name.
DEMO_USERS = (
    ("johtaja", "director", "Johtaja (demo)"),
    ("esihenkilo", "supervisor", "Esihenkilö (demo)"),
    ("analyytikko", "analyst", "Analyytikko (demo)"),
    ("tilannekeskus", "situation_centre", "Tilannekeskus (demo)"),
    ("yllapitaja", "administrator", "Ylläpitäjä (demo)"),
)


def demo_password(user_name: str) -> str:
    return f"demo-{user_name}"


def create_demo_users(con: duckdb.DuckDBPyConnection) -> list[str]:
    """(Re)creates the demo users; the supervisor leads the county's first two health stations.
    Returns the supervisor's units."""
    units = [row[0] for row in con.execute(
        "SELECT unit_id FROM units WHERE unit_type = 'health_station' ORDER BY unit_id "
        "LIMIT 2").fetchall()]
    existing = {user.user_name for user in users(con)}
    for name, role, display in DEMO_USERS:
        if name in existing:
            remove_user(con, name)
        add_user(con, name, demo_password(name), role,
                 tuple(units) if role == "supervisor" else (), display)
    return units
