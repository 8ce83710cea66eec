"""Many runs boiled down to what a planner reads: for each week, each class and the list as a
whole, the mean and the 5 %, 50 % and 95 % points across runs of the queue, of those past
their deadline and their share, of treatments, of those leaving untreated, and of the mean
wait of those treated. Bands are across runs: 90 % of the simulated futures lie between p05
and p95."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .plan import WEEKS_PER_YEAR
from .simulation import Trajectories

QUANTILES = (0.05, 0.5, 0.95)
ALL = "all"


def _ratio(numerator: np.ndarray, denominator: np.ndarray, empty: float) -> np.ndarray:
    out = np.full(numerator.shape, empty, dtype=float)
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out


def per_run(traj: Trajectories) -> dict[str, np.ndarray]:
    """Each measure as (runs, weeks, classes + 1), the last column the whole list. An empty
    list has no one past the deadline (share 0); a week with no treatments has no mean wait
    (NaN, left out of the bands)."""
    def with_total(a: np.ndarray) -> np.ndarray:
        return np.concatenate([a, a.sum(axis=2, keepdims=True)], axis=2)

    queue, past = with_total(traj.queue), with_total(traj.past_deadline)
    treated, waited = with_total(traj.treated), with_total(traj.waited)
    return {"queue": queue, "past_deadline": past,
            "share_past_deadline": _ratio(past, queue, 0.0),
            "treated": treated, "reneged": with_total(traj.reneged),
            "mean_wait": _ratio(waited, treated, np.nan)}


def summarise(traj: Trajectories) -> pd.DataFrame:
    """The long table: scenario, week, week_start, class, measure, mean, p05, p50, p95."""
    frames = []
    labels = [*traj.classes, ALL]
    weeks = np.arange(len(traj.week_starts))
    for measure, values in per_run(traj).items():
        with warnings.catch_warnings():  # a class never treated in a week: all-NaN column
            warnings.simplefilter("ignore", RuntimeWarning)
            bands = np.nanquantile(values, QUANTILES, axis=0)
            mean = np.nanmean(values, axis=0)
        for c, label in enumerate(labels):
            frames.append(pd.DataFrame({
                "scenario": traj.name, "week": weeks + 1,
                "week_start": list(traj.week_starts), "class": label, "measure": measure,
                "mean": mean[:, c], "p05": bands[0, :, c], "p50": bands[1, :, c],
                "p95": bands[2, :, c]}))
    return pd.concat(frames, ignore_index=True)


def month_end_weeks(weeks: int, months: list[int]) -> list[tuple[int, int]]:
    """(month, week number) of the week ending nearest the end of each month from the start,
    for the months the horizon reaches."""
    chosen = []
    for month in months:
        week = round(month * WEEKS_PER_YEAR / 12)
        if 1 <= week <= weeks:
            chosen.append((month, week))
    return chosen
