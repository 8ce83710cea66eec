"""Social care: case initiation and first assessment (ensiarviointi), service-need assessment,
decisions on services and social-work meetings. Home care and 24-hour service housing are in
long_term_care.py.

Outcome shares of the first assessment are set per service task from the county's reports:
families with children are resolved at the first assessment in about 44 % of cases; of
working-age adults about 30 % are not reached, and of those reached about 65 % are resolved.
Home care and 24-hour housing go to older people with high morbidity; they are the largest cost
items per client and so carry much of the cost concentration.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .assembly import Block
from .population import Persons
from .structure import County
from .timeline import at_time, days, null_after, office_seconds
from .visits import add_visits
from .writer import code_index, pick

TASK_SERVICE = {"families": "social_work", "child_welfare": "child_welfare",
                "adults": "social_work", "older_people": "older_people_services",
                "disability": "disability_services"}


@dataclass(frozen=True)
class Task:
    name: str
    age: tuple[int, int]
    per_year: float
    notifiers: dict[str, float]
    phenomena: dict[str, float]
    outcomes: dict[str, float]
    services: dict[str, float]


TASKS = (
    Task("families", (0, 18), 0.025,
         {"self": .35, "family": .15, "health_care": .15, "school": .12, "early_education": .1,
          "other_authority": .05, "anonymous": .03, "other": .05},
         {"parenting": .35, "mental_health": .15, "financial": .1, "school_attendance": .1,
          "domestic_violence": .07, "substance_use": .05, "housing": .05, "loneliness": .03,
          "other": .1},
         {"resolved": .44, "service_need_assessment": .38, "referred_elsewhere": .12,
          "not_reached": .06},
         {"family_work": .6, "home_help": .4}),
    Task("child_welfare", (0, 18), 0.03,
         {"police": .2, "school": .2, "health_care": .15, "early_education": .07,
          "emergency_social": .1, "family": .1, "anonymous": .08, "self": .03,
          "other_authority": .04, "other": .03},
         {"parenting": .3, "domestic_violence": .15, "substance_use": .15, "mental_health": .15,
          "school_attendance": .15, "other": .1},
         {"resolved": .3, "service_need_assessment": .55, "referred_elsewhere": .1,
          "not_reached": .05},
         {"child_welfare_support": .7, "placement": .3}),
    Task("adults", (18, 65), 0.012,
         {"self": .4, "health_care": .2, "police": .08, "emergency_social": .07,
          "other_authority": .1, "family": .1, "other": .05},
         {"financial": .25, "housing": .15, "substance_use": .15, "mental_health": .2,
          "employment": .1, "loneliness": .05, "domestic_violence": .03, "other": .07},
         {"not_reached": .30, "resolved": .70 * .65, "service_need_assessment": .70 * .25,
          "referred_elsewhere": .70 * .10},
         {"income_support": .5, "social_rehabilitation": .3, "community_housing": .2}),
    Task("older_people", (75, 120), 0.06,
         {"family": .35, "health_care": .35, "self": .2, "other": .1},
         {"functional_capacity": .6, "loneliness": .15, "housing": .05, "financial": .05,
          "other": .15},
         {"resolved": .3, "service_need_assessment": .55, "referred_elsewhere": .1,
          "not_reached": .05},
         {"informal_care_support": .4, "transport_service": .4, "home_help": .2}),
    Task("disability", (0, 120), 0.002,
         {"self": .5, "family": .3, "health_care": .2}, {"functional_capacity": 1.0},
         {"resolved": .2, "service_need_assessment": .7, "referred_elsewhere": .05,
          "not_reached": .05},
         {"personal_assistance": .5, "transport_service": .5}),
)


def generate(block: Block, county: County, persons: Persons, rng: np.random.Generator) -> None:
    for task in TASKS:
        _cases(block, county, persons, rng, task)


def _cases(block: Block, county: County, persons: Persons, rng: np.random.Generator,
           task: Task) -> None:
    period = county.period
    eligible = np.flatnonzero((persons.age >= task.age[0]) & (persons.age < task.age[1]))
    rate = task.per_year * period.years * np.ones(len(eligible))
    if task.name == "adults":
        rate *= 1 + 2 * persons.mental[eligible] + 3 * persons.substance[eligible]
    if task.name == "older_people":
        rate *= np.sqrt(persons.morbidity[eligible])
    who = np.repeat(eligible, rng.poisson(rate))
    n = len(who)
    if n == 0:
        return
    day = period.sample_days(rng, n, period.day_weights())
    initiated = at_time(day, office_seconds(rng, n))
    outcome_names = list(task.outcomes)
    outcome = rng.choice(len(outcome_names), n, p=np.array(list(task.outcomes.values())))
    reached = np.array(outcome_names)[outcome] != "not_reached"
    full = np.array(outcome_names)[outcome] == "service_need_assessment"
    contact_day = period.working_day(day + rng.integers(0, 9, n).astype("timedelta64[D]"))
    first_contact = np.maximum(at_time(contact_day, office_seconds(rng, n)),
                               initiated + days(1 / 96))
    started = first_contact + days(rng.uniform(0, 14, n))
    completed = started + days(rng.uniform(7, 80, n))
    end = period.end
    nat = np.datetime64("NaT")
    station = persons.station[who]
    unit = county.station_units["social_work_office"][station]
    age = persons.age_on(day, who)
    child_task = task.name in ("families", "child_welfare")
    # Outcome is known once the first assessment is done; before that it is still open.
    decided_by_extract = np.where(reached, first_contact, initiated + days(14)) < end
    case_rows = block.add(
        "social_cases", person_id=persons.index[who], unit_id=unit,
        service_task=np.full(n, code_index("service_task", [task.name])[0]),
        initiated_at=initiated, notifier_type=pick("notifier_type", rng, n, task.notifiers),
        phenomenon=pick("phenomenon", rng, n, task.phenomena),
        urgent=(rng.random(n) < 0.05).astype(np.int64),
        special_support_child=np.where(child_task, rng.random(n) < 0.1, -1).astype(np.int64),
        entitled_to_7_day_assessment=(age >= 75).astype(np.int64),
        first_contact_at=null_after(np.where(reached, first_contact, nat), end),
        assessment_started_at=null_after(np.where(full, started, nat), end),
        assessment_completed_at=null_after(np.where(full, completed, nat), end),
        outcome=np.where(decided_by_extract, code_index("first_assessment_outcome",
                                                        outcome_names)[outcome], -1))

    meetings = np.repeat(np.flatnonzero(reached), 1 + rng.poisson(np.where(full, 2, 0.3))[reached])
    meet_start = first_contact[meetings] + days(rng.uniform(0, 60, len(meetings)))
    professional = np.where(rng.random(len(meetings)) < 0.6,
                            county.pick_staff(rng, unit[meetings], "social_worker"),
                            county.pick_staff(rng, unit[meetings], "social_counsellor"))
    add_visits(block, county, rng, persons, who=who[meetings], professional=professional,
               start=meet_start, service=TASK_SERVICE[task.name], urgency="non_urgent",
               booked=meet_start - days(rng.uniform(1, 10, len(meetings))),
               contact_types={"physical": 0.6, "home_visit": 0.2, "phone": 0.2},
               status={"done": 0.9, "cancelled": 0.05, "no_show": 0.05}, diagnoses=False)

    assessed = full & (completed < end)
    w = np.flatnonzero(assessed)
    block.add("responsible_worker_assignments", person_id=persons.index[who[w]],
              professional_id=county.pick_staff(rng, unit[w], "social_worker"),
              role=np.full(len(w), code_index("responsible_role", ["responsible_worker"])[0]),
              valid_from=started[w].astype("datetime64[D]"))
    granted = rng.random(len(w)) < 0.85
    decided = completed[w] + days(rng.uniform(0, 14, len(w)))
    service_start = decided + days(rng.uniform(1, 30, len(w)))
    service_end = service_start + days(rng.exponential(200, len(w)))
    keep = decided < end
    block.add("social_decisions", person_id=persons.index[who[w][keep]],
              case_id=case_rows[w][keep], unit_id=unit[w][keep],
              service_type=pick("social_service_type", rng, len(w), task.services)[keep],
              result=code_index("decision_result", ["refused", "granted"])[
                  granted.astype(np.int64)][keep],
              urgent=(rng.random(len(w)) < 0.05)[keep].astype(np.int64),
              decided_at=decided[keep],
              service_started_at=null_after(np.where(granted, service_start, nat), end)[keep],
              service_ended_at=null_after(np.where(granted, service_end, nat), end)[keep])
    plan = keep & granted
    block.add("care_plans", person_id=persons.index[who[w][plan]], unit_id=unit[w][plan],
              plan_type=np.full(plan.sum(), code_index("plan_type", ["client_plan"])[0]),
              created_at=decided[plan] + days(rng.uniform(1, 20, plan.sum())),
              valid_until=(decided[plan] + days(365)).astype("datetime64[D]"))
