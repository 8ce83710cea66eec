"""Primary and oral care access, against answers worked out by hand from the rules table
(docs/rules.md): P2 3 months until 2023-08-31, P3 14 days 2023-09-01–2024-12-31, from
2025-01-01 P4 3 months for ages 23+ and P5 14 days under 23; O2 4 months 2023-09-01–2024-10-31,
O3 3 months to 2024-12-31, O4 6 months (23+) and O5 3 months (under 23) from 2025."""

from __future__ import annotations

from datetime import date

import pytest
from county import County

from tilannekuva.indicators import Query, compute


def figures(src, indicator, start="2023-01-01", end="2025-12-31", grain="year", dims=(),
            min_cell_size=1):
    rows = compute(src, Query((indicator,), date.fromisoformat(start), date.fromisoformat(end),
                              grain, tuple(dims)), min_cell_size)
    key = ["period", *dims] + (["wait_class"] if "wait_class" in rows else [])
    rows = rows.astype(object).where(rows.notna(), None)
    return {tuple(r[k] for k in key) if len(key) > 1 else r["period"]:
            (r["numerator"], r["denominator"], r["value"]) for _, r in rows.iterrows()}


def wait(county, n, assessed, visit, born="1980-06-15", service="general_practice",
         **visit_values):
    """Person Pn assessed at `assessed` for `service`, realised visit at `visit` (None: still
    waiting)."""
    county.person(f"P{n}", born=born)
    county.add("care_need_assessments", assessment_id=f"A{n}", person_id=f"P{n}",
               assessed_at=assessed, service=service)
    if visit:
        county.add("visits", visit_id=f"V{n}", person_id=f"P{n}", assessment_id=f"A{n}",
                   start_at=visit, service=service, **visit_values)


@pytest.fixture
def county(tmp_path):
    return County(tmp_path / "county.duckdb")


def test_waits_straddling_changes_in_the_law_keep_the_rule_of_the_assessment_day(county):
    # Assessed 2023-08-25: P2 (3 months) → due 2023-11-25. Visit 2023-09-20, 26 days later:
    # in time, although P3's 14 days (in force on the visit day) would call it late.
    wait(county, 1, "2023-08-25 09:00", "2023-09-20 10:00")
    # Assessed 2024-12-20, aged 44: P3 (14 days) → due 2025-01-03. Visit 2025-01-10, 21 days:
    # late, although P4's 3 months (in force on the visit day) would call it in time.
    wait(county, 2, "2024-12-20 09:00", "2025-01-10 10:00")
    src = county.sources()
    assert figures(src, "primary_care_within_deadline") == {
        "2023": (1, 1, 1.0), "2025": (0, 1, 0.0)}
    by_rule = figures(src, "primary_care_within_deadline", dims=["rule"])
    assert set(by_rule) == {("2023", "P2"), ("2025", "P3")}


def test_a_person_turning_23_while_waiting_keeps_the_under_23_deadline(county):
    # Born 2002-01-10: 22 on the assessment day 2025-01-05 → P5, 14 days, due 2025-01-19.
    # The visit on 2025-01-25 (aged 23 by then) is 20 days later: late. By P4 it would be in
    # time. A 23-year-old (born 2001-06-01) assessed the same day with the same wait: P4,
    # due 2025-04-05, in time.
    wait(county, 1, "2025-01-05 09:00", "2025-01-25 10:00", born="2002-01-10")
    wait(county, 2, "2025-01-05 09:00", "2025-01-25 10:00", born="2001-06-01")
    src = county.sources()
    assert figures(src, "primary_care_within_deadline", dims=["rule"]) == {
        ("2025", "P4"): (1, 1, 1.0), ("2025", "P5"): (0, 1, 0.0)}
    assert figures(src, "primary_care_within_deadline", dims=["age_band"]) == {
        ("2025", "18–22"): (0, 1, 0.0), ("2025", "23–64"): (1, 1, 1.0)}


def test_the_due_day_itself_is_in_time_and_the_next_day_is_late(county):
    # P3: assessed 2024-03-01 → due 2024-03-15 (14 days). Visits on the 15th (in time, late in
    # the evening Helsinki time) and the 16th (late).
    wait(county, 1, "2024-03-01 08:00", "2024-03-15 23:30")
    wait(county, 2, "2024-03-01 08:00", "2024-03-16 00:10")
    assert figures(county.sources(), "primary_care_within_deadline") == {"2024": (1, 2, 0.5)}


