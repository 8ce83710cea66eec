"""Social-welfare access deadlines (SHL 36 §, LsL 26–27 §, VPL 18 §) on tiny hand-built
counties. Every expected figure is worked out by hand in the comment beside it; calendars for
the working-day cases are written out day by day."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
from county import County

from tilannekuva.indicators import Query, Sources, compute
from tilannekuva.indicators.social import WAIT_KINDS
from tilannekuva.indicators.waits import compliance_events

SW = "social_assessment_started_within_deadline"
CW2 = "child_welfare_decision_within_deadline"
CW3 = "child_welfare_assessment_within_deadline"
E1 = "older_people_service_within_deadline"

CONTRACT = ("person_id", "unit", "start_date", "end_date", "closed_date", "rule", "due_date",
            "age_band", "municipality", "service_area")


def cells(src: Sources, indicator: str, start: str, end: str, grain: str = "month",
          dims: tuple[str, ...] = ()) -> list[tuple]:
    """(period, *dims, numerator, denominator) of every output row, no suppression."""
    out = compute(src, Query((indicator,), date.fromisoformat(start), date.fromisoformat(end),
                             grain, dims), min_cell_size=1)
    return list(out[["period", *dims, "numerator", "denominator"]].itertuples(index=False,
                                                                            name=None))


def waits(src: Sources, kind: str) -> dict[str, dict]:
    """The waits of a kind by person (each test gives every person one case or decision)."""
    return {w["person_id"]: w for w in WAIT_KINDS[kind](src).to_pyarrow().to_pylist()}


def two_persons(tmp_path: Path, born: str) -> County:
    return County(tmp_path / "c.duckdb").person("P1", born=born).person("P2", born=born)


def case(county: County, person: str, initiated: str, **values) -> County:
    return county.add("social_cases", case_id=f"C-{person}", person_id=person,
                      initiated_at=initiated, **values)


def test_every_wait_kind_has_the_contract_columns(tmp_path: Path) -> None:
    c = County(tmp_path / "c.duckdb").person("P1", born="1940-01-01")
    case(c, "P1", "2024-03-01 10:00", entitled_to_7_day_assessment=True)
    src = c.sources()
    for kind, wait in WAIT_KINDS.items():
        missing = set(CONTRACT) - set(wait(src).columns)
        assert not missing, f"{kind} lacks {missing}"


def test_sw1_across_easter_on_the_due_date_and_a_day_late(tmp_path: Path) -> None:
    # Initiated Thu 28 Mar 2024. Fri 29 Good Friday, Sat 30, Sun 31, Mon 1 Apr Easter Monday:
    # not working days. Tue 2 (1), Wed 3 (2), Thu 4 (3), Fri 5 (4), Mon 8 (5), Tue 9 (6),
    # Wed 10 (7) → due 2024-04-10. P1 starts on the due date (in time), P2 on Thu 11 (late).
    # P1's case came in at 00:30 Helsinki time (22:30 UTC on the 27th): the Helsinki date
    # counts; from 27 March the due date would be Tue 9 April and P1 would be late.
    c = two_persons(tmp_path, born="1940-01-01")
    case(c, "P1", "2024-03-28 00:30", entitled_to_7_day_assessment=True,
         assessment_started_at="2024-04-10 15:00")
    case(c, "P2", "2024-03-28 10:00", entitled_to_7_day_assessment=True,
         assessment_started_at="2024-04-11 09:00")
    src = c.sources()
    w = waits(src, "social_assessment_start")
    assert {p: (x["rule"], x["start_date"], x["due_date"]) for p, x in w.items()} == {
        "P1": ("SW1", date(2024, 3, 28), date(2024, 4, 10)),
        "P2": ("SW1", date(2024, 3, 28), date(2024, 4, 10)),
    }
    # Placed in the month the assessment started (April), none in March: 1 in time of 2.
    assert cells(src, SW, "2024-03-01", "2024-04-30") == [("2024-04", 1, 2)]


def test_sw2a_across_midsummer(tmp_path: Path) -> None:
    # Initiated Wed 19 Jun 2024. Thu 20 (1); Fri 21 Midsummer Eve, Sat 22 Midsummer Day,
    # Sun 23: not working days; Mon 24 (2), Tue 25 (3), Wed 26 (4), Thu 27 (5), Fri 28 (6),
    # Mon 1 Jul (7) → due 2024-07-01. P1 starts on 1 July (in time), P2 on 2 July (late).
    c = two_persons(tmp_path, born="2014-01-01")
    for person, started in (("P1", "2024-07-01 12:00"), ("P2", "2024-07-02 08:00")):
        case(c, person, "2024-06-19 10:00", service_task="families", special_support_child=True,
             assessment_started_at=started)
    src = c.sources()
    w = waits(src, "social_assessment_start")
    assert {(x["rule"], x["due_date"]) for x in w.values()} == {("SW2a", date(2024, 7, 1))}
    # Both ended in July: 1 in time of 2.
    assert cells(src, SW, "2024-06-01", "2024-07-31", dims=("rule",)) == [
        ("2024-07", "SW2a", 1, 2)]


def test_sw1_across_christmas_and_epiphany(tmp_path: Path) -> None:
    # Initiated Fri 20 Dec 2024. Sat 21, Sun 22; Mon 23 (1); Tue 24 Christmas Eve, Wed 25,
    # Thu 26: not working days; Fri 27 (2); Sat 28, Sun 29; Mon 30 (3), Tue 31 (4);
    # Wed 1 Jan New Year; Thu 2 (5), Fri 3 (6); Sat 4, Sun 5, Mon 6 Epiphany;
    # Tue 7 Jan (7) → due 2025-01-07. P1 starts on 7 January (in time), P2 on 8 January.
    c = two_persons(tmp_path, born="1940-01-01")
    for person, started in (("P1", "2025-01-07 16:00"), ("P2", "2025-01-08 09:00")):
        case(c, person, "2024-12-20 10:00", entitled_to_7_day_assessment=True,
             assessment_started_at=started)
    src = c.sources()
    assert {x["due_date"] for x in waits(src, "social_assessment_start").values()} == {
        date(2025, 1, 7)}
    # Both ended in January 2025: 1 of 2.
    assert cells(src, SW, "2024-12-01", "2025-01-31") == [("2025-01", 1, 2)]


def test_cw2_across_independence_day(tmp_path: Path) -> None:
    # Initiated Thu 5 Dec 2024, the day itself not counted. Fri 6 Independence Day, Sat 7,
    # Sun 8; Mon 9 (1), Tue 10 (2), Wed 11 (3), Thu 12 (4), Fri 13 (5), Mon 16 (6),
    # Tue 17 (7) → due 2024-12-17 (counting 6 December would give Mon 16). P1 is decided
    # (assessment started) on 17 December: in time; P2 on 18 December: late.
    c = two_persons(tmp_path, born="2012-01-01")
    for person, started in (("P1", "2024-12-17 10:00"), ("P2", "2024-12-18 10:00")):
        case(c, person, "2024-12-05 10:00", service_task="child_welfare",
             assessment_started_at=started)
    src = c.sources()
    assert {(x["rule"], x["due_date"]) for x in waits(src, "child_welfare_decision").values()} \
        == {("CW2", date(2024, 12, 17))}
    # Both decided in December: 1 of 2.
    assert cells(src, CW2, "2024-12-01", "2024-12-31") == [("2024-12", 1, 2)]


def test_cw3_three_months_clamped_to_the_month_end(tmp_path: Path) -> None:
    # Initiated 30 Nov 2024; 3 months on is "30 February 2025", which does not exist: the last
    # day of February, 2025-02-28. P1 completes on 28 February (in time), P2 on 1 March (late).
    c = two_persons(tmp_path, born="2012-01-01")
    for person, completed in (("P1", "2025-02-28 15:00"), ("P2", "2025-03-01 09:00")):
        case(c, person, "2024-11-30 10:00", service_task="child_welfare",
             assessment_started_at="2024-12-02 10:00", assessment_completed_at=completed)
    src = c.sources()
    assert {(x["rule"], x["due_date"]) for x in waits(src, "child_welfare_assessment").values()} \
        == {("CW3", date(2025, 2, 28))}
    # Both completed in 2025-Q1: 1 of 2.
    assert cells(src, CW3, "2024-10-01", "2025-03-31", grain="quarter") == [("2025-Q1", 1, 2)]


def test_child_welfare_counts_under_18s_only(tmp_path: Path) -> None:
    # Both initiated 10 May 2024 and decided the same day (in time). P17, born 11 May 2006,
    # turns 18 the next day: aged 17, CW2 applies. P18, born 10 May 2006, is 18 that day: no
    # child-welfare rule, not counted. → 1 of 1, in age band 13–17.
    c = (County(tmp_path / "c.duckdb").person("P17", born="2006-05-11")
         .person("P18", born="2006-05-10"))
    for person in ("P17", "P18"):
        case(c, person, "2024-05-10 09:00", service_task="child_welfare",
             assessment_started_at="2024-05-10 14:00",
             assessment_completed_at="2024-06-10 14:00")
    src = c.sources()
    w = waits(src, "child_welfare_decision")
    assert (w["P17"]["age"], w["P17"]["rule"]) == (17, "CW2")
    assert (w["P18"]["age"], w["P18"]["rule"]) == (18, None)
    assert cells(src, CW2, "2024-05-01", "2024-05-31", dims=("age_band",)) == [
        ("2024-05", "13–17", 1, 1)]
    # CW3: the same split; both assessments completed 10 June (due 10 August): 1 of 1.
    assert cells(src, CW3, "2024-06-01", "2024-06-30") == [("2024-06", 1, 1)]


def test_cases_without_a_deadline_flag_are_not_counted(tmp_path: Path) -> None:
    # All started on the day of initiation (in time). P1: entitled → SW1. P2: child (10) with
    # special support → SW2a. P3: no flag → no 7-day deadline, left out. P4: special-support
    # flag at 20 (SW2a is for under-18s), not entitled → no rule, not counted. P5: both flags
    # at 20 → SW2a does not apply, SW1 does. → SW1 2 of 2, SW2a 1 of 1.
    c = County(tmp_path / "c.duckdb")
    flags = {"P1": ("1940-01-01", {"entitled_to_7_day_assessment": True}),
             "P2": ("2014-01-01", {"special_support_child": True,
                                   "entitled_to_7_day_assessment": False}),
             "P3": ("1980-01-01", {"special_support_child": False,
                                   "entitled_to_7_day_assessment": False}),
             "P4": ("2004-01-01", {"special_support_child": True}),
             "P5": ("2004-01-01", {"special_support_child": True,
                                   "entitled_to_7_day_assessment": True})}
    for person, (born, flag) in flags.items():
        c.person(person, born=born)
        case(c, person, "2024-03-04 10:00", assessment_started_at="2024-03-04 14:00", **flag)
    src = c.sources()
    assert {p: x["rule"] for p, x in waits(src, "social_assessment_start").items()} == {
        "P1": "SW1", "P2": "SW2a", "P4": None, "P5": "SW1"}
    assert cells(src, SW, "2024-03-01", "2024-03-31", dims=("rule",)) == [
        ("2024-03", "SW1", 2, 2), ("2024-03", "SW2a", 1, 1)]


def test_cases_closed_without_the_end_event(tmp_path: Path) -> None:
    # P1: resolved at first contact on 5 March, no assessment → SW wait closed 5 March; the
    # CW2 decision (not to start an assessment) on 5 March, 1 working day after Mon 4 March:
    # in time; the CW3 wait closed 5 March. P2: not reached, no contact, no assessment → all
    # open, nothing closed, not counted. CW2 → 1 of 1 (P1); CW3 and SW → no realised wait.
    c = two_persons(tmp_path, born="2012-01-01")
    case(c, "P1", "2024-03-04 10:00", service_task="child_welfare", special_support_child=True,
         first_contact_at="2024-03-05 10:00", outcome="resolved")
    case(c, "P2", "2024-03-04 10:00", service_task="child_welfare", special_support_child=True,
         outcome="not_reached")
    src = c.sources()
    ends = {kind: {p: (x["end_date"], x["closed_date"]) for p, x in waits(src, kind).items()}
            for kind in ("social_assessment_start", "child_welfare_decision",
                         "child_welfare_assessment")}
    assert ends == {
        "social_assessment_start": {"P1": (None, date(2024, 3, 5)), "P2": (None, None)},
        "child_welfare_decision": {"P1": (date(2024, 3, 5), None), "P2": (None, None)},
        "child_welfare_assessment": {"P1": (None, date(2024, 3, 5)), "P2": (None, None)},
    }
    assert cells(src, CW2, "2024-03-01", "2024-03-31", dims=("service_task",)) == [
        ("2024-03", "child_welfare", 1, 1)]
    assert cells(src, CW3, "2024-03-01", "2024-12-31") == []
    assert cells(src, SW, "2024-03-01", "2024-12-31") == []


def test_e1_older_persons_non_urgent_granted_decisions(tmp_path: Path) -> None:
    # Decisions on Sun 1 Sep 2024 → due 1 Dec 2024 (3 months, same day of the month).
    # P65, born 1 Sep 1959, is 65 that day: started 1 Dec → in time.
    # P70: started 2 Dec → late.
    # P64, born 2 Sep 1959, is still 64: not counted (started 1 Oct, would be in time).
    # P71: urgent decision: not counted (started 20 Dec, would be late).
    # P72: refused: not counted.
    # → 2024-Q4: 1 of 2 (with P64 it would be 2 of 3, with P71 1 of 3).
    c = County(tmp_path / "c.duckdb")
    for person, born in (("P65", "1959-09-01"), ("P70", "1954-01-01"), ("P64", "1959-09-02"),
                         ("P71", "1953-01-01"), ("P72", "1952-01-01")):
        c.person(person, born=born)
    for person, started, extra in (("P65", "2024-12-01 10:00", {}),
                                   ("P70", "2024-12-02 10:00", {}),
                                   ("P64", "2024-10-01 10:00", {}),
                                   ("P71", "2024-12-20 10:00", {"urgent": True}),
                                   ("P72", None, {"result": "refused"})):
        c.add("social_decisions", decision_id=f"D-{person}", person_id=person,
              decided_at="2024-09-01 12:00", service_started_at=started, **extra)
    src = c.sources()
    w = waits(src, "older_people_service")
    assert sorted(w) == ["P65", "P70"]
    assert {(x["rule"], x["due_date"], x["unit"]) for x in w.values()} == {
        ("E1", date(2024, 12, 1), "SO1")}
    assert cells(src, E1, "2024-07-01", "2024-12-31", grain="quarter", dims=("age_band",)) == [
        ("2024-Q4", "65–74", 1, 2)]


def test_e1_service_ended_without_starting_is_closed(tmp_path: Path) -> None:
    # Granted 1 Sep 2024 to a 70-year-old; the service is recorded as ended on 15 Sep without
    # a start → closed 15 Sep, no end event, outside the compliance figure.
    c = County(tmp_path / "c.duckdb").person("P1", born="1954-01-01")
    c.add("social_decisions", decision_id="D1", person_id="P1", decided_at="2024-09-01 12:00",
          service_ended_at="2024-09-15 12:00")
    src = c.sources()
    w = waits(src, "older_people_service")["P1"]
    assert (w["end_date"], w["closed_date"]) == (None, date(2024, 9, 15))
    assert compliance_events(WAIT_KINDS["older_people_service"](src)).count().execute() == 0


def test_small_cells_are_suppressed(tmp_path: Path) -> None:
    # Unit SO1: five persons, unit SO2: four, all entitled and started on the day of
    # initiation (in time). With a minimum of 5 persons SO1 shows 5 of 5 and SO2 (4 < 5) is
    # hidden.
    c = County(tmp_path / "c.duckdb").add(
        "units", unit_id="SO2", name="Unit 2", service_area="older_people", municipality="272",
        level="social", unit_type="social_work_office")
    for i in range(9):
        person, unit = f"P{i}", "SO1" if i < 5 else "SO2"
        c.person(person, born="1940-01-01")
        case(c, person, "2024-03-04 10:00", unit_id=unit, entitled_to_7_day_assessment=True,
             assessment_started_at="2024-03-04 12:00")
    src = c.sources()
    out = compute(src, Query((SW,), date(2024, 3, 1), date(2024, 3, 31), "month", ("unit",)),
                  min_cell_size=5)
    so1, so2 = (out[out.unit == u].iloc[0] for u in ("SO1", "SO2"))
    assert (so1.numerator, so1.denominator, so1.value, so1.suppressed) == (5, 5, 1.0, False)
    assert so2.suppressed
    assert all(pd.isna(so2[f]) for f in ("numerator", "denominator", "value"))


def test_sw2b_special_support_child_assessment_completed_within_three_months(
        tmp_path: Path) -> None:
    # P1 (10): initiated 2024-11-30 → due 2025-02-28 (no 30 February); completed 2025-02-28:
    # in time, placed in 2025. P2 (10): initiated 2024-08-31 → due 2024-11-30; completed
    # 2024-12-01: late, placed in 2024. P3 is 18 on initiation: SW2b (under 18) does not apply.
    # P4's case is not flagged special support: no SW2b wait.
    c = two_persons(tmp_path, "2014-05-05").person("P3", born="2006-01-01").person("P4")
    case(c, "P1", "2024-11-30 10:00", special_support_child=True,
         assessment_started_at="2024-12-02 10:00", assessment_completed_at="2025-02-28 15:00")
    case(c, "P2", "2024-08-31 10:00", special_support_child=True,
         assessment_started_at="2024-09-02 10:00", assessment_completed_at="2024-12-01 15:00")
    case(c, "P3", "2024-08-31 10:00", special_support_child=True,
         assessment_started_at="2024-09-02 10:00", assessment_completed_at="2024-10-01 15:00")
    case(c, "P4", "2024-08-31 10:00", assessment_started_at="2024-09-02 10:00",
         assessment_completed_at="2024-10-01 15:00")
    src = c.sources()
    assert cells(src, "child_special_assessment_completed_within_deadline", "2024-01-01",
                 "2025-12-31", "year", ("rule",)) == [("2024", "SW2b", 0, 1),
                                                      ("2025", "SW2b", 1, 1)]
