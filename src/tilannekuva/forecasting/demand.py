"""Demand forecasts of count series (`series.SERIES`) with statsforecast, as one long table the
dashboard, the API and the CLI read (`forecast_table`).

The model is dynamic harmonic regression: a linear regression on yearly Fourier terms (the
season) and the period's Finnish working days (holidays), with ARMA errors, fitted by
statsforecast's ARIMA. Fourier terms carry a season of 52.18 weeks that a seasonal ARIMA or
ETS cannot, and the working-days regressor moves Easter, Ascension Day and Christmas weeks
with the calendar instead of repeating last year's dates. The baseline every forecast is
measured against is the seasonal naive (the same period a year earlier). docs/forecasting.md,
"Demand forecasts", gives the choices and the measured backtest.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import ibis
import numpy as np
import pandas as pd

from ..errors import TilannekuvaError
from .calendar import SEASONAL_LAG, calendar_table, following, fourier_terms
from .series import CountSeries, read_series

Progress = Callable[[int, int], None]
LEVELS = (80, 95)
#: Default horizon: a quarter ahead.
HORIZON = {"week": 13, "month": 3}
#: Series fitted per statsforecast call: the progress bar moves after each batch.
BATCH = 16


@dataclass(frozen=True)
class ModelChoice:
    """The regression's yearly harmonics and ARMA order for a grain (chosen on the synthetic
    county's unit-by-service series, docs/forecasting.md)."""

    harmonics: int
    order: tuple[int, int, int]


MODELS = {"week": ModelChoice(6, (1, 0, 1)), "month": ModelChoice(5, (1, 0, 0))}
MODEL_NAME = "harmonic_arima"
BASELINE_NAME = "seasonal_naive"


def _models(grain: str):
    from statsforecast.models import ARIMA, SeasonalNaive

    choice = MODELS[grain]
    return [ARIMA(order=choice.order, include_mean=True, alias=MODEL_NAME),
            SeasonalNaive(season_length=SEASONAL_LAG[grain], alias=BASELINE_NAME)]


def regressors(starts: pd.DatetimeIndex, grain: str) -> pd.DataFrame:
    """The exogenous regressors of each period start: Fourier terms and working days."""
    calendar = calendar_table(starts, grain)
    terms = fourier_terms(starts, grain, MODELS[grain].harmonics)
    return pd.concat([calendar[["period", "working_days"]].astype({"working_days": float}),
                      terms], axis=1).rename(columns={"period": "ds"})


def _frame(counts: CountSeries) -> pd.DataFrame:
    """statsforecast's long input: unique_id, ds, y and the regressors."""
    data = counts.counts[["series_id", "period", "value"]].rename(
        columns={"series_id": "unique_id", "period": "ds", "value": "y"})
    data["y"] = data["y"].astype(float)
    starts = pd.DatetimeIndex(sorted(data["ds"].unique()))
    return data.merge(regressors(starts, counts.grain), on="ds", how="left")


def _engine(grain: str, n_jobs: int):
    from statsforecast import StatsForecast

    return StatsForecast(models=_models(grain), freq="W-MON" if grain == "week" else "MS",
                         n_jobs=n_jobs)


def _need(counts: CountSeries, periods_needed: int, what: str) -> None:
    have = counts.counts["period"].nunique()
    if have < periods_needed:
        raise TilannekuvaError(
            f"Series {counts.name} by {counts.grain} has {have} whole periods "
            f"({counts.first} – {counts.last}); {what} needs at least {periods_needed}.")


def _batches(ids: np.ndarray) -> list[np.ndarray]:
    return [ids[i:i + BATCH] for i in range(0, len(ids), BATCH)]


def _clip(rows: pd.DataFrame) -> pd.DataFrame:
    """Counts are never negative: a point forecast or bound below 0 is shown as 0."""
    for column in ("value", "lo80", "hi80", "lo95", "hi95"):
        rows[column] = rows[column].clip(lower=0)
    return rows


def _rename(output: pd.DataFrame, model: str) -> pd.DataFrame:
    columns = {model: "value", **{f"{model}-{side}-{level}": f"{side}{level}"
                                  for level in LEVELS for side in ("lo", "hi")}}
    return output.rename(columns=columns)[["unique_id", "ds", *columns.values()]]


