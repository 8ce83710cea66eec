"""What the synthetic traffic takes from the county database (DuckDB): the wards with their
beds, the lengths of stay and discharge destinations of the county's inpatient episodes, the
patients (person pseudonyms) and the home-care teams; and `setup_wards`, which creates the
situation centre's wards and beds from the county's ward units.

Shared decision (docs/situation.md): a situation-centre ward's `code` is the county
`units.unit_id` of a unit with `unit_type = 'ward'`, so the exported history joins to `units`;
home-care teams are named by their unit_id; `patient_ref` is the county `person_id`."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import duckdb
import sqlalchemy as sa

from tilannekuva.situation import traffic_model as model
from tilannekuva.situation.database import read
from tilannekuva.situation.errors import Conflict
from tilannekuva.situation.service import SituationCentre
from tilannekuva.situation.tables import beds, wards

SETUP_ACTOR = "tilannekuva-setup"
#: Episodes a specialty needs before its own length of stay and destinations are trusted.
MIN_EPISODES = 20
#: Patients drawn per specialty (a fixed pseudo-random sample, so a national county stays cheap).
PATIENT_SAMPLE = 5_000
ISOLATION_SHARE_OF_BEDS = 0.10


@dataclass(frozen=True)
class CountyWard:
    code: str       # units.unit_id
    name: str
    specialty: str
    beds: int

    @property
    def isolation_rooms(self) -> int:
        """Assumption: a tenth of the beds, rounded up, at least one, are isolation rooms (the
        county data does not say)."""
        return min(self.beds, max(1, math.ceil(ISOLATION_SHARE_OF_BEDS * self.beds)))

    def bed_labels(self) -> list[tuple[str, bool]]:
        """(label, is isolation room): "1"… for the beds, "E1"… for the isolation rooms."""
        rooms = self.isolation_rooms
        return ([(str(n), False) for n in range(1, self.beds - rooms + 1)]
                + [(f"E{n}", True) for n in range(1, rooms + 1)])


@dataclass
class CountyFacts:
    wards: list[CountyWard]
    los_days: dict[str, float] = field(default_factory=dict)            # specialty → mean
    destinations: dict[str, dict[str, float]] = field(default_factory=dict)
    patients: dict[str, list[str]] = field(default_factory=dict)       # specialty → person ids
    all_patients: list[str] = field(default_factory=list)
    municipality: dict[str, str] = field(default_factory=dict)         # person → municipality
    home_care_teams: dict[str, list[str]] = field(default_factory=dict)  # municipality → ids
    service_housing: dict[str, list[str]] = field(default_factory=dict)  # municipality → names
    ed_name: str = "Päivystys"

    def mean_los(self, specialty: str) -> float:
        return self.los_days.get(specialty, model.DEFAULT_LOS_DAYS)

    def destination_shares(self, specialty: str) -> dict[str, float]:
        return (self.destinations.get(specialty) or self.destinations.get("")
                or model.DESTINATIONS_DEFAULT)

    def teams_for(self, person: str | None) -> list[str]:
        """The home-care teams of the person's municipality, else all the county's teams."""
        local = self.home_care_teams.get(self.municipality.get(person or "", ""), [])
        return local or sorted(t for teams in self.home_care_teams.values() for t in teams)


def county_wards(con: duckdb.DuckDBPyConnection) -> list[CountyWard]:
    """The county's ward units with a positive number of beds, by unit_id."""
    rows = con.execute(
        "SELECT unit_id, name, specialty, beds FROM units WHERE unit_type = 'ward' "
        "AND specialty IS NOT NULL AND beds > 0 ORDER BY unit_id").fetchall()
    return [CountyWard(code, name, specialty, int(n)) for code, name, specialty, n in rows]


