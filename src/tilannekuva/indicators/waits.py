"""Waits: from a start event to an end event, judged by the access rule in force.

A *wait kind* (each capability module's `WAIT_KINDS`) is a function from `Sources` to a table
of judged waits, one row per wait, with at least these columns:

    record_id (the assessment, referral, case or decision the wait belongs to), person_id,
    unit, start_date, end_date (null while waiting), closed_date (null unless the
    wait ended without its end event, e.g. a referral removed from the list), rule (null when
    no rule was in force), due_date, age_band, municipality, service_area

plus the dimensions of its kind. Compliance indicators read the realised waits
(`compliance_events`); the overdue list (`overdue`) reads the open ones. So "which rule judges
this wait and when is it due" is answered once per kind, for both.

Every access indicator and the overdue list are built from the helpers here:

- `with_person` adds the person's age on the start day, the age band and the municipality;
- `with_unit` adds the unit's service area;
- `judge` joins the deadline table (`Sources.deadlines`): the rule in force on the start day
  for the person's age, and its due date. A wait names the rule service it belongs to and,
  optionally, a fallback service whose rules apply when the first has none in force (for
  example under-23 mental-health referrals: the TL 53 § rules, else the general TL 52 § ones).
  A wait with no rule in force has `rule` null and is outside every compliance figure.

The schema's service lines map to the rules' services as below (an assumption named in
docs/indicators.md): every primary-care outpatient service line is under the primary-care
rules; psychiatric specialties are under the under-23 mental-health rules for under-23s.
"""

from __future__ import annotations

from collections.abc import Callable

import ibis
import ibis.expr.types as ir

from .dimensions import age_band
from .sources import Sources

#: Schema service lines judged by the primary-care rules (P0–P5, TL 51 and 51 a §).
PRIMARY_CARE_SERVICES = (
    "general_practice", "maternity_child_health", "school_student_health", "mental_health",
    "substance_use", "rehabilitation",
)
#: Schema service lines judged by the oral-care rules (O1–O5, TL 51 b §).
ORAL_CARE_SERVICES = ("oral_care",)
#: Specialties whose referrals fall under the under-23 mental-health rules (M1–M3, TL 53 §).
PSYCHIATRIC_SPECIALTIES = ("psychiatry", "adolescent_psychiatry", "child_psychiatry")


def whole_years(born: ir.DateValue, on: ir.DateValue) -> ir.IntegerValue:
    """Age in whole years on a day (born 29 February: a year older on 1 March in common
    years), as `rules.age_on` computes it."""
    before_birthday = (on.month() * 100 + on.day()) < (born.month() * 100 + born.day())
    return on.year() - born.year() - before_birthday.cast("int32")


def with_person(t: ir.Table, src: Sources, on: str = "start_date") -> ir.Table:
    """Adds `age` (on the day in column `on`), `age_band` and `municipality` (of residence)."""
    p = src.table("persons").select("person_id", "birth_date", municipality="municipality")
    t = t.join(p, "person_id")
    t = t.mutate(age=whole_years(t.birth_date, t[on]))
    return t.mutate(age_band=age_band(t.age, src.parameters.age_bands)).drop("birth_date")


def with_unit(t: ir.Table, src: Sources, unit: str = "unit") -> ir.Table:
    """Adds `service_area` of the unit in column `unit`."""
    u = src.table("units").select(_unit="unit_id", service_area="service_area")
    return t.join(u, t[unit] == u._unit).drop("_unit")


def judge(t: ir.Table, src: Sources, start_event: str, end_event: str) -> ir.Table:
    """Adds `rule` and `due_date`: the rule in force on `start_date` for `age`, looked up by
    `rule_service`, else by `fallback_service` when the wait has that column (a kind without
    fallbacks leaves it out and saves a join). Drops both service columns."""
    deadlines = src.deadlines(start_event, end_event)
    services = [c for c in ("rule_service", "fallback_service") if c in t.columns]
    for i, service in enumerate(services):
        d = deadlines.select(**{f"_s{i}": "rule_service", f"_d{i}": "start_date",
                                f"_lo{i}": "age_min", f"_hi{i}": "age_max",
                                f"_rule{i}": "rule", f"_due{i}": "due_date"})
        low, high = d[f"_lo{i}"], d[f"_hi{i}"]
        t = t.left_join(d, [t[service] == d[f"_s{i}"], t.start_date == d[f"_d{i}"],
                            low.isnull() | (t.age >= low), high.isnull() | (t.age <= high)])
    found = range(len(services))
    t = t.mutate(rule=ibis.coalesce(*[t[f"_rule{i}"] for i in found]),
                 due_date=ibis.coalesce(*[t[f"_due{i}"] for i in found]))
    return t.drop(*services, *[c for c in t.columns if c.startswith("_")])


def first_realised_visits(src: Sources) -> ir.Table:
    """The first realised (status done) visit linked to each care-needs assessment, by start
    time: the visit that ends the wait. Cancelled and no-show bookings never end it, and a later
    visit on the same assessment is a follow-up. Columns: assessment_id, visit_unit,
    visit_profession, contact_type, visit_date, excluded (a visit type outside the care
    guarantee)."""
    v = src.table("visits")
    done = v.filter(v.status == "done", v.assessment_id.notnull())
    done = done.mutate(_k=ibis.row_number().over(group_by=done.assessment_id,
                                                 order_by=[done.start_at, done.visit_id]))
    first = done.filter(done._k == 0)
    return first.select("assessment_id", visit_unit=first.unit_id,
                        visit_profession=first.profession, contact_type=first.contact_type,
                        visit_date=first.start_at.date(),
                        excluded=first.guarantee_exclusion.notnull())


def compliance(kind: Callable[[Sources], ir.Table]) -> Callable[[Sources], ir.Table]:
    """The events of a compliance indicator over wait kind `kind` (computed once per run)."""
    def events(src: Sources) -> ir.Table:
        return compliance_events(src.cached(kind))
    return events


def compliance_events(waits: ir.Table) -> ir.Table:
    """Realised waits with a rule in force, as indicator events: placed on the day the wait
    ended (THL's method: the month of the visit, the start of treatment, ...), `hit` when it
    ended on or before the due date, `amount` the wait in whole days."""
    done = waits.filter(waits.end_date.notnull(), waits.rule.notnull())
    return done.mutate(day=done.end_date, subject=done.person_id,
                       hit=done.end_date <= done.due_date,
                       amount=done.end_date.delta(done.start_date, unit="day"))
