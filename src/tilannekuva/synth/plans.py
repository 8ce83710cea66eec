"""Health and care plans and named responsible professionals (omalääkäri, omahoitaja).

Modelling assumptions: people with high morbidity (about the top sixth of adults) have a health
and care plan, renewed yearly; plan holders always have a named own doctor and nurse, and about
40 % of other residents a named own doctor. The named professional is the one the continuity
model favours (see visits.py), so the share with a named worker and the continuity indices come
from the same latent choice. Assignments started before the period and stay valid through it.
"""

from __future__ import annotations

import numpy as np

from .assembly import Block
from .population import Persons
from .structure import County
from .timeline import at_time, office_seconds
from .writer import code_index

PLAN_MORBIDITY = 2.0


def generate(block: Block, county: County, persons: Persons,
             rng: np.random.Generator) -> np.ndarray:
    """Write plans and assignments; returns whether each person has a health and care plan."""
    period = county.period
    n = len(persons)
    has_plan = (persons.age >= 18) & (persons.morbidity > PLAN_MORBIDITY)
    who = np.flatnonzero(has_plan)
    first = period.first_day - rng.integers(0, 365, len(who)).astype("timedelta64[D]")
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
