"""Waiting-list figures from queueing theory, for any waiting list (specialised-care
treatment, oral care, social-care assessments).

Units throughout: time in weeks, rates per week (patients added or treated per week), queue
sizes in patients. A deadline of 6 months is 26.09 weeks (365.25 / 2 / 7).

The figures follow Fong et al., "Understanding Waiting Lists Pressures" (medRxiv 2022,
doi:10.1101/2022.08.23.22279117) and its implementation in the R package NHSRwaitinglist
(NHS-R Community): waiting times of a first-in-first-out list in equilibrium are close to
exponential, which turns a deadline and a required share within it into a target mean wait;
Little's law turns that into a target queue size; and Kingman's heavy-traffic formula gives the
capacity that keeps it. Assumptions (docs/forecasting.md states them with each formula): the
list is served in turn (FIFO) within one priority, demand and capacity are stationary over the
horizon of the figure, and waits are exponentially distributed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..errors import TilannekuvaError


def _positive(name: str, value: float) -> None:
    if not (value > 0 and math.isfinite(value)):
        raise TilannekuvaError(f"{name} must be a positive number, not {value}.")


def _share(value: float) -> None:
    if not 0 < value < 1:
        raise TilannekuvaError(
            f"the required share within the deadline must be between 0 and 1 (e.g. 0.95), not "
            f"{value}; a share of 1 would need a mean wait of zero.")


def queue_load(demand: float, capacity: float) -> float:
    """Demand / capacity. Above 1 the list grows without bound whatever its size today; below
    1 it settles, and the load is the share of capacity used."""
    _positive("capacity", capacity)
    return demand / capacity


def target_mean_wait(deadline: float, share: float) -> float:
    """The mean wait at which a `share` of patients is treated within `deadline` (weeks).

    With exponential waits of mean W, P(wait ≤ T) = 1 − exp(−T/W); setting it to p gives
    W = T / ln(1 / (1 − p)). (Fong et al. use T/4 to T/6, i.e. p = 98.2 % to 99.8 %.)"""
    _positive("deadline", deadline)
    _share(share)
    return deadline / math.log(1 / (1 - share))


def share_within(deadline: float, mean_wait: float) -> float:
    """Share of patients treated within `deadline` when waits are exponential with
    `mean_wait`: 1 − exp(−T/W)."""
    _positive("deadline", deadline)
    _positive("mean wait", mean_wait)
    return 1 - math.exp(-deadline / mean_wait)


def target_queue_size(demand: float, deadline: float, share: float) -> float:
    """Little's law L = λW at the target mean wait: the queue a list in equilibrium has when
    it meets its deadline for the required share."""
    return demand * target_mean_wait(deadline, share)


def target_capacity(demand: float, deadline: float, share: float, cv_arrivals: float = 1.0,
                    cv_capacity: float = 1.0) -> float:
    """Capacity (treatments per week) that keeps the mean wait at its target in equilibrium.

    Kingman's heavy-traffic formula for a single queue, W ≈ ((c_a² + c_s²) / 2) / (μ − λ),
    solved for μ: μ = λ + ((c_a² + c_s²) / 2) / W*. With Poisson arrivals and treatments
    (both coefficients of variation 1) it is exact for the M/M/1 queue, whose time in system
    is exponential with mean 1 / (μ − λ)."""
    if cv_arrivals < 0 or cv_capacity < 0:
        raise TilannekuvaError("coefficients of variation cannot be negative.")
    variability = (cv_arrivals ** 2 + cv_capacity ** 2) / 2
    return demand + variability / target_mean_wait(deadline, share)


def relief_capacity(demand: float, queue: float, target_queue: float, weeks: float) -> float:
    """Capacity per week that brings `queue` down to `target_queue` in `weeks` while keeping
    up with demand: λ + (Q − Q*) / weeks (a deterministic fluid approximation)."""
    _positive("weeks to target", weeks)
    return demand + (queue - target_queue) / weeks


def pressure(mean_wait: float, deadline: float, share: float) -> float:
    """Mean wait / target mean wait, comparable across lists with different deadlines and
    required shares: 1 means the list just meets its required share (under exponential waits),
    2 means patients wait twice as long as the target allows. Fong et al.'s pressure 2W/T is
    this measure for p = 1 − e⁻² ≈ 86.5 %."""
    _positive("mean wait", mean_wait)
    return mean_wait / target_mean_wait(deadline, share)


@dataclass(frozen=True)
class QueueFigures:
    """The figures of one waiting list (weeks, patients, patients per week)."""

    demand: float
    capacity: float
    deadline: float
    share: float
    load: float
    target_mean_wait: float
    target_queue_size: float
    target_capacity: float
    queue: float | None = None
    mean_wait: float | None = None
    mean_wait_from_littles_law: bool = False
    share_within_now: float | None = None
    pressure: float | None = None
    weeks_to_target: float | None = None
    relief_capacity: float | None = None


def assess(demand: float, capacity: float, deadline: float, share: float,
           queue: float | None = None, mean_wait: float | None = None,
           weeks_to_target: float | None = None, cv_arrivals: float = 1.0,
           cv_capacity: float = 1.0) -> QueueFigures:
    """Every figure that the given facts allow. Without a measured mean wait, the current
    one is estimated from the queue by Little's law (W = L / λ), which holds for a list in
    equilibrium; the figures say when that estimate was used."""
    _positive("demand", demand)
    goal_wait = target_mean_wait(deadline, share)
    goal_queue = demand * goal_wait
    estimated = mean_wait is None and queue is not None and queue > 0
    if estimated:
        mean_wait = queue / demand
    if weeks_to_target is not None and queue is None:
        raise TilannekuvaError("the relief capacity needs the current queue size as well as "
                               "the weeks to reach the target.")
    return QueueFigures(
        demand=demand, capacity=capacity, deadline=deadline, share=share,
        load=queue_load(demand, capacity), target_mean_wait=goal_wait,
        target_queue_size=goal_queue,
        target_capacity=target_capacity(demand, deadline, share, cv_arrivals, cv_capacity),
        queue=queue, mean_wait=mean_wait, mean_wait_from_littles_law=estimated,
        share_within_now=None if mean_wait is None else share_within(deadline, mean_wait),
        pressure=None if mean_wait is None else pressure(mean_wait, deadline, share),
        weeks_to_target=weeks_to_target,
        relief_capacity=None if weeks_to_target is None else relief_capacity(
            demand, queue, goal_queue, weeks_to_target),
    )
