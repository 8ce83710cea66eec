"""A scenario turned into week-by-week numbers the simulator reads: each week's expected
arrivals per class and capacity, each class's deadline and reneging, and the patients waiting
on the first day by week of arrival. Keeping this apart from the simulator means the
simulator sees only arrays, and a planner's calendar (growth, summer cuts, extra sessions)
is resolved once, here."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from ..errors import TilannekuvaError
from .scenarios import Change, ExtraSessions, Initial, Scenario

#: Weeks in a year, for annual growth rates and month ends (365.25 / 7).
WEEKS_PER_YEAR = 365.25 / 7


@dataclass(frozen=True)
class Plan:
    """Arrays of one scenario, time in weeks. `initial` has one column per week of arrival
    before the start: column j holds those who arrived in week j − n of the scenario (n =
    number of columns), i.e. the last column arrived in the week before the start."""

    name: str
    classes: tuple[str, ...]
    week_starts: tuple[date, ...]
    arrivals: np.ndarray      # (weeks, classes) expected arrivals in each week, before season
    capacity: np.ndarray      # (weeks,) expected treatments in each week
    deadlines: np.ndarray     # (classes,) weeks
    reneging: np.ndarray      # (classes,) weekly probability of leaving untreated
    initial: np.ndarray       # (classes, n) patients waiting at the start, by arrival week
    order: str = "priority"   # "priority" (class, then in turn) or "deadline" (earliest due)
    #: (weeks, 7) demand factor of each day: the seasonality factor of the day's calendar
    #: month. None: no seasonality (every day 1).
    season: np.ndarray | None = None


def _in(period: Change | ExtraSessions, day: date) -> bool:
    return period.from_ <= day <= period.to


def waiting_by_week(initial: Initial, classes: tuple[str, ...]) -> np.ndarray:
    """The start's age bands spread evenly over whole weeks waited. A patient who has waited
    a weeks (a in [i, i + 1)) arrived in the week i + 1 before the start, so that at the end
    of the first week the simulator counts them as waited i + 1.5 ≈ a + 1 weeks."""
    bands = [b for name in classes for b in initial.classes[name].waiting]
    oldest = max((math.ceil(b.to_weeks) for b in bands), default=0)
    table = np.zeros((len(classes), max(oldest, 1)), dtype=np.int64)
    for row, name in enumerate(classes):
        for band in initial.classes[name].waiting:
            edges = np.arange(math.floor(band.from_weeks), math.ceil(band.to_weeks) + 1)
            low = np.clip(edges[:-1], band.from_weeks, band.to_weeks)
            high = np.clip(edges[1:], band.from_weeks, band.to_weeks)
            cumulative = np.round(band.count * np.cumsum(high - low)
                                  / (band.to_weeks - band.from_weeks)).astype(np.int64)
            per_week = np.diff(cumulative, prepend=0)
            # week waited i sits in column (n - 1 - i): oldest first, as time runs
            table[row, table.shape[1] - 1 - edges[:-1]] += per_week
    return table


def daily_season(factors: list[float], week_starts: tuple[date, ...]) -> np.ndarray:
    """(weeks, 7): the factor of the calendar month of each day of each week (index 0 =
    January), so a week that spans a month end takes each of its days at its own month's."""
    months = np.array([[(start + timedelta(days=d)).month - 1 for d in range(7)]
                       for start in week_starts])
    return np.asarray(factors, float)[months]


def build_plan(scenario: Scenario, initial: Initial, start: date) -> Plan:
    """Resolves growth, changes and extra sessions week by week from `start`, and the
    seasonality day by day."""
    classes = tuple(c.name for c in scenario.classes)
    missing = [name for name in classes if name not in initial.classes]
    if missing:
        raise TilannekuvaError(f"scenario {scenario.name!r}: no starting state for the classes "
                               f"{', '.join(missing)}.")
    weeks = scenario.weeks
    week_starts = tuple(start + timedelta(weeks=t) for t in range(weeks))
    growth = (1 + scenario.demand_growth_per_year) ** (
        (np.arange(weeks) + 0.5) / WEEKS_PER_YEAR)
    demand_factor = np.array([math.prod(c.factor for c in scenario.demand_changes if _in(c, d))
                              for d in week_starts])
    base = np.array([initial.classes[name].arrivals_per_week for name in classes])
    capacity = np.array([
        initial.capacity_per_week
        * math.prod(c.factor for c in scenario.capacity_changes if _in(c, d))
        + sum(e.per_week for e in scenario.extra_sessions if _in(e, d))
        for d in week_starts])
    return Plan(
        name=scenario.name, classes=classes, week_starts=week_starts,
        arrivals=(growth * demand_factor)[:, None] * base[None, :], capacity=capacity,
        deadlines=np.array([c.deadline_weeks for c in scenario.classes]),
        reneging=np.array([initial.classes[name].reneging_per_week for name in classes]),
        initial=waiting_by_week(initial, classes), order=scenario.order,
        season=None if scenario.seasonality is None
        else daily_season(scenario.seasonality, week_starts),
    )
