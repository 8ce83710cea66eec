"""The registry's demand forecasts (`indicators.model.Forecast`, the `forecasts` group): monthly
counts in, history and forecast rows out, in the indicators' long shape.

The engine counts an indicator's rows by month and dimension values on the backend, from the
data's first month to the query's end; this module turns those counts into:

- history rows: the months in the query whose month is whole, with their counts;
- forecast rows: the `horizon` months after the last whole month, from the model the backtest
  chose for the series (`backtest.chosen_models`: the harmonic regression of `demand`, or the
  seasonal naive where the regression forecast worse), with the 95 % prediction interval.

Assumptions, also in docs/forecasting.md:

- A month is whole when it ends on or before both the query's end and the last day any row of
  the series falls on, before filters by dimension (the data's end as far as the series can
  tell, as for the weekly forecasts): a month cut by either end
  would look like a drop in demand. Its counts are left out of the history rows and of the
  fitted model, and it is the first month forecast.
- Months without rows inside the data count as 0 for the model (and have no history row,
  as for a count indicator).
- A forecast needs 14 whole months of history (a year for the seasonal naive and two more);
  with less, only the history rows are given.
- The persons behind a forecast row, for suppression, are the median of the series' distinct
  persons per month over its last 12 whole months.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from .backtest import chosen_models
from .calendar import SEASONAL_LAG
from .demand import forecast
from .series import CountSeries, complete_periods


def last_whole_month(end: date, data_last: date) -> pd.Timestamp | None:
    """The start of the last month ending on or before both `end` and `data_last`."""
    last = pd.Timestamp(min(end, data_last))
    month = last.to_period("M")
    if last != month.end_time.normalize():
        month -= 1
    return month.start_time


def forecast_rows(counted: pd.DataFrame, keys: list[str], start: date, end: date,
                  horizon: int) -> pd.DataFrame:
    """`counted` (columns period, `kind` = "actual", the dimension `keys`, rows, persons, and
    data_end, the last day of the series' rows up to `end` before any dimension filter: one
    row per month and dimension values, every month up to `end`) → columns period, kind, the
    `keys`, numerator, value, low, high, persons: the history months of [start, end] (kind
    "actual") and the forecast months (kind "forecast")."""
    columns = ["period", "kind", *keys, "numerator", "value", "low", "high", "persons"]
    if counted.empty:
        return pd.DataFrame(columns=columns)
    counted = counted.assign(period=pd.to_datetime(counted["period"]).astype("datetime64[ns]"))
    last = last_whole_month(end, pd.Timestamp(counted["data_end"].iloc[0]).date())
    counted = counted[counted["period"] <= last]
    shown = counted[counted["period"] >= pd.Timestamp(start).to_period("M").start_time]
    history = shown.assign(numerator=shown["rows"], value=shown["rows"].astype(float),
                           low=pd.NA, high=pd.NA)
    ahead = _ahead(counted, keys, last, horizon).assign(kind="forecast")
    return pd.concat([history[columns], ahead[columns]], ignore_index=True)


def _ahead(counted: pd.DataFrame, keys: list[str], last: pd.Timestamp,
           horizon: int) -> pd.DataFrame:
    """The forecast rows of every series in `counted`, none when its history is too short."""
    months = (pd.date_range(counted["period"].min(), last, freq="MS") if len(counted) else
              pd.DatetimeIndex([]))
    if len(months) < SEASONAL_LAG["month"] + 2:
        return pd.DataFrame(columns=["period", *keys, "numerator", "value", "low", "high",
                                     "persons"])
    filled = complete_periods(counted.rename(columns={"rows": "value"})[["period", *keys, "value",
                                                                   "persons"]].copy(),
                       "series", tuple(keys), months)
    counts = CountSeries("series", "month", tuple(keys), months[0].date(),
                         (months[-1] + pd.offsets.MonthEnd(0)).date(), filled)
    predicted = forecast(counts, horizon)
    chosen = chosen_models(counts, horizon)
    predicted = predicted[predicted["model"] == predicted["series_id"].map(chosen)]
    recent = filled.groupby("series_id").tail(SEASONAL_LAG["month"])
    persons = recent.groupby("series_id")["persons"].median()
    ids = filled[["series_id", *keys]].drop_duplicates()
    ahead = predicted.merge(ids, on="series_id")
    return ahead.assign(numerator=pd.NA, low=ahead["lo95"], high=ahead["hi95"],
                        persons=ahead["series_id"].map(persons))
