"""Appointment slots of health-station physicians and nurses, from which T3 is read.

Modelling assumptions:
* Calendars are opened in weekly batches twelve weeks ahead (created on the Monday twelve weeks
  before the slot, at 07:00) and generated until 150 days past the extract, so T3 can be read on
  any day of the period.
* A working day holds eight slots per professional: two same-day urgent slots, five non-urgent
  slots and one reserved slot. Professionals are away on some days (more in July); those days
  are simply not opened.
* Non-urgent slots are booked when they come within the station's booking horizon: the slot
  starting on day s is booked about ``horizon(station, s)`` days before it (the same horizon that
  sets the station's waiting times, see structure.py). The calendar is therefore full up to the
  horizon and free beyond it, and T3 ≈ horizon. A few slots are withdrawn soon after opening.
* Slots are a calendar model of the same stations, consistent with the visit volumes on average,
  but visits are not matched one-to-one to slots.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from . import ids
from .structure import County, professional_ids, unit_ids
from .timeline import at_time, days, weekday_of
from .writer import code_index, coded, to_arrow

#: (minutes after 08:00, slot type) of a working day's slots.
DAY_TEMPLATE = ((0, "urgent"), (45, "urgent"), (90, "non_urgent"), (135, "non_urgent"),
                (240, "non_urgent"), (285, "non_urgent"), (330, "non_urgent"),
                (375, "reserved"))
OPEN_WEEKS_AHEAD = 12
DAYS_AFTER_EXTRACT = 150
WITHDRAWN_SHARE = 0.02


def station_slots(county: County, stations: range) -> pa.Table:
    """The slots of health stations `stations` (each drawn from its own seeded stream)."""
    return pa.concat_tables([_station_slots(county, s) for s in stations])


def _station_slots(county: County, station: int) -> pa.Table:
    period = county.period
    rng = np.random.default_rng([county.seed, 0x5107, station])
    unit = county.station_unit[station]
    working = np.busday_offset(period.first_day, 0, roll="forward", holidays=period.holidays)
    last = period.end_day + np.timedelta64(DAYS_AFTER_EXTRACT, "D")
    workdays = np.arange(working, last, np.timedelta64(1, "D"))
    workdays = workdays[np.is_busday(workdays, holidays=period.holidays)]
    month = workdays.astype("datetime64[M]").astype(np.int64) % 12 + 1
    present_share = np.where(month == 7, 0.45, np.where(np.isin(month, (6, 8)), 0.75, 0.88))

    tables = []
    for group in ("physician", "nurse"):
        staff = county.staff_start[group][unit] + np.arange(county.staff_count[group][unit])
        present = rng.random((len(staff), len(workdays))) < present_share[None, :]
        prof_idx, day_idx = np.nonzero(present)
        n_day = len(prof_idx)
        k = len(DAY_TEMPLATE)
        professional = np.repeat(staff[prof_idx], k)
        day = np.repeat(workdays[day_idx], k)
        minutes = np.tile([m for m, _ in DAY_TEMPLATE], n_day)
        kind = np.tile(code_index("slot_type", [t for _, t in DAY_TEMPLATE]), n_day)
        start = at_time(day, 8 * 3600 + minutes * 60)
        n = len(start)

        monday = day - np.timedelta64(7 * OPEN_WEEKS_AHEAD, "D")
        monday = monday - weekday_of(monday).astype("timedelta64[D]")
        created = at_time(monday, np.full(n, 7 * 3600))

        booked = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
        types = dict(zip(("non_urgent", "urgent", "reserved"),
                         code_index("slot_type", ["non_urgent", "urgent", "reserved"]),
                         strict=True))
        regular = kind == types["non_urgent"]
        horizon = county.horizon(np.full(regular.sum(), station), day[regular], group)
        booked[regular] = start[regular] - days(horizon + rng.uniform(0, 2, regular.sum()))
        urgent = (kind == types["urgent"]) & (rng.random(n) < 0.95)
        booked[urgent] = start[urgent] - days(rng.uniform(0.02, 0.25, urgent.sum()))
        reserved = (kind == types["reserved"]) & (rng.random(n) < 0.7)
        booked[reserved] = start[reserved] - days(rng.uniform(1, 30, reserved.sum()))
        booked = np.maximum(booked, created + days(1 / 24))

        withdrawn = rng.random(n) < WITHDRAWN_SHARE
        cancelled = np.where(withdrawn, created + days(rng.uniform(1, 5, n)),
                             np.datetime64("NaT"))
        booked[withdrawn] = np.datetime64("NaT")
        booked[booked >= period.end] = np.datetime64("NaT")
        cancelled[cancelled >= period.end] = np.datetime64("NaT")
        tables.append(dict(professional=professional, start=start, kind=kind, created=created,
                           booked=booked, cancelled=cancelled))

    merged = {key: np.concatenate([t[key] for t in tables]) for key in tables[0]}
    order = np.lexsort((merged["start"], merged["professional"]))
    merged = {key: value[order] for key, value in merged.items()}
    n = len(order)
    professional = merged["professional"]
    return to_arrow("appointment_slots", {
        "slot_id": ids.format_ids("s", (station, 5), (np.arange(1, n + 1), 8)),
        "unit_id": unit_ids(np.full(n, unit)),
        "professional_id": professional_ids(professional),
        "profession": coded("profession", county.professional_profession[professional]),
        "slot_start": merged["start"],
        "slot_type": coded("slot_type", merged["kind"]),
        "created_at": merged["created"],
        "booked_at": merged["booked"],
        "cancelled_at": merged["cancelled"],
    })
