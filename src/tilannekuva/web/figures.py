"""The figures the dashboard and the API show, computed in one place: the pages render what
these functions return and the API serialises the same objects, so a figure on a page and in
the API cannot differ.

The server holds the county database open (DuckDB allows one writing process per file): the
indicators run on its main connection, one computation at a time behind a lock, while sign-ins
and the audit log use cursors of their own (`Figures.cursor`) and never wait for a
computation. The county's data only changes by an import, which needs the file and so the
server stopped, so a computed result is kept in memory for the life of the process (up to
`CACHE_SIZE` results, least recently used dropped first); the first request for a view pays
for its computation, later ones read it from memory.

The default window is the 24 calendar months ending with the last complete month of data:
the month of the latest start event (contact, assessment, referral, social-care case or
decision) when that day is its last day, else the month before. A real county's extract
usually ends mid-month, and a partial month would look like a sudden drop.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property

import duckdb
import ibis
import pandas as pd

from ..indicators import Query, Sources, compute, get
from ..indicators.dimensions import band_labels
from ..indicators.engine import period_end, unsupported
from ..indicators.model import Distribution, Indicator
from ..indicators.overdue import overdue as overdue_list
from ..indicators.registry import REGISTRY
from ..reports.spc import Chart, xmr
from ..store import configure

#: The filters every capability page offers, in the order they are shown.
FILTER_DIMENSIONS = ("municipality", "service_area", "unit", "profession", "contact_type",
                     "age_band")

#: Dimensions whose values are codes of a code list, so they are shown by name.
CODE_LISTS = {"service_area": "service_area", "profession": "profession",
              "contact_type": "contact_type", "channel": "contact_channel",
              "specialty": "specialty", "service_task": "service_task"}

WINDOW_MONTHS = 24
#: Results kept in memory: a view of a capability page is some 20 entries of a few kB each.
CACHE_SIZE = 16_384


@dataclass(frozen=True)
class View:
    """What a page or API call asks for: a period range, its grain, and filters."""

    start: date
    end: date
    grain: str = "month"
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def query(self, indicator: Indicator, by: tuple[str, ...] = ()) -> Query:
        return Query((indicator.id,), self.start, self.end, self.grain, by, self.filters)


def window_ending(day: date) -> View:
    """The `WINDOW_MONTHS` calendar months ending with the month of `day`."""
    last = period_end(day, "month")
    first = last.replace(day=1)
    for _ in range(WINDOW_MONTHS - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    return View(first, last)


@dataclass(frozen=True)
class Series:
    """One indicator over a view: its rows (whole scope, one per period, or per period and
    class for a distribution), the SPC chart of its values, and the filters it cannot take."""

    indicator: Indicator
    rows: pd.DataFrame
    chart: Chart | None
    unavailable: tuple[str, ...] = ()
    #: The period of each point of the chart (suppressed and empty periods left out).
    chart_periods: tuple[str, ...] = ()

    @cached_property
    def latest(self) -> pd.DataFrame:
        """The rows of the latest period (several for a distribution, else one)."""
        if self.rows.empty:
            return self.rows
        return self.rows[self.rows["period"] == self.rows["period"].iloc[-1]]

    @cached_property
    def records(self) -> list[dict]:
        """The rows as dicts, missing values as None, for templates (made once per series)."""
        return records(self.rows)

    @cached_property
    def latest_records(self) -> list[dict]:
        return records(self.latest)


def records(frame: pd.DataFrame | None) -> list[dict]:
    """Rows of a result as dicts, missing values (NA) as None."""
    if frame is None or frame.empty:
        return []
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


class Figures:
    def __init__(self, con: duckdb.DuckDBPyConnection, min_cell_size: int, run_length: int):
        self._con = configure(con)
        self.min_cell_size = min_cell_size
        self.run_length = run_length
        self.src = Sources(ibis.duckdb.from_connection(con))
        # Re-entrant: a memoised series reads memoised values.
        self._compute_lock = threading.RLock()
        self._cache_lock = threading.Lock()
        self._cache: OrderedDict = OrderedDict()
        #: Views computed by `warm` so far, of how many (0 of 0: no warm-up).
        self.warm_up = (0, 0)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A connection of its own for short reads and writes (sessions, the audit log)."""
        return configure(self._con.cursor())

    def _memoised(self, key: tuple, compute_it):
        with self._cache_lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        with self._compute_lock:
            with self._cache_lock:
                if key in self._cache:
                    return self._cache[key]
            value = compute_it()
        with self._cache_lock:
            self._cache[key] = value
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return value

    def data_through(self) -> date | None:
        """The latest day any start event falls on (None for an empty county)."""
        def bounds():
            span = self.src.start_dates
            return span[1] if span else None
        return self._memoised(("data_through",), bounds)

    def default_view(self) -> View:
        last = self.data_through() or date.today()
        if period_end(last, "month") != last:
            last = last.replace(day=1) - timedelta(days=1)
        return window_ending(last)

    def values(self, indicator_id: str, view: View, by: tuple[str, ...] = ()) -> pd.DataFrame:
        """The indicator's long output for the view, broken down by `by`; small counts
        suppressed. Refuses (IndicatorError) a filter or breakdown the indicator lacks."""
        query = view.query(get(indicator_id), by)
        return self._memoised(("values", query), lambda: compute(
            self.src, query, self.min_cell_size, materialise=True)).copy()

    def series(self, indicator_id: str, view: View) -> Series:
        """The indicator over the view's periods with its XmR chart. Suppressed or empty
        periods are left out of the chart (their rows stay, marked suppressed). A filter the
        indicator lacks gives an empty series naming it, never unfiltered figures."""
        return self._memoised(("series", indicator_id, view),
                              lambda: self._series(get(indicator_id), view))

    def _series(self, indicator: Indicator, view: View) -> Series:
        missing = tuple(unsupported(indicator, view.query(indicator)))
        if missing:
            return Series(indicator, pd.DataFrame(), None, missing)
        rows = self.values(indicator.id, view)
        if isinstance(indicator.measure, Distribution):
            return Series(indicator, rows, None)
        shown = rows[~rows["suppressed"] & rows["value"].notna()]
        chart = xmr(shown["value"].astype(float).tolist(), indicator.better, indicator.target,
                    run_length=self.run_length)
        return Series(indicator, rows, chart, chart_periods=tuple(shown["period"]))

    def overview(self, view: View, group: str | None = None) -> list[Series]:
        return [self.series(i.id, view) for i in REGISTRY.values()
                if group is None or i.group == group]

    def warm(self, groups: tuple[str, ...]) -> None:
        """Computes, in the calling thread, the views people open first: the overview of the
        default window, then each capability page of it filtered by one value of one filter
        (every unit first, then the other dimensions). Each indicator is computed under the
        lock on its own, so a visitor's request waits for at most one indicator."""
        view = self.default_view()
        options = self.options()
        views = [(view, None)] + [
            (View(view.start, view.end, view.grain, ((name, (value,)),)), group)
            for name in ("unit", *[d for d in FILTER_DIMENSIONS if d != "unit"])
            for value in options[name] for group in groups]
        for done, (each, group) in enumerate(views):
            self.warm_up = (done, len(views))
            self.overview(each, group)
        self.warm_up = (len(views), len(views))

    def options(self) -> dict[str, list[str]]:
        """The values each filter can take, from the data (age bands from the parameters)."""
        def read():
            con = self.cursor()
            try:
                found = {
                    "municipality": "SELECT municipality FROM persons UNION "
                                    "SELECT municipality FROM units",
                    "service_area": "SELECT service_area FROM units",
                    "unit": "SELECT unit_id FROM units",
                    "profession": "SELECT profession FROM visits UNION "
                                  "SELECT profession FROM professionals",
                    "contact_type": "SELECT contact_type FROM visits",
                }
                options = {name: sorted({row[0] for row in con.execute(sql).fetchall()
                                         if row[0] is not None})
                           for name, sql in found.items()}
            finally:
                con.close()
            options["age_band"] = band_labels(self.src.parameters.age_bands)
            return options
        return self._memoised(("options",), read)

    def unit_names(self) -> dict[str, str]:
        def read():
            con = self.cursor()
            try:
                return dict(con.execute("SELECT unit_id, name FROM units").fetchall())
            finally:
                con.close()
        return self._memoised(("unit_names",), read)

    def overdue(self, as_of: date, units: list[str], within_days: int) -> pd.DataFrame:
        """The overdue list for `units` (already checked against the viewer's entitlement by
        `roles.person_list_scope`). Not cached: it is person-level and audited each time."""
        with self._compute_lock:
            return overdue_list(self.src, as_of, units, within_days)

    def default_as_of(self, today: date) -> date:
        """Today, or the last day of data when the data ends before today (the demo county):
        a list as of a day after the data would show every open wait as overdue."""
        through = self.data_through()
        return min(today, through) if through else today
