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

Some indicators are defined over a whole year only (a heavy user is heavy over a year). In a
view of months or quarters such an indicator is computed at its own grain over the years the
view overlaps (`indicator_view`), and the page and the API say so; asking for it is never an
error.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cached_property

import duckdb
import ibis
import pandas as pd

from ..indicators import Query, Sources, compute, get
from ..indicators.dimensions import DIMENSIONS, band_labels
from ..indicators.engine import NUMBERED, period_end, period_start
from ..indicators.feedback import comments as feedback_comments
from ..indicators.model import Forecast, Indicator
from ..indicators.overdue import overdue as overdue_list
from ..indicators.registry import REGISTRY
from ..reports.scorecard import quarantine_summary
from ..reports.spc import Chart, xmr
from ..schema.codelists import code_list
from ..store import configure

#: The scope filters most indicators share, shown first on a capability page, in this order.
#: Their values are read from the county's tables (`Figures.options`).
FILTER_DIMENSIONS = ("municipality", "service_area", "unit", "profession", "contact_type",
                     "age_band")

#: Every dimension can filter a view of the indicators that have it (a capability page offers
#: those of its indicators, `page_filters`).
FILTERABLE = tuple(DIMENSIONS)

#: Capability pages also warmed per filter value at start (the pages opened first every
#: morning); the other capabilities are warmed in their default view only.
FILTER_WARMED_GROUPS = ("access", "t3")

#: Dimensions whose values are codes of a code list, so they are shown by name.
CODE_LISTS = {"service_area": "service_area", "profession": "profession",
              "contact_type": "contact_type", "channel": "contact_channel",
              "specialty": "specialty", "service_task": "service_task",
              "service_group": "service", "other_service": "service", "service": "service",
              "notifier_type": "notifier_type", "phenomenon": "phenomenon",
              "outcome": "first_assessment_outcome", "service_channel": "contact_type",
              "response_channel": "feedback_channel", "language": "language",
              "digital_service": "digital_service", "pathway": "digital_pathway",
              "pathway_stage": "pathway_stage", "end_reason": "pathway_retirement_reason",
              "care_level": "unit_level", "urgency": "urgency",
              "urgency_class": "transport_urgency", "safety_need": "safety_need"}

#: Period grains from the finest to the coarsest.
GRAIN_ORDER = ("month", "quarter", "year")

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


def fallback_grain(indicator: Indicator, grain: str) -> str:
    """The grain an indicator is computed at in a view of `grain`: that grain when the
    indicator is defined at it, else the nearest coarser grain it has (a yearly indicator
    in a monthly view: year), else the nearest finer one."""
    if grain in indicator.grains:
        return grain
    at = GRAIN_ORDER.index(grain)
    coarser = [g for g in GRAIN_ORDER[at + 1:] if g in indicator.grains]
    finer = [g for g in reversed(GRAIN_ORDER[:at]) if g in indicator.grains]
    return (coarser or finer)[0]


def indicator_view(indicator: Indicator, view: View) -> View:
    """The view the indicator is computed over: `view` itself, or, when the indicator is not
    defined at its grain, the whole periods of the indicator's grain that the view overlaps
    (the years of a monthly view, for a yearly indicator)."""
    grain = fallback_grain(indicator, view.grain)
    if grain == view.grain:
        return view
    return View(period_start(view.start, grain), period_end(view.end, grain), grain,
                view.filters)


def unavailable_filters(indicator: Indicator, view: View) -> tuple[str, ...]:
    """The view's filters the indicator cannot take: dimensions it has neither as a dimension
    nor as one it is always split by, and the class dimension of a distribution (keeping one
    class would make it 100 % of itself)."""
    return tuple(d for d, _ in view.filters
                 if d in indicator.class_dimension
                 or (d not in indicator.dimensions and d not in indicator.always_by))


