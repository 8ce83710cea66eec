"""Count series of the canonical tables, by week or month and any of their dimensions: what the
demand forecasts are made of.

Each series is declared once (`SERIES`): the table, the event time it counts, the rows it
keeps and the dimensions it can be broken down by. Counts are computed in the database through
Ibis, like the indicators, so only one row per (dimension values, period) leaves it, with the
number of distinct persons behind it for small-count suppression. Periods run over the span of
the series' own events (first to last event day in the table); weeks and months cut by either
end are left out, and periods with no events inside the span count as 0.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pandas as pd

from ..errors import TilannekuvaError
from ..indicators.backends import duckdb_file
from .calendar import check_grain, periods

Filter = Callable[[ir.Table, ibis.BaseBackend], ir.Table]


def _done(t: ir.Table, backend: ibis.BaseBackend) -> ir.Table:
    return t.filter(t.status == "done")


def _emergency(t: ir.Table, backend: ibis.BaseBackend) -> ir.Table:
    """Visits at units of type emergency_department that were not cancelled: a no-show there is
    a patient who arrived and left before being seen, still an arrival."""
    units = backend.table("units")
    ed = units.filter(units.unit_type == "emergency_department").unit_id
    return t.filter(t.unit_id.isin(ed), t.status != "cancelled")


@dataclass(frozen=True)
class SeriesSpec:
    name: str
    table: str
    time: str
    #: dimension name → column of the table
    dimensions: dict[str, str]
    description: str
    keep: Filter | None = field(default=None, compare=False)


SERIES: dict[str, SeriesSpec] = {s.name: s for s in (
    SeriesSpec("referrals", "referrals", "received_at",
               {"specialty": "specialty", "unit": "to_unit_id", "priority": "priority"},
               "Referrals to specialised care received (referrals.received_at)."),
    SeriesSpec("assessments", "care_need_assessments", "assessed_at",
               {"service": "service", "unit": "unit_id", "urgency": "urgency",
                "profession": "assessor_profession"},
               "Care-needs assessments made (care_need_assessments.assessed_at)."),
    SeriesSpec("visits", "visits", "start_at",
               {"unit": "unit_id", "service": "service", "profession": "profession",
                "contact_type": "contact_type", "urgency": "urgency"},
               "Visits that took place, status done (visits.start_at).", _done),
    SeriesSpec("ed_arrivals", "visits", "start_at", {"unit": "unit_id", "urgency": "urgency"},
               "Arrivals at the emergency department: visits at units of type "
               "emergency_department, not cancelled (visits.start_at).", _emergency),
    SeriesSpec("social_initiations", "social_cases", "initiated_at",
               {"service_task": "service_task", "unit": "unit_id",
                "notifier_type": "notifier_type"},
               "Social-care cases initiated, vireilletulo (social_cases.initiated_at)."),
    SeriesSpec("contacts", "contacts", "contact_at",
               {"unit": "unit_id", "channel": "channel", "service": "service"},
               "First contacts with the service (contacts.contact_at)."),
)}


@dataclass(frozen=True)
class CountSeries:
    """Counts of one series by period: columns `series_id`, the dimension columns, `period`
    (first day, Timestamp), `value` (events) and `persons` (distinct persons)."""

    name: str
    grain: str
    by: tuple[str, ...]
    first: date
    last: date
    counts: pd.DataFrame


def spec(name: str) -> SeriesSpec:
    if name not in SERIES:
        raise TilannekuvaError(f"No series {name!r}; choose one of {', '.join(SERIES)}.")
    return SERIES[name]


def series_id(name: str, by: Sequence[str], values: Sequence[object]) -> str:
    """`visits|unit=u00001|service=general_practice`; just the name without dimensions."""
    return "|".join([name, *(f"{d}={v}" for d, v in zip(by, values, strict=True))])


def read_series(db: str | Path | ibis.BaseBackend, name: str, grain: str = "week",
                by: Sequence[str] = ()) -> CountSeries:
    """The counts of series `name` by `grain` (week or month) and the dimensions `by`."""
    series = spec(name)
    check_grain(grain)
    unknown = [d for d in by if d not in series.dimensions]
    if unknown:
        raise TilannekuvaError(f"Series {name} has no dimension {', '.join(unknown)}; choose "
                               f"from {', '.join(series.dimensions)}.")
    backend = db if isinstance(db, ibis.BaseBackend) else duckdb_file(db)
    try:
        table = backend.table(series.table)
        if series.keep is not None:
            table = series.keep(table, backend)
        day = table[series.time].date()
        span = table.aggregate(first=day.min(), last=day.max()).to_pyarrow()
        first, last = span["first"][0].as_py(), span["last"][0].as_py()
        if first is None:
            raise TilannekuvaError(f"No events for series {name} ({series.table}.{series.time}).")
        keys = {d: table[series.dimensions[d]].cast("string") for d in by}
        grouped = table.mutate(period=day.truncate("W" if grain == "week" else "M"), **keys)
        counts = grouped.group_by(["period", *by]).aggregate(
            value=grouped.count(), persons=grouped.person_id.nunique()).to_pandas()
    finally:
        if not isinstance(db, ibis.BaseBackend):
            backend.disconnect()
    return CountSeries(name, grain, tuple(by), first, last,
                       complete_periods(counts, name, tuple(by), periods(first, last, grain)))


def complete_periods(counts: pd.DataFrame, name: str, by: tuple[str, ...],
              starts: pd.DatetimeIndex) -> pd.DataFrame:
    """One row per (dimension values, whole period), zero where nothing happened."""
    counts["period"] = pd.to_datetime(counts["period"]).astype("datetime64[ns]")
    starts = starts.astype("datetime64[ns]")
    # A dimension's null value is a series of its own, as in the indicators.
    groups = counts.groupby(list(by), sort=True, dropna=False) if by else [((), counts)]
    frames = []
    for values, mine in groups:
        values = values if isinstance(values, tuple) else (values,)
        full = (mine.set_index("period")[["value", "persons"]]
                .reindex(starts, fill_value=0).rename_axis("period").reset_index())
        full.insert(0, "series_id", series_id(name, by, values))
        for i, (d, v) in enumerate(zip(by, values, strict=True)):
            full.insert(1 + i, d, v)
        frames.append(full)
    out = pd.concat(frames, ignore_index=True)
    return out.astype({"value": "int64", "persons": "int64"})
