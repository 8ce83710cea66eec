"""The state of a view in its URL: `start` and `end` months (YYYY-MM), the `grain` (month,
quarter, year) and one parameter per filter dimension (repeatable: `unit=u1&unit=u2`; any
dimension of the registry, named as in `indicators.dimensions`). Pages and the API read it
with the same function, so a bookmarked page and an API call with the same parameters show
the same figures."""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping, Sequence
from datetime import date
from urllib.parse import urlencode

from ..indicators.engine import GRAINS, IndicatorError
from .figures import FILTERABLE, Figures, View

#: A month as a URL writes it, YYYY-MM, from 1900-01 to 2999-12: the period computations
#: reach past the end of a period, and year 9999 would reach past the last date there is.
MONTH = re.compile(r"(19[0-9]{2}|2[0-9]{3})-(0[1-9]|1[0-2])")
DAY = re.compile(r"(19[0-9]{2}|2[0-9]{3})-[0-9]{2}-[0-9]{2}")


def month_of(text: str, field: str) -> tuple[int, int]:
    found = MONTH.fullmatch(text)
    if not found:
        raise IndicatorError(f"{field} must be a month written YYYY-MM, from 1900-01 to "
                             f"2999-12, not {text!r}.")
    return int(found[1]), int(found[2])


def make_view(figures: Figures, start: str | None, end: str | None, grain: str | None,
              filters: Mapping[str, Sequence[str]]) -> View:
    """The view a request asks for; missing parts come from the default window."""
    default = figures.default_view()
    first = date(*month_of(start, "start"), 1) if start else default.start
    if end:
        year, month = month_of(end, "end")
        last = date(year, month, calendar.monthrange(year, month)[1])
    else:
        last = default.end
    if last < first:
        raise IndicatorError(f"The period ends ({last:%Y-%m}) before it starts ({first:%Y-%m}).")
    grain = grain or "month"
    if grain not in GRAINS:
        raise IndicatorError(f"Unknown period {grain!r}; use one of {', '.join(GRAINS)}.")
    kept = tuple((name, tuple(dict.fromkeys(values))) for name, values in filters.items()
                 if name in FILTERABLE and values)
    return View(first, last, grain, tuple(sorted(kept)))


def month_range(figures: Figures, start: str | None, end: str | None) -> tuple[date, date]:
    """The first and last day of the months from `start` to `end` (YYYY-MM); by default the
    last month of the default window (the last complete month of data)."""
    last_month = figures.default_view().end
    first = date(*month_of(start, "start"), 1) if start else (
        date(*month_of(end, "end"), 1) if end else last_month.replace(day=1))
    if end:
        year, month = month_of(end, "end")
        last = date(year, month, calendar.monthrange(year, month)[1])
    else:
        last = max(last_month, date(first.year, first.month,
                                    calendar.monthrange(first.year, first.month)[1]))
    if last < first:
        raise IndicatorError(f"The period ends ({last:%Y-%m}) before it starts ({first:%Y-%m}).")
    return first, last


def day_of(text: str, field: str) -> date:
    """A day written YYYY-MM-DD (nothing else: not a number of seconds, not a time)."""
    if not DAY.fullmatch(text):
        raise IndicatorError(f"{field} must be a day written YYYY-MM-DD, not {text!r}.")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise IndicatorError(f"{field} must be a day written YYYY-MM-DD, not {text!r}.") from None


def view_from_query(figures: Figures, params: Mapping) -> View:
    """The view of a page request's query string (a Starlette QueryParams)."""
    filters = {name: [v for v in params.getlist(name) if v] for name in FILTERABLE}
    return make_view(figures, params.get("start") or None, params.get("end") or None,
                     params.get("grain") or None, filters)


def query_string(view: View, **extra) -> str:
    """The URL query of a view (and extra parameters), for links that keep the filters."""
    pairs = [("start", f"{view.start:%Y-%m}"), ("end", f"{view.end:%Y-%m}"),
             ("grain", view.grain)]
    pairs += [(name, value) for name, values in view.filters for value in values]
    pairs += [(k, v) for k, v in extra.items() if v is not None]
    return urlencode(pairs)


def with_filter(view: View, name: str, value: str) -> View:
    """The same view narrowed to one value of a dimension (the drill from a breakdown)."""
    kept = dict(view.filters)
    kept[name] = (value,)
    return View(view.start, view.end, view.grain, tuple(sorted(kept.items())))