def kept_classes(indicator: Indicator, view: View) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The view's filters on dimensions the indicator is always split by (and has not as an
    ordinary dimension): applied to its output rows, not to its events. Each class of such an
    indicator is computed and suppressed on its own, so keeping some classes of the output is
    the same as filtering the events, and the engine need not know the dimension as a filter
    (the co-use table of one service: service_group = X)."""
    return tuple((d, values) for d, values in view.filters
                 if d in indicator.always_by and d not in indicator.dimensions)


def page_filters(indicators: list[Indicator]) -> tuple[str, ...]:
    """The filters a page of these indicators offers: every dimension at least one of them
    can be filtered by (an indicator without it says so rather than showing unfiltered
    figures), including those an indicator is always split by (which it shows as classes
    when no filter is set), but never the class dimension of a distribution. The shared
    scope filters come first, then the others in the registry's order."""
    offered = {d for i in indicators for d in (*i.dimensions, *i.always_by)
               if d not in i.class_dimension}
    return (*[d for d in FILTER_DIMENSIONS if d in offered],
            *[d for d in DIMENSIONS if d in offered and d not in FILTER_DIMENSIONS])


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
    #: The view the rows are computed over: the view asked for, or the whole periods of the
    #: indicator's own grain that it overlaps (`indicator_view`).
    view: View | None = None
    #: The rows are at another grain than the view asked for (a yearly figure).
    grain_fallback: bool = False

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


