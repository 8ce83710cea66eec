"""Computes indicators into the one long output shape:

    indicator, period, <dimension columns>, numerator, denominator, value, low, high, suppressed

`low`–`high` is a 95 % confidence interval where the measure gives one (means, contrasts) and
empty otherwise.

Each indicator's `events` expression is filtered to the period range, grouped by period and the
chosen dimensions, and aggregated by its measure on the backend (DuckDB, Spark, ...). Only the
small aggregated result comes back to Python, where distributions get their denominators and
small counts are suppressed (`suppression.suppress`, the one place).

Periods are calendar months, quarters or years of the row's `day` (Helsinki dates), labelled
"2025-01", "2025-Q1", "2025". Snapshot indicators (waiting lists, T3) are measured on the last
day of each period in the range, or on the last day of the range when it ends mid-period; their
period label is that measurement day ("2025-01-31").
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta

import ibis
import pandas as pd
from scipy.stats import t as student_t

from ..errors import TilannekuvaError
from .model import (
    Contrast,
    Count,
    Distribution,
    Forecast,
    Indicator,
    Mean,
    Quantile,
    Ratio,
    Share,
)
from .registry import get
from .sources import GRAINS, Sources
from .suppression import FIGURES as OUTPUT_FIGURES
from .suppression import suppress


class IndicatorError(TilannekuvaError):
    """A request the indicators cannot answer as asked; the message says why."""


@dataclass(frozen=True)
class Query:
    indicators: tuple[str, ...]
    start: date
    end: date
    grain: str = "month"
    dimensions: tuple[str, ...] = ()
    #: Rows kept before aggregating: (dimension, allowed values) pairs, e.g.
    #: (("unit", ("u00001",)), ("age_band", ("0–6", "7–12"))). Suppression then counts the
    #: persons of the filtered rows only.
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def __post_init__(self) -> None:
        if self.grain not in GRAINS:
            raise IndicatorError(f"Unknown period {self.grain!r}; use one of {', '.join(GRAINS)}.")
        if self.end < self.start:
            raise IndicatorError(f"The period ends ({self.end}) before it starts ({self.start}).")
        if len(set(self.dimensions)) != len(self.dimensions):
            raise IndicatorError("A dimension is named twice.")
        named = [name for name, _ in self.filters]
        if len(set(named)) != len(named):
            raise IndicatorError("A filter dimension is named twice.")
        if any(not values for _, values in self.filters):
            raise IndicatorError("A filter keeps no values.")


def period_start(day: date, grain: str) -> date:
    if grain == "month":
        return day.replace(day=1)
    if grain == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return date(day.year, 1, 1)


def period_end(day: date, grain: str) -> date:
    start = period_start(day, grain)
    months = {"month": 1, "quarter": 3, "year": 12}[grain]
    last_month = start.month + months - 1
    return date(start.year, last_month, calendar.monthrange(start.year, last_month)[1])


def period_label(start: date, grain: str) -> str:
    if grain == "month":
        return f"{start.year}-{start.month:02d}"
    if grain == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return str(start.year)


def measurement_days(start: date, end: date, grain: str) -> list[date]:
    """The last day of every period from `start` to `end`, the last one clipped to `end`."""
    days, day = [], start
    while day <= end:
        days.append(min(period_end(day, grain), end))
        day = period_end(day, grain) + timedelta(days=1)
    return days


def unsupported(indicator: Indicator, query: Query) -> list[str]:
    """Dimensions of `query` (breakdown or filter) that `indicator` does not have."""
    named = [*query.dimensions, *(name for name, _ in query.filters)]
    return [d for d in named if d not in indicator.dimensions]


def check_dimensions(indicator: Indicator, query: Query) -> None:
    missing = unsupported(indicator, query)
    if missing:
        raise IndicatorError(
            f"Indicator {indicator.id} cannot be broken down or filtered by "
            f"{', '.join(missing)}; it supports "
            f"{', '.join(indicator.dimensions) or 'no dimensions'}.")


def check_grain(indicator: Indicator, query: Query) -> None:
    if query.grain not in indicator.grains:
        raise IndicatorError(
            f"Indicator {indicator.id} is defined by {' or '.join(indicator.grains)}, not by "
            f"{query.grain}.")


def _fixed(indicator: Indicator, query: Query) -> list[str]:
    """The indicator's always-split dimensions that the query does not already break down by."""
    return [d for d in indicator.fixed_dimensions if d not in query.dimensions]


