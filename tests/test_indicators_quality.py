"""Documentation-quality checks and the scorecard on tiny hand-built counties. Every expected
numerator and denominator is worked out by hand beside the rows that make it; the scorecard is
applied twice, with two threshold sets, to one computation."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import ibis
import pandas as pd
import pytest
from conftest import load, write
from county import County

from tilannekuva.indicators import Query, Sources, compute, duckdb_file
from tilannekuva.indicators.quality import CHECKS, CHECKS_BY_ID, RECORDS, coded_columns
from tilannekuva.reports.scorecard import (
    ScorecardError,
    quarantine_summary,
    resolve_thresholds,
    scorecard,
    scores,
)
from tilannekuva.store import open_store

QUALITY = "documentation_quality"
DOCS = Path(__file__).parents[1] / "docs" / "quality.md"


def quality(src: Sources, start: str, end: str, grain: str = "year",
            min_cell_size: int = 1) -> pd.DataFrame:
    return compute(src, Query((QUALITY,), date.fromisoformat(start), date.fromisoformat(end),
                              grain, ("unit",)), min_cell_size)


def cells(rows: pd.DataFrame, *checks: str) -> dict[tuple, tuple[int, int]]:
    """(period, unit, check) → (numerator, denominator) for the named checks."""
    rows = rows[rows["check"].isin(checks)]
    return {(r.period, r.unit, r.check): (r.numerator, r.denominator)
            for r in rows.itertuples(index=False)}


def test_every_check_is_declared_completely():
    assert len(CHECKS_BY_ID) == len(CHECKS)
    for check in CHECKS:
        assert check.category in ("conformance", "completeness", "plausibility")
        assert check.table in RECORDS
        assert 0 <= check.threshold <= 1
        for text in (check.names, check.failing, check.denominator):
            assert all((text.fi, text.sv, text.en))
        assert len({check.names.fi, check.names.sv, check.names.en}) == 3
    # Every table is checked for codes and times, and its invalid-code check reads columns.
    for table in RECORDS:
        kinds = {c.category for c in CHECKS if c.table == table}
        assert {"conformance", "plausibility"} <= kinds, table
        assert coded_columns(table)
    assert coded_columns("visits") == ["profession", "contact_type", "service", "urgency",
                                       "status", "guarantee_exclusion", "diagnosis_icd10",
                                       "diagnosis_icpc2"]


def test_the_check_table_in_the_docs_lists_every_check_with_its_threshold():
    text = DOCS.read_text(encoding="utf-8")
    for check in CHECKS:
        assert f"| `{check.id}` | {check.category} | `{check.table}` | {check.threshold:g} |" \
            in text, check.id


def test_visit_completeness(tmp_path):
    c = County(tmp_path / "c.duckdb").person("P1")
    c.add("contacts", contact_id="C1", contact_at="2024-03-01 08:00")
    c.add("contacts", contact_id="C2", contact_at="2024-03-01 08:30")
    c.add("contacts", contact_id="C9", contact_at="2024-03-31 12:00")  # last day of data
    c.add("care_need_assessments", assessment_id="A1", contact_id="C1",
          assessed_at="2024-03-01 09:00")
    c.add("care_need_assessments", assessment_id="A2", contact_id="C2",
          assessed_at="2024-03-01 09:30", service="oral_care")
    visit = dict(diagnosis_icd10="J06.9")
    # V1 realised non-urgent GP visit with assessment, professional and diagnosis: passes all.
    c.add("visits", visit_id="V1", start_at="2024-03-05 10:00", assessment_id="A1",
          professional_id="PR1", **visit)
    # V2 the same without assessment, professional or diagnosis: fails all three.
    c.add("visits", visit_id="V2", start_at="2024-03-05 11:00")
    # V3 a follow-up (excluded from the guarantee) by a nurse: only in the professional check.
    c.add("visits", visit_id="V3", start_at="2024-03-06 10:00", profession="nurse",
          guarantee_exclusion="follow_up", professional_id="PR2")
    # V4 cancelled: in none of the three (each counts realised visits only).
    c.add("visits", visit_id="V4", start_at="2024-03-07 10:00", status="cancelled")
    # V5 urgent, ICPC-2 only: not in the assessment check; has a diagnosis.
    c.add("visits", visit_id="V5", start_at="2024-03-07 11:00", urgency="urgent",
          professional_id="PR1", diagnosis_icpc2="R05")
    # V6 specialised outpatient at S1: not primary care; professional and diagnosis present.
    c.add("visits", visit_id="V6", start_at="2024-03-08 10:00", unit_id="S1",
          service="specialised_outpatient", professional_id="PR3", diagnosis_icd10="I10")
    # V7 oral care with its assessment, by a dentist.
    c.add("visits", visit_id="V7", start_at="2024-03-08 11:00", service="oral_care",
          profession="dentist", assessment_id="A2", professional_id="PR4")
    rows = quality(c.sources(), "2024-01-01", "2024-12-31")
    assert cells(rows, "visit_without_assessment", "visit_without_professional",
                 "physician_visit_without_diagnosis") == {
        # V1, V2, V7 in the denominator; V2 fails.
        ("2024", "U1", "visit_without_assessment"): (1, 3),
        # Realised at U1: V1, V2, V3, V5, V7; V2 fails. At S1: V6 passes.
        ("2024", "U1", "visit_without_professional"): (1, 5),
        ("2024", "S1", "visit_without_professional"): (0, 1),
        # Realised physician visits at U1: V1, V2, V5; V2 fails. At S1: V6.
        ("2024", "U1", "physician_visit_without_diagnosis"): (1, 3),
        ("2024", "S1", "physician_visit_without_diagnosis"): (0, 1),
    }


def test_impossible_visit_times_and_the_last_day_of_data(tmp_path):
    # Start events: C1 and A1 on 2 May 2024, so the last day of data is 2024-05-02.
    c = County(tmp_path / "c.duckdb").person("P1").person("P2", born="2024-05-01")
    c.add("contacts", contact_id="C1", contact_at="2024-05-02 08:00")
    c.add("care_need_assessments", assessment_id="A1", contact_id="C1",
          assessed_at="2024-05-02 09:00")
    # V1 booked before it started, after its assessment: passes.
    c.add("visits", visit_id="V1", start_at="2024-05-02 10:00", booked_at="2024-04-20 10:00",
          assessment_id="A1")
    # V2 booked an hour after it started: fails.
    c.add("visits", visit_id="V2", start_at="2024-05-01 10:00", booked_at="2024-05-01 11:00")
    # V3 started before its assessment (A1, 2 May 09:00): fails.
    c.add("visits", visit_id="V3", start_at="2024-05-01 08:00", assessment_id="A1")
    # V4 the day before P2 was born: fails, in April.
    c.add("visits", visit_id="V4", person_id="P2", start_at="2024-04-30 12:00")
    # V5 at 00:30 on P2's birthday (21:30 UTC the day before): the Helsinki date counts, passes.
    c.add("visits", visit_id="V5", person_id="P2", start_at="2024-05-01 00:30")
    # V6 done on 5 June, after the last day of data: fails, and is placed on 2 May.
    c.add("visits", visit_id="V6", start_at="2024-06-05 10:00")
    # V7 a cancelled booking for 20 May: a future booking is possible, passes (placed 2 May).
    c.add("visits", visit_id="V7", start_at="2024-05-20 10:00", status="cancelled")
    # V8 a no-show on 10 May, after the last day: fails.
    c.add("visits", visit_id="V8", start_at="2024-05-10 10:00", status="no_show")
    rows = quality(c.sources(), "2024-04-01", "2024-06-30", grain="month")
    # April: V4 of 1. May: V1, V2, V3, V5, V6, V7, V8, of which V2, V3, V6, V8 fail. No June.
    assert cells(rows, "visit_impossible_time") == {
        ("2024-04", "U1", "visit_impossible_time"): (1, 1),
        ("2024-05", "U1", "visit_impossible_time"): (4, 7),
    }


def test_unknown_codes_and_malformed_diagnoses(tmp_path):
    c = County(tmp_path / "c.duckdb").person("P1")
    c.add("visits", visit_id="V1", start_at="2024-03-01 10:00", diagnosis_icd10="J06.9",
          diagnosis_icpc2="R05")                                          # passes
    c.add("visits", visit_id="V2", start_at="2024-03-01 11:00", profession="doctor")  # fails
    c.add("visits", visit_id="V3", start_at="2024-03-01 12:00", diagnosis_icd10="J6")  # fails
    c.add("visits", visit_id="V4", start_at="2024-03-01 13:00",
          guarantee_exclusion="lunch")                                    # fails
    c.add("visits", visit_id="V5", start_at="2024-03-01 14:00")           # nulls pass
    c.add("visits", visit_id="V6", start_at="2024-03-01 15:00", diagnosis_icpc2="R051")  # fails
    c.add("contacts", contact_id="C1", contact_at="2024-03-31 08:00")     # passes
    c.add("contacts", contact_id="C2", contact_at="2024-03-31 09:00", channel="pigeon")
    c.add("referrals", referral_id="R1", received_at="2024-03-02 10:00")  # passes (to S1)
    c.add("referrals", referral_id="R2", received_at="2024-03-02 11:00", priority="soon")
    # Social cases: K1 keeps the test county's default notifier "client", not in the code
    # list: fails; K2 an unknown phenomenon: fails; K3 passes.
    c.add("social_cases", case_id="K1", initiated_at="2024-03-03 10:00")
    c.add("social_cases", case_id="K2", initiated_at="2024-03-03 11:00", notifier_type="self",
          phenomenon="weather")
    c.add("social_cases", case_id="K3", initiated_at="2024-03-03 12:00", notifier_type="self",
          phenomenon="housing")
    rows = quality(c.sources(), "2024-01-01", "2024-12-31")
    assert cells(rows, "visit_invalid_code", "contact_invalid_code", "referral_invalid_code",
                 "case_invalid_code") == {
        ("2024", "U1", "visit_invalid_code"): (4, 6),
        ("2024", "U1", "contact_invalid_code"): (1, 2),
        ("2024", "S1", "referral_invalid_code"): (1, 2),
        ("2024", "SO1", "case_invalid_code"): (2, 3),
    }


def test_assessment_and_contact_checks(tmp_path):
    c = County(tmp_path / "c.duckdb").person("P1").person("P3", born="2024-03-10")
    c.add("contacts", contact_id="C1", contact_at="2024-03-01 08:00")            # passes
    c.add("contacts", contact_id="C2", contact_at="2024-03-01 08:00")            # passes
    c.add("contacts", contact_id="C3", person_id="P3", contact_at="2024-03-05 08:00")  # unborn
    c.add("care_need_assessments", assessment_id="A1", contact_id="C1",
          assessed_at="2024-03-01 09:00")                                  # passes every check
    c.add("care_need_assessments", assessment_id="A2",
          assessed_at="2024-03-01 10:00")                                  # no contact
    c.add("care_need_assessments", assessment_id="A3", contact_id="C2",
          assessed_at="2024-03-01 07:00")                                  # before its contact
    c.add("care_need_assessments", assessment_id="A4", contact_id="C1",
          assessed_at="2024-03-01 11:00", urgency="asap")                  # unknown urgency
    rows = quality(c.sources(), "2024-01-01", "2024-12-31")
    assert cells(rows, "assessment_without_contact", "assessment_impossible_time",
                 "assessment_invalid_code", "contact_impossible_time") == {
        ("2024", "U1", "assessment_without_contact"): (1, 4),   # A2
        ("2024", "U1", "assessment_impossible_time"): (1, 4),   # A3 (A2 has no contact)
        ("2024", "U1", "assessment_invalid_code"): (1, 4),      # A4
        ("2024", "U1", "contact_impossible_time"): (1, 3),      # C3, before P3's birth
    }


def test_referral_episode_case_and_decision_checks(tmp_path):
    c = County(tmp_path / "c.duckdb").person("P1")
    # Referrals to S1. The last day of data is 31 March (R6 arrives then).
    c.add("referrals", referral_id="R1", received_at="2024-03-01 10:00",
          need_established_at="2024-03-05 10:00", treatment_started_at="2024-03-10 10:00")
    c.add("referrals", referral_id="R2", received_at="2024-03-01 11:00",
          treatment_started_at="2024-03-10 11:00")                 # treated, no need date
    c.add("referrals", referral_id="R3", received_at="2024-03-02 10:00")  # waiting
    c.add("referrals", referral_id="R4", received_at="2024-03-10 10:00",
          need_established_at="2024-03-12 10:00",
          treatment_started_at="2024-03-05 10:00")                 # treated before it came
    c.add("referrals", referral_id="R5", received_at="2024-03-15 10:00",
          need_established_at="2024-03-20 10:00",
          treatment_started_at="2024-04-15 10:00")                 # treated after the last day
    c.add("referrals", referral_id="R6", received_at="2024-03-31 10:00")
    # Episodes on W1.
    done = dict(discharged_to="home", diagnosis_icd10="F32.1")
    c.add("episodes", episode_id="E1", admitted_at="2024-03-01 10:00",
          discharged_at="2024-03-05 10:00", **done)
    c.add("episodes", episode_id="E2", admitted_at="2024-03-01 11:00",
          discharged_at="2024-03-06 10:00", diagnosis_icd10="F20")   # no destination
    c.add("episodes", episode_id="E3", admitted_at="2024-03-02 10:00",
          discharged_at="2024-03-07 10:00", discharged_to="home")    # no diagnosis
    c.add("episodes", episode_id="E4", admitted_at="2024-03-03 10:00")  # still on the ward
    c.add("episodes", episode_id="E5", admitted_at="2024-03-10 10:00",
          discharged_at="2024-03-09 10:00", **done)                  # out before in
    c.add("episodes", episode_id="E6", admitted_at="2024-03-20 10:00",
          discharged_at="2024-04-03 10:00", **done)                  # out after the last day
    # Social cases at SO1.
    case = dict(notifier_type="self")
    c.add("social_cases", case_id="K1", initiated_at="2024-03-01 10:00",
          first_contact_at="2024-03-02 10:00", assessment_started_at="2024-03-05 10:00", **case)
    c.add("social_cases", case_id="K2", initiated_at="2024-03-01 11:00", outcome="resolved",
          **case)                                                    # resolved, no contact
    c.add("social_cases", case_id="K3", initiated_at="2024-03-01 12:00",
          outcome="not_reached", **case)                             # not reached: none due
    c.add("social_cases", case_id="K4", initiated_at="2024-03-01 13:00", **case)  # open
    c.add("social_cases", case_id="K5", initiated_at="2024-03-01 14:00",
          assessment_started_at="2024-03-05 10:00", assessment_completed_at="2024-03-20 10:00",
          outcome="service_need_assessment", **case)                 # assessed, no contact
    c.add("social_cases", case_id="K6", initiated_at="2024-03-01 15:00",
          first_contact_at="2024-03-02 10:00", assessment_started_at="2024-03-03 10:00",
          assessment_completed_at="2024-03-10 10:00", **case)        # completed, no outcome
    c.add("social_cases", case_id="K7", initiated_at="2024-03-10 10:00",
          first_contact_at="2024-03-08 10:00", **case)               # contact before case
    # Decisions at SO1.
    c.add("social_decisions", decision_id="D1", decided_at="2024-03-01 10:00",
          service_started_at="2024-03-05 10:00", service_ended_at="2024-03-04 10:00")
    c.add("social_decisions", decision_id="D2", decided_at="2024-03-01 11:00",
          service_started_at="2024-03-05 10:00")
    c.add("social_decisions", decision_id="D3", decided_at="2024-03-01 12:00",
          service_type="spa")
    rows = quality(c.sources(), "2024-01-01", "2024-12-31")
    assert cells(rows, *[check.id for check in CHECKS if check.table in (
        "referrals", "episodes", "social_cases", "social_decisions")]) == {
        ("2024", "S1", "referral_treated_without_need_date"): (1, 4),  # R2 of R1, R2, R4, R5
        ("2024", "S1", "referral_impossible_time"): (2, 6),            # R4, R5
        ("2024", "S1", "referral_invalid_code"): (0, 6),
        ("2024", "W1", "episode_discharge_incomplete"): (2, 5),        # E2, E3 of all but E4
        ("2024", "W1", "episode_impossible_time"): (2, 6),             # E5, E6
        ("2024", "W1", "episode_invalid_code"): (0, 6),
        ("2024", "SO1", "case_contact_missing"): (2, 4),               # K2, K5 of K1, K2, K5, K6
        ("2024", "SO1", "case_outcome_missing"): (1, 2),               # K6 of K5, K6
        ("2024", "SO1", "case_impossible_time"): (1, 7),               # K7
        ("2024", "SO1", "case_invalid_code"): (0, 7),
        ("2024", "SO1", "decision_impossible_time"): (1, 3),           # D1
        ("2024", "SO1", "decision_invalid_code"): (1, 3),              # D3
    }


def scorecard_county(tmp_path) -> Sources:
    """Unit U1: P1's visit with an assessment and P2's without one (2 persons); P1's contacts
    and assessment (1 person). Unit S1: P3's specialised visit (1 person)."""
    c = County(tmp_path / "c.duckdb").person("P1").person("P2").person("P3")
    c.add("contacts", contact_id="C1", contact_at="2024-03-01 08:00")
    c.add("contacts", contact_id="C2", contact_at="2024-03-31 08:00")
    c.add("care_need_assessments", assessment_id="A1", contact_id="C1",
          assessed_at="2024-03-01 09:00")
    visit = dict(professional_id="PR1", diagnosis_icd10="J06.9")
    c.add("visits", visit_id="V1", start_at="2024-03-04 10:00", assessment_id="A1", **visit)
    c.add("visits", visit_id="V2", person_id="P2", start_at="2024-03-04 11:00", **visit)
    c.add("visits", visit_id="V3", person_id="P3", unit_id="S1", start_at="2024-03-05 10:00",
          service="specialised_outpatient", professional_id="PR3", diagnosis_icd10="I10")
    return c.sources()


