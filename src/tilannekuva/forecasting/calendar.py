"""Periods of a demand series and the Finnish calendar regressors the forecasts use.

A period is an ISO week (Monday to Sunday) or a calendar month, named by its first day. The
holiday calendar is `holidays.Finland`, the one the deadline calculator and the synthetic
county use; it lists Christmas Eve and Midsummer Eve beside the statutory holidays, because
both are days off in practice (services run as on a Sunday).
"""

from __future__ import annotations

from datetime import date

import holidays
import numpy as np
import pandas as pd

#: Pandas frequency of each grain; a week is named by its Monday, a month by its first day.
FREQUENCIES = {"week": "W-MON", "month": "MS"}
#: Periods in a year, for the seasonal-naive lag and the yearly Fourier terms.
SEASON = {"week": 365.25 / 7, "month": 12.0}
SEASONAL_LAG = {"week": 52, "month": 12}


def check_grain(grain: str) -> str:
    if grain not in FREQUENCIES:
        raise ValueError(f"grain must be week or month, not {grain!r}")
    return grain


def period_start(day: date, grain: str) -> date:
    """The first day of the week (Monday) or month that `day` falls in."""
    if check_grain(grain) == "week":
        return date.fromordinal(day.toordinal() - day.weekday())
    return day.replace(day=1)


def period_end(start: pd.Timestamp, grain: str) -> pd.Timestamp:
    """The last day of the period that begins on `start`."""
    if check_grain(grain) == "week":
        return start + pd.Timedelta(days=6)
    return start + pd.offsets.MonthEnd(0)


def periods(first: date, last: date, grain: str) -> pd.DatetimeIndex:
    """Starts of the whole periods lying within [first, last] (a period cut by either end is
    left out: a part-week would look like a drop in demand)."""
    start = pd.Timestamp(period_start(first, grain))
    if start < pd.Timestamp(first):
        start = start + (pd.Timedelta(days=7) if grain == "week" else pd.offsets.MonthBegin(1))
    index = pd.date_range(start, pd.Timestamp(last), freq=FREQUENCIES[grain])
    return index[[period_end(s, grain) <= pd.Timestamp(last) for s in index]]


def following(last: pd.Timestamp, horizon: int, grain: str) -> pd.DatetimeIndex:
    """The `horizon` period starts after the period starting at `last`."""
    return pd.date_range(last, periods=horizon + 1, freq=FREQUENCIES[check_grain(grain)])[1:]


def finnish_holidays(first: date, last: date) -> list[date]:
    """Days in [first, last] that `holidays.Finland` lists."""
    calendar = holidays.Finland(years=range(first.year, last.year + 1))
    return sorted(d for d in calendar if first <= d <= last)


def calendar_table(starts: pd.DatetimeIndex, grain: str) -> pd.DataFrame:
    """For each period: its Finnish holidays falling on Monday–Friday (`weekday_holidays`),
    and its working days (Monday–Friday days that are not holidays) — the regressor of the
    forecasts. Holidays on a weekend change nothing for an office-hour service."""
    if len(starts) == 0:
        return pd.DataFrame({"period": starts, "weekday_holidays": [], "working_days": []})
    first = starts.min().date()
    last = period_end(starts.max(), grain).date()
    days = pd.date_range(first, last, freq="D")
    off = np.isin(days.date, finnish_holidays(first, last))
    weekday = days.day_of_week < 5
    owner = pd.Series(days).map(lambda d: pd.Timestamp(period_start(d.date(), grain)))
    table = pd.DataFrame({"period": owner, "weekday_holidays": (weekday & off).astype(int),
                          "working_days": (weekday & ~off).astype(int)})
    table = table.groupby("period", as_index=False).sum()
    return table.set_index("period").reindex(starts).rename_axis("period").reset_index()


def fourier_terms(starts: pd.DatetimeIndex, grain: str, harmonics: int) -> pd.DataFrame:
    """Sine and cosine pairs of the yearly cycle (harmonic k has k cycles a year), the
    seasonal regressors of dynamic harmonic regression. Weeks are placed by their distance in
    days from a fixed Monday, so week 1 of every year lands at nearly the same phase although a
    year has 52.18 weeks; months by their month number."""
    if check_grain(grain) == "week":
        t = (starts - pd.Timestamp("2000-01-03")).days.to_numpy() / 7.0
    else:
        t = starts.month.to_numpy() - 1.0
    angle = 2 * np.pi * t / SEASON[grain]
    return pd.DataFrame({f"{name}{k}": fn(k * angle) for k in range(1, harmonics + 1)
                         for name, fn in (("sin", np.sin), ("cos", np.cos))})