def _aggregate(indicator: Indicator, src: Sources, query: Query,
               materialise: bool = False) -> pd.DataFrame:
    events = src.cached(indicator.events) if materialise else indicator.events(src)
    if isinstance(indicator.measure, Forecast):  # the model is fitted on all the history
        events = events.filter(events.day <= query.end)
        data_end = events.aggregate(last=events.day.max()).to_pyarrow()["last"][0].as_py()
    else:
        events = events.filter(events.day >= query.start, events.day <= query.end)
    for name, values in query.filters:
        events = events.filter(events[name].isin(list(values)))
    period = events.day if indicator.snapshot else events.day.truncate(GRAINS[query.grain])
    events = events.mutate(period=period)
    keys = ["period", *query.dimensions, *_fixed(indicator, query)]
    measure = indicator.measure
    if isinstance(measure, Contrast):
        return _aggregate_contrast(events, keys)
    figures = {"rows": events.count()}
    if isinstance(measure, Share):
        figures["hits"] = events.hit.cast("int64").sum()
    elif isinstance(measure, Quantile):
        figures["value"] = events.amount.quantile(measure.q)
    elif isinstance(measure, Mean):
        figures["value"] = events.amount.mean()
        figures["sd"] = events.amount.std(how="sample")
    elif isinstance(measure, Ratio):
        figures["hit_amount"] = events.amount.cast("float64").sum(where=events.hit)
        figures["amount"] = events.amount.cast("float64").sum()
    if indicator.about_persons:
        figures["persons"] = events.subject.nunique()
    rows = events.group_by(keys).aggregate(**figures).to_pandas()
    if isinstance(measure, Forecast):
        rows["data_end"] = data_end
    return rows


def _aggregate_contrast(events, keys: list[str]) -> pd.DataFrame:
    """Per cell and stratum, each arm's rows, mean and variance; per cell and arm, the distinct
    persons in the strata holding both arms (those behind the value). Combined in
    `_contrast`."""
    amount = events.amount.cast("float64")
    strata = events.group_by([*keys, "stratum", "arm"]).aggregate(
        rows=events.count(), mean=amount.mean(), var=amount.var(how="sample")).to_pandas()
    stratum = ibis.window(group_by=[events[k] for k in [*keys, "stratum"]])
    matched = events.filter((events.arm == "treated").any().over(stratum),
                            (events.arm == "comparison").any().over(stratum))
    persons = matched.group_by([*keys, "arm"]).aggregate(
        persons=matched.subject.nunique()).to_pandas()
    return _contrast(strata, persons, keys)


def _contrast(strata: pd.DataFrame, persons: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The `Contrast` measure from per-stratum arm summaries: one row per cell with treated
    rows; a cell without a matched stratum has no value.

    With n_s treated rows in matched stratum s (N in all), d_s = treated mean − comparison mean
    and D = Σ n_s d_s / N, the interval is D ± 1.96 √V with

        V = Σ_i (y_i − c_s(i) − D)² / (N (N − 1)) + Σ_s (n_s / N)² s²_c,s / n_c,s,

    the first term the variance of the treated rows' matched differences (y_i − the comparison
    mean of its stratum, from the per-stratum summaries: within-stratum plus between-strata
    sums of squares), the second the comparison means' own variance. A treated row alone in
    its stratum thus still adds variance; one matched treated row in all (N = 1) adds none,
    nor does a comparison arm of one row."""
    strata = strata.assign(var=strata["var"].fillna(0.0))
    arm = {name: strata[strata["arm"] == name].drop(columns="arm")
           for name in ("treated", "comparison")}
    # Dimension values may be null: merge and groupby keep null keys as keys of their own.
    pairs = arm["treated"].merge(arm["comparison"], on=[*keys, "stratum"], how="left",
                                 suffixes=("_t", "_c"))
    matched = pairs["rows_c"].notna()
    n = pairs["rows_t"].where(matched, 0).astype("float64")
    difference = (pairs["mean_t"] - pairs["mean_c"]).fillna(0.0)
    pairs = pairs.assign(
        hits=n, weighted=n * difference, squares=n * difference ** 2,
        within=((n - 1).clip(lower=0) * pairs["var_t"]).where(matched, 0.0),
        spread=(n ** 2 * pairs["var_c"] / pairs["rows_c"]).where(matched, 0.0))
    cells = pairs.groupby(keys, dropna=False, as_index=False).agg(
        rows=("rows_t", "sum"), hits=("hits", "sum"), weighted=("weighted", "sum"),
        squares=("squares", "sum"), within=("within", "sum"),
        spread=("spread", "sum"))
    hits = cells["hits"].where(cells["hits"] > 0)
    cells["value"] = cells["weighted"] / hits
    between = (cells["squares"] - hits * cells["value"] ** 2).clip(lower=0)
    treated = ((cells["within"] + between) / (hits * (hits - 1))).where(hits > 1, 0.0)
    half = 1.959963984540054 * (treated + cells["spread"] / hits ** 2).pow(0.5)
    cells["low"], cells["high"] = cells["value"] - half, cells["value"] + half
    for name in ("treated", "comparison"):
        counted = persons[persons["arm"] == name].drop(columns="arm").rename(
            columns={"persons": name})
        cells = cells.merge(counted, on=keys, how="left")
    cells["persons"] = cells[["treated", "comparison"]].fillna(0).min(axis=1)
    return cells[[*keys, "hits", "rows", "value", "low", "high", "persons"]]


def _t_interval(mean: pd.Series, sd: pd.Series, rows: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The 95 % confidence interval of a mean from Student's t (empty below two rows)."""
    n = rows.astype("float")
    t = pd.Series(student_t.ppf(0.975, (n - 1).clip(lower=1)), index=n.index)
    half = (t * sd.astype("float") / n.pow(0.5)).where(n >= 2)
    return mean - half, mean + half


