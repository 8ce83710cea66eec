"""The situation centre's indicators on a hand-built county: time to arrange a place and to
leave the ED (means with intervals, medians, across a daylight-saving change), requests made,
requests waiting at the end of the day, interrupted routings, isolation placements, transport
orders by urgency class and safety need, and home-care hand-off times. Every expected figure is
worked out by hand beside it."""

from __future__ import annotations

from datetime import date
from math import sqrt

import pytest
from county import County

from tilannekuva.indicators import Query, Sources, compute
from tilannekuva.schema import codes

#: Student's t, 97.5th percentile, for 4, 3 and 1 degrees of freedom (statistical tables).
T4, T3, T1 = 2.7764451, 3.1824463, 12.7062047


def routing(c: County, n: int, person: str | None, specialty: str, urgency: str,
            unit: str | None, requested: str, placed: str | None = None,
            departed: str | None = None, ended: str | None = None, state: str = "departed",
            isolation_room: bool | None = None) -> None:
    c.add("ed_routings", routing_id=str(n), person_id=person, specialty=specialty,
          urgency=urgency, needs_isolation=bool(isolation_room), unit_id=unit,
          requested_at=requested, offers=1 if unit else 0, declines=0, placed_at=placed,
          isolation_room=isolation_room if placed else None, departed_at=departed,
          ended_at=ended, state=state)


def handoff(c: County, n: int, person: str | None, team: str, created: str,
            acknowledged: str | None, completed: str | None = None,
            cancelled: str | None = None) -> None:
    c.add("home_care_handoffs", handoff_id=str(n), person_id=person, unit_id="OS1",
          home_care_unit_id=team, created_at=created, acknowledged_at=acknowledged,
          completed_at=completed, cancelled_at=cancelled,
          state="completed" if completed else "cancelled" if cancelled else "acknowledged")


def transport(c: County, n: int, person: str | None, urgency_class: str, ordered: str,
              *needs: str) -> None:
    c.add("ambulance_transports", transport_id=str(n), person_id=person,
          urgency_class=urgency_class, ordered_at=ordered, state="ordered",
          **{f"need_{need}": need in needs for need in codes("safety_need")})


@pytest.fixture
def src(tmp_path) -> Sources:
    """Routing requests (Helsinki times; minutes to a place / to leave the ED):

    R1 P1 internal medicine, urgent, OS1: Mon 3 Mar 2025 10:00, placed 10:20, left 10:48
       (20 / 48).
    R2 P2 internal medicine, urgent, OS1: Tue 4 Mar 14:00, placed 14:30, left 15:10 (30 / 70).
    R3 P3 surgery, emergency, OS2: Wed 5 Mar 09:00, placed in an isolation room 09:10, left
       09:40 (10 / 40).
    R4 no patient, surgery, non-urgent, OS2: Mon 10 Mar 08:00, interrupted 11:00.
    R5 P5 geriatrics, non-urgent, no ward: Mon 31 Mar 22:00, still open.
    R6 P6 internal medicine, urgent, OS1: Sun 30 Mar 02:30 (EET), placed 04:10 and left 04:30
       (EEST: clocks went from 03:00 to 04:00) → 40 / 60 real minutes, not 100 / 120.
    R7 P7 internal medicine, urgent, OS1: Thu 20 Mar 12:00, placed 12:15, cancelled 12:45
       (15 to a place; never left the ED).
    R8 P1 surgery, urgent, OS2: Fri 28 Feb 23:30, placed 23:45, left Sat 1 Mar 00:30 (15 /
       60): placed in February, left in March; at the end of 28 February placed but still in
       the ED, so waiting.

    Hand-offs (OS1 → team; hours to acknowledge / to complete): H1 P1 → KH1 created 3 Mar
    12:00, acknowledged 12:30, completed 18:00 (0.5 / 6); H2 P2 → KH2 created 4 Mar 09:00,
    acknowledged 11:00, completed 5 Mar 09:00 (2 / 24); H3 no patient → KH1 created 6 Mar
    08:00, acknowledged 09:00, cancelled 10:00 (1 / –).

    Transports: T1 P2 urgent, isolation and oxygen, 5 Mar; T2 no patient, non-urgent, no
    needs, 6 Mar; T3 P3 urgent, oxygen and monitoring, 7 Mar; T4 P1 non-urgent, stretcher,
    1 Apr."""
    c = County(tmp_path / "c.duckdb")
    routing(c, 1, "P1", "internal_medicine", "urgent", "OS1", "2025-03-03 10:00",
            "2025-03-03 10:20", "2025-03-03 10:48", "2025-03-03 10:48", isolation_room=False)
    routing(c, 2, "P2", "internal_medicine", "urgent", "OS1", "2025-03-04 14:00",
            "2025-03-04 14:30", "2025-03-04 15:10", "2025-03-04 15:10", isolation_room=False)
    routing(c, 3, "P3", "surgery", "emergency", "OS2", "2025-03-05 09:00",
            "2025-03-05 09:10", "2025-03-05 09:40", "2025-03-05 09:40", isolation_room=True)
    routing(c, 4, None, "surgery", "non_urgent", "OS2", "2025-03-10 08:00",
            ended="2025-03-10 11:00", state="interrupted")
    routing(c, 5, "P5", "geriatrics", "non_urgent", None, "2025-03-31 22:00", state="open")
    routing(c, 6, "P6", "internal_medicine", "urgent", "OS1", "2025-03-30 02:30",
            "2025-03-30 04:10", "2025-03-30 04:30", "2025-03-30 04:30", isolation_room=False)
    routing(c, 7, "P7", "internal_medicine", "urgent", "OS1", "2025-03-20 12:00",
            "2025-03-20 12:15", ended="2025-03-20 12:45", state="cancelled",
            isolation_room=False)
    routing(c, 8, "P1", "surgery", "urgent", "OS2", "2025-02-28 23:30", "2025-02-28 23:45",
            "2025-03-01 00:30", "2025-03-01 00:30", isolation_room=False)
    handoff(c, 1, "P1", "KH1", "2025-03-03 12:00", "2025-03-03 12:30", "2025-03-03 18:00")
    handoff(c, 2, "P2", "KH2", "2025-03-04 09:00", "2025-03-04 11:00", "2025-03-05 09:00")
    handoff(c, 3, None, "KH1", "2025-03-06 08:00", "2025-03-06 09:00",
            cancelled="2025-03-06 10:00")
    transport(c, 1, "P2", "urgent", "2025-03-05 10:00", "isolation", "oxygen")
    transport(c, 2, None, "non_urgent", "2025-03-06 10:00")
    transport(c, 3, "P3", "urgent", "2025-03-07 10:00", "oxygen", "monitoring")
    transport(c, 4, "P1", "non_urgent", "2025-04-01 10:00", "stretcher")
    return c.sources()


