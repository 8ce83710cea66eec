"""Children's and young people's mental-health and substance services on tiny hand-built
counties. Every expected figure is worked out by hand in the comment beside it.

Units used: U1 (health station, primary), M1 and M2 (mental-health and substance clinics,
primary), PS (adolescent-psychiatry outpatient clinic, specialised), SO1 (social-work office),
ED (emergency department, specialised), W1 (psychiatric ward), WP (paediatric ward), WI
(internal-medicine ward)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from county import County

from tilannekuva.indicators import Query, Sources, compute
from tilannekuva.indicators.youth_mental_health import stays

YOUNG = "2008-01-01"   # 16 in 2024
ADULT = "1980-01-01"

UNITS = {
    "M1": dict(service_area="mental_health_substance", level="primary",
               unit_type="mental_health_clinic"),
    "M2": dict(service_area="mental_health_substance", level="primary",
               unit_type="mental_health_clinic"),
    "PS": dict(service_area="specialised_care", level="specialised",
               unit_type="outpatient_clinic", specialty="adolescent_psychiatry"),
    "WP": dict(service_area="specialised_care", level="specialised", unit_type="ward",
               specialty="paediatrics", beds=8),
    "WI": dict(service_area="specialised_care", level="specialised", unit_type="ward",
               specialty="internal_medicine", beds=30),
}


def county(tmp_path: Path) -> County:
    c = County(tmp_path / "c.duckdb")
    for unit, values in UNITS.items():
        c.add("units", unit_id=unit, name=unit, municipality="272", **values)
    return c


def cells(src: Sources, indicator: str, start: str, end: str, grain: str = "month",
          dims: tuple[str, ...] = (), figures: tuple[str, ...] = ("numerator", "denominator")
          ) -> list[tuple]:
    """(period, *dims, *figures) of every output row, no suppression."""
    out = compute(src, Query((indicator,), date.fromisoformat(start), date.fromisoformat(end),
                             grain, dims), min_cell_size=1)
    return [tuple(None if pd.isna(x) else x for x in row)
            for row in out[["period", *dims, *figures]].itertuples(index=False, name=None)]


def episode(c: County, eid: str, person: str, admitted: str, discharged: str | None,
            **values) -> County:
    return c.add("episodes", episode_id=eid, person_id=person, admitted_at=admitted,
                 discharged_at=discharged, **values)


def visit(c: County, vid: str, person: str, start: str, unit: str, **values) -> County:
    return c.add("visits", visit_id=vid, person_id=person, start_at=start, unit_id=unit,
                 **values)


def last_day(c: County, day: str) -> County:
    """An adult's internal-medicine episode discharged on `day`: it sets the last day of data
    and is no psychiatric episode."""
    c.person("LAST", born=ADULT)
    return episode(c, "E-LAST", "LAST", f"{day} 08:00", f"{day} 12:00", unit_id="WI",
                   specialty="internal_medicine", diagnosis_icd10="J18.9")


def test_readmission_on_day_7_8_30_and_31(tmp_path: Path) -> None:
    # Four 16-year-olds discharged from the psychiatric ward on 10 March 2024 and admitted again
    # 7, 8, 30 and 31 days later (17 Mar, 18 Mar, 9 Apr, 10 Apr), each readmission lasting 5
    # days. Last day of data 31 Dec 2024, so every follow-up is observed.
    # March discharges: the four first stays + the readmissions of D7 (22 Mar) and D8 (23 Mar)
    # = 6. Within 7 days: D7 only → 1/6; within 30 days: D7, D8, D30 → 3/6.
    # April discharges: the readmissions of D30 (14 Apr) and D31 (15 Apr), no next → 0/2.
    c = county(tmp_path)
    for gap, readmitted, out in ((7, "2024-03-17", "2024-03-22"), (8, "2024-03-18", "2024-03-23"),
                                 (30, "2024-04-09", "2024-04-14"),
                                 (31, "2024-04-10", "2024-04-15")):
        c.person(f"D{gap}", born=YOUNG)
        episode(c, f"E{gap}a", f"D{gap}", "2024-03-01 10:00", "2024-03-10 12:00")
        episode(c, f"E{gap}b", f"D{gap}", f"{readmitted} 09:00", f"{out} 12:00",
                admission_source="emergency_department")
    last_day(c, "2024-12-31")
    src = c.sources()
    first = {s["person_id"]: s["days_to_next"] for s in stays(src).to_pyarrow().to_pylist()
             if s["discharged_date"] == date(2024, 3, 10)}
    assert first == {"D7": 7, "D8": 8, "D30": 30, "D31": 31}
    assert cells(src, "youth_readmission_7d", "2024-03-01", "2024-04-30") == [
        ("2024-03", 1, 6), ("2024-04", 0, 2)]
    assert cells(src, "youth_readmission_30d", "2024-03-01", "2024-04-30") == [
        ("2024-03", 3, 6), ("2024-04", 0, 2)]


def test_same_day_transfer_continues_the_stay_and_a_same_day_readmission_counts(
        tmp_path: Path) -> None:
    # T: A (1–10 Mar, out 14:00) then B admitted 10 Mar 15:00 as a transfer (to 20 Mar): one
    #    stay 1–20 Mar; C admitted 25 Mar → 5 days after the stay's discharge: a 7-day hit.
    # S: discharged 10 Mar 10:00, admitted again 10 Mar 18:00 from the ED (no transfer):
    #    a readmission on day 0 → hit; the second stay (10–15 Mar) has no next.
    # O: two overlapping episodes (1–10 Mar and 5–12 Mar): one stay discharged 12 Mar, no next.
    # X: died on the ward (discharged_to died) and Y transferred to another hospital: no
    #    discharge to follow up, left out.
    # March discharges judged: T's stay (20th) hit, T's C (28th), S's two stays (first hit),
    # O's stay → 2 hits of 5, within 7 days and within 30 days alike.
    # Episodes (each counted, by admission month): T 3, S 2, O 2, X 1, Y 1 = 9.
    c = county(tmp_path)
    for person in "TSOXY":
        c.person(person, born=YOUNG)
    episode(c, "TA", "T", "2024-03-01 10:00", "2024-03-10 14:00", discharged_to="other")
    episode(c, "TB", "T", "2024-03-10 15:00", "2024-03-20 12:00", admission_source="transfer")
    episode(c, "TC", "T", "2024-03-25 12:00", "2024-03-28 12:00")
    episode(c, "SA", "S", "2024-03-01 10:00", "2024-03-10 10:00")
    episode(c, "SB", "S", "2024-03-10 18:00", "2024-03-15 12:00",
            admission_source="emergency_department")
    episode(c, "OA", "O", "2024-03-01 10:00", "2024-03-10 10:00")
    episode(c, "OB", "O", "2024-03-05 10:00", "2024-03-12 10:00")
    episode(c, "XA", "X", "2024-03-01 10:00", "2024-03-04 10:00", discharged_to="died")
    episode(c, "YA", "Y", "2024-03-01 10:00", "2024-03-04 10:00",
            discharged_to="other_hospital")
    last_day(c, "2024-12-31")
    src = c.sources()
    found = sorted((s["person_id"], s["admitted_date"].isoformat(),
                    s["discharged_date"].isoformat(), s["days_to_next"])
                   for s in stays(src).to_pyarrow().to_pylist())
    assert found == [
        ("O", "2024-03-01", "2024-03-12", None),
        ("S", "2024-03-01", "2024-03-10", 0), ("S", "2024-03-10", "2024-03-15", None),
        ("T", "2024-03-01", "2024-03-20", 5), ("T", "2024-03-25", "2024-03-28", None),
        ("X", "2024-03-01", "2024-03-04", None), ("Y", "2024-03-01", "2024-03-04", None)]
    for indicator in ("youth_readmission_7d", "youth_readmission_30d"):
        assert cells(src, indicator, "2024-03-01", "2024-03-31") == [("2024-03", 2, 5)]
    assert cells(src, "youth_mh_episodes", "2024-03-01", "2024-03-31",
                 figures=("numerator",)) == [("2024-03", 9)]


def test_episodes_by_specialty_or_f_diagnosis(tmp_path: Path) -> None:
    # P: psychiatric ward, no diagnosis → counts (specialty). Q: paediatric ward with F50.0 →
    # counts (diagnosis). R: paediatric ward with J21.9 → not. Z: adult on the psychiatric ward
    # → not young. → March 2024: 1 psychiatry + 1 paediatrics; a 16-year-old's age band 13–17.
    c = county(tmp_path)
    for person in "PQR":
        c.person(person, born=YOUNG)
    c.person("Z", born=ADULT)
    episode(c, "EP", "P", "2024-03-02 10:00", "2024-03-12 10:00")
    episode(c, "EQ", "Q", "2024-03-03 10:00", "2024-03-20 10:00", unit_id="WP",
            specialty="paediatrics", diagnosis_icd10="F50.0")
    episode(c, "ER", "R", "2024-03-04 10:00", "2024-03-06 10:00", unit_id="WP",
            specialty="paediatrics", diagnosis_icd10="J21.9")
    episode(c, "EZ", "Z", "2024-03-05 10:00", None)
    src = c.sources()
    assert cells(src, "youth_mh_episodes", "2024-01-01", "2024-12-31", "year",
                 ("specialty", "age_band"), ("numerator",)) == [
        ("2024", "paediatrics", "13–17", 1), ("2024", "psychiatry", "13–17", 1)]


def test_follow_up_past_the_last_day_of_data_is_left_out(tmp_path: Path) -> None:
    # Last day of data 31 Dec 2024 (an adult's discharge). A is discharged 24 Dec (7 days
    # before it: its 7-day follow-up ends on the last day, judged; not readmitted → 0/1 for 7
    # days); B is discharged 25 Dec (6 days before: left out). For 30 days both are left out,
    # and so is C discharged 1 Dec (30 days before: judged for 30 days, 0/1; for 7 days 0/1).
    # December, 7 days: A and C → 0/2; 30 days: C → 0/1.
    c = county(tmp_path)
    for person, out in (("A", "2024-12-24"), ("B", "2024-12-25"), ("C", "2024-12-01")):
        c.person(person, born=YOUNG)
        episode(c, f"E{person}", person, "2024-11-20 10:00", f"{out} 10:00")
    last_day(c, "2024-12-31")
    src = c.sources()
    assert cells(src, "youth_readmission_7d", "2024-12-01", "2024-12-31") == [
        ("2024-12", 0, 2)]
    assert cells(src, "youth_readmission_30d", "2024-12-01", "2024-12-31") == [
        ("2024-12", 0, 1)]


def test_time_to_readmission_median_and_visits_between_episodes(tmp_path: Path) -> None:
    # Discharged 10 Jan 2024 (10:00), readmitted after 3, 10, 20, 40 and 400 days (Q3, Q10,
    # Q20, Q40, Q400). Q400's readmission (13 Feb 2025, out 18 Feb 2025) sets the last day,
    # so every January discharge has its 365 days of follow-up. Pairs within 365 days: 3, 10,
    # 20, 40 → median (10 + 20) / 2 = 15 (Q400 is no pair).
    # Realised mental-health outpatient visits strictly between discharge and readmission:
    #   Q3: none (one at 09:00 on 10 Jan, before the discharge, does not count) → 0
    #   Q10: one at the MH clinic on 15 Jan → 1
    #   Q20: PS on 12 Jan, M1 by phone on 25 Jan; a cancelled M1 visit and a general-practice
    #        visit at U1 do not count → 2
    #   Q40: M1 on 20 Jan, substance use at U1 on 1 Feb, PS on 15 Feb; a visit on 25 Feb after
    #        the readmission (19 Feb 12:00) does not count → 3
    # mean (0 + 1 + 2 + 3) / 4 = 1.5; sd = √((2.25 + 0.25 + 0.25 + 2.25) / 3) = √(5/3);
    # half-width t(0.975, 3) · sd / 2 = 3.18245 · 1.29099 / 2 = 2.05426.
    # The readmission stays and Q400's first stay are not pairs within 365 days with the
    # follow-up observed, so both figures have 4 rows in 2024.
    c = county(tmp_path)
    readmitted = {3: ("2024-01-13", "2024-01-15"), 10: ("2024-01-20", "2024-01-22"),
                  20: ("2024-01-30", "2024-02-01"), 40: ("2024-02-19", "2024-02-21"),
                  400: ("2025-02-13", "2025-02-18")}
    for gap, (day, out) in readmitted.items():
        person = f"Q{gap}"
        c.person(person, born=YOUNG)
        episode(c, f"{person}a", person, "2024-01-02 10:00", "2024-01-10 10:00")
        episode(c, f"{person}b", person, f"{day} 12:00", f"{out} 12:00",
                admission_source="emergency_department")
    visit(c, "V0", "Q3", "2024-01-10 09:00", "M1", service="mental_health")
    visit(c, "V1", "Q10", "2024-01-15 10:00", "M1", service="mental_health")
    visit(c, "V2", "Q20", "2024-01-12 10:00", "PS", service="specialised_outpatient")
    visit(c, "V3", "Q20", "2024-01-25 10:00", "M1", service="mental_health",
          contact_type="phone")
    visit(c, "V4", "Q20", "2024-01-26 10:00", "M1", service="mental_health",
          status="cancelled")
    visit(c, "V5", "Q20", "2024-01-27 10:00", "U1", service="general_practice")
    visit(c, "V6", "Q40", "2024-01-20 10:00", "M1", service="mental_health")
    visit(c, "V7", "Q40", "2024-02-01 10:00", "U1", service="substance_use")
    visit(c, "V8", "Q40", "2024-02-15 10:00", "PS", service="specialised_outpatient")
    visit(c, "V9", "Q40", "2024-02-25 10:00", "PS", service="specialised_outpatient")
    src = c.sources()
    assert cells(src, "youth_time_to_readmission", "2024-01-01", "2024-12-31", "year",
                 figures=("denominator", "value")) == [("2024", 4, 15.0)]
    (row,) = cells(src, "youth_visits_between_episodes", "2024-01-01", "2024-12-31", "year",
                   figures=("denominator", "value", "low", "high"))
    assert row[:3] == ("2024", 4, 1.5)
    assert row[3] == pytest.approx(1.5 - 2.05426, abs=1e-4)
    assert row[4] == pytest.approx(1.5 + 2.05426, abs=1e-4)


def test_visits_patients_and_the_primary_care_share(tmp_path: Path) -> None:
    # Counted visits (16-year-olds, 2024-03):
    #   A: M1 physical, M1 phone, U1 mental_health video (primary ×3), PS physical (specialised)
    #   B: PS physical ×2 (specialised)
    #   C: M1 chat (primary)
    # Not counted: A's general-practice visit at U1, B's cancelled visit at M1, C's
    # substance-use visit at the social-work office SO1 (no care level), an adult's M1 visit.
    # Visits 7, of which primary 4 → 4/7; by contact type: physical 1/4, phone 1/1,
    # video 1/1, chat 1/1. Patients 3: primary A, C (2), specialised A, B (2).
    # Patients seen wholly or partly in primary care: A and C of A, B, C → 2/3.
    c = county(tmp_path)
    for person in "ABC":
        c.person(person, born=YOUNG)
    c.person("Z", born=ADULT)
    rows = [("A", "M1", "mental_health", "physical", "done"),
            ("A", "M1", "mental_health", "phone", "done"),
            ("A", "U1", "mental_health", "video", "done"),
            ("A", "PS", "specialised_outpatient", "physical", "done"),
            ("A", "U1", "general_practice", "physical", "done"),
            ("B", "PS", "specialised_outpatient", "physical", "done"),
            ("B", "PS", "specialised_outpatient", "physical", "done"),
            ("B", "M1", "mental_health", "physical", "cancelled"),
            ("C", "M1", "mental_health", "chat", "done"),
            ("C", "SO1", "substance_use", "physical", "done"),
            ("Z", "M1", "mental_health", "physical", "done")]
    for n, (person, unit, service, mode, status) in enumerate(rows):
        visit(c, f"V{n}", person, f"2024-03-{n + 1:02d} 10:00", unit, service=service,
              contact_type=mode, status=status)
    src = c.sources()
    month = ("2024-03-01", "2024-03-31")
    assert cells(src, "youth_mh_visits", *month, figures=("numerator",)) == [("2024-03", 7)]
    assert cells(src, "youth_mh_visits", *month, dims=("care_level",),
                 figures=("numerator",)) == [("2024-03", "primary", 4),
                                             ("2024-03", "specialised", 3)]
    assert cells(src, "youth_mh_patients", *month, dims=("care_level",),
                 figures=("numerator",)) == [("2024-03", "primary", 2),
                                             ("2024-03", "specialised", 2)]
    assert cells(src, "youth_mh_patients", *month, figures=("numerator",)) == [("2024-03", 3)]
    assert cells(src, "youth_mh_primary_share", *month) == [("2024-03", 4, 7)]
    assert sorted(cells(src, "youth_mh_primary_share", *month, dims=("contact_type",))) == [
        ("2024-03", "chat", 1, 1), ("2024-03", "phone", 1, 1),
        ("2024-03", "physical", 1, 4), ("2024-03", "video", 1, 1)]
    assert cells(src, "youth_mh_primary_patient_share", *month) == [("2024-03", 2, 3)]


def test_ed_visits_with_an_f_diagnosis(tmp_path: Path) -> None:
    # Young persons' realised ED visits in 2024: F32.1 at ED (counts), G40 at ED (not F),
    # no diagnosis at ED (not F), F90.0 in the emergency service at the health station U1
    # (an ED visit at the primary level, counts). Not ED visits: F41.1 in general practice at
    # U1, and a no-show at ED with F32.1. An adult's ED visit with F32.1 is not counted.
    # → F visits 2; share 2/4; by care level: primary 1/1, specialised 1/3.
    c = county(tmp_path)
    for person in "ABCDEF":
        c.person(person, born=YOUNG)
    c.person("Z", born=ADULT)
    visit(c, "V1", "A", "2024-05-01 22:00", "ED", service="emergency", diagnosis_icd10="F32.1")
    visit(c, "V2", "B", "2024-05-02 22:00", "ED", service="emergency", diagnosis_icd10="G40")
    visit(c, "V3", "C", "2024-05-03 22:00", "ED", service="emergency")
    visit(c, "V4", "D", "2024-05-04 22:00", "U1", service="emergency", diagnosis_icd10="F90.0")
    visit(c, "V5", "E", "2024-05-05 10:00", "U1", service="general_practice",
          diagnosis_icd10="F41.1")
    visit(c, "V6", "F", "2024-05-06 22:00", "ED", service="emergency", diagnosis_icd10="F32.1",
          status="no_show")
    visit(c, "V7", "Z", "2024-05-07 22:00", "ED", service="emergency", diagnosis_icd10="F32.1")
    src = c.sources()
    year = ("2024-01-01", "2024-12-31", "year")
    assert cells(src, "youth_ed_mh_visits", *year, figures=("numerator",)) == [("2024", 2)]
    assert cells(src, "youth_ed_mh_share", *year) == [("2024", 2, 4)]
    assert cells(src, "youth_ed_mh_share", *year, dims=("care_level",)) == [
        ("2024", "primary", 1, 1), ("2024", "specialised", 1, 3)]


def test_the_age_limit_is_judged_on_the_event_day(tmp_path: Path) -> None:
    # H, born 15 March 2001, is 22 on 14 March 2024 and 23 from 15 March.
    # Visits at M1: 14 March counts (age band 18–22), 15 March does not → 1.
    # ED visits with F32.1: 14 March counts, 15 March does not → 1 of 1.
    # Referrals to psychiatry: received 14 March counts, 15 March does not → 1.
    # Episodes: admitted 14 March (out 20 March) counts, readmitted 25 March at 23: the
    # episode is not a young person's, but it is the next admission of the stay begun at 22
    # → March: 1 episode, and the discharge of 20 March is readmitted within 7 days (1/1).
    c = county(tmp_path).person("H", born="2001-03-15")
    for day in ("14", "15"):
        visit(c, f"M{day}", "H", f"2024-03-{day} 10:00", "M1", service="mental_health")
        visit(c, f"E{day}", "H", f"2024-03-{day} 22:00", "ED", service="emergency",
              diagnosis_icd10="F32.1")
        c.add("referrals", referral_id=f"R{day}", person_id="H", to_unit_id="PS",
              specialty="psychiatry", received_at=f"2024-03-{day} 09:00")
    episode(c, "EA", "H", "2024-03-14 10:00", "2024-03-20 10:00")
    episode(c, "EB", "H", "2024-03-25 10:00", "2024-03-30 10:00")
    last_day(c, "2024-12-31")
    src = c.sources()
    month = ("2024-03-01", "2024-03-31")
    assert cells(src, "youth_mh_visits", *month, dims=("age_band",), figures=("numerator",)) \
        == [("2024-03", "18–22", 1)]
    assert cells(src, "youth_ed_mh_share", *month) == [("2024-03", 1, 1)]
    assert cells(src, "youth_mh_referrals", *month, figures=("numerator",)) == [("2024-03", 1)]
    assert cells(src, "youth_mh_episodes", *month, figures=("numerator",)) == [("2024-03", 1)]
    assert cells(src, "youth_readmission_7d", *month) == [("2024-03", 1, 1)]


def test_referrals_received_by_psychiatric_specialties(tmp_path: Path) -> None:
    # 2024: a 16-year-old's non-urgent referral to adolescent psychiatry and an urgent one to
    # child psychiatry later removed from the list (both count); a 16-year-old's referral to
    # internal medicine (not psychiatric) and an adult's to psychiatry (not young) do not.
    # → adolescent_psychiatry 1, child_psychiatry 1.
    c = county(tmp_path).person("A", born=YOUNG).person("Z", born=ADULT)
    c.add("referrals", referral_id="R1", person_id="A", to_unit_id="PS",
          specialty="adolescent_psychiatry", received_at="2024-02-01 10:00")
    c.add("referrals", referral_id="R2", person_id="A", to_unit_id="PS",
          specialty="child_psychiatry", priority="urgent", received_at="2024-04-01 10:00",
          removed_at="2024-04-20 10:00", removal_reason="not_needed")
    c.add("referrals", referral_id="R3", person_id="A", to_unit_id="S1",
          received_at="2024-05-01 10:00")
    c.add("referrals", referral_id="R4", person_id="Z", to_unit_id="PS",
          specialty="psychiatry", received_at="2024-06-01 10:00")
    src = c.sources()
    assert cells(src, "youth_mh_referrals", "2024-01-01", "2024-12-31", "year",
                 ("specialty", "age_band"), ("numerator",)) == [
        ("2024", "adolescent_psychiatry", "13–17", 1), ("2024", "child_psychiatry", "13–17", 1)]


def test_small_cells_are_suppressed(tmp_path: Path) -> None:
    # Five young patients at M1 and four at M2, one visit each in March 2024. With a minimum of
    # 5 persons, M1's figures (5 patients, 5 visits) are shown and M2's (4) are hidden.
    c = county(tmp_path)
    for i in range(9):
        c.person(f"P{i}", born=YOUNG)
        visit(c, f"V{i}", f"P{i}", "2024-03-05 10:00", "M1" if i < 5 else "M2",
              service="mental_health")
    src = c.sources()
    out = compute(src, Query(("youth_mh_patients", "youth_mh_visits"), date(2024, 3, 1),
                             date(2024, 3, 31), "month", ("unit",)), min_cell_size=5)
    shown = {(r.indicator, r.unit): (None if r.suppressed else r.value, r.suppressed)
             for r in out.itertuples()}
    assert shown == {("youth_mh_patients", "M1"): (5.0, False),
                     ("youth_mh_patients", "M2"): (None, True),
                     ("youth_mh_visits", "M1"): (5.0, False),
                     ("youth_mh_visits", "M2"): (None, True)}
