"""The /forecasts page: a planner chooses a count series (referrals, assessments, visits, ED
arrivals, social-care initiations, contacts), weeks or months, optionally one value of one of
its breakdowns, and sees the last two years of counts and the forecast with its 80 % and 95 %
prediction intervals (docs/forecasting.md, "Demand forecasts"); on request the backtest of the
same series against the seasonal naive (slower: four refits).

Everything is a plain GET form, so the state of the page is in its URL: `series`, `grain`,
`by` (a dimension of the series, empty for the whole county), the chosen value as a parameter
named by the dimension (`by=specialty&specialty=orthopaedics`, so a value of another
breakdown left in the URL is ignored instead of refused; without one, the first value),
`horizon` (periods, at most 52) and `backtest=1`. The figures come from `forecast_runs`, the
path the API takes too; hidden counts and forecasts (below `min_cell_size`) are shown as
hidden, never as numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from ..errors import TilannekuvaError
from ..forecasting.demand import BASELINE_NAME, HORIZON, MODEL_NAME
from ..forecasting.series import SERIES
from .charts import Ahead, forecast_svg
from .forecast_runs import MAX_HORIZON, MAX_SERIES, ForecastRuns, check_request
from .i18n import Translator
from .labels import value_labels
from .pages import PageUser, download, render, translator_of
from .scenarios_page import decimals

router = APIRouter(include_in_schema=False)

#: Periods of history shown: the last two years.
HISTORY = {"week": 104, "month": 24}
DEFAULT_SERIES = "referrals"


@dataclass
class Form:
    """The page's parameters as given (`raw`, shown back in the form), read, and what is
    wrong with them (`errors`, field → message)."""

    raw: dict[str, str]
    series: str = DEFAULT_SERIES
    grain: str = "week"
    by: str | None = None
    value: str | None = None
    horizon: int = HORIZON["week"]
    backtest: bool = False
    errors: dict[str, str] = field(default_factory=dict)


def read_form(request: Request, t: Translator) -> Form:
    params = request.query_params
    raw = {k: params.get(k, "").strip() for k in ("series", "grain", "by", "horizon")}
    form = Form(raw, backtest=params.get("backtest") == "1")
    form.series = raw["series"] or DEFAULT_SERIES
    if form.series not in SERIES:
        form.errors["series"] = t("forecasts.error.series", series=form.series)
    form.grain = raw["grain"] or "week"
    if form.grain not in HORIZON:
        form.errors["grain"] = t("forecasts.error.grain", grain=form.grain)
        form.grain = "week"
    form.by = raw["by"] or None
    if form.by and "series" not in form.errors:
        try:
            check_request(form.series, (form.by,))
        except ValueError:
            form.errors["by"] = t("forecasts.error.by", series=t(f"forecasts.series.{form.series}"),
                                  dimension=form.by)
    if form.by:
        form.value = params.get(form.by, "").strip() or None
    form.horizon = HORIZON[form.grain]
    if raw["horizon"]:
        text = raw["horizon"]
        if text.isdigit() and 1 <= int(text) <= MAX_HORIZON:
            form.horizon = int(text)
        else:
            form.errors["horizon"] = t("forecasts.error.horizon", high=MAX_HORIZON)
    return form


def dimension_labels(request: Request, t: Translator):
    """How a value of a breakdown is named: as everywhere on the dashboard (`labels`), and a
    referral's priority by its code list."""
    label = value_labels(request.app.state.figures, t)

    def named(dimension: str, value: str) -> str:
        if dimension == "priority":
            return t.code("referral_priority", value)
        return label(dimension, value)
    return named


