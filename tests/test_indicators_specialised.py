"""Specialised-care access (S1/M1, S3/M3), the youth therapy guarantee (T1) and the
specialised-care waiting list, on tiny hand-built counties. Every expected figure is worked
out by hand in the comment beside it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
from county import County

from tilannekuva.indicators import Query, compute
from tilannekuva.indicators.specialised import WAIT_KINDS

CONTRACT = {"person_id", "unit", "start_date", "end_date", "closed_date", "rule", "due_date",
            "age_band", "municipality", "service_area"}


def figures(result: pd.DataFrame, *keys: str) -> dict:
    """{(period, *dimension values): (numerator, denominator, value)} of unsuppressed rows."""
    out = {}
    for row in result.itertuples(index=False):
        key = (row.period, *(getattr(row, k) for k in keys))
        numerator = None if pd.isna(row.numerator) else int(row.numerator)
        value = None if pd.isna(row.value) else float(row.value)
        out[key] = (numerator, int(row.denominator), value)
    return out


def waits(src, kind: str) -> dict:
    """The wait kind's rows by person, as dicts of Python values (dates as dates)."""
    return {r["person_id"]: r for r in WAIT_KINDS[kind](src).to_pyarrow().to_pylist()}


def test_wait_kinds_follow_the_contract(tmp_path: Path) -> None:
    src = (County(tmp_path / "c.duckdb")
           .add("referrals", referral_id="R1", received_at="2024-03-01 10:00",
                need_established_at="2024-03-05 10:00")
           .add("care_need_assessments", assessment_id="A1", assessed_at="2025-05-02 10:00",
                service="mental_health")
           .sources())
    assert CONTRACT | {"specialty"} <= set(WAIT_KINDS["referral_assessment"](src).columns)
    assert CONTRACT | {"specialty"} <= set(WAIT_KINDS["referral_treatment"](src).columns)
    assert CONTRACT | {"profession", "contact_type"} <= set(
        WAIT_KINDS["therapy_guarantee"](src).columns)


def test_s1_in_time_and_late_non_urgent_only(tmp_path: Path) -> None:
    src = (County(tmp_path / "c.duckdb")
           .person("P1").person("P2").person("P3").person("P4")
           # received 2024-03-01 + 3 weeks = 21 days → due 2024-03-22; started on it: in time
           .add("referrals", referral_id="R1", person_id="P1", received_at="2024-03-01 10:00",
                assessment_started_at="2024-03-22 15:00")
           # same due date, started a day after it: late
           .add("referrals", referral_id="R2", person_id="P2", received_at="2024-03-01 10:00",
                assessment_started_at="2024-03-23 09:00")
           # urgent: outside the non-urgent deadlines, not counted although late
           .add("referrals", referral_id="R3", person_id="P3", received_at="2024-03-01 10:00",
                assessment_started_at="2024-03-29 09:00", priority="urgent")
           # still waiting: no end event, not in a compliance figure
           .add("referrals", referral_id="R4", person_id="P4", received_at="2024-03-01 10:00")
           .sources())
    judged = waits(src, "referral_assessment")
    assert judged["P1"]["due_date"] == date(2024, 3, 22)  # 1 March + 21 days
    assert judged["P4"]["end_date"] is None
    assert "P3" not in judged  # urgent referrals are not waits of this kind
    result = compute(src, Query(("referral_assessment_within_deadline",), date(2024, 3, 1),
                                date(2024, 3, 31), "month", ("rule",)), min_cell_size=1)
    # P1 in time, P2 late; P3 urgent, P4 still waiting → 1 of 2
    assert figures(result, "rule") == {("2024-03", "S1"): (1, 2, 0.5)}


def test_under_23_psychiatric_by_m1_and_23_year_old_by_s1(tmp_path: Path) -> None:
    src = (County(tmp_path / "c.duckdb")
           # born 2005-01-01: 19 on 2024-03-01 → M1, band 18–22
           .person("Y", born="2005-01-01")
           # born 2001-02-01: 23 on 2024-03-01 → no M1 (under 23 only) → fallback S1, band 23–64
           .person("A", born="2001-02-01")
           # due 2024-03-22 for both (3 weeks); Y started 03-25 (late), A on 03-15 (in time)
           .add("referrals", referral_id="R1", person_id="Y", specialty="adolescent_psychiatry",
                received_at="2024-03-01 10:00", assessment_started_at="2024-03-25 10:00")
           .add("referrals", referral_id="R2", person_id="A", specialty="psychiatry",
                received_at="2024-03-01 10:00", assessment_started_at="2024-03-15 10:00")
           .sources())
    result = compute(src, Query(("referral_assessment_within_deadline",), date(2024, 3, 1),
                                date(2024, 3, 31), "month", ("rule", "age_band", "specialty")),
                     min_cell_size=1)
    assert figures(result, "rule", "age_band", "specialty") == {
        ("2024-03", "M1", "18–22", "adolescent_psychiatry"): (0, 1, 0.0),  # 03-25 > 03-22
        ("2024-03", "S1", "23–64", "psychiatry"): (1, 1, 1.0),  # 03-15 ≤ 03-22
    }


