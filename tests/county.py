"""A tiny hand-built county for indicator tests: rows written straight into a DuckDB store
(with the canonical DDL), so each test states only the facts its hand-worked answer depends
on. Columns a test does not name get the defaults below; references to persons, units and
professionals that a test names but does not add are added with defaults too."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from tilannekuva.indicators import Parameters, Sources, duckdb_file
from tilannekuva.schema import TABLES_BY_NAME
from tilannekuva.store import configure, create_tables

HELSINKI = ZoneInfo("Europe/Helsinki")

DEFAULTS: dict[str, dict] = {
    "persons": {"birth_date": date(1980, 6, 15), "sex": "2", "municipality": "272",
                "language": "fi"},
    "units": {"name": "Unit", "service_area": "primary_care", "municipality": "272",
              "level": "primary", "unit_type": "health_station"},
    "professionals": {"profession": "physician", "unit_id": "U1"},
    "contacts": {"person_id": "P1", "unit_id": "U1", "channel": "phone",
                 "service": "general_practice"},
    "care_need_assessments": {"person_id": "P1", "unit_id": "U1", "assessor_profession": "nurse",
                              "urgency": "non_urgent", "service": "general_practice",
                              "treatment_needed": True},
    "visits": {"person_id": "P1", "unit_id": "U1", "profession": "physician",
               "contact_type": "physical", "service": "general_practice",
               "urgency": "non_urgent", "status": "done"},
    "appointment_slots": {"unit_id": "U1", "profession": "physician", "slot_type": "non_urgent"},
    "referrals": {"person_id": "P1", "to_unit_id": "S1", "specialty": "internal_medicine",
                  "priority": "non_urgent"},
    "social_cases": {"person_id": "P1", "unit_id": "SO1", "service_task": "older_people",
                     "notifier_type": "client"},
    "social_decisions": {"person_id": "P1", "unit_id": "SO1", "service_type": "home_care",
                         "result": "granted"},
    "episodes": {"person_id": "P1", "unit_id": "W1", "specialty": "psychiatry",
                 "admission_source": "referral"},
    "care_plans": {"person_id": "P1", "unit_id": "U1", "plan_type": "health_and_care_plan"},
    "responsible_worker_assignments": {"person_id": "P1", "role": "own_doctor"},
    "feedback_responses": {"unit_id": "U1", "service": "general_practice",
                           "service_channel": "physical", "response_channel": "sms",
                           "language": "fi"},
    "digital_usage": {"person_id": "P1", "unit_id": "D1", "digital_service": "nurse_chat"},
    "digital_pathways": {"person_id": "P1", "unit_id": "U1", "pathway": "diabetes",
                         "status": "active"},
}

UNIT_DEFAULTS = {
    "S1": {"service_area": "specialised_care", "level": "specialised",
           "unit_type": "outpatient_clinic", "specialty": "internal_medicine"},
    "SO1": {"service_area": "older_people", "level": "social", "unit_type": "social_work_office"},
    "W1": {"service_area": "specialised_care", "level": "specialised", "unit_type": "ward",
           "specialty": "psychiatry", "beds": 20},
    "ED": {"service_area": "emergency", "level": "specialised",
           "unit_type": "emergency_department"},
    "D1": {"service_area": "primary_care", "level": "primary", "unit_type": "digital_service"},
}


def at(text: str) -> datetime:
    """'2024-03-01 10:00' as an aware Helsinki time."""
    return datetime.fromisoformat(text).replace(tzinfo=HELSINKI)


class County:
    """Collects rows, then `sources()` writes them to a store and opens it for indicators."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows: dict[str, list[dict]] = {name: [] for name in TABLES_BY_NAME}

    def add(self, table: str, **values) -> County:
        row = {**DEFAULTS.get(table, {}), **values}
        for column, value in row.items():
            if isinstance(value, str) and TABLES_BY_NAME[table].column(column).type == "timestamp":
                row[column] = at(value)
            elif isinstance(value, str) and TABLES_BY_NAME[table].column(column).type == "date":
                row[column] = date.fromisoformat(value)
        self.rows[table].append(row)
        return self

    def person(self, person_id: str, born: str = "1980-06-15", **values) -> County:
        return self.add("persons", person_id=person_id, birth_date=born, **values)

    def _complete_references(self) -> None:
        have = {t: {r[k] for r in self.rows[t]} for t, k in
                (("persons", "person_id"), ("units", "unit_id"),
                 ("professionals", "professional_id"))}
        for table in ("contacts", "care_need_assessments", "visits", "appointment_slots",
                      "referrals", "social_cases", "social_decisions", "professionals",
                      "episodes", "care_plans", "responsible_worker_assignments",
                      "feedback_responses", "digital_usage", "digital_pathways"):
            for row in self.rows[table]:
                for column, target, key in (("person_id", "persons", "person_id"),
                                            ("unit_id", "units", "unit_id"),
                                            ("to_unit_id", "units", "unit_id"),
                                            ("professional_id", "professionals",
                                             "professional_id")):
                    value = row.get(column)
                    if value is not None and value not in have[target]:
                        extra = UNIT_DEFAULTS.get(value, {}) if target == "units" else {}
                        if target == "professionals":
                            extra = {"profession": row.get("profession", "physician"),
                                     "unit_id": row.get("unit_id", "U1")}
                        self.rows[target].insert(0, {**DEFAULTS[target], key: value, **extra})
                        have[target].add(value)
        if "U1" not in have["units"] and self.rows["professionals"]:
            self.rows["units"].insert(0, {**DEFAULTS["units"], "unit_id": "U1"})

    def write(self) -> Path:
        self._complete_references()
        self._complete_references()
        with duckdb.connect(str(self.path)) as con:
            configure(con)
            create_tables(con)
            for table in TABLES_BY_NAME.values():
                rows = self.rows[table.name]
                if not rows:
                    continue
                names = [c.name for c in table.columns]
                marks = ", ".join("?" for _ in names)
                con.executemany(f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({marks})",
                                [[row.get(n) for n in names] for row in rows])
        return self.path

    def sources(self, parameters: Parameters | None = None) -> Sources:
        self.write()
        return Sources(duckdb_file(self.path), parameters or Parameters())