def test_thresholds_are_reapplied_without_recomputing_the_checks(tmp_path):
    # One computation, minimum cell size 2. U1: the five visit checks have V1 and V2 (two
    # persons) — visit_without_assessment 1 of 2 = 0.5, the other four 0 of 2; the assessment
    # and contact checks have P1 alone: hidden. S1: P3 alone in every check: all hidden.
    rows = quality(scorecard_county(tmp_path), "2024-01-01", "2024-12-31", min_cell_size=2)
    before = rows.copy()

    default = scorecard(rows)
    u1 = default[default["unit"] == "U1"].set_index("check")
    assert u1.loc["visit_without_assessment", ["numerator", "denominator"]].tolist() == [1, 2]
    assert u1.loc["visit_without_assessment", "failing_share"] == 0.5
    statuses = u1["status"].to_dict()
    visit_checks = ["visit_without_assessment", "visit_without_professional",
                    "physician_visit_without_diagnosis", "visit_impossible_time",
                    "visit_invalid_code"]
    hidden = ["assessment_without_contact", "assessment_impossible_time",
              "assessment_invalid_code", "contact_impossible_time", "contact_invalid_code"]
    assert [statuses[c] for c in visit_checks] == ["fail", "pass", "pass", "pass", "pass"]
    assert [statuses[c] for c in hidden] == ["suppressed"] * 5
    assert sum(s == "no_records" for s in statuses.values()) == len(CHECKS) - 10
    # Default 0.05: 0.5 fails; four of the five evaluated checks pass. S1: nothing evaluated.
    assert scores(default).set_index("unit").loc["U1"].tolist() == ["2024", 5, 4, 0.8]

    # The same rows under a threshold of 0.5 for the assessment link: 0.5 ≤ 0.5 passes.
    lenient = scorecard(rows, {"visit_without_assessment": 0.5})
    u1 = lenient[lenient["unit"] == "U1"].set_index("check")
    assert u1.loc["visit_without_assessment", ["threshold", "status"]].tolist() == [0.5, "pass"]
    assert u1.loc["visit_without_professional", "threshold"] == 0.05   # default kept
    by_unit = scores(lenient).set_index("unit")
    assert by_unit.loc["U1", ["checks_evaluated", "checks_passed", "score"]].tolist() == [
        5, 5, 1.0]
    # A unit whose checks are all hidden is not evaluated: no score, not a score of 0.
    assert by_unit.loc["S1", ["checks_evaluated", "checks_passed"]].tolist() == [0, 0]
    assert pd.isna(by_unit.loc["S1", "score"])
    s1 = lenient[lenient["unit"] == "S1"].set_index("check")["status"]
    assert (s1[["visit_without_professional", "physician_visit_without_diagnosis",
                "visit_impossible_time", "visit_invalid_code"]] == "suppressed").all()
    assert s1["visit_without_assessment"] == "no_records"   # specialised care: not counted
    pd.testing.assert_frame_equal(rows, before)              # the rows are not touched