def test_turning_23_while_waiting_keeps_m1_and_m3(tmp_path: Path) -> None:
    src = (County(tmp_path / "c.duckdb")
           # 22 when the referral arrives on 2024-03-01, 23 from 2024-03-10
           .person("A", born="2001-03-10")
           # 22 when the need is established on 2024-03-01, 23 from 2024-05-10
           .person("B", born="2001-05-10")
           # M1: due 2024-03-01 + 21 = 03-22; assessment started 03-20 at age 23 → in time
           .add("referrals", referral_id="R1", person_id="A", specialty="psychiatry",
                received_at="2024-03-01 10:00", assessment_started_at="2024-03-20 10:00")
           # M3: due 2024-03-01 + 3 months = 06-01; treatment 05-31 at age 23 → in time
           .add("referrals", referral_id="R2", person_id="B", specialty="psychiatry",
                received_at="2024-02-01 10:00", assessment_started_at="2024-02-10 10:00",
                need_established_at="2024-03-01 10:00", treatment_started_at="2024-05-31 10:00")
           .sources())
    assert waits(src, "referral_treatment")["B"]["due_date"] == date(2024, 6, 1)
    query = Query(("referral_assessment_within_deadline", "referral_treatment_within_deadline"),
                  date(2024, 1, 1), date(2024, 6, 30), "month", ("rule", "age_band"))
    result = compute(src, query, min_cell_size=1)
    assess = result[result.indicator == "referral_assessment_within_deadline"]
    treat = result[result.indicator == "referral_treatment_within_deadline"]
    # B's assessment (02-01 → 02-10, age 22) is M1 too, placed in February
    assert figures(assess, "rule", "age_band") == {("2024-02", "M1", "18–22"): (1, 1, 1.0),
                                                   ("2024-03", "M1", "18–22"): (1, 1, 1.0)}
    assert figures(treat, "rule", "age_band") == {("2024-05", "M3", "18–22"): (1, 1, 1.0)}


def test_s3_six_months_clamped_to_month_end_and_median(tmp_path: Path) -> None:
    src = (County(tmp_path / "c.duckdb")
           .person("P1").person("P2")
           # 2024-08-31 + 6 months = 2025-02-31, which does not exist → 2025-02-28
           .add("referrals", referral_id="R1", person_id="P1", received_at="2024-08-01 10:00",
                need_established_at="2024-08-31 10:00", treatment_started_at="2025-02-28 10:00")
           .add("referrals", referral_id="R2", person_id="P2", received_at="2024-08-01 10:00",
                need_established_at="2024-08-31 10:00", treatment_started_at="2025-03-01 10:00")
           .sources())
    assert {w["due_date"] for w in waits(src, "referral_treatment").values()} == {
        date(2025, 2, 28)}
    result = compute(src, Query(("referral_treatment_within_deadline",), date(2025, 1, 1),
                                date(2025, 3, 31), "month", ("rule",)), min_cell_size=1)
    assert figures(result, "rule") == {("2025-02", "S3"): (1, 1, 1.0),  # on the due date
                                       ("2025-03", "S3"): (0, 1, 0.0)}  # a day after it
    median = compute(src, Query(("referral_treatment_wait_median",), date(2025, 1, 1),
                                date(2025, 12, 31), "year"), min_cell_size=1)
    # 08-31 → 02-28: 30 (to 09-30) + 31 + 30 + 31 + 31 + 28 = 181 days; → 03-01: 182 days;
    # median of two = (181 + 182) / 2 = 181.5
    assert median["denominator"].tolist() == [2]
    assert median["value"].tolist() == [181.5]