def _shape(indicator: Indicator, rows: pd.DataFrame, query: Query) -> pd.DataFrame:
    measure = indicator.measure
    if isinstance(measure, Forecast):
        from ..forecasting.monthly import forecast_rows  # statsforecast only when asked

        dimensions = [d for d in [*query.dimensions, *_fixed(indicator, query)] if d != "kind"]
        rows = forecast_rows(rows, dimensions, query.start, query.end, measure.horizon)
        rows["denominator"] = pd.NA
    elif not isinstance(measure, Contrast):
        rows["low"] = rows["high"] = pd.NA
    count = rows["rows"].astype("Int64") if "rows" in rows else None
    if isinstance(measure, Share):
        rows["numerator"], rows["denominator"] = rows["hits"].astype("Int64"), count
        rows["value"] = rows["numerator"] / rows["denominator"]
    elif isinstance(measure, Quantile):
        rows["numerator"], rows["denominator"] = pd.NA, count
    elif isinstance(measure, Distribution):
        cell = ["period", *query.dimensions]
        rows["numerator"] = count
        rows["denominator"] = rows.groupby(cell, dropna=False)["rows"].transform("sum")
        rows["value"] = rows["numerator"] / rows["denominator"]
    elif isinstance(measure, Mean):
        rows["numerator"], rows["denominator"] = pd.NA, count
        rows["low"], rows["high"] = _t_interval(rows["value"], rows["sd"], rows["rows"])
    elif isinstance(measure, Count):
        counted = count if measure.of == "rows" else rows["persons"].astype("Int64")
        rows["numerator"], rows["denominator"], rows["value"] = counted, pd.NA, counted
    elif isinstance(measure, Ratio):
        # To a millionth first: engines add floats in different orders, and the last bits
        # must not move a sum of whole cents across the half that rounding to units splits.
        rows["numerator"] = rows["hit_amount"].fillna(0).round(6).round().astype("Int64")
        rows["denominator"] = rows["amount"].round(6).round().astype("Int64")
        rows["value"] = rows["hit_amount"].fillna(0) / rows["amount"].where(rows["amount"] > 0)
    elif isinstance(measure, Contrast):
        rows["numerator"], rows["denominator"] = rows["hits"].astype("Int64"), count
    if not indicator.about_persons:
        rows["persons"] = pd.NA
    starts = pd.to_datetime(rows["period"]).dt.date
    rows["period"] = [d.isoformat() if indicator.snapshot else period_label(d, query.grain)
                      for d in starts]
    rows.insert(0, "indicator", indicator.id)
    keep = ["indicator", "period", *query.dimensions, *_fixed(indicator, query),
            *OUTPUT_FIGURES, "persons"]
    rows = rows[keep].astype({"numerator": "Int64", "denominator": "Int64",
                              "value": "Float64", "low": "Float64", "high": "Float64"})
    sort = keep[1:-1 - len(OUTPUT_FIGURES)]
    return rows.sort_values(sort, kind="stable", na_position="last", key=_in_order)


#: Dimensions whose labels start with the number they are ordered by ("1–7", "75+").
NUMBERED = frozenset({"age_band", "wait_class", "waited_class"})


def _in_order(column: pd.Series) -> pd.Series:
    if column.name in NUMBERED:
        return column.map(lambda label: int(re.match(r"\d+", label).group()) if isinstance(
            label, str) else -1)
    return column


def compute(src: Sources, query: Query, min_cell_size: int,
            progress: Callable[[str, int, int], None] | None = None,
            materialise: bool = False) -> pd.DataFrame:
    """The indicators of `query` in the long shape, small counts suppressed.

    With `materialise`, each indicator's events are kept on the backend as a temporary table
    (`Sources.cached`) the first time they are read, so later queries over the same `src` with
    other filters or breakdowns only aggregate them: what a long-running reader such as the
    dashboard wants, at the cost of memory. The figures are the same either way."""
    indicators = [get(i) for i in query.indicators]
    for indicator in indicators:
        check_dimensions(indicator, query)
        check_grain(indicator, query)
    src = replace(src, grain=query.grain)
    if any(i.snapshot for i in indicators):
        src = replace(src, as_of_days=measurement_days(query.start, query.end, query.grain))
    parts = []
    for done, indicator in enumerate(indicators):
        if progress:
            progress("Computing indicators", done, len(indicators))
        rows = _aggregate(indicator, src, query, materialise)
        parts.append(_shape(indicator, rows, query))
    if progress:
        progress("Computing indicators", len(indicators), len(indicators))
    columns = ["indicator", "period", *query.dimensions]
    fixed = [d for i in indicators for d in i.fixed_dimensions if d not in columns]
    columns += list(dict.fromkeys(fixed))
    classes = [d for i in indicators for d in i.class_dimension if d not in query.dimensions]
    result = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    result = result.reindex(columns=[*columns, *OUTPUT_FIGURES, "persons"])
    return suppress(result.reset_index(drop=True), min_cell_size,
                    class_columns=list(dict.fromkeys(classes)))