def test_a_cancelled_visit_does_not_end_the_wait(county):
    # Assessed 2024-03-01 (P3, due 2024-03-15). The visit booked for 2024-03-05 was cancelled
    # and a no-show on 2024-03-08 too; the realised visit on 2024-03-20 ends the wait: 19 days,
    # late. The wait is placed in March by the realised visit.
    wait(county, 1, "2024-03-01 08:00", "2024-03-20 09:00")
    county.add("visits", visit_id="V1c", person_id="P1", assessment_id="A1",
               start_at="2024-03-05 09:00", status="cancelled")
    county.add("visits", visit_id="V1n", person_id="P1", assessment_id="A1",
               start_at="2024-03-08 09:00", status="no_show")
    src = county.sources()
    assert figures(src, "primary_care_within_deadline", grain="month") == {
        "2024-03": (0, 1, 0.0)}
    assert figures(src, "primary_care_wait_median") == {"2024": (None, 1, 19.0)}


def test_only_the_first_realised_visit_of_an_assessment_counts(county):
    # Assessed 2024-03-01; visits on 03-04 (3 days) and a follow-up on 04-30 linked to the
    # same assessment: one wait of 3 days, in time.
    wait(county, 1, "2024-03-01 08:00", "2024-03-04 09:00")
    county.add("visits", visit_id="V1b", person_id="P1", assessment_id="A1",
               start_at="2024-04-30 09:00")
    assert figures(county.sources(), "primary_care_within_deadline") == {"2024": (1, 1, 1.0)}


def test_excluded_visit_types_urgent_care_and_visits_without_assessment(county):
    # Counted: P1 (3 days, in time). Not counted: P2's certificate visit (excluded type), P3's
    # urgent assessment, P4's assessment that found no need for treatment, P5's visit with no
    # assessment (it counts in the share without assessment instead).
    wait(county, 1, "2024-03-01 08:00", "2024-03-04 09:00")
    wait(county, 2, "2024-03-01 08:00", "2024-05-04 09:00", guarantee_exclusion="certificate")
    county.person("P3").add("care_need_assessments", assessment_id="A3", person_id="P3",
                            assessed_at="2024-03-01 08:00", urgency="urgent")
    county.add("visits", visit_id="V3", person_id="P3", assessment_id="A3",
               start_at="2024-03-01 12:00", urgency="urgent")
    county.person("P4").add("care_need_assessments", assessment_id="A4", person_id="P4",
                            assessed_at="2024-03-01 08:00", treatment_needed=False)
    county.add("visits", visit_id="V4", person_id="P4", assessment_id="A4",
               start_at="2024-06-01 12:00")
    county.person("P5").add("visits", visit_id="V5", person_id="P5", start_at="2024-03-02 09:00")
    src = county.sources()
    assert figures(src, "primary_care_within_deadline") == {"2024": (1, 1, 1.0)}
    # Without assessment: the non-urgent, non-excluded realised visits are V1, V4 (both with an
    # assessment) and V5 (without): 1 of 3. V2 (excluded) and V3 (urgent) are outside.
    (num, den, value), = figures(src, "primary_care_without_assessment").values()
    assert (num, den) == (1, 3) and value == pytest.approx(1 / 3)


def test_median_p90_and_distribution_of_waits(county):
    # Waits 0, 3, 7, 10, 20 days, all assessed in 2024-04 under P3 (14 days).
    for n, day in enumerate(("01", "04", "08", "11", "21"), start=1):
        wait(county, n, "2024-04-01 08:00", f"2024-04-{day} 12:00")
    src = county.sources()
    # Sorted 0, 3, 7, 10, 20: median 7. p90 by linear interpolation: rank 0.9 × 4 = 3.6,
    # 10 + 0.6 × (20 − 10) = 16.
    assert figures(src, "primary_care_wait_median") == {"2024": (None, 5, 7.0)}
    assert figures(src, "primary_care_wait_p90") == {"2024": (None, 5, 16.0)}
    # In time: 0, 3, 7, 10 (≤ 14): 4 of 5.
    assert figures(src, "primary_care_within_deadline") == {"2024": (4, 5, 0.8)}
    # Default classes 0 | 1–7 | 8–14 | 15–30 | ...: 0 → "0"; 3, 7 → "1–7"; 10 → "8–14";
    # 20 → "15–30".
    assert figures(src, "primary_care_wait_distribution") == {
        ("2024", "0"): (1, 5, 0.2), ("2024", "1–7"): (2, 5, 0.4),
        ("2024", "8–14"): (1, 5, 0.2), ("2024", "15–30"): (1, 5, 0.2)}