def forecast(counts: CountSeries, horizon: int | None = None, n_jobs: int = 1,
             progress: Progress | None = None) -> pd.DataFrame:
    """Forecasts of every series in `counts` for `horizon` periods after the last whole one:
    columns series_id, period, model, value, lo80, hi80, lo95, hi95 (both the model and the
    seasonal-naive baseline)."""
    grain = counts.grain
    horizon = horizon or HORIZON[grain]
    _need(counts, SEASONAL_LAG[grain] + 2, "a forecast")
    data = _frame(counts)
    future_starts = following(data["ds"].max(), horizon, grain)
    future_x = regressors(future_starts, grain)
    ids = data["unique_id"].unique()
    parts, done = [], 0
    for batch in _batches(ids):
        mine = data[data["unique_id"].isin(batch)]
        x = pd.DataFrame({"unique_id": np.repeat(batch, len(future_x))}).join(
            pd.concat([future_x] * len(batch), ignore_index=True))
        out = _engine(grain, n_jobs).forecast(df=mine, h=horizon, X_df=x, level=list(LEVELS))
        for model in (MODEL_NAME, BASELINE_NAME):
            parts.append(_rename(out, model).assign(model=model))
        done += len(batch)
        if progress:
            progress(done, len(ids))
    rows = pd.concat(parts, ignore_index=True).rename(
        columns={"unique_id": "series_id", "ds": "period"})
    return _clip(rows)[["series_id", "period", "model", "value", "lo80", "hi80", "lo95", "hi95"]]


def _suppressed_series(counts: CountSeries, min_cell_size: int) -> set[str]:
    """Series whose median of distinct persons per period over the last year of history is
    below `min_cell_size`: a forecast of them would describe fewer persons than the minimum."""
    lag = SEASONAL_LAG[counts.grain]
    recent = counts.counts.groupby("series_id").tail(lag)
    median = recent.groupby("series_id")["persons"].median()
    return set(median[median < min_cell_size].index)


def forecast_table(db: str | Path | ibis.BaseBackend, series: str, grain: str = "week",
                   horizon: int | None = None, by: Sequence[str] = (), min_cell_size: int = 5,
                   baseline: bool = False, n_jobs: int = 1,
                   progress: Progress | None = None) -> pd.DataFrame:
    """The registry-like long table of a series: its history and its forecast.

    Columns: series, series_id, the `by` dimension columns, grain, period (first day of the
    week or month), kind (`actual` or `forecast`), value, lo80, hi80, lo95, hi95, model (empty
    for actuals), suppressed. With `baseline`, the seasonal-naive forecast is included beside
    the model's (model = seasonal_naive).

    Suppression: an actual period with fewer than `min_cell_size` distinct persons has its
    value emptied; every forecast row of a series whose median of persons per period over its
    last year is below `min_cell_size` is emptied too. Suppressed rows keep their keys."""
    counts = read_series(db, series, grain, by)
    return assemble(counts, forecast(counts, horizon, n_jobs, progress), min_cell_size,
                    baseline)


def assemble(counts: CountSeries, forecasts: pd.DataFrame, min_cell_size: int,
             baseline: bool = False) -> pd.DataFrame:
    """History and forecasts of `counts` in the long shape of `forecast_table`, suppressed."""
    if min_cell_size < 1:
        raise ValueError("min_cell_size must be at least 1")
    keys = counts.counts[["series_id", *counts.by]].drop_duplicates()
    actual = counts.counts.assign(kind="actual", model=None)
    actual["suppressed"] = actual["persons"] < min_cell_size
    actual["value"] = actual["value"].astype("Float64").mask(actual["suppressed"])
    if not baseline:
        forecasts = forecasts[forecasts["model"] == MODEL_NAME]
    ahead = forecasts.merge(keys, on="series_id").assign(kind="forecast")
    ahead["suppressed"] = ahead["series_id"].isin(_suppressed_series(counts, min_cell_size))
    figures = ["value", "lo80", "hi80", "lo95", "hi95"]
    ahead[figures] = ahead[figures].astype("Float64").mask(ahead["suppressed"], axis=0)
    rows = pd.concat([actual.drop(columns="persons"), ahead], ignore_index=True)
    rows.insert(0, "series", counts.name)
    rows.insert(2 + len(counts.by), "grain", counts.grain)
    columns = ["series", "series_id", *counts.by, "grain", "period", "kind", *figures, "model",
               "suppressed"]
    rows = rows[columns].astype({f: "Float64" for f in figures})
    return rows.sort_values(["series_id", "period", "kind", "model"],
                            na_position="first").reset_index(drop=True)
