"""The demo county's users, one per role, so a newcomer can sign in and see what each role
sees. Their passwords are public (README): never create them in a real county's database.

The situation-centre roles are all here: the coordinator (`tilannekeskus`), an ED nurse, a
ward nurse, a home-care coordinator, a transport coordinator and a viewer. The ward nurse acts
for the county's first two wards: the demo's situation-centre wards are the county's ward units
(`units.unit_type = 'ward'`), each named by its `unit_id` as its code, so the nurse's units are
those codes."""

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
    ("paivystys", "ed_nurse", "Päivystyksen sairaanhoitaja (demo)"),
    ("osasto", "ward_nurse", "Osaston sairaanhoitaja (demo)"),
    ("kotihoito", "home_care_coordinator", "Kotihoidon koordinaattori (demo)"),
    ("kuljetus", "transport_coordinator", "Kuljetuskoordinaattori (demo)"),
    ("katsoja", "situation_viewer", "Tilannekuvan katsoja (demo)"),
)
#: The county unit type each role tied to units leads or acts for, and how many of them.
UNIT_TYPES = {"supervisor": "health_station", "ward_nurse": "ward"}


def demo_password(user_name: str) -> str:
    return f"demo-{user_name}"


def demo_units(con: duckdb.DuckDBPyConnection, role: str) -> tuple[str, ...]:
    """The units of the demo user of `role`: the county's first two units of the role's type
    (`UNIT_TYPES`; health stations for the supervisor, wards for the ward nurse), none for a
    county-wide role."""
    if role not in UNIT_TYPES:
        return ()
    return tuple(row[0] for row in con.execute(
        "SELECT unit_id FROM units WHERE unit_type = ? ORDER BY unit_id LIMIT 2",
        [UNIT_TYPES[role]]).fetchall())


def create_demo_users(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)creates the demo users; the supervisor leads the county's first two health stations,
    the ward nurse acts for its first two wards (`demo_units`)."""
    existing = {user.user_name for user in users(con)}
    for name, role, display in DEMO_USERS:
        if name in existing:
            remove_user(con, name)
        add_user(con, name, demo_password(name), role, demo_units(con, role), display)
