"""The API of demand forecasts: `GET /api/v1/forecasts/{series}` (history and forecast) and
`GET /api/v1/forecasts/{series}/backtest` (the errors against the seasonal naive), for
planners' own tools. Both need a bearer token; both answer what the /forecasts page shows
(the same `forecast_runs.ForecastRuns`, the same `forecasting.demand.forecast_table` rows).

Rows follow the indicators' long shape (docs/forecasting.md, "On the dashboard and API"):
period, the dimension values, value, low and high (the 95 % interval), low80 and high80,
suppressed; a suppressed row carries no figures (null), only its keys.

Errors: an unknown series is a 404 naming it; a dimension the series lacks, or a parameter of
the wrong type or outside its range, a 422 naming it (`loc`); a well-formed request the
figures cannot answer — too short a history, no events, a breakdown above the server's limit —
a 400 with the reason.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

import pandas as pd
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel

from ..errors import TilannekuvaError
from ..forecasting.backtest import FIGURES as BACKTEST_FIGURES
from .api import Problem, SignedIn, _clean
from .forecast_runs import MAX_HORIZON, ForecastRuns, check_request, horizon_of

router = APIRouter(prefix="/api/v1", tags=["forecasts"])

Grain = Annotated[Literal["week", "month"], Query(description="Periods: ISO weeks or months.")]
By = Annotated[list[str], Query(max_length=5, description="Dimensions to break down by.")]
Horizon = Annotated[int | None, Query(ge=1, le=MAX_HORIZON, description=(
    "Periods ahead; default 13 weeks or 3 months."))]

ERRORS = {
    400: {"model": Problem, "description": "The figures cannot answer the request as asked "
          "(too short a history, no events, too many series)."},
    401: {"model": Problem, "description": "Not signed in: no token, or an unknown or expired "
          "one."},
    404: {"model": Problem, "description": "No such series."},
}


class ForecastRow(BaseModel):
    """One period of one series: an actual count or a forecast, in the indicators' long
    shape. `low`/`high` are the 95 % prediction interval (`lo95`/`hi95` of the library),
    `low80`/`high80` the 80 % one; an actual has no interval."""

    series_id: str
    dimensions: dict[str, str | None]
    period: date
    kind: Literal["actual", "forecast"]
    model: str | None
    value: float | None
    low: float | None
    high: float | None
    low80: float | None
    high80: float | None
    suppressed: bool


class ForecastOut(BaseModel):
    series: str
    grain: Literal["week", "month"]
    by: list[str]
    horizon: int
    min_cell_size: int
    rows: list[ForecastRow]


class BacktestRow(BaseModel):
    """One series and model: the rolling-origin errors (docs/forecasting.md, "Backtest")."""

    series_id: str
    dimensions: dict[str, str | None]
    model: str
    points: int
    mae: float | None
    rmae: float | None
    mase: float | None
    coverage80: float | None
    coverage95: float | None
    suppressed: bool


class BacktestOut(BaseModel):
    series: str
    grain: Literal["week", "month"]
    by: list[str]
    horizon: int
    windows: int
    rows: list[BacktestRow]


def _runs(request: Request) -> ForecastRuns:
    return request.app.state.forecast_runs


def _checked(series: str, by: list[str]) -> list[str]:
    """The breakdown without repeats; an unknown series a 404, an unknown dimension a 422."""
    by = list(dict.fromkeys(by))
    try:
        check_request(series, by)
    except KeyError as error:
        raise HTTPException(404, error.args[0]) from None
    except ValueError as error:
        raise RequestValidationError([{"type": "value_error", "loc": ("query", "by"),
                                       "msg": str(error), "input": by}]) from None
    return by


def _answer(call):
    try:
        return call()
    except TilannekuvaError as error:
        raise HTTPException(400, str(error)) from None


def _dimensions(record: dict, by: list[str]) -> dict[str, str | None]:
    return {d: _clean(record[d]) for d in by}


@router.get("/forecasts/{series}", response_model=ForecastOut, responses=ERRORS)
def forecasts(request: Request, series: str, user: SignedIn, grain: Grain = "week",
              by: By = [], horizon: Horizon = None):  # noqa: B006
    """The series' counts by period (`actual`) and the model's forecast for `horizon`
    periods (`forecast`) with 80 % and 95 % prediction intervals, per value of the breakdown.
    At most 40 series a request; results are kept by their parameters."""
    by = _checked(series, by)
    runs = _runs(request)
    table = _answer(lambda: runs.table(series, grain, by, horizon))
    rows = [ForecastRow(series_id=r["series_id"], dimensions=_dimensions(r, by),
                        period=pd.Timestamp(r["period"]).date(), kind=r["kind"],
                        model=_clean(r["model"]), value=_clean(r["value"]),
                        low=_clean(r["lo95"]), high=_clean(r["hi95"]),
                        low80=_clean(r["lo80"]), high80=_clean(r["hi80"]),
                        suppressed=bool(r["suppressed"]))
            for r in table.astype(object).to_dict("records")]
    return ForecastOut(series=series, grain=grain, by=by, horizon=horizon_of(grain, horizon),
                       min_cell_size=runs.min_cell_size, rows=rows)


@router.get("/forecasts/{series}/backtest", response_model=BacktestOut, responses=ERRORS)
def backtest(request: Request, series: str, user: SignedIn, grain: Grain = "week",
             by: By = [], horizon: Horizon = None):  # noqa: B006
    """The rolling-origin backtest of the series: four windows of `horizon` periods, each
    model's MAE, rMAE (against the seasonal naive), MASE and interval coverage per value of
    the breakdown (null when the series is suppressed). Slower than the forecast."""
    by = _checked(series, by)
    table = _answer(lambda: _runs(request).backtest(series, grain, by, horizon))
    rows = [BacktestRow(series_id=r["series_id"], dimensions=_dimensions(r, by),
                        model=r["model"], points=int(r["points"]),
                        suppressed=bool(r["suppressed"]),
                        **{f: _clean(r[f]) for f in BACKTEST_FIGURES})
            for r in table.astype(object).to_dict("records")]
    first = table.iloc[0] if len(table) else None
    return BacktestOut(series=series, grain=grain, by=by,
                       horizon=int(first["horizon"]) if first is not None else 0,
                       windows=int(first["windows"]) if first is not None else 0, rows=rows)
