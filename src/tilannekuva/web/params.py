"""The state of a view in its URL: `start` and `end` months (YYYY-MM), the `grain` (month,
quarter, year) and one parameter per filter dimension (repeatable: `unit=u1&unit=u2`). Pages
and the API read it with the same function, so a bookmarked page and an API call with the
same parameters show the same figures."""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping, Sequence
from datetime import date
from urllib.parse import urlencode

from ..indicators.engine import GRAINS, IndicatorError
from .figures import FILTER_DIMENSIONS, Figures, View

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _month(text: str, field: str) -> tuple[int, int]:
    found = MONTH.match(text)
    if not found or not 1 <= int(found[2]) <= 12:
        raise IndicatorError(f"{field} must be a month written YYYY-MM, not {text!r}.")
    return int(found[1]), int(found[2])


def make_view(figures: Figures, start: str | None, end: str | None, grain: str | None,
              filters: Mapping[str, Sequence[str]]) -> View:
    """The view a request asks for; missing parts come from the default window."""
    default = figures.default_view()
    first = date(*_month(start, "start"), 1) if start else default.start
    if end:
        year, month = _month(end, "end")
        last = date(year, month, calendar.monthrange(year, month)[1])
    else:
        last = default.end
    if last < first:
        raise IndicatorError(f"The period ends ({last:%Y-%m}) before it starts ({first:%Y-%m}).")
    grain = grain or "month"
    if grain not in GRAINS:
        raise IndicatorError(f"Unknown period {grain!r}; use one of {', '.join(GRAINS)}.")
    kept = tuple((name, tuple(dict.fromkeys(values))) for name, values in filters.items()
                 if name in FILTER_DIMENSIONS and values)
    return View(first, last, grain, tuple(sorted(kept)))


def view_from_query(figures: Figures, params: Mapping) -> View:
    """The view of a page request's query string (a Starlette QueryParams)."""
    filters = {name: [v for v in params.getlist(name) if v] for name in FILTER_DIMENSIONS}
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
