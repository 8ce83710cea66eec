"""Seeded Monte Carlo of a waiting list: many runs of a `Plan` at once, vectorised over runs
with numpy.

The model (docs/forecasting.md has it in full): patients are counted by class and by week of
arrival. Each day, arrivals of each class are Poisson with a seventh of the week's expected
arrivals, times the seasonality factor of the day's calendar month when the scenario has one,
and the day's treatments are Poisson with a seventh of the week's capacity;
treatments go to waiting patients in the scenario's order — by priority class and then in
turn (oldest first), or by the earliest deadline — and capacity not needed that day is lost.
At the end of each week every waiting patient leaves untreated with the class's reneging
probability, and the list is measured: queue size, patients past their class's deadline,
treatments and their waits. Daily steps keep the queue within a few per cent of the
continuous-time M/M/1 figures that `queueing` uses; a weekly step would net a whole week's
arrivals against its capacity and understate the queue by some 10–15 %.

Waits are counted in whole weeks of arrival: at the end of week t a patient who arrived in
week k has waited t − k + 0.5 weeks on average, and one treated in week t waited t − k.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np

from .plan import Plan

DAYS_PER_WEEK = 7


@dataclass(frozen=True)
class Trajectories:
    """Every run's week-end measures, arrays of shape (runs, weeks, classes)."""

    name: str
    classes: tuple[str, ...]
    week_starts: tuple[date, ...]
    queue: np.ndarray          # waiting at the end of the week
    past_deadline: np.ndarray  # of them, waited longer than the class's deadline
    treated: np.ndarray        # treated during the week
    waited: np.ndarray         # summed waits (weeks) of those treated during the week
    reneged: np.ndarray        # left untreated during the week


def _service_order(plan: Plan, first: int, last: int, n0: int) -> np.ndarray:
    """Flat indices of the cells (class, arrival column first..last−1) in the order they are
    treated: by class rank then arrival, or by due week (arrival week + deadline)."""
    classes = len(plan.classes)
    columns = np.arange(first, last)
    rank = np.repeat(np.arange(classes), len(columns))
    arrival = np.tile(columns, classes)
    if plan.order == "priority":
        return np.lexsort((arrival, rank))
    due = (arrival - n0) + np.repeat(plan.deadlines, len(columns))
    return np.lexsort((rank, due))


def _by_cell(ordered: np.ndarray, perm: np.ndarray, classes: int) -> np.ndarray:
    """Cells in service order back to (runs, classes, arrival columns)."""
    cells = np.empty_like(ordered)
    cells[:, perm] = ordered
    return cells.reshape(ordered.shape[0], classes, -1)


def simulate(plan: Plan, runs: int, seed: int,
             progress: Callable[[int, int], None] | None = None) -> Trajectories:
    """`runs` independent futures of the plan, reproducible for a seed."""
    rng = np.random.default_rng(seed)
    classes, weeks = len(plan.classes), len(plan.week_starts)
    n0 = plan.initial.shape[1]
    counts = np.zeros((runs, classes, n0 + weeks), dtype=np.int64)
    counts[:, :, :n0] = plan.initial[None]
    shape = (runs, weeks, classes)
    queue, past, treated, reneged = (np.zeros(shape, np.int64) for _ in range(4))
    waited = np.zeros(shape)
    occupied = np.flatnonzero(plan.initial.sum(axis=0))
    first = int(occupied[0]) if occupied.size else n0
    for t in range(weeks):
        last = n0 + t + 1
        width = last - first
        perm = _service_order(plan, first, last, n0)
        newest = np.argsort(perm)[np.arange(classes) * width + width - 1]
        cells = counts[:, :, first:last].reshape(runs, classes * width)[:, perm]
        served = np.zeros_like(cells)
        rate = plan.arrivals[t] / DAYS_PER_WEEK
        if plan.season is not None:
            rate = plan.season[t][:, None, None] * rate  # (days, 1, classes)
        arrivals = rng.poisson(rate, (DAYS_PER_WEEK, runs, classes))
        capacity = rng.poisson(plan.capacity[t] / DAYS_PER_WEEK, (DAYS_PER_WEEK, runs, 1))
        for day in range(DAYS_PER_WEEK):
            cells[:, newest] += arrivals[day]
            taken = np.minimum(np.cumsum(cells, axis=1), capacity[day])
            taken[:, 1:] -= taken[:, :-1].copy()
            cells -= taken
            served += taken
        left = rng.binomial(cells, np.repeat(plan.reneging, width)[perm])
        cells -= left
        waiting = _by_cell(cells, perm, classes)
        counts[:, :, first:last] = waiting
        waits = t - (np.arange(first, last) - n0)
        late = (waits + 0.5)[None, :] > plan.deadlines[:, None]
        queue[:, t] = waiting.sum(axis=2)
        past[:, t] = (waiting * late[None]).sum(axis=2)
        done = _by_cell(served, perm, classes)
        treated[:, t] = done.sum(axis=2)
        waited[:, t] = (done * waits).sum(axis=2)
        reneged[:, t] = _by_cell(left, perm, classes).sum(axis=2)
        while first < last - 1 and not counts[:, :, first].any():
            first += 1
        if progress is not None:
            progress(t + 1, weeks)
    return Trajectories(plan.name, plan.classes, plan.week_starts, queue, past, treated,
                        waited, reneged)