def test_removed_referral_leaves_the_list_and_is_never_treated(tmp_path: Path) -> None:
    src = (County(tmp_path / "c.duckdb")
           .person("P1")
           # removed 2024-02-15; a treatment start recorded after the removal does not count
           .add("referrals", referral_id="R1", person_id="P1", received_at="2024-01-10 10:00",
                assessment_started_at="2024-01-15 10:00",
                need_established_at="2024-01-20 10:00", removed_at="2024-02-15 12:00",
                treatment_started_at="2024-03-01 10:00", removal_reason="treated_elsewhere")
           .sources())
    treated = waits(src, "referral_treatment")["P1"]
    assert treated["end_date"] is None
    assert treated["closed_date"] == date(2024, 2, 15)
    # removal after the assessment started does not close the assessment wait
    assessed = waits(src, "referral_assessment")["P1"]
    assert assessed["end_date"] == date(2024, 1, 15) and assessed["closed_date"] is None
    treatment = compute(src, Query(("referral_treatment_within_deadline",), date(2024, 1, 1),
                                   date(2024, 12, 31), "year"), min_cell_size=1)
    assert treatment.empty  # the only waiting-for-treatment referral was removed
    # measured on 2024-01-31 (month end) and 2024-02-15 (the range's last day, its removal day)
    waiting = compute(src, Query(("specialised_waiting_list",), date(2024, 1, 1),
                                 date(2024, 2, 15), "month"), min_cell_size=1)
    # 01-31: on the list, 01-10 → 01-31 = 21 days → class 0–21; 02-15: removed that day, gone
    assert figures(waiting, "waited_class") == {("2024-01-31", "0–21"): (1, 1, 1.0)}


def test_waiting_list_on_two_as_of_days(tmp_path: Path) -> None:
    county = County(tmp_path / "c.duckdb")
    for person, received, extra in (
        ("A", "2023-10-01 10:00", {}),
        ("B", "2024-01-20 10:00", {}),
        ("C", "2024-01-05 10:00", {"treatment_started_at": "2024-02-10 10:00"}),
        ("D", "2024-02-20 10:00", {}),
        ("E", "2024-01-02 10:00", {"removed_at": "2024-02-29 10:00"}),
        ("F", "2024-01-10 10:00", {"priority": "urgent"}),
        ("G", "2023-01-15 10:00", {}),
    ):
        county.person(person).add("referrals", referral_id=f"R{person}", person_id=person,
                                  received_at=received, **extra)
    src = county.sources()
    result = compute(src, Query(("specialised_waiting_list",), date(2024, 1, 1),
                                date(2024, 2, 29), "month"), min_cell_size=1)
    # Days waited on 2024-01-31 / 2024-02-29 (classes 0–21, 22–90, 91–182, 183–365, 366+):
    # A: 10-01 → 01-31 = 30 + 30 + 31 + 31 = 122 (91–182); + 29 = 151 (91–182)
    # B: 01-20 → 01-31 = 11 (0–21); + 29 = 40 (22–90)
    # C: 01-05 → 01-31 = 26 (22–90); treated 02-10 → off the list on 02-29
    # D: not yet received on 01-31; 02-20 → 02-29 = 9 (0–21)
    # E: 01-02 → 01-31 = 29 (22–90); removed on 02-29 itself → off the list that day
    # F: urgent → never on this list
    # G: 2023-01-15 → 2024-01-15 = 365, + 16 = 381 (366+); + 29 = 410 (366+)
    # 01-31: list of 5 (B | C, E | A | G); 02-29: list of 4 (D | B | A | G)
    assert figures(result, "waited_class") == {
        ("2024-01-31", "0–21"): (1, 5, 1 / 5),
        ("2024-01-31", "22–90"): (2, 5, 2 / 5),
        ("2024-01-31", "91–182"): (1, 5, 1 / 5),
        ("2024-01-31", "366+"): (1, 5, 1 / 5),
        ("2024-02-29", "0–21"): (1, 4, 1 / 4),
        ("2024-02-29", "22–90"): (1, 4, 1 / 4),
        ("2024-02-29", "91–182"): (1, 4, 1 / 4),
        ("2024-02-29", "366+"): (1, 4, 1 / 4),
    }


