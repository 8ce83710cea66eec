"""T3 (third next available non-urgent appointment), against answers worked out by hand.

Unless a test says otherwise the measurement day D is Wednesday 2025-03-12; Helsinki is then
UTC+2 (summer time starts on 30 March). "D+n" is the day n days after D. A slot is written
with its start and is opened on 2025-01-02, never booked and never cancelled, unless the test
says so.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from county import County

from tilannekuva.indicators import Parameters, Query, Sources, compute, duckdb_file, get

D = date(2025, 3, 12)
OPENED = "2025-01-02 08:00"


def on(offset: int, time: str = "10:00", day: date = D) -> str:
    """The Helsinki time `time` on the day `offset` days after `day`."""
    return f"{day + timedelta(days=offset)} {time}"


def slot(county: County, professional: str, start: str, **values) -> None:
    values = {"created_at": OPENED, **values}
    county.add("appointment_slots", slot_id=f"S{len(county.rows['appointment_slots']) + 1}",
               professional_id=professional, slot_start=start, **values)


def free(county: County, professional: str, *offsets: int, day: date = D, **values) -> None:
    """Free slots on the days `offsets` after `day`, the i-th at 08:00 + i hours (so two on
    the same day are at different times)."""
    for i, offset in enumerate(offsets):
        slot(county, professional, on(offset, f"{8 + i:02d}:00", day), **values)


def t3(src: Sources, indicator: str = "t3", dims=("unit", "profession"), start: date = D,
       end: date | None = None):
    return compute(src, Query((indicator,), start=start, end=end or start, grain="month",
                              dimensions=tuple(dims)), min_cell_size=5)


def values(rows) -> dict:
    """{(dimension values...): value} of rows all measured on D and none suppressed."""
    dims = [c for c in rows.columns if c not in (
        "indicator", "period", "numerator", "denominator", "value", "low", "high",
        "suppressed")]
    assert list(rows["period"]) == [D.isoformat()] * len(rows)
    assert not rows["suppressed"].any()
    return {tuple(r[d] for d in dims): r["value"] for _, r in rows.iterrows()}


@pytest.fixture
def county(tmp_path):
    return County(tmp_path / "county.duckdb")


def test_unit_t3_is_the_median_of_its_physicians(county):
    free(county, "A", 0, 1, 2)          # third free slot on D+2 → 2
    free(county, "B", 1, 3, 5)          # → 5
    free(county, "C", 9, 9, 9)          # three on D+9 → 9
    rows = t3(county.sources())
    # median of {2, 5, 9} = 5; three professionals, below the minimum cell size 5 but shown:
    # T3 counts calendars, not persons.
    assert values(rows) == {("U1", "physician"): 5.0}
    row = rows.iloc[0]
    assert row["denominator"] == 3 and pd.isna(row["numerator"]) and not row["suppressed"]


def test_an_even_count_takes_the_mean_of_the_two_middle_values(county):
    free(county, "N1", 0, 0, 0, profession="nurse")     # third on D itself → 0
    free(county, "N2", 3, 3, 3, profession="nurse")     # → 3
    free(county, "N3", 2, 4, 6, profession="nurse")     # → 6
    free(county, "N4", 10, 10, 10, profession="nurse")  # → 10
    # sorted 0, 3, 6, 10: (3 + 6) / 2 = 4.5
    assert values(t3(county.sources())) == {("U1", "nurse"): 4.5}


def test_slots_at_the_same_minute_count_separately(county):
    slot(county, "A", on(2, "10:00"))
    slot(county, "A", on(2, "10:00"))
    slot(county, "A", on(6, "10:00"))
    slot(county, "A", on(8, "10:00"))
    # 1st and 2nd free slots both D+2 10:00, 3rd D+6 → 6 (merging the tie would give 8).
    assert values(t3(county.sources())) == {("U1", "physician"): 6.0}


def test_fewer_than_three_free_slots_gets_the_configured_value(county):
    free(county, "A", 1, 2, 3)                     # physician → 3
    free(county, "B", 5, 6, 7)                     # physician → 7
    free(county, "N", 1, 2, profession="nurse")    # only two free slots → 182
    src = county.sources()
    assert values(t3(src)) == {("U1", "nurse"): 182.0,
                               ("U1", "physician"): 5.0}     # (3 + 7) / 2
    assert values(t3(src, dims=())) == {(): 7.0}             # median of {3, 7, 182}
    share = t3(src, "t3_no_bookable_time", dims=())
    assert values(share) == {(): pytest.approx(1 / 3)}       # N of A, B, N
    assert (share.iloc[0]["numerator"], share.iloc[0]["denominator"]) == (1, 3)
    src90 = Sources(duckdb_file(county.path), Parameters(t3_no_time_days=90))
    assert values(t3(src90)) == {("U1", "nurse"): 90.0, ("U1", "physician"): 5.0}
    assert values(t3(src90, dims=())) == {(): 7.0}           # median of {3, 7, 90}


def test_weekends_count_as_calendar_days(county):
    friday = date(2025, 3, 14)
    assert friday.weekday() == 4
    # U1: Fri 14, Sat 15 and Sun 16 at 10:00; the third is on Sunday: 16 − 14 = 2.
    for day in (0, 1, 2):
        slot(county, "A", on(day, "10:00", friday))
    # U2: Fri 14 09:00 and 10:00, Mon 17 10:00: 17 − 14 = 3 calendar days (1 working day).
    slot(county, "B", on(0, "09:00", friday), unit_id="U2")
    slot(county, "B", on(0, "10:00", friday), unit_id="U2")
    slot(county, "B", on(3, "10:00", friday), unit_id="U2")
    rows = t3(county.sources(), start=friday)
    assert list(rows["period"]) == ["2025-03-14", "2025-03-14"]
    assert dict(zip(rows["unit"], rows["value"], strict=True)) == {"U1": 2.0, "U2": 3.0}


def test_a_slot_booked_or_cancelled_before_d_is_not_free_but_one_after_d_is(county):
    slot(county, "A", on(1), booked_at=on(-1))         # booked before D: not free
    slot(county, "A", on(2), booked_at=on(1, "08:00"))  # booked after D: free on D (1st)
    slot(county, "A", on(3), cancelled_at=on(-2))      # withdrawn before D: not free
    slot(county, "A", on(4), cancelled_at=on(1))       # withdrawn after D: free on D (2nd)
    slot(county, "A", on(5), created_at=on(1))         # opened after D: not free
    slot(county, "A", on(6))                           # free (3rd)
    # Free on D: D+2, D+4, D+6 → 6.
    assert values(t3(county.sources())) == {("U1", "physician"): 6.0}


def test_the_calendar_is_read_at_midnight_helsinki_time(county):
    slot(county, "A", on(-1, "23:30"))                            # started before D: no
    slot(county, "A", on(0, "00:00"), created_at=on(0, "00:00"))  # opened at D 00:00: free
    slot(county, "A", on(0, "08:00"), booked_at=on(0, "00:00"))   # booked at D 00:00: not
    slot(county, "A", on(0, "09:00"), booked_at=on(0, "01:00"))   # booked after: free
    slot(county, "A", on(3, "10:00"), created_at=on(0, "01:00"))  # opened after: not free
    slot(county, "A", on(1, "00:30"))                   # D+1 in Helsinki (D 22:30 UTC): free
    # Free: D 00:00 (0 days), D 09:00 (0), D+1 00:30 (1) → 1.
    # Midnight read in UTC (D 02:00 Helsinki) would leave only D+1 00:30 and D+3 free → 182;
    # dates read in UTC would put D+1 00:30 on D → 0.
    assert values(t3(county.sources())) == {("U1", "physician"): 1.0}


def test_a_professional_without_slots_in_the_next_28_days_is_not_measured(county):
    free(county, "A", 0, 1, 2)                      # → 2
    free(county, "B", 28, 29, 30)                   # first slot on D+28: outside [D, D+28)
    slot(county, "C", on(27), booked_at=on(-10))    # booked, but shows C works on D+27
    free(county, "C", 40, 41, 42)                   # → 42
    rows = t3(county.sources())
    assert values(rows) == {("U1", "physician"): 22.0}       # (2 + 42) / 2
    assert rows.iloc[0]["denominator"] == 2                  # A and C


def test_a_calendar_withdrawn_before_d_is_not_measured_one_opened_after_d_is(county):
    free(county, "A", 0, 1, 2)                       # → 2; A's free urgent and reserved
    free(county, "A", 0, 0, slot_type="urgent")      # slots on D are not bookable T3 time
    free(county, "A", 0, slot_type="reserved")       # (counted, A's T3 would be 0)
    # P's only slot in the horizon was withdrawn before D: P is away, not measured, although
    # P has free slots later.
    slot(county, "P", on(3), cancelled_at=on(-5))
    free(county, "P", 35, 36, 37)
    # Q's slots in the horizon were opened only after D: Q works but had nothing bookable on
    # D → 182.
    free(county, "Q", 5, 6, 7, created_at=on(1))
    # R has only urgent slots: not measured.
    free(county, "R", 1, 2, 3, slot_type="urgent")
    src = county.sources()
    assert values(t3(src)) == {("U1", "physician"): 92.0}    # A 2, Q 182: (2 + 182) / 2
    assert values(t3(src, "t3_no_bookable_time")) == {("U1", "physician"): 0.5}  # Q of A, Q


def test_professions_have_separate_rows_and_the_unit_is_the_calendars(county):
    county.add("units", unit_id="U2", municipality="074", service_area="mental_health_substance")
    county.add("professionals", professional_id="X", profession="physician", unit_id="U1")
    free(county, "A", 0, 1, 2)                      # U1 physician → 2
    free(county, "N", 3, 4, 6, profession="nurse")  # U1 nurse → 6
    free(county, "X", 1, 3, 5, unit_id="U2")        # mainly works in U1, calendar in U2 → 5
    src = county.sources()
    assert values(t3(src)) == {("U1", "nurse"): 6.0, ("U1", "physician"): 2.0,
                               ("U2", "physician"): 5.0}
    assert values(t3(src, dims=("municipality", "service_area"))) == {
        ("074", "mental_health_substance"): 5.0,
        ("272", "primary_care"): 4.0}                          # A 2, N 6: (2 + 6) / 2


def test_each_measurement_day_reads_the_calendar_of_that_day(county):
    # Query 2025-01-01 to 2025-02-15 by month: measured on 31 January and 15 February.
    slot(county, "A", "2025-02-03 10:00")
    slot(county, "A", "2025-02-05 10:00", booked_at="2025-02-10 12:00")
    slot(county, "A", "2025-02-07 10:00")
    for day in (16, 18, 25):
        slot(county, "A", f"2025-02-{day} 10:00")
    rows = t3(county.sources(), start=date(2025, 1, 1), end=date(2025, 2, 15))
    # 31 Jan: free 3, 5 (booked only on 10 Feb) and 7 Feb → 7 − 31 Jan = 7 days.
    # 15 Feb: free 16, 18, 25 Feb → 25 − 15 = 10 days.
    assert dict(zip(rows["period"], rows["value"], strict=True)) == {
        "2025-01-31": 7.0, "2025-02-15": 10.0}
    assert not rows["suppressed"].any()


def test_declared_as_an_unsuppressed_snapshot_by_unit_and_profession():
    for indicator_id in ("t3", "t3_no_bookable_time"):
        indicator = get(indicator_id)
        assert indicator.snapshot and not indicator.about_persons
        assert set(indicator.dimensions) == {"unit", "municipality", "service_area",
                                             "profession"}
        assert indicator.group == "t3" and indicator.better == "lower"
