"""Primary care: contacts → care-needs assessments → visits, for general practice, oral care and
mental-health and substance services, plus the health checks of child and school health care.

The chain follows the statutory process (TL 51 §): a contact is assessed the same day (a few the
next working day); a non-urgent need is booked after a wait drawn from the station's current mean
wait (exponential, so most visits come within days and a tail waits weeks); urgent needs are seen
the same or next working day. Most non-urgent general-practice visits therefore carry their
assessment id; follow-ups booked by the professional (no assessment) are the visits outside the
THL access statistic. A few visits are excluded from the guarantee (certificates, health checks,
care-plan follow-ups …), some are cancelled or missed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import digital, feedback
from .assembly import Block
from .population import Persons
from .structure import County
from .timeline import at_time, days, office_seconds
from .visits import add_visits, general_practice_professional
from .writer import code_index, pick


@dataclass(frozen=True)
class Line:
    """A service line with a contact → assessment → visit chain."""

    service: str
    contacts_per_year: float        # at morbidity 1
    morbidity_power: float
    channels: dict[str, float]
    assessors: dict[str, float]
    urgency: dict[str, float]
    treatment_needed: float
    treatment_by: dict[str, float]  # profession group -> share (non-urgent)
    unit_type: str                  # unit that sees the client
    mean_wait_days: float | None    # None: the station's general-practice wait model


GENERAL_PRACTICE = Line(
    "general_practice", 0.95, 0.7,
    {"phone": 0.55, "digital_form": 0.12, "omaolo": 0.08, "chat": 0.12, "walk_in": 0.08,
     "callback": 0.05},
    {"nurse": 0.85, "public_health_nurse": 0.10, "physician": 0.05},
    {"emergency": 0.03, "urgent": 0.22, "non_urgent": 0.75}, 0.88,
    {"physician": 0.5, "nurse": 0.5}, "health_station", None)
ORAL_CARE = Line(
    "oral_care", 0.45, 0.2, {"phone": 0.8, "digital_form": 0.2},
    {"dental_hygienist": 0.6, "dentist": 0.4},
    {"urgent": 0.15, "non_urgent": 0.85}, 0.9,
    {"dentist": 0.6, "dental_hygienist": 0.4}, "oral_care_clinic", 35.0)
MENTAL_HEALTH = Line(
    "mental_health", 1.2, 0.3, {"phone": 0.6, "chat": 0.2, "walk_in": 0.2}, {"nurse": 1.0},
    {"urgent": 0.2, "non_urgent": 0.8}, 0.9,
    {"psychologist": 0.5, "nurse": 0.5}, "mental_health_clinic", 12.0)
SUBSTANCE_USE = Line(
    "substance_use", 1.0, 0.3, {"phone": 0.7, "walk_in": 0.3}, {"nurse": 1.0},
    {"urgent": 0.3, "non_urgent": 0.7}, 0.9, {"nurse": 0.7, "psychologist": 0.3},
    "mental_health_clinic", 8.0)

#: Share of assessed non-urgent general-practice visits excluded from the guarantee, by reason.
ASSESSED_EXCLUSIONS = {"certificate": 0.02, "health_check": 0.01, "follow_up": 0.02,
                       "specialist_in_primary_care": 0.01}
#: Follow-up visits booked by the professional, per year at morbidity 1.
FOLLOW_UPS_PER_YEAR = 0.45
#: Share of assessed visits whose client answers the feedback text message.
VISIT_RESPONSE_SHARE = 0.04


def generate(block: Block, county: County, persons: Persons, rng: np.random.Generator,
             has_care_plan: np.ndarray) -> None:
    everyone = np.arange(len(persons))
    _chain(block, county, persons, rng, GENERAL_PRACTICE, everyone)
    _chain(block, county, persons, rng, ORAL_CARE, everyone)
    _chain(block, county, persons, rng, MENTAL_HEALTH, np.flatnonzero(persons.mental))
    _chain(block, county, persons, rng, SUBSTANCE_USE, np.flatnonzero(persons.substance))
    _follow_ups(block, county, persons, rng, has_care_plan)
    _health_checks(block, county, persons, rng)


def _events(rng: np.random.Generator, county: County, persons: Persons, who: np.ndarray,
            per_year: float, power: float) -> np.ndarray:
    """Event owners (block positions), Poisson per person with rate ∝ morbidity^power."""
    rate = per_year * county.period.years * persons.morbidity[who] ** power
    return np.repeat(who, rng.poisson(rate))


def _station_unit(county: County, persons: Persons, who: np.ndarray, unit_type: str):
    station = persons.station[who]
    if unit_type == "health_station":
        return county.station_unit[station]
    return county.station_units[unit_type][station]


def _chain(block: Block, county: County, persons: Persons, rng: np.random.Generator,
           line: Line, eligible: np.ndarray) -> None:
    period = county.period
    who = _events(rng, county, persons, eligible, line.contacts_per_year, line.morbidity_power)
    n = len(who)
    if n == 0:
        return
    day = period.sample_days(rng, n, period.day_weights())
    contact_at = at_time(day, office_seconds(rng, n))
    channel_names = list(line.channels)
    channel = rng.choice(len(channel_names), n, p=np.array(list(line.channels.values())))
    region = county.station_region[persons.station[who]]
    home_unit = _station_unit(county, persons, who, line.unit_type)
    remote = np.isin(np.array(channel_names)[channel], ["phone", "callback"])
    online = np.isin(np.array(channel_names)[channel], ["chat", "omaolo", "digital_form"])
    contact_unit = home_unit.copy()
    if line.service == "general_practice":
        contact_unit[remote] = county.region_units["phone_service"][region[remote]]
        contact_unit[online] = county.region_units["digital_service"][region[online]]
    contact_rows = block.add(
        "contacts", person_id=persons.index[who], unit_id=contact_unit, contact_at=contact_at,
        channel=code_index("contact_channel", channel_names)[channel],
        service=np.full(n, code_index("service", [line.service])[0]))
    digital.contact_usage(block, county, persons, rng, who, contact_unit, contact_at,
                          np.array(channel_names)[channel])

    # Same-day assessment for most; the rest on the next working day.
    next_day = rng.random(n) < 0.08
    assess_day = np.where(next_day, period.working_day(day + 1), day)
    assessed_at = np.maximum(at_time(assess_day, office_seconds(rng, n)),
                             contact_at + days(rng.uniform(0.003, 0.1, n)))
    urgency_names = list(line.urgency)
    urgency = rng.choice(len(urgency_names), n, p=np.array(list(line.urgency.values())))
    urgency_code = code_index("urgency", urgency_names)[urgency]
    needed = rng.random(n) < line.treatment_needed
    groups = list(line.treatment_by)
    group = rng.choice(len(groups), n, p=np.array(list(line.treatment_by.values())))
    group = np.where(np.array(urgency_names)[urgency] == "emergency",
                     groups.index(groups[0]), group)
    by_profession = code_index("profession", groups)[group]
    assessment_rows = block.add(
        "care_need_assessments", person_id=persons.index[who], unit_id=contact_unit,
        contact_id=contact_rows, assessed_at=assessed_at,
        assessor_profession=pick("profession", rng, n, line.assessors),
        urgency=urgency_code, service=np.full(n, code_index("service", [line.service])[0]),
        treatment_needed=needed.astype(np.int64), treatment_by=np.where(needed, by_profession,
                                                                          -1))

    urgent = np.array(urgency_names)[urgency] == "urgent"
    visit = needed & (np.array(urgency_names)[urgency] != "emergency")
    for g, group_name in enumerate(groups):
        sel = visit & (group == g)
        if not sel.any():
            continue
        w, station = who[sel], persons.station[who[sel]]
        if line.mean_wait_days is None:
            mean = county.wait_mean(station, assess_day[sel], "nurse" if group_name != "physician"
                                    else "physician")
            professional = general_practice_professional(county, rng, persons, w,
                                                         "physician" if group_name == "physician"
                                                         else "nurse")
        else:
            mean = np.full(sel.sum(), line.mean_wait_days)
            professional = county.pick_staff(rng, home_unit[sel], group_name)
        wait = np.where(urgent[sel], rng.integers(0, 2, sel.sum()),
                        np.floor(rng.exponential(mean)))
        visit_day = period.working_day(assess_day[sel] + wait.astype("timedelta64[D]"))
        start = np.maximum(at_time(visit_day, office_seconds(rng, sel.sum())),
                           assessed_at[sel] + days(1 / 48))
        booked = assessed_at[sel] + days(rng.uniform(0.001, 0.02, sel.sum()))
        excluded = np.full(sel.sum(), -1)
        if line.service == "general_practice":
            excluded = np.where(urgent[sel], -1, _exclusions(rng, sel.sum()))
        add_visits(block, county, rng, persons, who=w, professional=professional, start=start,
                   service=line.service, urgency=urgency_code[sel], booked=booked,
                   assessment=assessment_rows[sel], exclusion=excluded,
                   first_care_event=(~urgent[sel]) & (excluded < 0))
        answer = (rng.random(len(w)) < VISIT_RESPONSE_SHARE) & (start < period.end)
        feedback.respond(block, rng, unit=county.professional_unit[professional[answer]],
                         when=start[answer], service=line.service, service_channel="physical",
                         language=persons.language[w[answer]], profile="visit",
                         response_channels={"sms": 0.6, "web": 0.3, "kiosk": 0.1})
    if line.service in ("mental_health", "substance_use"):
        _treatment_series(block, county, persons, rng, line, who[visit], assess_day[visit])


def _exclusions(rng: np.random.Generator, n: int) -> np.ndarray:
    share = sum(ASSESSED_EXCLUSIONS.values())
    reasons = code_index("guarantee_exclusion", list(ASSESSED_EXCLUSIONS))
    p = np.array(list(ASSESSED_EXCLUSIONS.values())) / share
    return np.where(rng.random(n) < share, reasons[rng.choice(len(reasons), n, p=p)], -1)


def _treatment_series(block: Block, county: County, persons: Persons, rng: np.random.Generator,
                      line: Line, who: np.ndarray, first_day: np.ndarray) -> None:
    """Mental-health and substance care continue as a series of booked visits."""
    count = rng.poisson(5, len(who))
    owner = np.repeat(np.arange(len(who)), count)
    if len(owner) == 0:
        return
    day = county.period.working_day(first_day[owner] + rng.integers(7, 180, len(owner)).astype(
        "timedelta64[D]"))
    start = at_time(day, office_seconds(rng, len(owner)))
    unit = _station_unit(county, persons, who[owner], line.unit_type)
    group = np.array(list(line.treatment_by))[rng.integers(0, len(line.treatment_by),
                                                           len(owner))]
    professional = np.where(group == "nurse", county.pick_staff(rng, unit, "nurse"),
                            county.pick_staff(rng, unit, "psychologist"))
    add_visits(block, county, rng, persons, who=who[owner], professional=professional,
               start=start, service=line.service, urgency="non_urgent",
               booked=start - days(rng.uniform(5, 30, len(owner))),
               exclusion=np.full(len(owner), code_index("guarantee_exclusion", ["care_plan"])[0]),
               first_care_event=np.zeros(len(owner), dtype=bool))


def _follow_ups(block: Block, county: County, persons: Persons, rng: np.random.Generator,
                has_care_plan: np.ndarray) -> None:
    """General-practice visits booked by the professional, without a care-needs assessment."""
    period = county.period
    who = _events(rng, county, persons, np.arange(len(persons)), FOLLOW_UPS_PER_YEAR, 0.9)
    n = len(who)
    day = period.sample_days(rng, n, period.day_weights())
    start = at_time(day, office_seconds(rng, n))
    group = np.where(rng.random(n) < 0.5, "physician", "nurse")
    professional = np.empty(n, dtype=np.int64)
    for g in ("physician", "nurse"):
        sel = group == g
        professional[sel] = general_practice_professional(county, rng, persons, who[sel], g)
    reasons = code_index("guarantee_exclusion", ["follow_up", "care_plan"])
    exclusion = np.where(has_care_plan[who] & (rng.random(n) < 0.6), reasons[1],
                         np.where(rng.random(n) < 0.4, reasons[0], -1))
    add_visits(block, county, rng, persons, who=who, professional=professional, start=start,
               service="general_practice", urgency="non_urgent",
               booked=start - days(rng.uniform(3, 60, n)), exclusion=exclusion,
               first_care_event=np.zeros(n, dtype=bool),
               assessment=np.full(n, -1))


def _health_checks(block: Block, county: County, persons: Persons, rng: np.random.Generator):
    """Child-health and school-health checks by public-health nurses (outside the guarantee)."""
    period = county.period
    for service, lo, hi, per_year in (("maternity_child_health", 0, 7, 2.5),
                                      ("school_student_health", 7, 19, 0.8)):
        eligible = np.flatnonzero((persons.age >= lo) & (persons.age < hi))
        who = np.repeat(eligible, rng.poisson(per_year * period.years, len(eligible)))
        n = len(who)
        if n == 0:
            continue
        start = at_time(period.sample_days(rng, n, period.day_weights(july_dip=0.3)),
                        office_seconds(rng, n))
        unit = county.station_unit[persons.station[who]]
        add_visits(block, county, rng, persons, who=who,
                   professional=county.pick_staff(rng, unit, "nurse"), start=start,
                   service=service, urgency="non_urgent", booked=start - days(30),
                   contact_types={"physical": 1.0},
                   exclusion=np.full(n, code_index("guarantee_exclusion", ["health_check"])[0]),
                   first_care_event=np.zeros(n, dtype=bool), diagnoses=False)