def test_therapy_guarantee(tmp_path: Path) -> None:
    county = (County(tmp_path / "c.duckdb")
              .person("Y1", born="2008-01-01")  # 17 on the assessment days
              .person("Y2", born="2008-01-01")
              .person("Y3", born="2010-01-01")  # 15
              .person("Y4", born="2009-01-01")  # 16
              .person("O", born="2002-01-01"))  # 23 on 2025-05-02: T1 is for under-23s
    for aid, person, assessed, service in (
        ("A1", "Y1", "2025-04-30 10:00", "mental_health"),  # before T1 came into force
        ("A2", "Y2", "2025-05-02 10:00", "mental_health"),  # due 05-02 + 28 = 05-30
        ("A3", "O", "2025-05-02 10:00", "mental_health"),  # aged 23: no rule
        ("A4", "Y3", "2025-05-05 10:00", "mental_health"),  # due 05-05 + 28 = 06-02
        ("A5", "Y4", "2025-05-05 10:00", "general_practice"),  # not mental-health services
    ):
        county.add("care_need_assessments", assessment_id=aid, person_id=person,
                   assessed_at=assessed, service=service)
    for vid, person, aid, start, status, profession in (
        ("V1", "Y1", "A1", "2025-05-20 10:00", "done", "psychologist"),
        ("V2", "Y2", "A2", "2025-05-30 10:00", "done", "psychologist"),  # on the due day
        ("V3", "O", "A3", "2025-05-10 10:00", "done", "psychologist"),
        ("V4", "Y3", "A4", "2025-05-15 10:00", "cancelled", "physician"),  # does not end it
        ("V5", "Y3", "A4", "2025-06-10 10:00", "done", "nurse"),  # 06-10 > 06-02: late
        ("V6", "Y4", "A5", "2025-05-06 10:00", "done", "physician"),
    ):
        county.add("visits", visit_id=vid, person_id=person, assessment_id=aid, start_at=start,
                   status=status, profession=profession, service="mental_health",
                   contact_type="video" if vid == "V5" else "physical")
    src = county.sources()
    judged = waits(src, "therapy_guarantee")
    assert judged["Y1"]["rule"] is None and judged["O"]["rule"] is None
    assert (judged["Y2"]["rule"], judged["Y2"]["due_date"]) == ("T1", date(2025, 5, 30))
    assert (judged["Y3"]["end_date"], judged["Y3"]["profession"]) == (date(2025, 6, 10),
                                                                     "nurse")
    assert "Y4" not in judged
    result = compute(src, Query(("therapy_guarantee_within_deadline",), date(2025, 4, 1),
                                date(2025, 6, 30), "month",
                                ("rule", "profession", "contact_type")), min_cell_size=1)
    # May: only Y2 (A1 has no rule before 2025-05-01, A3's person is 23) → 1 of 1;
    # June: Y3, waited to the realised nurse video visit of 06-10, after 06-02 → 0 of 1
    assert figures(result, "rule", "profession", "contact_type") == {
        ("2025-05", "T1", "psychologist", "physical"): (1, 1, 1.0),
        ("2025-06", "T1", "nurse", "video"): (0, 1, 0.0),
    }


def test_cells_under_five_persons_are_suppressed(tmp_path: Path) -> None:
    county = County(tmp_path / "c.duckdb").add(
        "units", unit_id="S2", name="Kirurgian poliklinikka", service_area="specialised_care",
        level="specialised", unit_type="outpatient_clinic", specialty="surgery")
    # four persons at S1, five at S2; all received 2024-03-01 (due 03-22); one late at S2
    for i in range(9):
        unit = "S1" if i < 4 else "S2"
        started = "2024-03-25 10:00" if i == 8 else "2024-03-10 10:00"
        county.person(f"P{i}").add("referrals", referral_id=f"R{i}", person_id=f"P{i}",
                                   to_unit_id=unit, received_at="2024-03-01 10:00",
                                   assessment_started_at=started)
    src = county.sources()
    result = compute(src, Query(("referral_assessment_within_deadline",), date(2024, 3, 1),
                                date(2024, 3, 31), "month", ("unit",)), min_cell_size=5)
    rows = result.set_index("unit")
    assert bool(rows.loc["S1", "suppressed"])  # 4 persons < 5
    assert pd.isna(rows.loc["S1", "numerator"]) and pd.isna(rows.loc["S1", "value"])
    assert not bool(rows.loc["S2", "suppressed"])
    # S2: 4 of 5 started by 03-22 → 0.8
    assert (int(rows.loc["S2", "numerator"]), int(rows.loc["S2", "denominator"]),
            float(rows.loc["S2", "value"])) == (4, 5, 0.8)
