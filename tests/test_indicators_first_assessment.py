"""Social-care first assessment (initiations, 7-working-day contact, outcomes) on tiny
hand-built counties. Every expected figure is worked out by hand beside it; working-day
calendars are written out day by day."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
from county import County

from tilannekuva.indicators import Query, Sources, compute
from tilannekuva.indicators.first_assessment import contact_due_dates, data_span

INITIATIONS = "first_assessment_initiations"
CONTACT = "first_assessment_contact_within_7_working_days"
OUTCOME = "first_assessment_outcome"


def cells(src: Sources, indicator: str, start: str, end: str, dims: tuple[str, ...] = (),
          min_cell_size: int = 1, figures: tuple[str, ...] = ("numerator", "denominator"),
          grain: str = "month") -> list[tuple]:
    """(period, *dims, [outcome,] *figures) of every output row; empty figures as None."""
    out = compute(src, Query((indicator,), date.fromisoformat(start), date.fromisoformat(end),
                             grain, dims), min_cell_size=min_cell_size)
    keys = ["period", *dims, *(["outcome"] if indicator == OUTCOME else [])]
    return [tuple(None if pd.isna(v) else v for v in row)
            for row in out[[*keys, *figures]].itertuples(index=False, name=None)]


def case(county: County, case_id: str, person: str, initiated: str, **values) -> County:
    return county.add("social_cases", case_id=case_id, person_id=person,
                      initiated_at=initiated, **values)


def test_initiations_by_month_task_and_age_band_on_the_helsinki_date(tmp_path: Path) -> None:
    # P1 born 1940 (84–85: band 75+), P2 born 2015 (9–10: band 7–12).
    # C1 older_people 2025-03-03, C2 families 2025-03-31 23:30, C3 older_people
    # 2025-04-01 00:30 Helsinki time = 2025-03-31 22:30 UTC: the Helsinki date puts C3 in
    # April (by UTC it would be March's third case). C4: P1 again in April, a second case.
    c = County(tmp_path / "c.duckdb").person("P1", born="1940-01-01")
    c.person("P2", born="2015-05-05")
    case(c, "C1", "P1", "2025-03-03 10:00")
    case(c, "C2", "P2", "2025-03-31 23:30", service_task="families")
    case(c, "C3", "P1", "2025-04-01 00:30")
    case(c, "C4", "P1", "2025-04-15 10:00", notifier_type="health_care")
    src = c.sources()
    assert cells(src, INITIATIONS, "2025-01-01", "2025-12-31") == [
        ("2025-03", 2, None), ("2025-04", 2, None)]
    assert cells(src, INITIATIONS, "2025-01-01", "2025-12-31",
                 dims=("service_task", "age_band")) == [
        ("2025-03", "families", "7–12", 1, None), ("2025-03", "older_people", "75+", 1, None),
        ("2025-04", "older_people", "75+", 2, None)]
    assert cells(src, INITIATIONS, "2025-04-01", "2025-04-30",
                 dims=("notifier_type", "service_area")) == [
        ("2025-04", "client", "older_people", 1, None),
        ("2025-04", "health_care", "older_people", 1, None)]


def test_initiations_are_hidden_below_five_persons_not_five_cases(tmp_path: Path) -> None:
    # March 2025: five cases of one person (P1) → 5 cases but 1 person → hidden at 5.
    # April: five cases of five persons → shown.
    c = County(tmp_path / "c.duckdb")
    for n in range(5):
        case(c, f"M{n}", "P1", f"2025-03-{n + 2:02d} 10:00")
        case(c, f"A{n}", f"Q{n}", f"2025-04-{n + 2:02d} 10:00")
    out = compute(c.sources(), Query((INITIATIONS,), date(2025, 3, 1), date(2025, 4, 30)), 5)
    assert out["suppressed"].tolist() == [True, False]
    assert out["numerator"].isna().tolist() == [True, False]
    assert out.loc[1, "value"] == 5


def test_contact_deadline_across_christmas_and_new_year(tmp_path: Path) -> None:
    # Initiated Thu 18 Dec 2025, the day itself not counted: Fri 19 (1); Sat 20, Sun 21;
    # Mon 22 (2), Tue 23 (3); Wed 24 Christmas Eve, Thu 25 Christmas Day, Fri 26 St Stephen's
    # Day, Sat 27, Sun 28: not working days; Mon 29 (4), Tue 30 (5), Wed 31 (6); Thu 1 Jan New
    # Year's Day; Fri 2 Jan (7) → due 2026-01-02.
    # P1 initiated 00:15 Helsinki (22:15 UTC on the 17th) and contacted Fri 2 Jan 16:00: in
    # time. By the UTC date (17 Dec) the due date would be Wed 31 Dec and P1 late.
    # P2 contacted Sat 3 Jan 00:30 Helsinki (2 Jan 22:30 UTC): late by its Helsinki date.
    # P3 contacted Fri 19 Dec: in time. P4 never contacted: due 2 Jan lies before the last day
    # of data (3 Jan, P2's contact), so judged late. P5 contacted on the initiation day: in time.
    # December 2025: 3 in time (P1, P3, P5) of 5.
    c = County(tmp_path / "c.duckdb")
    case(c, "C1", "P1", "2025-12-18 00:15", first_contact_at="2026-01-02 16:00")
    case(c, "C2", "P2", "2025-12-18 10:00", first_contact_at="2026-01-03 00:30")
    case(c, "C3", "P3", "2025-12-18 10:00", first_contact_at="2025-12-19 09:00")
    case(c, "C4", "P4", "2025-12-18 10:00", outcome="not_reached")
    case(c, "C5", "P5", "2025-12-18 10:00", first_contact_at="2025-12-18 14:00")
    src = c.sources()
    assert data_span(src) == (date(2025, 12, 18), date(2025, 12, 18), date(2026, 1, 3))
    assert contact_due_dates(date(2025, 12, 17), date(2025, 12, 18))["due_date"].to_pylist() \
        == [date(2025, 12, 31), date(2026, 1, 2)]
    assert cells(src, CONTACT, "2025-12-01", "2026-01-31") == [("2025-12", 3, 5)]
    assert cells(src, INITIATIONS, "2025-12-01", "2026-01-31") == [("2025-12", 5, None)]


def test_uncontacted_cases_not_yet_due_by_the_last_day_of_data_are_left_out(
        tmp_path: Path) -> None:
    # January 2026 has no holiday after Epiphany (Tue 6 Jan).
    # A initiated Mon 19 Jan, no contact: Tue 20 (1), Wed 21 (2), Thu 22 (3), Fri 23 (4),
    #   Mon 26 (5), Tue 27 (6), Wed 28 (7) → due 28 Jan.
    # B initiated Tue 20 Jan, no contact: Wed 21 (1) ... Thu 29 (7) → due 29 Jan.
    # C initiated Tue 20 Jan, contacted Thu 22 Jan: in time (due 29 Jan).
    # D initiated Thu 22 Jan, contacted Fri 23, assessment started Mon 26 and completed Thu
    #   29 Jan 20:00: the completion is the latest time recorded → last day of data 29 Jan.
    # A: due 28 Jan is before the last day → judged, late. B: due 29 Jan is the last day
    # itself, which may not be over → not yet judged, left out. C and D in time.
    # January 2026: 2 in time (C, D) of 3 judged (A, C, D); 4 initiations.
    c = County(tmp_path / "c.duckdb")
    case(c, "A", "P1", "2026-01-19 10:00")
    case(c, "B", "P2", "2026-01-20 10:00")
    case(c, "C", "P3", "2026-01-20 10:00", first_contact_at="2026-01-22 09:00")
    case(c, "D", "P4", "2026-01-22 10:00", first_contact_at="2026-01-23 09:00",
         assessment_started_at="2026-01-26 09:00",
         assessment_completed_at="2026-01-29 20:00")
    src = c.sources()
    assert data_span(src) == (date(2026, 1, 19), date(2026, 1, 22), date(2026, 1, 29))
    assert cells(src, CONTACT, "2026-01-01", "2026-01-31") == [("2026-01", 2, 3)]
    assert cells(src, INITIATIONS, "2026-01-01", "2026-01-31") == [("2026-01", 4, None)]


def test_contact_by_unit_and_municipality(tmp_path: Path) -> None:
    # Two units, all initiated Mon 2 Jun 2025 (due Wed 11 Jun: Tue 3 (1), Wed 4 (2),
    # Thu 5 (3), Fri 6 (4), Mon 9 (5), Tue 10 (6), Wed 11 (7); no holiday). SO1: P1 contacted
    # 11 Jun (in time), P2 12 Jun (late). SO2: P3 (municipality 273) contacted 3 Jun.
    c = County(tmp_path / "c.duckdb").person("P1").person("P2").person("P3",
                                                                       municipality="273")
    case(c, "C1", "P1", "2025-06-02 10:00", first_contact_at="2025-06-11 10:00")
    case(c, "C2", "P2", "2025-06-02 10:00", first_contact_at="2025-06-12 10:00")
    case(c, "C3", "P3", "2025-06-02 10:00", unit_id="SO2",
         first_contact_at="2025-06-03 10:00")
    src = c.sources()
    assert cells(src, CONTACT, "2025-06-01", "2025-06-30", dims=("unit",)) == [
        ("2025-06", "SO1", 1, 2), ("2025-06", "SO2", 1, 1)]
    assert cells(src, CONTACT, "2025-06-01", "2025-06-30", dims=("municipality",)) == [
        ("2025-06", "272", 1, 2), ("2025-06", "273", 1, 1)]


def test_outcome_shares_among_cases_with_an_outcome(tmp_path: Path) -> None:
    # May 2025, older_people: resolved ×2, service_need_assessment ×1, not_reached ×1, and one
    # case still open (no outcome): shares over the 4 with an outcome — resolved 2/4 = 0.5,
    # service-need assessment 1/4, not reached 1/4; no "open" class and no class for
    # referred_elsewhere, which no case had. The open case shows only as the difference
    # between the 5 initiations and the denominator 4.
    # June 2025, families: one referred_elsewhere → 1/1.
    c = County(tmp_path / "c.duckdb")
    for n, outcome in enumerate(("resolved", "resolved", "service_need_assessment",
                                 "not_reached", None)):
        case(c, f"M{n}", f"P{n}", f"2025-05-{n + 5:02d} 10:00", outcome=outcome)
    case(c, "J", "P9", "2025-06-02 10:00", service_task="families",
         outcome="referred_elsewhere")
    src = c.sources()
    figures = ("numerator", "denominator", "value")
    assert cells(src, OUTCOME, "2025-05-01", "2025-06-30", figures=figures) == [
        ("2025-05", "not_reached", 1, 4, 0.25), ("2025-05", "resolved", 2, 4, 0.5),
        ("2025-05", "service_need_assessment", 1, 4, 0.25),
        ("2025-06", "referred_elsewhere", 1, 1, 1.0)]
    assert cells(src, OUTCOME, "2025-05-01", "2025-06-30", dims=("service_task",),
                 grain="quarter") == [
        ("2025-Q2", "families", "referred_elsewhere", 1, 1),
        ("2025-Q2", "older_people", "not_reached", 1, 4),
        ("2025-Q2", "older_people", "resolved", 2, 4),
        ("2025-Q2", "older_people", "service_need_assessment", 1, 4)]
    assert cells(src, INITIATIONS, "2025-05-01", "2025-05-31") == [("2025-05", 5, None)]
