"""The chart on the page of a registry forecast indicator (`/indicator/<id>` of the `forecasts`
group): its counted months as a line and its forecast months as a dashed line in their 95 %
prediction interval, drawn by `charts.forecast_svg` as on the /forecasts page. The rows are the
page's own (`Figures.series`), so the chart shows the very figures of the table under it."""

from __future__ import annotations

import pandas as pd
from markupsafe import Markup

from .charts import Ahead, forecast_svg
from .i18n import Translator


def _figure(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def forecast_chart(rows: pd.DataFrame, title: str, t: Translator) -> Markup:
    """Counted months (a hidden count breaks the line) and the forecast; a forecast with a
    hidden month is not drawn at all, as on the /forecasts page (its axis would tell the
    size of the hidden counts)."""
    if rows.empty:
        return Markup("")
    actual = rows[rows["kind"] == "actual"]
    ahead = rows[rows["kind"] == "forecast"]
    counted = [None if hidden else _figure(value)
               for value, hidden in zip(actual["value"], actual["suppressed"], strict=True)]
    shown = not ahead["suppressed"].any()
    future = [Ahead(float(r.value), None, None, float(r.low), float(r.high))
              for r in ahead.itertuples()] if shown else []
    labels = [*actual["period"], *(ahead["period"] if shown else [])]
    names = {"actual": t("forecasts.chart.actual"), "forecast": t("forecasts.chart.forecast"),
             "95": t("forecasts.interval95")}
    return forecast_svg(labels, counted, future, names, title,
                        t("forecasts.chart.description"),
                        number=lambda value: t.count(round(value)))
