"""Home care and 24-hour service housing for frail older people, with a known hazard of
entering 24-hour housing.

The risk model (forecasting/risk.py) estimates the probability that a client aged 65 or over
enters 24-hour service housing within 12 or 36 months. To check it, the generator draws the
entries from a hazard it can state exactly, and `synth.truth.true_risk_24h` recomputes that
probability from the seed. The truth is written to no table, so it cannot leak into the model's
features.

Model (all draws from the block's own random stream ``RNG_STREAM``, first in the order below,
so the truth can replay them without generating anything else):

1. *Housed before the period* (prevalent): age ≥ 80 at the start, with probability
   ``0.006 · morbidity^0.8 · (age − 75) / 5`` (at most 0.3); started 30 days to 3 years before.
2. *Home care*: others aged ≥ 70, with probability ``0.03 · morbidity^0.8 · (age − 65) / 10``
   (at most 0.8). Half had it when the period began, the rest start on a uniform day of it; a
   spell lasts an exponential time with mean 700 days. This is the *potential* spell: it ends
   early if the client enters housing.
3. *Entry into 24-hour housing during the period*: every other resident has a daily hazard,
   per year,

       λ(day) = exp(HAZARD_LOG_RATE + AGE_SLOPE · (age − 80)) · morbidity^MORBIDITY_POWER
                · (HOME_CARE_RATIO if the potential home-care spell covers the day)

   for exact ages of 65 and over (0 below), and enters on day d, given not before, with
   probability ``1 − exp(−λ(d) / 365.25)``. Morbidity is the latent health state that also
   drives primary-care, emergency and ward use (population.py), so the service history carries
   the signal; home care is recorded in the tables themselves. For an index day and a horizon
   of H days the true probability of entering on days t0 … t0 + H − 1, for someone not housed
   before t0, is ``1 − exp(−Σ λ(d) / 365.25)`` over those days.

Home-care visits are drawn per client-day (Poisson, intensity rising with morbidity), so a frail
client gets two or three visits a day; they stop when the client moves into housing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .assembly import Block
from .population import Persons
from .structure import County
from .timeline import at_time, days, null_after, office_seconds
from .visits import add_visits
from .writer import code_index

#: The block's random stream for this module: ``default_rng([seed, block, RNG_STREAM])``.
RNG_STREAM = 7
#: log of the yearly entry hazard at age 80, morbidity 1, without home care.
HAZARD_LOG_RATE = np.log(0.004)
#: Increase of the log hazard per year of age.
AGE_SLOPE = 0.09
#: The hazard is proportional to morbidity to this power.
MORBIDITY_POWER = 0.8
#: Hazard ratio while the client has home care.
HOME_CARE_RATIO = 3.0
#: No entries below this exact age.
MIN_AGE = 65
DAYS_PER_YEAR = 365.25
#: Mean length (days) of a home-care spell and of a stay in housing.
HOME_CARE_MEAN_DAYS = 700
HOUSING_MEAN_DAYS = 900


@dataclass(frozen=True)
class Paths:
    """Who is housed or in home care, and the entry hazard of everyone else, for one block.

    Days are counted from the period's first day (0 = first day)."""

    housed_before: np.ndarray      # positions housed when the period began
    home_care: np.ndarray          # positions of home-care clients
    home_care_first: np.ndarray    # potential spell [first, last) in period days, per client
    home_care_last: np.ndarray
    home_care_prevalent: np.ndarray
    at_risk: np.ndarray            # positions with a hazard (65 or over by the end, not housed)
    cumulative: np.ndarray         # (len(at_risk), n_days + 1): Σ λ/365.25 over days < column
    entry: np.ndarray              # entry day of each at-risk person, n_days if none


def draw_paths(county: County, persons: Persons, rng: np.random.Generator) -> Paths:
    """The home-care spells and housing entries of one block (the first draws of `rng`)."""
    period = county.period
    n_days = period.n_days
    age, m = persons.age, persons.morbidity
    n = len(persons)
    housed = (age >= 80) & (rng.random(n) < np.clip(0.006 * m ** 0.8 * (age - 75) / 5, 0, 0.3))
    home_care = np.flatnonzero(~housed & (age >= 70) & (rng.random(n) < np.clip(
        0.03 * m ** 0.8 * (age - 65) / 10, 0, 0.8)))
    k = len(home_care)
    prevalent = rng.random(k) < 0.5
    first = np.where(prevalent, -rng.integers(30, 3 * 365, k), rng.integers(0, n_days, k))
    last = first + np.ceil(rng.exponential(HOME_CARE_MEAN_DAYS, k)).astype(np.int64)

    at_risk = np.flatnonzero(~housed & (age + period.years + 1 >= MIN_AGE))
    spell_first = np.zeros(n, dtype=np.int64)
    spell_last = np.zeros(n, dtype=np.int64)
    spell_first[home_care], spell_last[home_care] = first, last
    day = np.arange(n_days)
    exact_age = ((period.first_day - persons.birth[at_risk]).astype(np.int64)[:, None]
                 + day[None, :]) / DAYS_PER_YEAR
    in_care = ((day[None, :] >= spell_first[at_risk, None])
               & (day[None, :] < spell_last[at_risk, None]))
    rate = (np.exp(HAZARD_LOG_RATE + AGE_SLOPE * (exact_age - 80))
            * m[at_risk, None] ** MORBIDITY_POWER * np.where(in_care, HOME_CARE_RATIO, 1.0)
            * (exact_age >= MIN_AGE))
    cumulative = np.zeros((len(at_risk), n_days + 1))
    np.cumsum(rate / DAYS_PER_YEAR, axis=1, out=cumulative[:, 1:])
    # The first day whose cumulative hazard reaches an Exp(1) draw: P(no entry by day d) is then
    # exp(−cumulative through d), the discrete daily hazard stated in the module docstring.
    threshold = rng.exponential(1.0, len(at_risk))
    entry = (cumulative[:, 1:] < threshold[:, None]).sum(axis=1)
    return Paths(np.flatnonzero(housed), home_care, first, last, prevalent, at_risk,
                 cumulative, entry)


