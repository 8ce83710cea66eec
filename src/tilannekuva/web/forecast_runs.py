"""Demand forecasts computed by the web server, for the /forecasts page and the API: the one
path both take, so a figure on the page equals the API's for the same series, grain, breakdown
and horizon (and both equal `forecasting.demand.forecast_table` called directly).

What the command line does not need:

- **The server's connection.** The server holds the county file, so it cannot be opened a
  second time in the process: counts are read through a cursor of the server's own DuckDB
  connection (Helsinki time, as every connection of the store).
- **Bounded work.** One computation at a time (a lock; other requests wait for it), results
  kept by their parameters (the newest `CACHE_SIZE`: a reload or a shared link costs nothing),
  horizons up to `MAX_HORIZON` periods, and at most `MAX_SERIES` series a request: a breakdown
  with more values (visits by unit × service) is refused with the count and the limit, and the
  page forecasts one value of a breakdown at a time. The command line forecasts any breakdown.
- **One value of a breakdown.** The page shows one series of a breakdown: its counts are read
  for the whole breakdown (one cheap aggregate in the database) and only the chosen value is
  fitted. Each series is fitted on its own, and suppression is decided per series, so its rows
  equal those of the whole breakdown's table.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import replace

import ibis
import pandas as pd

from ..errors import TilannekuvaError
from ..forecasting.backtest import backtest_rows
from ..forecasting.demand import HORIZON, assemble, forecast
from ..forecasting.series import SERIES, CountSeries, read_series
from .figures import Figures

#: Series (values of a breakdown) one request may forecast.
MAX_SERIES = 40
#: Periods ahead a request may ask for (a year of weeks; for months four years).
MAX_HORIZON = 52
#: Results kept by their parameters.
CACHE_SIZE = 64


class TooMany(TilannekuvaError):
    """A breakdown with more series than the server forecasts in one request."""


def check_request(series: str, by: Sequence[str]) -> None:
    """Names an unknown series (`KeyError`, the API's 404) or dimension (`ValueError`, the
    API's 422), as the library words them."""
    if series not in SERIES:
        raise KeyError(f"No series {series!r}; choose one of {', '.join(SERIES)}.")
    dimensions = SERIES[series].dimensions
    unknown = [d for d in by if d not in dimensions]
    if unknown:
        raise ValueError(f"Series {series} has no dimension {', '.join(unknown)}; choose "
                         f"from {', '.join(dimensions)}.")


def horizon_of(grain: str, horizon: int | None) -> int:
    """The periods ahead: as asked, or the library's default for the grain (a quarter)."""
    if grain not in HORIZON:
        raise TilannekuvaError(f"grain must be week or month, not {grain!r}")
    horizon = horizon or HORIZON[grain]
    if not 1 <= horizon <= MAX_HORIZON:
        raise TilannekuvaError(f"horizon: from 1 to {MAX_HORIZON} periods, not {horizon}")
    return horizon


class ForecastRuns:
    """The county's count series, forecasts and backtests, kept by their parameters."""

    def __init__(self, figures: Figures, min_cell_size: int, max_series: int = MAX_SERIES):
        self.figures = figures
        self.min_cell_size = min_cell_size
        self.max_series = max_series
        self._lock = threading.Lock()
        self._cache_lock = threading.Lock()
        self._cache: OrderedDict[tuple, object] = OrderedDict()

    def counts(self, series: str, grain: str, by: Sequence[str]) -> CountSeries:
        """The counts of `series` by `grain` and the dimensions `by`, read in the database."""
        def read() -> CountSeries:
            con = self.figures.cursor()
            try:
                return read_series(ibis.duckdb.from_connection(con), series, grain, by)
            finally:
                con.close()
        return self._kept(("counts", series, grain, tuple(by)), read)

    def values(self, series: str, grain: str, dimension: str) -> list[str]:
        """The values of `dimension` with events in the series, sorted."""
        return sorted(self.counts(series, grain, (dimension,)).counts[dimension].unique())

    def _selected(self, series: str, grain: str, by: Sequence[str],
                  value: str | None) -> CountSeries:
        """The counts of the request: a whole breakdown, or one `value` of a one-dimension
        breakdown; refused above `max_series` series."""
        by = tuple(dict.fromkeys(by))
        check_request(series, by)
        counts = self.counts(series, grain, by)
        if value is not None:
            if len(by) != 1:
                raise TilannekuvaError("A value is chosen of a breakdown by one dimension.")
            mine = counts.counts[counts.counts[by[0]] == value]
            if mine.empty:
                raise TilannekuvaError(f"Series {series} has no events with {by[0]} = "
                                       f"{value!r}.")
            counts = replace(counts, counts=mine.reset_index(drop=True))
        n = counts.counts["series_id"].nunique()
        if n > self.max_series:
            raise TooMany(f"Series {series} by {', '.join(by)} has {n} series; the server "
                          f"forecasts at most {self.max_series} a request. Choose one value on "
                          "the page, or use the command line (tilannekuva forecast).")
        return counts

    def table(self, series: str, grain: str = "week", by: Sequence[str] = (),
              horizon: int | None = None, value: str | None = None) -> pd.DataFrame:
        """`forecast_table`'s long table (the model's forecast, suppressed) of the request."""
        horizon = horizon_of(grain, horizon)
        counts = self._selected(series, grain, by, value)
        return self._kept(
            ("forecast", series, grain, counts.by, horizon, value),
            lambda: assemble(counts, forecast(counts, horizon), self.min_cell_size))

    def backtest(self, series: str, grain: str = "week", by: Sequence[str] = (),
                 horizon: int | None = None, value: str | None = None) -> pd.DataFrame:
        """`backtest_table`'s rows (the model and the seasonal naive per series)."""
        horizon = horizon_of(grain, horizon)
        counts = self._selected(series, grain, by, value)
        return self._kept(
            ("backtest", series, grain, counts.by, horizon, value),
            lambda: backtest_rows(counts, horizon, min_cell_size=self.min_cell_size))

    def _kept(self, key: tuple, compute: Callable[[], object]):
        """The value kept under `key`, or computed (one computation at a time) and kept."""
        with self._cache_lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        with self._lock:
            with self._cache_lock:
                if key in self._cache:
                    return self._cache[key]
            value = compute()
        with self._cache_lock:
            self._cache[key] = value
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return value
