"""A waiting list's state on a day, estimated from the county's canonical `referrals` table:
who is waiting and for how long, and over the weeks before, the arrivals per class, the
treatments per week (taken as the capacity) and the rate of leaving the list untreated.

Days are Helsinki dates. A referral waits on day D (at its start) when its clock started
before D and neither its end event nor a removal happened before D. The database is read
through Ibis, as the indicators read it; only the rows of one specialty that can matter to the
lookback window leave the database. `db` is the county's file, or an Ibis backend already open
on it (the web server's, which holds the file and so cannot open it a second time).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import ibis
import numpy as np

from ..errors import TilannekuvaError
from ..indicators.backends import duckdb_file
from .scenarios import CLOCKS, AgeBand, ClassStart, Initial, Scenario, WaitingList


@contextmanager
def _backend(db: Path | ibis.BaseBackend) -> Iterator[ibis.BaseBackend]:
    """The backend of `db`: a file is opened (read-only) and closed again; a backend given is
    used as it is and left open for its owner."""
    if isinstance(db, ibis.BaseBackend):
        yield db
        return
    backend = duckdb_file(db)
    try:
        yield backend
    finally:
        backend.disconnect()


def _named(db: Path | ibis.BaseBackend) -> str:
    """`db` as error messages name it."""
    return "the county database" if isinstance(db, ibis.BaseBackend) else str(db)


def _rows(db: Path | ibis.BaseBackend, waiting_list: WaitingList, classes: list[str],
          as_of: date) -> dict[str, np.ndarray]:
    """Class and start, end and removal days (datetime64[D], NaT when missing) of the
    specialty's referrals that started before `as_of` and were still open at the window's
    start."""
    start, end = CLOCKS[waiting_list.clock]
    window = ibis.literal(as_of - timedelta(weeks=waiting_list.lookback_weeks))
    with _backend(db) as backend:
        r = backend.table("referrals")
        r = r.filter(r.specialty == waiting_list.specialty, r.priority.isin(classes),
                     r[start].notnull())
        r = r.select(cls=r.priority, start=r[start].date(), end=r[end].date(),
                     removed=r.removed_at.date())
        r = r.filter(r.start < ibis.literal(as_of), r.end.isnull() | (r.end >= window),
                     r.removed.isnull() | (r.removed >= window))
        table = r.to_pyarrow()
    rows = {name: table[name].to_numpy(zero_copy_only=False).astype("datetime64[D]")
            for name in ("start", "end", "removed")}
    rows["cls"] = np.array(table["cls"].to_pylist(), dtype=object)
    return rows


def _waiting_on(rows: dict[str, np.ndarray], day: date) -> np.ndarray:
    """Waiting at the start of `day` (NaT compares false, so a missing end keeps it open)."""
    d = np.datetime64(day, "D")
    return (rows["start"] < d) & ~(rows["end"] < d) & ~(rows["removed"] < d)


def _between(days: np.ndarray, first: date, last: date) -> np.ndarray:
    """Days from `first` up to, not including, `last` (NaT is never between)."""
    return (days >= np.datetime64(first, "D")) & (days < np.datetime64(last, "D"))


def latest_day(db: Path | ibis.BaseBackend, waiting_list: WaitingList) -> date:
    """The day after the list's latest start event: the default first day of a scenario."""
    start, _ = CLOCKS[waiting_list.clock]
    with _backend(db) as backend:
        r = backend.table("referrals")
        r = r.filter(r.specialty == waiting_list.specialty)
        latest = r[start].date().max().to_pyarrow().as_py()
    if latest is None:
        raise TilannekuvaError(f"{_named(db)}: no referrals to the specialty "
                               f"{waiting_list.specialty!r} with a {start}.")
    return latest + timedelta(days=1)


def estimate_initial(db: Path | ibis.BaseBackend, scenario: Scenario, as_of: date) -> Initial:
    """The starting state of the scenario's list on `as_of`, one class per referral priority.

    Over the `lookback_weeks` before `as_of`: arrivals per week = clock starts / weeks;
    capacity = end events (treatments or assessments) of the scenario's classes / weeks, the
    recent throughput, which understates capacity if the list ran empty; reneging per week =
    1 − exp(−removals / patient-weeks waited), with patient-weeks counted from the list's size
    at the start of each week of the window."""
    waiting_list = scenario.waiting_list
    if waiting_list is None:
        raise TilannekuvaError(f"scenario {scenario.name!r}: estimating the start from a "
                               "database needs a [waiting_list] section with the specialty.")
    names = [c.name for c in scenario.classes]
    rows = _rows(db, waiting_list, names, as_of)
    weeks = waiting_list.lookback_weeks
    window = as_of - timedelta(weeks=weeks)
    snapshots = [window + timedelta(weeks=i) for i in range(weeks)]
    if not len(rows["cls"]):
        raise TilannekuvaError(
            f"{_named(db)}: no {waiting_list.clock} waits of {waiting_list.specialty!r} in the "
            f"{weeks} weeks before {as_of} (classes {', '.join(names)}); check the specialty, "
            "the priority codes and the start date.")
    waiting_now = _waiting_on(rows, as_of)
    left_untreated = _between(rows["removed"], window, as_of) & np.isnat(rows["end"])
    classes = {}
    for name in names:
        mine = rows["cls"] == name
        ages = (np.datetime64(as_of, "D") - rows["start"][mine & waiting_now]).astype(int) / 7
        patient_weeks = sum(int((_waiting_on(rows, d) & mine).sum()) for d in snapshots)
        removals = int((left_untreated & mine).sum())
        classes[name] = ClassStart(
            arrivals_per_week=int((_between(rows["start"], window, as_of) & mine).sum()) / weeks,
            waiting=[AgeBand(from_weeks=w, to_weeks=w + 1, count=int(n))
                     for w, n in enumerate(np.bincount(np.floor(ages).astype(int))) if n],
            reneging_per_week=(1 - math.exp(-removals / patient_weeks)) if patient_weeks
            else 0.0,
        )
    return Initial(capacity_per_week=int(_between(rows["end"], window, as_of).sum()) / weeks,
                   classes=classes)
