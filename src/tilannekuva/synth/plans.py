"""Health and care plans and named responsible professionals (omalääkäri, omahoitaja).

Modelling assumptions: people with high morbidity (about the top sixth of adults) have a health
and care plan, renewed yearly; plan holders always have a named own doctor and nurse, and about
40 % of other residents a named own doctor. The named professional is the one the continuity
model favours (see visits.py), so the share with a named worker and the continuity indices come
from the same latent choice. Assignments started before the period and stay valid through it.

Most plans started before the simulated period; a share of the holders (`NEW_PLAN_SHARE`) get
their first plan during it, on a uniformly drawn day. A new plan is made when a client's needs
grow: in the weeks before it the client has extra urgent general-practice visits
(`PRE_PLAN_VISITS`), a passing rise of use that then ends. The plan itself changes nothing
afterwards: the holder's use after the plan follows their morbidity as before. So a
before/after comparison of new plans shows a fall that is regression to the mean, not an
effect of the plan (see docs/care-plans.md). The follow-up visits primary_care.py marks as
care-plan visits are drawn for every holder over the whole period, also before a new plan.
"""

from __future__ import annotations

import numpy as np

from .assembly import Block
from .population import Persons
from .structure import County
from .timeline import at_time, days, office_seconds
from .visits import add_visits, general_practice_professional
from .writer import code_index

PLAN_MORBIDITY = 2.0
#: Share of plan holders whose first plan is made during the simulated period.
NEW_PLAN_SHARE = 0.3
#: Mean number of extra urgent general-practice visits in the `PRE_PLAN_DAYS` days before a
#: new plan.
PRE_PLAN_VISITS = 4.0
PRE_PLAN_DAYS = 90


def generate(block: Block, county: County, persons: Persons,
             rng: np.random.Generator) -> np.ndarray:
    """Write plans and assignments; returns whether each person has a health and care plan."""
    period = county.period
    n = len(persons)
    has_plan = (persons.age >= 18) & (persons.morbidity > PLAN_MORBIDITY)
    who = np.flatnonzero(has_plan)
    first = period.first_day - rng.integers(0, 365, len(who)).astype("timedelta64[D]")
    new = rng.random(len(who)) < NEW_PLAN_SHARE
    first[new] = period.first_day + rng.integers(0, period.n_days, int(new.sum())).astype(
        "timedelta64[D]")
    _pre_plan_visits(block, county, persons, rng, who[new], first[new])
    renewals = np.arange(period.years + 1)
    owner = np.repeat(who, len(renewals))
    day = np.repeat(first, len(renewals)) + np.tile(renewals * 365, len(who)).astype(
        "timedelta64[D]")
    keep = day < period.end_day
    owner, day = owner[keep], day[keep]
    block.add("care_plans", person_id=persons.index[owner],
              unit_id=county.station_unit[persons.station[owner]],
              plan_type=np.full(len(owner), code_index("plan_type", ["health_and_care_plan"])[0]),
              created_at=at_time(day, office_seconds(rng, len(owner))),
              valid_until=day + np.timedelta64(365, "D"))

    doctor = has_plan | (rng.random(n) < 0.4)
    nurse = has_plan | (rng.random(n) < 0.15)
    roles = code_index("responsible_role", ["own_doctor", "own_nurse"])
    for named, professional, role in ((doctor, persons.own_physician, roles[0]),
                                      (nurse, persons.own_nurse, roles[1])):
        w = np.flatnonzero(named)
        block.add("responsible_worker_assignments", person_id=persons.index[w],
                  professional_id=professional[w], role=np.full(len(w), role),
                  valid_from=period.first_day - rng.integers(0, 3 * 365, len(w)).astype(
                      "timedelta64[D]"))
    return has_plan


def _pre_plan_visits(block: Block, county: County, persons: Persons, rng: np.random.Generator,
                     who: np.ndarray, plan_day: np.ndarray) -> None:
    """The passing rise of use before a new plan: urgent general-practice visits (doctor or
    nurse, booked by the professional within days, no care-needs assessment: control visits
    of a worsening condition) on working days in the `PRE_PLAN_DAYS` days before the plan
    day, none before the simulated period. Urgent, so the non-urgent access and assessment
    figures the county is calibrated to stay as they were."""
    count = rng.poisson(PRE_PLAN_VISITS, len(who))
    owner = np.repeat(np.arange(len(who)), count)
    day = county.period.working_day(plan_day[owner] - rng.integers(
        1, PRE_PLAN_DAYS + 1, len(owner)).astype("timedelta64[D]"))
    keep = day >= county.period.first_day
    owner, day = owner[keep], day[keep]
    n = len(owner)
    start = at_time(day, office_seconds(rng, n))
    group = np.where(rng.random(n) < 0.5, "physician", "nurse")
    professional = np.empty(n, dtype=np.int64)
    for g in ("physician", "nurse"):
        sel = group == g
        professional[sel] = general_practice_professional(county, rng, persons,
                                                          who[owner[sel]], g)
    add_visits(block, county, rng, persons, who=who[owner], professional=professional,
               start=start, service="general_practice", urgency="urgent",
               booked=start - days(rng.uniform(0.05, 3, n)),
               first_care_event=np.zeros(n, dtype=bool), assessment=np.full(n, -1))
