"""Features and labels of the 24-hour-care risk model, read from the canonical tables.

One row per person and *index day* (a Helsinki date; the model looks at the person as of the
midnight that begins it):

- the population: residents aged 65 or over in whole years on the index day, alive then
  (no death_date before it) and never in 24-hour service housing before it (no granted
  `service_housing_24h` decision whose service started before the index day);
- the features: age, whether home care is running on the index day, and counts over the
  *lookback*, the 12 calendar months before the index day (``[t0 − 12 months, t0)``) — see
  FEATURES;
- the label for a horizon of h months: the person's first 24-hour housing started on a day in
  ``[t0, t0 + h months)``. With t0 = 1 January 2025 and h = 12 that is 1 January … 31 December
  2025: day 1 is the index day itself, day 365 the last one in the window, and day 366
  (1 January 2026) belongs to the next window. A death in the window without an entry counts
  as no entry (a competing event, not censoring);
- sex and municipality are carried for the fairness report only: they are not features (the
  county decides whether a person's sex or home municipality may change their score; see
  docs/risk-model.md).

The database is read through Ibis as the indicators read it; each event table is joined to
the index days by a range condition, so an event counts for every index day whose lookback
holds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import ibis
import pandas as pd

HOUSING = "service_housing_24h"
#: ICD-10 codes of dementia (F00–F03, Alzheimer's disease G30) by their first three characters.
DEMENTIA = ("F00", "F01", "F02", "F03", "G30")


@dataclass(frozen=True)
class Feature:
    name: str
    description: str


FEATURES = (
    Feature("age", "age in whole years on the index day"),
    Feature("home_care_now", "1 if a granted home-care decision is running on the index day"),
    Feature("home_care_visits", "home-care visits done in the lookback"),
    Feature("ed_visits", "emergency-department visits done in the lookback"),
    Feature("inpatient_stays", "ward stays admitted in the lookback"),
    Feature("inpatient_days", "nights on a ward within the lookback (of stays overlapping it)"),
    Feature("primary_care_visits", "general-practice visits done in the lookback"),
    Feature("outpatient_visits", "specialised outpatient visits done in the lookback"),
    Feature("social_work_visits", "social-work meetings (older people's services, adult "
            "social work, disability services) done in the lookback"),
    Feature("social_cases", "social-care cases initiated in the lookback"),
    Feature("social_services", "granted social-service decisions other than home care and "
            "24-hour housing (informal-care support, transport, home help …) decided in the "
            "lookback"),
    Feature("dementia_diagnoses", "visits and ward stays with a dementia diagnosis "
            "(ICD-10 F00–F03, G30) in the lookback"),
)
FEATURE_NAMES = tuple(f.name for f in FEATURES)
SOCIAL_WORK = ("older_people_services", "social_work", "disability_services")


def add_months(day: date, months: int) -> date:
    """The same day of the month `months` later (earlier if negative); index days are the
    first of a month, so the day always exists."""
    month = day.month - 1 + months
    return day.replace(year=day.year + month // 12, month=month % 12 + 1)


def index_frame(days: list[date], horizons: tuple[int, ...]) -> pd.DataFrame:
    """The index days with their lookback start and the end of each horizon's window."""
    frame = pd.DataFrame({"index_day": days,
                          "since": [add_months(d, -12) for d in days]})
    for h in horizons:
        frame[f"until_{h}"] = [add_months(d, h) for d in days]
    return frame


