"""Rolling-origin backtest of the demand forecasts against the seasonal-naive baseline.

The last `windows × horizon` periods of each series are forecast in `windows` steps: at each
origin both models are refitted on everything before it and forecast the next `horizon`
periods (statsforecast's `cross_validation`, step = horizon, so every tested period is
forecast once). Errors, per series and model:

- MAE, in events per period;
- rMAE = the model's MAE / the seasonal naive's MAE on the same periods (below 1 = better than
  the baseline; 1 for the baseline itself);
- MASE = MAE / the in-sample MAE of the seasonal naive over the history before the first
  origin (Hyndman & Koehler 2006): scale-free, so series of any size can be averaged, and
  defined when a count is 0, where sMAPE and MAPE are not (small units have zero weeks);
- the share of actual values inside the 80 % and 95 % intervals.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import ibis
import numpy as np
import pandas as pd

from .calendar import SEASONAL_LAG
from .demand import (
    BASELINE_NAME,
    HORIZON,
    LEVELS,
    MODEL_NAME,
    Progress,
    _batches,
    _engine,
    _frame,
    _need,
    _suppressed_series,
)
from .series import CountSeries, read_series

WINDOWS = 4
FIGURES = ["mae", "rmae", "mase", "coverage80", "coverage95"]


def cross_validate(counts: CountSeries, horizon: int | None = None, windows: int = WINDOWS,
                   n_jobs: int = 1, progress: Progress | None = None) -> pd.DataFrame:
    """Every tested period of every series: unique_id, ds, cutoff, y and each model's forecast
    and interval columns (statsforecast's names)."""
    grain = counts.grain
    horizon = horizon or HORIZON[grain]
    _need(counts, SEASONAL_LAG[grain] + 2 + windows * horizon,
          f"a backtest of {windows} windows of {horizon}")
    data = _frame(counts)
    ids = data["unique_id"].unique()
    parts, done = [], 0
    for batch in _batches(ids):
        parts.append(_engine(grain, n_jobs).cross_validation(
            df=data[data["unique_id"].isin(batch)], h=horizon, n_windows=windows,
            step_size=horizon, level=list(LEVELS)))
        done += len(batch)
        if progress:
            progress(done, len(ids))
    return pd.concat(parts, ignore_index=True)


def _scale(counts: CountSeries, first_cutoff: pd.Timestamp) -> pd.Series:
    """In-sample MAE of the seasonal naive before the first origin, by series."""
    history = counts.counts[counts.counts["period"] <= first_cutoff]
    lag = SEASONAL_LAG[counts.grain]
    diffs = history.groupby("series_id")["value"].diff(lag).abs()
    return diffs.groupby(history["series_id"]).mean()


def score(counts: CountSeries, tested: pd.DataFrame) -> pd.DataFrame:
    """Error figures per series and model from `cross_validate`'s output."""
    scale = _scale(counts, tested["cutoff"].min())
    rows = []
    for model in (MODEL_NAME, BASELINE_NAME):
        point = tested[model].clip(lower=0)
        inside = {level: (tested["y"] >= tested[f"{model}-lo-{level}"].clip(lower=0))
                  & (tested["y"] <= tested[f"{model}-hi-{level}"]) for level in LEVELS}
        frame = pd.DataFrame({"series_id": tested["unique_id"],
                              "error": (point - tested["y"]).abs(),
                              "naive_error": (tested[BASELINE_NAME].clip(lower=0)
                                              - tested["y"]).abs(),
                              "coverage80": inside[80].astype(float),
                              "coverage95": inside[95].astype(float)})
        by = frame.groupby("series_id")
        out = pd.DataFrame({"mae": by["error"].mean(), "naive": by["naive_error"].mean(),
                            "coverage80": by["coverage80"].mean(),
                            "coverage95": by["coverage95"].mean(),
                            "points": by.size()}).reset_index()
        out["rmae"] = out["mae"] / out["naive"].replace(0, np.nan)
        out["mase"] = out["mae"] / out["series_id"].map(scale).replace(0, np.nan)
        rows.append(out.drop(columns="naive").assign(model=model))
    return pd.concat(rows, ignore_index=True)


def backtest_table(db: str | Path | ibis.BaseBackend, series: str, grain: str = "week",
                   by: Sequence[str] = (), horizon: int | None = None,
                   windows: int = WINDOWS, min_cell_size: int = 5, n_jobs: int = 1,
                   progress: Progress | None = None) -> pd.DataFrame:
    """The backtest of a series, one row per (series_id, model): series, series_id, the `by`
    dimensions, grain, model, horizon, windows, points, mae, rmae, mase, coverage80,
    coverage95, suppressed. A series whose forecasts are suppressed (see `forecast_table`)
    has its figures emptied too: its MAE would tell the size of a small count."""
    counts = read_series(db, series, grain, by)
    return backtest_rows(counts, horizon, windows, min_cell_size, n_jobs, progress)


def backtest_rows(counts: CountSeries, horizon: int | None = None, windows: int = WINDOWS,
                  min_cell_size: int = 5, n_jobs: int = 1,
                  progress: Progress | None = None) -> pd.DataFrame:
    """`backtest_table` of series already read."""
    horizon = horizon or HORIZON[counts.grain]
    scored = score(counts, cross_validate(counts, horizon, windows, n_jobs, progress))
    keys = counts.counts[["series_id", *counts.by]].drop_duplicates()
    rows = scored.merge(keys, on="series_id").assign(
        series=counts.name, grain=counts.grain, horizon=horizon, windows=windows)
    rows["suppressed"] = rows["series_id"].isin(_suppressed_series(counts, min_cell_size))
    rows[FIGURES] = rows[FIGURES].astype("Float64").mask(rows["suppressed"], axis=0)
    columns = ["series", "series_id", *counts.by, "grain", "model", "horizon", "windows",
               "points", *FIGURES, "suppressed"]
    return rows[columns].sort_values(["series_id", "model"]).reset_index(drop=True)


def chosen_models(counts: CountSeries, horizon: int | None = None,
                  windows: int = WINDOWS) -> pd.Series:
    """Per series id, the model whose backtest MAE is lower: the harmonic regression, or the
    seasonal naive where the regression forecast worse (on a tie the regression). A history
    too short for the backtest keeps the regression for every series. What the registry's
    forecasts use (`monthly`), because a model that loses to last year's value on a series
    should not be the one shown for it."""
    ids = counts.counts["series_id"].unique()
    horizon = horizon or HORIZON[counts.grain]
    needed = SEASONAL_LAG[counts.grain] + 2 + windows * horizon
    chosen = pd.Series(MODEL_NAME, index=pd.Index(ids, name="series_id"), name="model")
    if counts.counts["period"].nunique() < needed:
        return chosen
    errors = score(counts, cross_validate(counts, horizon, windows)).pivot(
        index="series_id", columns="model", values="mae")
    worse = errors[MODEL_NAME] > errors[BASELINE_NAME]
    chosen[worse[worse].index] = BASELINE_NAME
    return chosen


def summarise_backtest(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per model over the unsuppressed series: series, mean MASE, the geometric mean
    of rMAE (the average of ratios that treats 2× worse and 2× better alike; Davydenko &
    Fildes 2013), the share of series where the model beats the seasonal naive, and the
    interval coverage over all tested periods."""
    shown = rows[~rows["suppressed"]]
    out = []
    for model, mine in shown.groupby("model", sort=False):
        ratio = mine["rmae"].dropna().astype(float)
        ratio = ratio[ratio > 0]
        weights = mine["points"]
        out.append({"model": model, "series": len(mine),
                    "mean_mase": float(mine["mase"].astype(float).mean()),
                    "geomean_rmae": float(np.exp(np.log(ratio).mean())) if len(ratio) else
                    np.nan,
                    "share_better": float((mine["rmae"].astype(float) < 1).mean()),
                    "coverage80": float(np.average(mine["coverage80"].astype(float),
                                                   weights=weights)),
                    "coverage95": float(np.average(mine["coverage95"].astype(float),
                                                   weights=weights))})
    return pd.DataFrame(out)
