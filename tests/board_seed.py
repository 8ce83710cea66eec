"""A small situation centre for the board's tests, with every figure they check worked out by
hand. `seed(url, now)` fills the situation database at `url` as of `now`; `add_users(db)` adds
the situation-centre users to a county database built by `web_county` (password as there,
"password-" + name).

Wards and beds (ids in order of creation):
- ward 1 OS3 "Sisätautiosasto 3", internal medicine, capacity 4 with 1 isolation room: beds
  1 ("1"), 2 ("2") and 3 ("3", the isolation room), all free. Load 0 / 3 = 0 %, normal.
- ward 2 OS4 "Kirurginen osasto 4", surgery, capacity 2: bed 4 ("1") reserved for request 3,
  bed 5 ("2") blocked ("henkilöstöpula"). Load (0 occupied + 1 reserved) / 2 = 50 %, but no
  bed is free: full.

Routing requests (the ED nurses `ensihoitaja` and `ensihoitaja2` created them):
- 1: internal medicine, urgent, patient P1, by ensihoitaja at `now`, offered to OS3: waited
  0 min, normal.
- 2: surgery, non-urgent, P2, by ensihoitaja2 25 minutes before `now`, open: amber (past 20).
- 3: surgery, emergency, P3, by ensihoitaja 50 minutes before `now`, offered to and accepted by
  OS4: red (past 48). Bed 4 is reserved for it.

Summary: 3 open requests, 2 waited past 20 minutes, 1 past 48; 1 full ward (OS4); for the
nurse of OS3, 1 offered to their ward.

Hand-off 1: ward OS3 to home-care team "Kotihoito 1", patient P4, created. Transport 1: urgent,
"Päivystys" → "OS4", stretcher, for request 3, ordered.

Users: ensihoitaja, ensihoitaja2 (ED nurses), osastohoitaja (ward nurse of OS3),
osastohoitaja4 (ward nurse of OS4), kotihoito (home-care coordinator), kuljetus (transport
coordinator), katsoja (viewer); web_county's tilannekeskus is the coordinator.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import web_county

from tilannekuva.situation import SituationCentre, create_engine, create_schema
from tilannekuva.web import accounts

USERS = (("ensihoitaja", "ed_nurse", ()), ("ensihoitaja2", "ed_nurse", ()),
         ("osastohoitaja", "ward_nurse", ("OS3",)), ("osastohoitaja4", "ward_nurse", ("OS4",)),
         ("kotihoito", "home_care_coordinator", ()), ("kuljetus", "transport_coordinator", ()),
         ("katsoja", "situation_viewer", ()))
COORDINATOR = "tilannekeskus"


def add_users(db: Path) -> None:
    with duckdb.connect(str(db)) as con:
        for name, role, units in USERS:
            accounts.add_user(con, name, web_county.password(name), role, units)


class Clock:
    """A clock the test sets: the service stamps each action with `at`."""

    def __init__(self, at: datetime):
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def seed(url: str, now: datetime) -> None:
    engine = create_engine(url)
    try:
        create_schema(engine)
        clock = Clock(now)
        sc = SituationCentre(engine, clock)
        os3 = sc.create_ward(COORDINATOR, "OS3", "Sisätautiosasto 3", "internal_medicine", 4, 1)
        os4 = sc.create_ward(COORDINATOR, "OS4", "Kirurginen osasto 4", "surgery", 2)
        for label in ("1", "2", "3"):
            sc.create_bed(COORDINATOR, os3["id"], label, is_isolation=label == "3")
        bed4 = sc.create_bed(COORDINATOR, os4["id"], "1")
        bed5 = sc.create_bed(COORDINATOR, os4["id"], "2")
        sc.create_request("ensihoitaja", "internal_medicine", "urgent", patient_ref="P1")
        clock.at = now - timedelta(minutes=25)
        sc.create_request("ensihoitaja2", "surgery", "non_urgent", patient_ref="P2")
        clock.at = now - timedelta(minutes=50)
        sc.create_request("ensihoitaja", "surgery", "emergency", patient_ref="P3")
        clock.at = now
        sc.offer(COORDINATOR, 1, os3["id"])
        sc.offer(COORDINATOR, 3, os4["id"])
        sc.accept("osastohoitaja4", 3)
        sc.bed_action("osastohoitaja4", bed4["id"], "reserve", request_id=3)
        sc.bed_action("osastohoitaja4", bed5["id"], "block", "henkilöstöpula")
        sc.create_handoff("osastohoitaja", os3["id"], "Kotihoito 1", patient_ref="P4")
        sc.order_transport("ensihoitaja", "urgent", "Päivystys", "OS4", ["stretcher"],
                           request_id=3)
    finally:
        engine.dispose()