def build(backend: ibis.BaseBackend, days: list[date], horizons: tuple[int, ...] = (12, 36)
          ) -> pd.DataFrame:
    """Features, label columns ``label_<h>`` (1/0) and sex, municipality for every person in
    the population on each of `days`. A label is only meaningful where the data cover the
    whole window; the caller chooses the days (risk.split)."""
    idx = ibis.memtable(index_frame(days, horizons))
    persons = backend.table("persons")
    base = persons.cross_join(idx)
    t0, born = base.index_day, base.birth_date
    before_birthday = ((t0.month() < born.month())
                       | ((t0.month() == born.month()) & (t0.day() < born.day())))
    base = base.mutate(age=t0.year() - born.year() - before_birthday.cast("int64"))
    base = base.filter(base.age >= 65, base.death_date.isnull() | (base.death_date >= t0))

    decisions = backend.table("social_decisions")
    granted = decisions.filter(decisions.result == "granted",
                               decisions.service_started_at.notnull())
    housing = granted.filter(granted.service_type == HOUSING)
    first_entry = housing.group_by("person_id").aggregate(
        entered=housing.service_started_at.date().min())
    base = base.left_join(first_entry, "person_id").drop("person_id_right")
    base = base.filter(base.entered.isnull() | (base.entered >= base.index_day))

    keys = ["person_id", "index_day"]
    counts = [_home_care_now(granted, idx)]
    counts += _visit_counts(backend.table("visits"), idx)
    counts += _episode_counts(backend.table("episodes"), idx)
    cases = backend.table("social_cases")
    counts.append(_count(cases, cases.initiated_at.date(), idx, "social_cases"))
    other = granted.filter(~granted.service_type.isin(["home_care", HOUSING]))
    counts.append(_count(other, other.decided_at.date(), idx, "social_services"))
    table = base.select("person_id", "index_day", "since", "age", "sex", "municipality",
                        "entered", *[f"until_{h}" for h in horizons])
    for part in counts:
        table = table.left_join(part, keys).drop("person_id_right", "index_day_right")
    table = table.mutate(dementia_diagnoses=table.dementia_visits.fill_null(0)
                         + table.dementia_stays.fill_null(0))
    table = table.mutate(**{name: table[name].fill_null(0) for name in FEATURE_NAMES
                            if name != "age"},
                         **{f"label_{h}": (table.entered.notnull()
                                           & (table.entered < table[f"until_{h}"])
                                           ).cast("int64") for h in horizons})
    frame = table.select(*keys, *FEATURE_NAMES, "sex", "municipality",
                         *[f"label_{h}" for h in horizons]).to_pandas()
    frame["index_day"] = pd.to_datetime(frame["index_day"]).dt.date
    return frame.sort_values(keys, ignore_index=True)


def _in_lookback(events: ibis.Table, day: ibis.Value, idx: ibis.Table) -> ibis.Table:
    """Each event joined to the index days whose lookback holds its day."""
    events = events.mutate(event_day=day)
    return events.join(idx, [events.event_day >= idx.since, events.event_day < idx.index_day])


def _count(events: ibis.Table, day: ibis.Value, idx: ibis.Table, name: str) -> ibis.Table:
    joined = _in_lookback(events.select("person_id", event_day=day), ibis._.event_day, idx)
    return joined.group_by("person_id", "index_day").aggregate(**{name: ibis._.count()})


def _home_care_now(granted: ibis.Table, idx: ibis.Table) -> ibis.Table:
    care = granted.filter(granted.service_type == "home_care")
    care = care.select("person_id", start=care.service_started_at.date(),
                       end=care.service_ended_at.date())
    joined = care.join(idx, [care.start < idx.index_day,
                             care.end.isnull() | (care.end >= idx.index_day)])
    return joined.group_by("person_id", "index_day").aggregate(home_care_now=ibis.literal(1))


def _visit_counts(visits: ibis.Table, idx: ibis.Table) -> list[ibis.Table]:
    done = visits.filter(visits.status == "done")
    done = done.select("person_id", "service", day=done.start_at.date(),
                       dementia=done.diagnosis_icd10.substr(0, 3).isin(DEMENTIA).fill_null(False))
    joined = _in_lookback(done, done.day, idx)
    s = joined.service

    def where(condition: ibis.Value) -> ibis.Value:
        return condition.cast("int64").sum()

    return [joined.group_by("person_id", "index_day").aggregate(
        home_care_visits=where(s == "home_care"), ed_visits=where(s == "emergency"),
        primary_care_visits=where(s == "general_practice"),
        outpatient_visits=where(s == "specialised_outpatient"),
        social_work_visits=where(s.isin(SOCIAL_WORK)),
        dementia_visits=where(joined.dementia))]


def _episode_counts(episodes: ibis.Table, idx: ibis.Table) -> list[ibis.Table]:
    """Stays admitted in the lookback, days on the ward within it, and stays with dementia;
    the dementia count of visits and stays is summed into one feature afterwards."""
    e = episodes.select("person_id", admitted=episodes.admitted_at.date(),
                        discharged=episodes.discharged_at.date(),
                        dementia=episodes.diagnosis_icd10.substr(0, 3).isin(DEMENTIA)
                        .fill_null(False))
    overlap = e.join(idx, [e.admitted < idx.index_day,
                           e.discharged.isnull() | (e.discharged > idx.since)])
    first = ibis.greatest(overlap.admitted, overlap.since)
    last = ibis.least(overlap.discharged.fill_null(overlap.index_day), overlap.index_day)
    admitted_in = (overlap.admitted >= overlap.since).cast("int64")
    return [overlap.group_by("person_id", "index_day").aggregate(
        inpatient_stays=admitted_in.sum(),
        inpatient_days=last.delta(first, unit="day").sum(),
        dementia_stays=(overlap.dementia & (overlap.admitted >= overlap.since))
        .cast("int64").sum())]