def _figure(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def view(table: pd.DataFrame, form: Form, t: Translator, title: str) -> dict:
    """The chart and tables of one series: the last two years of counts and the forecast."""
    actual = table[table["kind"] == "actual"].tail(HISTORY[form.grain])
    ahead = table[table["kind"] == "forecast"]
    history = [{"period": p.date(), "value": _figure(v), "suppressed": bool(s)}
               for p, v, s in zip(actual["period"], actual["value"], actual["suppressed"],
                                  strict=True)]
    hidden = bool(ahead["suppressed"].any())
    future = [{"period": r["period"].date(), "value": _figure(r["value"]),
               "lo80": _figure(r["lo80"]), "hi80": _figure(r["hi80"]),
               "lo95": _figure(r["lo95"]), "hi95": _figure(r["hi95"]),
               "suppressed": bool(r["suppressed"])} for r in ahead.to_dict("records")]
    labels = [period_label(r["period"], form.grain) for r in history + future]
    number = decimals(t, "#,##0")
    chart = forecast_svg(
        labels, [r["value"] for r in history],
        [] if hidden else [Ahead(r["value"], r["lo80"], r["hi80"], r["lo95"], r["hi95"])
                           for r in future],
        {"actual": t("forecasts.chart.actual"), "forecast": t("forecasts.chart.forecast"),
         "80": t("forecasts.interval80"), "95": t("forecasts.interval95")},
        title, t("forecasts.chart.description"), number=number)
    return {"history": history, "future": future, "hidden": hidden, "chart": chart}


def period_label(period, grain: str) -> str:
    """A week by its Monday (ISO date), a month as YYYY-MM."""
    return period.strftime("%Y-%m") if grain == "month" else period.isoformat()


def backtest_view(rows: pd.DataFrame) -> list[dict]:
    """The backtest's two rows (the model first, then the seasonal naive) as figures."""
    order = {MODEL_NAME: 0, BASELINE_NAME: 1}
    out = [{"model": r["model"], "points": int(r["points"]), "suppressed": bool(r["suppressed"]),
            **{f: _figure(r[f]) for f in ("mae", "rmae", "mase", "coverage80", "coverage95")}}
           for r in rows.to_dict("records")]
    return sorted(out, key=lambda r: order.get(r["model"], 2))


def _selected_value(runs: ForecastRuns, form: Form, t: Translator) -> None:
    """Fills in the breakdown's value (its first one when none is asked), or names the asked
    value that the breakdown does not have in `form.errors`."""
    if not form.by:
        return
    values = runs.values(form.series, form.grain, form.by)
    if form.value is None:
        form.value = values[0]
    elif form.value not in values:
        form.errors["value"] = t("forecasts.error.value", value=form.value,
                                 dimension=t(f"dimension.{form.by}"))


@router.get("/forecasts/download.{fmt}")
def forecasts_download(request: Request, fmt: str, user: PageUser) -> Response:
    """The page's series as CSV or Excel: every period of its history and its forecast with
    both intervals, in `forecast_table`'s long shape (suppressed figures empty)."""
    runs: ForecastRuns = request.app.state.forecast_runs
    t = translator_of(request)
    form = read_form(request, t)
    try:
        if not form.errors:
            _selected_value(runs, form, t)
        if form.errors:
            raise HTTPException(400, " ".join(form.errors.values()))
        table = runs.table(form.series, form.grain, (form.by,) if form.by else (),
                           form.horizon, form.value)
    except TilannekuvaError as error:
        raise HTTPException(400, str(error)) from None
    table = table.assign(period=table["period"].dt.strftime("%Y-%m-%d"))
    return download(table, f"forecast-{form.series}", fmt)


@router.get("/forecasts")
def forecasts_page(request: Request, user: PageUser) -> HTMLResponse:
    runs: ForecastRuns = request.app.state.forecast_runs
    t = translator_of(request)
    form = read_form(request, t)
    label = dimension_labels(request, t)
    context = {"form": form, "series_names": list(SERIES), "max_horizon": MAX_HORIZON,
               "max_series": MAX_SERIES, "history_years": 2, "label": label,
               "fmt": decimals, "values": [], "problem": None,
               "min_cell_size": runs.min_cell_size, "qs": request.url.query,
               "dimensions": list(SERIES[form.series].dimensions)
               if form.series in SERIES else []}
    if form.errors:
        return render(request, "forecasts.html", user, status=400, **context)
    by = (form.by,) if form.by else ()
    try:
        if form.by:
            context["values"] = runs.values(form.series, form.grain, form.by)
            _selected_value(runs, form, t)
            if form.errors:
                return render(request, "forecasts.html", user, status=400, **context)
        table = runs.table(form.series, form.grain, by, form.horizon, form.value)
    except TilannekuvaError as error:
        return render(request, "forecasts.html", user, status=400,
                      **{**context, "problem": str(error)})
    name = t(f"forecasts.series.{form.series}")
    if form.by:
        name = f"{name}: {t(f'dimension.{form.by}')} {label(form.by, form.value)}"
    title = t(f"forecasts.chart.title_{form.grain}", series=name)
    context.update(name=name, **view(table, form, t, title))
    if form.backtest:
        try:
            context["backtest"] = backtest_view(
                runs.backtest(form.series, form.grain, by, None, form.value))
            context["backtest_horizon"] = HORIZON[form.grain]
        except TilannekuvaError as error:
            context["backtest_problem"] = str(error)
    return render(request, "forecasts.html", user, **context)