def generate(block: Block, county: County, persons: Persons, rng: np.random.Generator) -> None:
    """Write the home-care and housing decisions and the home-care visits of one block."""
    period = county.period
    paths = draw_paths(county, persons, rng)
    office = county.station_units["social_work_office"][persons.station[:]]
    types = code_index("social_service_type", ["home_care", "service_housing_24h"])
    granted = code_index("decision_result", ["granted"])[0]
    entered = paths.entry < period.n_days
    housing_entry = np.full(len(persons), np.iinfo(np.int64).max)
    housing_entry[paths.at_risk[entered]] = paths.entry[entered]

    housed = np.concatenate([paths.housed_before, paths.at_risk[entered]])
    k = len(housed)
    start_day = np.concatenate([
        period.first_day - rng.integers(30, 3 * 365, len(paths.housed_before)).astype(
            "timedelta64[D]"),
        period.first_day + paths.entry[entered].astype("timedelta64[D]")])
    started = at_time(start_day, office_seconds(rng, k))
    ended = started + days(rng.exponential(HOUSING_MEAN_DAYS, k))
    _decisions(block, office, persons, rng, housed, types[1], granted, started,
               null_after(ended, period.end))

    who = paths.home_care
    k = len(who)
    # The spell ends when its client moves into housing (on the morning of that day).
    last = np.minimum(paths.home_care_last, housing_entry[who])
    first_day = period.first_day + paths.home_care_first.astype("timedelta64[D]")
    last_day = period.first_day + last.astype("timedelta64[D]")
    started = at_time(first_day, office_seconds(rng, k))
    ended = np.where(last == housing_entry[who], last_day.astype("datetime64[s]"),
                     at_time(last_day, office_seconds(rng, k)))
    keep = started < ended
    _decisions(block, office, persons, rng, who[keep], types[0], granted, started[keep],
               null_after(ended[keep], period.end))
    _home_care_visits(block, county, persons, rng, who[keep], first_day[keep], last_day[keep])


def _decisions(block: Block, office: np.ndarray, persons: Persons, rng: np.random.Generator,
               who: np.ndarray, service_type: int, granted: int, started: np.ndarray,
               ended: np.ndarray) -> None:
    k = len(who)
    block.add("social_decisions", person_id=persons.index[who], unit_id=office[who],
              service_type=np.full(k, service_type), result=np.full(k, granted),
              urgent=np.zeros(k, dtype=np.int64),
              decided_at=started - days(rng.uniform(3, 30, k)),
              service_started_at=started, service_ended_at=ended)


def _home_care_visits(block: Block, county: County, persons: Persons, rng: np.random.Generator,
                      who: np.ndarray, first: np.ndarray, last: np.ndarray) -> None:
    """Visits on the days [first, last) of each client's spell that fall in the period."""
    period = county.period
    first = np.maximum(first, period.first_day)
    last = np.minimum(last, period.end_day)
    span = np.maximum((last - first).astype(np.int64), 0)
    client = np.repeat(np.arange(len(who)), span)
    offset = np.arange(len(client)) - np.repeat(np.cumsum(span) - span, span)
    day = first[client] + offset.astype("timedelta64[D]")
    intensity = np.clip(0.35 * persons.morbidity[who] ** 0.5, 0.15, 3)[client]
    count = rng.poisson(intensity)
    client, day = np.repeat(client, count), np.repeat(day, count)
    n = len(client)
    team = county.station_units["home_care_team"][persons.station[who[client]]]
    professional = np.where(rng.random(n) < 0.85, county.pick_staff(rng, team, "practical_nurse"),
                            county.pick_staff(rng, team, "nurse"))
    start = at_time(day, office_seconds(rng, n, 7, 21))
    add_visits(block, county, rng, persons, who=who[client], professional=professional,
               start=start, service="home_care", urgency="non_urgent",
               contact_types={"home_visit": 1.0}, status={"done": 0.99, "cancelled": 0.01},
               diagnoses=False)
    named = np.unique(who)
    block.add("responsible_worker_assignments", person_id=persons.index[named],
              professional_id=county.pick_staff(
                  rng, county.station_units["home_care_team"][persons.station[named]], "nurse"),
              role=np.full(len(named), code_index("responsible_role",
                                                  ["home_care_responsible"])[0]),
              valid_from=period.first_day - rng.integers(0, 365, len(named)).astype(
                  "timedelta64[D]"))