def test_the_score_trend_per_period_from_given_rows():
    # U1 in two months: January 3 of 10 visits lack the assessment link (0.3 > 0.05: fail)
    # and none lack a professional (pass): 1 of 2 = 0.5. February both pass: 1.0. A third
    # check hidden in February is not evaluated.
    rows = pd.DataFrame({
        "indicator": QUALITY, "period": ["2024-01", "2024-01", "2024-02", "2024-02", "2024-02"],
        "unit": "U1",
        "check": ["visit_without_assessment", "visit_without_professional",
                  "visit_without_assessment", "visit_without_professional",
                  "visit_invalid_code"],
        "numerator": pd.array([3, 0, 0, 0, None], "Int64"),
        "denominator": pd.array([10, 10, 10, 10, None], "Int64"),
        "value": pd.array([0.3, 0.0, 0.0, 0.0, None], "Float64"),
        "low": pd.NA, "high": pd.NA, "suppressed": [False, False, False, False, True]})
    trend = scores(scorecard(rows))
    assert trend[["period", "unit", "checks_evaluated", "checks_passed"]].values.tolist() == [
        ["2024-01", "U1", 2, 1], ["2024-02", "U1", 2, 2]]
    assert trend["score"].tolist() == [0.5, 1.0]


@pytest.mark.parametrize(("overrides", "message"), [
    ({"visits_without_anything": 0.1}, "No documentation-quality check 'visits_without_"),
    ({"visit_invalid_code": 1.5}, "visit_invalid_code must be a share from 0 to 1"),
    ({"visit_invalid_code": -0.01}, "must be a share from 0 to 1"),
    ({"visit_invalid_code": float("nan")}, "must be a share from 0 to 1"),
    ({"visit_invalid_code": "0.1"}, "not '0.1'"),
    ({"visit_invalid_code": True}, "not True"),
])
def test_thresholds_are_validated(overrides, message):
    with pytest.raises(ScorecardError, match=message):
        resolve_thresholds(overrides)
    rows = pd.DataFrame(columns=["indicator", "period", "check", "numerator", "denominator",
                                 "value", "low", "high", "suppressed"])
    with pytest.raises(ScorecardError, match=message):
        scorecard(rows, overrides)