def ordered(dimension: str, values: set[str]) -> list[str]:
    """Values of a dimension in the order a reader expects: a code list's own order, numbered
    classes by their number ("1–7" before "8–14"), anything else alphabetically."""
    values = {str(v) for v in values}
    if dimension in CODE_LISTS:
        try:
            listed = list(code_list(CODE_LISTS[dimension]))
        except KeyError:
            listed = []
        return [c for c in listed if c in values] + sorted(values - set(listed))
    if dimension in NUMBERED:
        return sorted(values, key=lambda v: (int(v.split("–")[0].rstrip("+"))
                                             if v[:1].isdigit() else -1, v))
    return sorted(values)


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
        self._stopping = threading.Event()

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
        """The indicator's long output for the view (at the indicator's own grain when it is
        not defined at the view's, over the periods the view overlaps), broken down by `by`;
        small counts suppressed. Refuses (IndicatorError) a filter or breakdown the indicator
        lacks."""
        indicator = get(indicator_id)
        shown = indicator_view(indicator, view)
        classes = kept_classes(indicator, shown)
        query = replace(shown, filters=tuple(f for f in shown.filters if f not in classes)
                        ).query(indicator, by)
        rows = self._memoised(("values", query), lambda: compute(
            self.src, query, self.min_cell_size, materialise=True))
        for name, kept in classes:
            rows = rows[rows[name].isin(kept)]
        return rows.reset_index(drop=True) if classes else rows.copy()

    def series(self, indicator_id: str, view: View) -> Series:
        """The indicator over the view's periods with its XmR chart. Suppressed or empty
        periods are left out of the chart (their rows stay, marked suppressed). A filter the
        indicator lacks gives an empty series naming it, never unfiltered figures."""
        return self._memoised(("series", indicator_id, view),
                              lambda: self._series(get(indicator_id), view))

    def _series(self, indicator: Indicator, view: View) -> Series:
        shown_view = indicator_view(indicator, view)
        fallback = shown_view.grain != view.grain
        missing = unavailable_filters(indicator, view)
        if missing:
            return Series(indicator, pd.DataFrame(), None, missing, view=shown_view,
                          grain_fallback=fallback)
        rows = self.values(indicator.id, view)
        forecast = isinstance(indicator.measure, Forecast)
        if indicator.fixed_dimensions and not forecast:  # classes a period, no one line
            return Series(indicator, rows, None, view=shown_view, grain_fallback=fallback)
        shown = rows[~rows["suppressed"] & rows["value"].notna()]
        if forecast:  # one line: the control chart is of the counted months only
            shown = shown[shown["kind"] == "actual"]
        chart = xmr(shown["value"].astype(float).tolist(), indicator.better, indicator.target,
                    run_length=self.run_length)
        return Series(indicator, rows, chart, chart_periods=tuple(shown["period"]),
                      view=shown_view, grain_fallback=fallback)

    def overview(self, view: View, group: str | None = None) -> list[Series]:
        return [self.series(i.id, view) for i in REGISTRY.values()
                if group is None or i.group == group]

    def warm(self, groups: tuple[str, ...] = FILTER_WARMED_GROUPS) -> None:
        """Computes, in the calling thread, the views people open first: the overview of the
        default window (which is every capability page's default view too) and every page's
        filter values, then each page of `groups` filtered by one value of one shared filter
        (every unit first, then the other dimensions). The other capabilities are not warmed
        per filter value: with some 90 indicators that would take many minutes. Each
        indicator is computed under the lock on its own, so a visitor's request waits for at
        most one indicator. `stop` ends it between indicators."""
        try:
            self._warm(groups)
        except duckdb.InterruptException:
            if not self._stopping.is_set():
                raise

    def _warm(self, groups: tuple[str, ...]) -> None:
        view = self.default_view()
        options = self.options()
        views = [(view, None)] + [
            (View(view.start, view.end, view.grain, ((name, (value,)),)), group)
            for name in ("unit", *[d for d in FILTER_DIMENSIONS if d != "unit"])
            for value in options[name] for group in groups
            if name in page_filters([i for i in REGISTRY.values() if i.group == group])]
        for done, (each, group) in enumerate(views):
            self.warm_up = (done, len(views))
            for indicator in REGISTRY.values():
                if self._stopping.is_set():
                    return
                if group is None or indicator.group == group:
                    self.series(indicator.id, each)
            if group is None:
                for page in dict.fromkeys(i.group for i in REGISTRY.values()):
                    self.page_options(page, view.grain)
        self.warm_up = (len(views), len(views))

    def stop(self) -> None:
        """Ends a warm-up running in another thread: no further indicator is started and the
        query under way is interrupted. A server stopped while warming up then exits cleanly;
        a thread still querying DuckDB as the interpreter exits aborts the process."""
        self._stopping.set()
        self._con.interrupt()

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

    def page_options(self, group: str, grain: str = "month") -> dict[str, list[str]]:
        """The values of each filter of a capability page (`page_filters`): the shared scope
        filters' from the county's tables (`options`), the others' as the page's indicators
        produce them at the page's grain (`dimension_values`)."""
        indicators = [i for i in REGISTRY.values() if i.group == group]
        shared = self.options()
        return {d: shared[d] if d in shared else self.dimension_values(d, group, grain)
                for d in page_filters(indicators)}

    def dimension_values(self, dimension: str, group: str | None = None,
                         grain: str = "month") -> list[str]:
        """The values a dimension takes in the events of the indicators (of a group) that
        have it: a SELECT DISTINCT over each indicator's events, which the dashboard keeps
        materialised anyway (`compute(..., materialise=True)`), so derived values (service
        groups, check ids, statements) are exactly those the figures can be filtered by.
        Ordered as their code list, by number for numbered classes, else alphabetically.
        Snapshot indicators (measured on as-of days) are not read: their dimensions are the
        shared ones. The events are those of the view's `grain` (the indicator's own when it
        has not that grain), the very ones the page's figures aggregate."""
        def read():
            found: set[str] = set()
            for indicator in REGISTRY.values():
                if (dimension not in (*indicator.dimensions, *indicator.always_by)
                        or indicator.snapshot or group not in (None, indicator.group)):
                    continue
                src = replace(self.src, grain=fallback_grain(indicator, grain))
                events = src.cached(indicator.events)
                found |= {v for v in events.select(dimension).distinct().to_pyarrow()
                          .column(0).to_pylist() if v is not None}
            return ordered(dimension, found)
        return self._memoised(("dimension_values", dimension, group, grain), read)

    def unit_names(self) -> dict[str, str]:
        def read():
            con = self.cursor()
            try:
                return dict(con.execute("SELECT unit_id, name FROM units").fetchall())
            finally:
                con.close()
        return self._memoised(("unit_names",), read)

    def overdue(self, as_of: date, units: list[str] | None, within_days: int) -> pd.DataFrame:
        """The overdue list for `units` (None: every unit; already checked against the viewer's
        entitlement by `roles.scope`). Not cached: it is person-level and audited each time."""
        with self._compute_lock:
            return overdue_list(self.src, as_of, units, within_days)

    def quarantine(self) -> pd.DataFrame:
        """The import quarantine's counts by table, field and reason, never the rows
        themselves (`reports.scorecard.quarantine_summary`); kept, as the figures are, for
        the life of the process."""
        def read():
            con = self.cursor()
            try:
                return quarantine_summary(con)
            finally:
                con.close()
        return self._memoised(("quarantine",), read)

    def comments(self, start: date, end: date, units: list[str] | None) -> pd.DataFrame:
        """The feedback comments given from `start` to `end` on `units` (None: every unit),
        newest first (`indicators.feedback.comments`; the units already checked by
        `roles.scope`). Not cached, as the overdue list: each view is audited."""
        with self._compute_lock:
            return feedback_comments(self.src.backend, start, end, units)

    def default_as_of(self, today: date) -> date:
        """Today, or the last day of data when the data ends before today (the demo county):
        a list as of a day after the data would show every open wait as overdue."""
        through = self.data_through()
        return min(today, through) if through else today