def test_oral_care_rules_by_age_and_date(county):
    # O2 (4 months): assessed 2024-06-30 → due 2024-10-30; visit 2024-10-30: in time.
    wait(county, 1, "2024-06-30 08:00", "2024-10-30 09:00", service="oral_care",
         profession="dentist")
    # O3 (3 months): assessed 2024-11-30 → due 2025-02-28 (no 30 February); visit 2025-03-01:
    # late.
    wait(county, 2, "2024-11-30 08:00", "2025-03-01 09:00", service="oral_care",
         profession="dentist")
    # 2025, aged 45: O4 (6 months): assessed 2025-01-31 → due 2025-07-31; visit 2025-06-30:
    # in time. Aged 20: O5 (3 months): due 2025-04-30; the same visit day is late.
    wait(county, 3, "2025-01-31 08:00", "2025-06-30 09:00", service="oral_care")
    wait(county, 4, "2025-01-31 08:00", "2025-06-30 09:00", born="2004-05-05",
         service="oral_care")
    src = county.sources()
    assert figures(src, "oral_care_within_deadline", dims=["rule"]) == {
        ("2024", "O2"): (1, 1, 1.0), ("2025", "O3"): (0, 1, 0.0),
        ("2025", "O4"): (1, 1, 1.0), ("2025", "O5"): (0, 1, 0.0)}
    assert figures(src, "primary_care_within_deadline") == {}


def test_contact_assessed_the_same_day_from_september_2023(county):
    # From 2023-09-01 (P1) the assessment is due on the day of the contact.
    county.person("P1")
    county.add("contacts", contact_id="C1", contact_at="2024-05-06 08:00")
    county.add("care_need_assessments", assessment_id="A1", contact_id="C1",
               assessed_at="2024-05-06 15:00")
    county.add("contacts", contact_id="C2", contact_at="2024-05-06 16:00")
    county.add("care_need_assessments", assessment_id="A2", contact_id="C2",
               assessed_at="2024-05-07 08:00")
    county.add("contacts", contact_id="C3", contact_at="2024-05-06 16:30")  # never assessed
    # Before 2023-09-01 (P0) within 3 working days: contact Thursday 2023-04-06; Good Friday
    # 04-07 and Easter Monday 04-10 are not working days, so the 3rd working day is
    # Wednesday 2023-04-12: assessed that day, in time.
    county.add("contacts", contact_id="C4", contact_at="2023-04-06 10:00")
    county.add("care_need_assessments", assessment_id="A4", contact_id="C4",
               assessed_at="2023-04-12 10:00")
    src = county.sources()
    assert figures(src, "contact_assessed_within_deadline", dims=["rule"]) == {
        ("2023", "P0"): (1, 1, 1.0), ("2024", "P1"): (1, 3, pytest.approx(1 / 3))}


def test_small_cells_are_suppressed_and_large_ones_shown(county):
    # Unit U1: 5 persons, unit U2: 4 persons (below the minimum of 5).
    for n in range(1, 10):
        unit = "U1" if n <= 5 else "U2"
        wait(county, n, "2024-04-01 08:00", "2024-04-03 08:00", unit_id=unit)
    src = county.sources()
    rows = compute(src, Query(("primary_care_within_deadline",), date(2024, 1, 1),
                              date(2024, 12, 31), "year", ("unit",)), min_cell_size=5)
    shown = rows.set_index("unit")
    assert not shown.loc["U1", "suppressed"] and shown.loc["U1", "denominator"] == 5
    assert shown.loc["U2", "suppressed"]
    assert shown.loc["U2", ["numerator", "denominator", "value"]].isna().all()