def county_facts(con: duckdb.DuckDBPyConnection) -> CountyFacts:
    """Everything the traffic takes from the county, read once (DuckDB connections are not
    shared across threads, so the live mode reads here, in the caller's thread)."""
    facts = CountyFacts(county_wards(con))
    for specialty, n, days in con.execute(
            "SELECT specialty, count(*), avg(epoch(discharged_at - admitted_at)) / 86400 "
            "FROM episodes WHERE discharged_at IS NOT NULL GROUP BY specialty").fetchall():
        if n >= MIN_EPISODES:
            facts.los_days[specialty] = float(days)
    shares: dict[str, dict[str, float]] = {"": {}}
    for specialty, destination, n in con.execute(
            "SELECT specialty, discharged_to, count(*) FROM episodes "
            "WHERE discharged_to IS NOT NULL AND discharged_to <> 'died' "
            "GROUP BY ALL ORDER BY 1, 2").fetchall():
        shares.setdefault(specialty, {})[destination] = float(n)
        shares[""][destination] = shares[""].get(destination, 0.0) + n
    facts.destinations = {s: d for s, d in shares.items() if sum(d.values()) >= MIN_EPISODES}
    for specialty in sorted({w.specialty for w in facts.wards}):
        facts.patients[specialty] = [r[0] for r in con.execute(
            "SELECT DISTINCT person_id, md5(person_id) FROM episodes WHERE specialty = ? "
            "ORDER BY 2 LIMIT ?", [specialty, PATIENT_SAMPLE]).fetchall()]
    facts.all_patients = [r[0] for r in con.execute(
        "SELECT person_id, md5(person_id) FROM persons ORDER BY 2 LIMIT ?",
        [PATIENT_SAMPLE]).fetchall()]
    people = sorted({p for pool in facts.patients.values() for p in pool}
                    | set(facts.all_patients))
    if people:
        facts.municipality = dict(con.execute(
            "SELECT person_id, municipality FROM persons WHERE person_id IN "
            "(SELECT unnest(?::VARCHAR[]))", [people]).fetchall())
    for kind, target in (("home_care_team", facts.home_care_teams),
                         ("service_housing", facts.service_housing)):
        for municipality, unit_id, name in con.execute(
                "SELECT municipality, unit_id, name FROM units WHERE unit_type = ? "
                "ORDER BY unit_id", [kind]).fetchall():
            target.setdefault(municipality or "", []).append(
                unit_id if kind == "home_care_team" else name)
    ed = con.execute("SELECT name FROM units WHERE unit_type = 'emergency_department' "
                     "ORDER BY unit_id LIMIT 1").fetchone()
    if ed:
        facts.ed_name = ed[0]
    return facts


def setup_wards(centre: SituationCentre, county: duckdb.DuckDBPyConnection | CountyFacts,
                actor: str = SETUP_ACTOR) -> dict[str, int]:
    """Create the situation centre's wards and beds from the county's ward units (code =
    unit_id, capacity = beds, isolation rooms as `CountyWard.isolation_rooms`); returns ward
    code → ward id. Idempotent: wards and beds that exist are left as they are, so a second
    call changes nothing (nor does it resize a ward whose county bed count changed)."""
    planned = county.wards if isinstance(county, CountyFacts) else county_wards(county)
    existing = read(centre.engine, lambda con: (
        {r.code: r.id for r in con.execute(sa.select(wards.c.code, wards.c.id))},
        {(r.ward_id, r.label) for r in con.execute(sa.select(beds.c.ward_id, beds.c.label))}))
    ids, labels = existing
    for ward in planned:
        if ward.code not in ids:
            ids[ward.code] = centre.create_ward(actor, ward.code, ward.name, ward.specialty,
                                                ward.beds, ward.isolation_rooms)["id"]
        for label, isolation in ward.bed_labels():
            if (ids[ward.code], label) in labels:
                continue
            try:
                centre.create_bed(actor, ids[ward.code], label, is_isolation=isolation)
            except Conflict:  # a ward of that code made by hand with fewer beds or rooms
                continue
    return {w.code: ids[w.code] for w in planned}
