"""The overdue list: as of a day, every person whose statutory deadline has passed, or passes
within N days, and who has not yet received the care.

Person-level, so it is never shown without a unit scope: the caller states which units the
viewer is entitled to (the dashboard derives it from the user's role; the CLI takes it as
options), and every production of the list is written to the audit log (`audit.record`).

A wait is on the list on day D when, in its wait kind (each capability module's `WAIT_KINDS`):
it started on or before D, its end event had not happened by D (none recorded, or recorded
after D), it had not closed without the end event by D (e.g. the referral was removed), a rule
was in force for it, and its due date is on or before D + N. `days_over` = D − due date:
positive when the deadline has passed, zero on the due day, negative for days left.

Waits a kind flags `excluded` (primary-care visits of types outside the care guarantee) are
left out; for a wait still open the type is not known yet, so it stays on the list.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date

import ibis
import ibis.expr.types as ir
import pandas as pd

from ..errors import TilannekuvaError
from . import primary_care, social, specialised
from .sources import Sources

COLUMNS = ("wait_kind", "record_id", "person_id", "unit", "service_area", "rule",
           "start_date", "due_date", "days_over", "age_band", "municipality")


def wait_kinds() -> dict[str, Callable[[Sources], ir.Table]]:
    kinds: dict[str, Callable[[Sources], ir.Table]] = {}
    for module in (primary_care, specialised, social):
        kinds.update(module.WAIT_KINDS)
    return kinds


def _open_on(waits: ir.Table, kind: str, as_of: date, within_days: int) -> ir.Table:
    day = ibis.literal(as_of)
    t = waits.filter(
        waits.rule.notnull(), waits.start_date <= day,
        waits.end_date.isnull() | (waits.end_date > day),
        waits.closed_date.isnull() | (waits.closed_date > day),
        waits.due_date <= day + ibis.interval(days=within_days))
    if "excluded" in t.columns:
        t = t.filter(~t.excluded)
    t = t.mutate(wait_kind=ibis.literal(kind), days_over=day.delta(t.due_date, unit="day"))
    return t.select(*COLUMNS)


def overdue(src: Sources, as_of: date, units: Collection[str] | None, within_days: int = 0,
            kinds: Collection[str] | None = None) -> pd.DataFrame:
    """The overdue list for the units in `units` (None: the whole county, for roles entitled
    to it), longest overdue first. `kinds` limits the wait kinds (default: all)."""
    if within_days < 0:
        raise TilannekuvaError("The number of days ahead cannot be negative.")
    if units is not None and not units:
        raise TilannekuvaError("The unit scope is empty: name at least one unit.")
    known = wait_kinds()
    chosen = list(known) if kinds is None else list(kinds)
    unknown = [k for k in chosen if k not in known]
    if unknown:
        raise TilannekuvaError(f"Unknown wait kind {', '.join(unknown)}; known: "
                               f"{', '.join(known)}.")
    parts = [_open_on(src.cached(known[k]), k, as_of, within_days) for k in chosen]
    rows = ibis.union(*parts)
    if units is not None:
        rows = rows.filter(rows.unit.isin(list(units)))
    rows = rows.order_by([ibis.desc("days_over"), "wait_kind", "unit", "person_id"]).to_pandas()
    for column in ("start_date", "due_date"):
        rows[column] = pd.to_datetime(rows[column]).dt.date
    return rows