def cells(src: Sources, indicator: str, start: str = "2025-02-01", end: str = "2025-04-30",
          dims: tuple[str, ...] = (), figures: tuple[str, ...] = ("numerator", "denominator",
                                                                  "value"),
          min_cell_size: int = 1) -> list[tuple]:
    """(period, *dims, *figures) of every output row, monthly."""
    out = compute(src, Query((indicator,), date.fromisoformat(start), date.fromisoformat(end),
                             "month", dims), min_cell_size=min_cell_size)
    rows = out[["period", *dims, *figures]].astype(object).where(out.notna(), None)
    return list(rows.itertuples(index=False, name=None))


def test_time_to_arrange_a_place(src):
    # February: R8 placed on the 28th (15). March: R1 20, R2 30, R3 10, R6 40 (across the
    # clock change: 02:30 EET is 00:30 UTC, 04:10 EEST 01:10 UTC), R7 15 (placed, then
    # cancelled: a place was arranged) → mean 115 / 5 = 23; squares about it 9 + 49 + 169 +
    # 289 + 64 = 580, variance 145, standard error √(145 / 5) = √29.
    rows = cells(src, "ed_time_to_place_minutes", figures=("denominator", "value", "low",
                                                           "high"))
    assert rows[0] == ("2025-02", 1, 15.0, None, None)
    period, n, mean, low, high = rows[1]
    assert (period, n, mean) == ("2025-03", 5, 23.0)
    assert (low, high) == pytest.approx((23 - T4 * sqrt(29), 23 + T4 * sqrt(29)))
    assert len(rows) == 2
    # Median of 10, 15, 20, 30, 40 = 20.
    assert cells(src, "ed_time_to_place_minutes_median", figures=("denominator", "value")) == [
        ("2025-02", 1, 15.0), ("2025-03", 5, 20.0)]
    # By ward: OS1 R1 20, R2 30, R6 40, R7 15 → 105 / 4 = 26.25; OS2 R3 10.
    assert cells(src, "ed_time_to_place_minutes", "2025-03-01", "2025-03-31", ("unit",),
                 ("denominator", "value")) == [("2025-03", "OS1", 4, 26.25),
                                               ("2025-03", "OS2", 1, 10.0)]
    # By weekday and hour of the request: R6 on a Sunday at 02 is the 40 real minutes.
    assert cells(src, "ed_time_to_place_minutes", "2025-03-01", "2025-03-31",
                 ("weekday", "hour"), ("value",)) == [
        ("2025-03", "1", "10", 20.0), ("2025-03", "2", "14", 30.0),
        ("2025-03", "3", "09", 10.0), ("2025-03", "4", "12", 15.0),
        ("2025-03", "7", "02", 40.0)]


def test_time_to_leave_the_ed(src):
    # Left the ED in March: R1 48, R2 70, R3 40, R6 60 (real minutes), R8 60 (requested in
    # February, placed by the day it left) → 278 / 5 = 55.6; R7 (cancelled) never left.
    assert cells(src, "ed_time_to_leave_minutes", figures=("denominator", "value")) == [
        ("2025-03", 5, 55.6)]
    # Median of 40, 48, 60, 60, 70.
    assert cells(src, "ed_time_to_leave_minutes_median", figures=("value",)) == [
        ("2025-03", 60.0)]
    # Urgent: R1 48, R2 70, R6 60, R8 60 → 59.5, squares about it 132.25 + 110.25 + 0.25 +
    # 0.25 = 243, variance 81, standard error √(81 / 4) = 4.5; emergency: R3 40 (one value:
    # no interval).
    assert cells(src, "ed_time_to_leave_minutes", "2025-03-01", "2025-03-31", ("urgency",),
                 ("value", "low")) == [("2025-03", "emergency", 40.0, None),
                                       ("2025-03", "urgent", 59.5, pytest.approx(
                                           59.5 - T3 * 4.5))]


