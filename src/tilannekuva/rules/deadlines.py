"""When a wait runs out: the due date of a rule for a start event.

The due date is the last day on which the end event is still in time. Conventions (from the
legal reference, "Units of time"):

- same_day, immediately: the day of the start event.
- calendar_days n ("vuorokautta"): the start date + n days.
- weeks n: the start date + 7n days. The table keeps "3 weeks" as 3 weeks, as the law words it.
- months n ("kuukautta"): the same day of the month n months later, or the last day of that
  month when the day does not exist (31 January + 1 month = 28 or 29 February).
- working_days n ("arkipäivää"): the n-th working day after the start date; the start day is
  not counted (see `working_days` for which days count).

A due date that falls on a weekend or holiday is not moved for calendar days, weeks or months:
the reference defines those units as plain calendar arithmetic.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from .model import Rule
from .vocabulary import SAME_DAY_UNITS
from .working_days import add_working_days

HELSINKI = ZoneInfo("Europe/Helsinki")


def local_date(moment: date | datetime) -> date:
    """The Helsinki calendar date of a moment: an aware time is converted to Helsinki time
    first (23:30 UTC on 31 March is already 1 April in Helsinki); a naive time is taken to be
    Helsinki local time, as everywhere in Tilannekuva."""
    if isinstance(moment, datetime):
        if moment.tzinfo is not None:
            moment = moment.astimezone(HELSINKI)
        return moment.date()
    return moment


def add_months(day: date, months: int) -> date:
    """The same day of the month `months` later, clamped to the last day of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_date(rule: Rule, start: date | datetime) -> date:
    """The last day on which the end event of `rule` is in time, for a start event at `start`."""
    day = local_date(start)
    n = rule.deadline_value
    unit = rule.deadline_unit
    if unit in SAME_DAY_UNITS:
        return day
    if unit == "calendar_days":
        return day + timedelta(days=n)
    if unit == "weeks":
        return day + timedelta(weeks=n)
    if unit == "months":
        return add_months(day, n)
    if unit == "working_days":
        return add_working_days(day, n)
    raise ValueError(f"rule {rule.id}: unknown deadline unit {unit!r}")
