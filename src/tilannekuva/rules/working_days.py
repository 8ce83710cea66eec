"""Finnish working days ("arkipäivät") for deadlines counted in working days.

A working day is Monday to Friday, except

- Finnish public holidays as the maintained `holidays` library lists them
  (`holidays.country_holidays("FI")`, category "public"): New Year's Day, Epiphany, Good Friday,
  Easter Monday, May Day, Ascension Day, Midsummer Eve, Midsummer Day, All Saints' Day,
  Independence Day, Christmas Eve, Christmas Day and St Stephen's Day (the weekend ones do not
  matter here);
- Christmas Eve and Midsummer Eve, named again in `ALSO_NOT_WORKING_DAYS`. The law on computing
  statutory time limits (150/1930, 5 §) names "joulu- tai juhannusaatto" beside Sundays, public
  holidays, Independence Day and May Day, and public administration is closed on them. `holidays`
  0.109 lists both as public holidays already; naming them here keeps deadlines stable should the
  library ever move them to another category.

Flag days without a day off (the library's "workday" and "unofficial" categories) are working
days. The Åland-only holiday (9 June) is not used: Åland is not a wellbeing services county.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from itertools import accumulate

import holidays
import pyarrow as pa


def _midsummer_eve(year: int) -> date:
    """The Friday between 19 and 25 June (the rule since 1955)."""
    june_19 = date(year, 6, 19)
    return june_19 + timedelta(days=(4 - june_19.weekday()) % 7)


#: Days that are not working days in any year, beside weekends and public holidays: see the
#: module docstring for why. Each entry gives the day for a year.
ALSO_NOT_WORKING_DAYS = {
    "Christmas Eve": lambda year: date(year, 12, 24),
    "Midsummer Eve": _midsummer_eve,
}


@cache
def non_working_weekdays(year: int) -> frozenset[date]:
    """The days of `year` that are not working days although they are not weekends."""
    public = holidays.country_holidays("FI", years=year, categories=("public",))
    days = set(public) | {day_in(year) for day_in in ALSO_NOT_WORKING_DAYS.values()}
    return frozenset(day for day in days if day.weekday() < 5)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in non_working_weekdays(day.year)


def add_working_days(start: date, count: int) -> date:
    """The `count`-th working day after `start`; `start` itself is never counted, whether or
    not it is a working day."""
    day = start
    for _ in range(count):
        day += timedelta(days=1)
        while not is_working_day(day):
            day += timedelta(days=1)
    return day


def working_day_calendar(first: date, last: date) -> pa.Table:
    """One row per day from `first` to `last`: date, is_working_day, working_day_index.

    working_day_index is the number of working days from `first` up to and including the day,
    so a non-working day shares the index of the working day before it. The `n`-th working day
    after day d is then the working day whose index is index(d) + n — a join any SQL engine
    can run over millions of rows (DuckDB, Spark):

        SELECT s.*, due.date AS due_date
        FROM starts s
        JOIN calendar c   ON c.date = s.start_date
        JOIN calendar due ON due.is_working_day
                         AND due.working_day_index = c.working_day_index + s.n

    The calendar must start on or before the earliest start date and reach past the latest due
    date (a month past the latest start is ample for 7 working days); outside it the join
    finds nothing rather than a wrong date.
    """
    if last < first:
        raise ValueError(f"calendar ends ({last}) before it starts ({first})")
    days = [first + timedelta(days=offset) for offset in range((last - first).days + 1)]
    working = [is_working_day(day) for day in days]
    return pa.table({
        "date": pa.array(days, pa.date32()),
        "is_working_day": pa.array(working, pa.bool_()),
        "working_day_index": pa.array(list(accumulate(map(int, working))), pa.int32()),
    })