def test_requests_made_count_an_anonymous_request_as_a_person_of_its_own(src):
    # February: R8. March: R1–R7 (R4 with no patient).
    assert cells(src, "ed_routing_requests", figures=("value",)) == [
        ("2025-02", 1), ("2025-03", 7)]
    # March's 7 requests are 7 persons: P1, P2, P3, P5, P6, P7 and R4 on its own, so a
    # minimum of 7 shows the figure and a minimum of 8 hides it.
    assert cells(src, "ed_routing_requests", "2025-03-01", "2025-03-31", figures=("value",),
                 min_cell_size=7) == [("2025-03", 7)]
    assert cells(src, "ed_routing_requests", "2025-03-01", "2025-03-31", figures=("value",),
                 min_cell_size=8) == [("2025-03", None)]
    assert cells(src, "ed_routing_requests", "2025-03-01", "2025-03-31", ("specialty",),
                 ("value",)) == [("2025-03", "geriatrics", 1), ("2025-03", "internal_medicine", 4),
                                 ("2025-03", "surgery", 2)]


def test_requests_waiting_at_the_end_of_the_day(src):
    # End of 28 Feb: R8 (requested 23:30, placed, not yet gone from the ED). End of 31 Mar:
    # R5 (requested 22:00, open). End of 10 Mar: R4 ended that day, R5 not yet made → none.
    assert cells(src, "ed_requests_waiting", "2025-02-01", "2025-03-31", ("specialty",),
                 ("value",)) == [("2025-02-28", "surgery", 1), ("2025-03-31", "geriatrics", 1)]
    assert cells(src, "ed_requests_waiting", "2025-03-01", "2025-03-10") == []


def test_interrupted_routings(src):
    # Ended in March: R1, R2, R3, R6, R8 left; R7 cancelled; R4 interrupted → 1 of 7.
    assert cells(src, "ed_interrupted_routings", figures=("value",)) == [("2025-03", 1)]
    assert cells(src, "ed_interrupted_share") == [("2025-03", 1, 7, pytest.approx(1 / 7))]
    assert cells(src, "ed_interrupted_share", "2025-03-01", "2025-03-31", ("unit",)) == [
        ("2025-03", "OS1", 0, 4, 0.0), ("2025-03", "OS2", 1, 3, pytest.approx(1 / 3))]


def test_isolation_placements(src):
    assert cells(src, "ed_isolation_placements", figures=("value",)) == [("2025-03", 1)]
    assert cells(src, "ed_isolation_placements", dims=("urgency",), figures=("value",)) == [
        ("2025-03", "emergency", 1)]


def test_transports_by_urgency_class_and_safety_need(src):
    assert cells(src, "ambulance_transport_orders", figures=("value",)) == [
        ("2025-03", 3), ("2025-04", 1)]
    assert cells(src, "ambulance_transport_orders", dims=("urgency_class",),
                 figures=("value",)) == [("2025-03", "non_urgent", 1), ("2025-03", "urgent", 2),
                                         ("2025-04", "non_urgent", 1)]
    # Always split by need; T1 counts under isolation and oxygen, T3 under oxygen and
    # monitoring, T2 under none.
    assert cells(src, "ambulance_transport_safety_needs", figures=("value",)) == [
        ("2025-03", 1), ("2025-03", 1), ("2025-03", 2), ("2025-04", 1)]
    rows = compute(src, Query(("ambulance_transport_safety_needs",), date(2025, 3, 1),
                              date(2025, 4, 30), "month"), 1)
    assert list(zip(rows["period"], rows["safety_need"], rows["value"], strict=True)) == [
        ("2025-03", "isolation", 1), ("2025-03", "monitoring", 1), ("2025-03", "oxygen", 2),
        ("2025-04", "stretcher", 1)]


def test_home_care_handoff_times(src):
    # Completed in March: H1 6 h, H2 24 h → 15, interval 15 ± t₁ · 9 (sd √162, n 2).
    assert cells(src, "home_care_handoff_completion_hours",
                 figures=("denominator", "value", "low", "high")) == [
        ("2025-03", 2, 15.0, pytest.approx(15 - T1 * 9), pytest.approx(15 + T1 * 9))]
    assert cells(src, "home_care_handoff_completion_hours", dims=("home_care_unit",),
                 figures=("value",)) == [("2025-03", "KH1", 6.0), ("2025-03", "KH2", 24.0)]
    # Acknowledged in March: H1 0.5, H2 2, H3 1 (cancelled afterwards, still counted) → 3.5/3.
    assert cells(src, "home_care_handoff_acknowledgement_hours",
                 figures=("denominator", "value")) == [("2025-03", 3, pytest.approx(3.5 / 3))]