def test_thresholds_default_from_the_checks_and_accept_the_bounds():
    assert resolve_thresholds() == {c.id: c.threshold for c in CHECKS}
    both = resolve_thresholds({"visit_invalid_code": 1, "visit_impossible_time": 0})
    assert (both["visit_invalid_code"], both["visit_impossible_time"]) == (1.0, 0.0)


def test_the_scorecard_reads_only_the_quality_indicator():
    rows = pd.DataFrame({"indicator": ["primary_care_within_deadline"], "period": ["2024"],
                         "numerator": [1], "denominator": [2], "value": [0.5], "low": [None],
                         "high": [None], "suppressed": [False]})
    with pytest.raises(ScorecardError, match="no check column"):
        scorecard(rows)
    with pytest.raises(ScorecardError, match="not primary_care_within_deadline"):
        scorecard(rows.assign(check="visit_invalid_code"))


SOCIAL_CASES = "case_id,person_id,unit_id,service_task,initiated_at,notifier_type\n"


def test_quarantine_summary_counts_without_values(tmp_path, population, settings):
    # First file: K1 good; K2 without an initiation date (the canonical table cannot hold
    # it); K4 with notifier "client", not in the code list. Second file: K3 without an
    # initiation date. By table, field and reason: missing initiated_at 2 rows in 2 imports,
    # unknown notifier_type 1 row in 1 import.
    first = write(tmp_path / "social_cases.csv", SOCIAL_CASES
                  + "K1,P1,U1,older_people,2024-03-01 10:00,self\n"
                  + "K2,P1,U1,older_people,,self\n"
                  + "K4,P2,U1,older_people,2024-03-02 10:00,client\n")
    second = write(tmp_path / "social_cases_2.csv", SOCIAL_CASES
                   + "K3,P2,U1,families,,school\n")
    load(population, settings, first, table="social_cases")
    load(population, settings, second, table="social_cases")
    expected = [("social_cases", "initiated_at", "missing_value", 2, 2),
                ("social_cases", "notifier_type", "unknown_code", 1, 1)]
    con = open_store(population, read_only=True)
    try:
        by_connection = quarantine_summary(con)
        assert con.execute("SELECT current_setting('TimeZone')").fetchone()[0] == (
            "Europe/Helsinki")                                   # the caller's session intact
    finally:
        con.close()
    by_backend = quarantine_summary(duckdb_file(population))
    for summary in (by_connection, by_backend):
        assert list(summary.columns) == ["target_table", "field", "reason", "rows", "imports"]
        assert [tuple(r) for r in summary.itertuples(index=False)] == expected
        shown = " ".join(summary.astype(str).to_numpy().ravel())
        assert not any(value in shown for value in ("K2", "K3", "K4", "P1", "P2", "client"))


def test_quarantine_summary_of_a_store_without_quarantine():
    with pytest.raises(ScorecardError, match="no quarantine"):
        quarantine_summary(ibis.duckdb.connect())
