"""The simulated period and the calendar patterns every service follows.

Times are handled as numpy ``datetime64[s]`` in naive Helsinki local time while generating; the
writer turns them into timezone-aware timestamps (see `writer.py`). Demand follows two patterns
seen in the county reports: a winter peak with a July dip (holiday season, fewer staff and fewer
non-urgent contacts), and a weekday pattern where Monday is busiest, Friday quieter and weekends
and public holidays almost empty for office-hour services.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

import holidays
import numpy as np

DAY = np.timedelta64(1, "D")
SECONDS_PER_DAY = 86_400

#: Relative demand Monday … Sunday for office-hour services (Monday backlog after the weekend).
OFFICE_WEEKDAY = np.array([1.30, 1.05, 1.00, 1.00, 0.85, 0.08, 0.05])
#: Emergency care is open every day; weekends are only slightly quieter.
EMERGENCY_WEEKDAY = np.array([1.15, 1.0, 1.0, 1.0, 1.05, 0.95, 0.9])


@dataclass(frozen=True)
class Period:
    """The simulated calendar years ``[start, start + years)``."""

    start: date
    years: int

    @cached_property
    def first_day(self) -> np.datetime64:
        return np.datetime64(self.start, "D")

    @cached_property
    def end_day(self) -> np.datetime64:
        """First day after the period; the extract is taken at its midnight."""
        end = self.start.replace(year=self.start.year + self.years)
        return np.datetime64(end, "D")

    @property
    def end(self) -> np.datetime64:
        return self.end_day.astype("datetime64[s]")

    @cached_property
    def days(self) -> np.ndarray:
        return np.arange(self.first_day, self.end_day, DAY)

    @property
    def n_days(self) -> int:
        return len(self.days)

    @cached_property
    def holidays(self) -> np.ndarray:
        years = range(self.start.year - 1, self.start.year + self.years + 2)
        return np.array(sorted(holidays.Finland(years=years)), dtype="datetime64[D]")

    def year_index(self, when: np.ndarray) -> np.ndarray:
        """0 for the first simulated year, 1 for the second …, clipped to the period."""
        years = when.astype("datetime64[Y]").astype(int) + 1970 - self.start.year
        return np.clip(years, 0, self.years - 1)

    def working_day(self, day: np.ndarray) -> np.ndarray:
        """The same day if it is a working day, otherwise the next working day."""
        return np.busday_offset(day.astype("datetime64[D]"), 0, roll="forward",
                                holidays=self.holidays)

    @cached_property
    def _is_holiday(self) -> np.ndarray:
        return np.isin(self.days, self.holidays)

    def day_weights(self, weekday: np.ndarray = OFFICE_WEEKDAY,
                    winter_amplitude: float = 0.15, july_dip: float = 0.7) -> np.ndarray:
        """Relative demand per day of the period (mean 1)."""
        return normalise(season(self.days, winter_amplitude, july_dip)
                         * self._weekday_factor(weekday))

    def _weekday_factor(self, weekday: np.ndarray) -> np.ndarray:
        dow = weekday_of(self.days)
        factor = weekday[dow]
        return np.where(self._is_holiday, weekday[6], factor)

    def sample_days(self, rng: np.random.Generator, n: int, weights: np.ndarray) -> np.ndarray:
        """`n` days drawn from the period with probability proportional to `weights`."""
        cdf = np.cumsum(weights)
        cdf /= cdf[-1]
        return self.days[np.searchsorted(cdf, rng.random(n), side="right").clip(0, self.n_days - 1)]


def normalise(weights: np.ndarray) -> np.ndarray:
    return weights / weights.mean()


def weekday_of(day: np.ndarray) -> np.ndarray:
    """0 = Monday … 6 = Sunday."""
    return (day.astype("datetime64[D]").astype(np.int64) + 3) % 7


def season(day: np.ndarray, winter_amplitude: float = 0.15, july_dip: float = 0.7) -> np.ndarray:
    """Seasonal demand factor: a cosine peaking in mid-January, times a dip in July."""
    d = day.astype("datetime64[D]")
    doy = (d - d.astype("datetime64[Y]")).astype(np.int64)
    month = d.astype("datetime64[M]").astype(np.int64) % 12 + 1
    factor = 1 + winter_amplitude * np.cos(2 * np.pi * (doy - 15) / 365.25)
    return np.where(month == 7, factor * july_dip, factor)


def at_time(day: np.ndarray, seconds: np.ndarray) -> np.ndarray:
    """Local timestamps: `day` plus `seconds` after its midnight."""
    return day.astype("datetime64[s]") + np.asarray(seconds, dtype=np.int64).astype(
        "timedelta64[s]")


def office_seconds(rng: np.random.Generator, n: int, first_hour: float = 8,
                   last_hour: float = 16) -> np.ndarray:
    """Times of day within office hours, on a 5-minute grid."""
    start, end = int(first_hour * 12), int(last_hour * 12)
    return rng.integers(start, end, n) * 300


def around_the_clock_seconds(rng: np.random.Generator, n: int) -> np.ndarray:
    """Times of day for emergency care: mostly 8–22, some at night."""
    hour = np.where(rng.random(n) < 0.8, rng.uniform(8, 22, n), rng.uniform(-2, 8, n) % 24)
    return (hour * 3600).astype(np.int64)


def days(n: np.ndarray | float) -> np.ndarray:
    """A duration of `n` (possibly fractional) days as ``timedelta64[s]``."""
    return np.round(np.asarray(n, dtype=np.float64) * SECONDS_PER_DAY).astype(
        np.int64).astype("timedelta64[s]")


def null_after(when: np.ndarray, limit: np.datetime64) -> np.ndarray:
    """`when`, with times at or after `limit` (not yet happened at the extract) set to NaT."""
    out = when.copy()
    out[out >= limit] = np.datetime64("NaT")
    return out
