"""Each calibration measure, checked on a tiny hand-built database whose answer is worked out by
hand in the test."""

from itertools import count

import duckdb
import pytest

from tilannekuva.schema import TABLES_BY_NAME, codes
from tilannekuva.store import configure, create_tables
from tilannekuva.synth.calibration import TARGETS_BY_NAME, measure

_ids = count(1)
DEFAULTS = {"id": lambda: f"x{next(_ids)}", "string": lambda: None, "text": lambda: None,
            "int": lambda: 0, "float": lambda: 0.0, "bool": lambda: False,
            "date": lambda: "2024-01-01", "timestamp": lambda: "2024-01-01 12:00"}


@pytest.fixture
def con():
    con = configure(duckdb.connect())
    create_tables(con)
    yield con
    con.close()


def add(con, table: str, **values) -> None:
    """Insert a row; required columns not given get a neutral default (first code, new id)."""
    row = {}
    for c in TABLES_BY_NAME[table].columns:
        if c.name in values:
            row[c.name] = values[c.name]
        elif c.required:
            row[c.name] = codes(c.codes)[0] if c.codes else DEFAULTS[c.type]()
    names = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    con.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(row.values()))


def value(con, name: str) -> float:
    return measure(con, TARGETS_BY_NAME[name]).value


def gp_visit(con, **values):
    base = dict(status="done", service="general_practice", urgency="non_urgent",
                profession="physician", contact_type="physical")
    add(con, "visits", **{**base, **values})


def test_access_within_7_days(con):
    # Assessments on 1 March 2024; done non-urgent physician visits after 2, 7 and 8 days:
    # within 7 days 2 of 3. Excluded: guarantee exclusion, cancelled, urgent, nurse, and a
    # visit with no assessment.
    add(con, "care_need_assessments", assessment_id="a1", assessed_at="2024-03-01 09:00")
    for wait, extra in ((2, {}), (7, {}), (8, {}), (0, {"guarantee_exclusion": "certificate"}),
                        (9, {"status": "cancelled"}), (9, {"urgency": "urgent"}),
                        (9, {"profession": "nurse"})):
        gp_visit(con, assessment_id="a1", start_at=f"2024-03-{1 + wait:02d} 23:30", **extra)
    gp_visit(con, start_at="2024-03-20 10:00")
    assert value(con, "access_7d_first_year") == pytest.approx(2 / 3)
    assert value(con, "access_7d_last_year") == pytest.approx(2 / 3)


def test_continuity_of_care(con):
    # Client A sees doctors D1, D1, D2: COC = (2² + 1² − 3) / (3·2) = 1/3.
    # Client B sees D3 and D4: COC = (1 + 1 − 2) / 2 = 0. Client C has one visit: excluded.
    # Mean over clients = 1/6. Nurses: client A sees nurse N1 and public-health nurse N1
    # (one group, same person) → COC 1; client B sees N2, N3 → 0; mean 1/2.
    for person, prof in (("A", "D1"), ("A", "D1"), ("A", "D2"), ("B", "D3"), ("B", "D4"),
                         ("C", "D1")):
        gp_visit(con, person_id=person, professional_id=prof, start_at="2024-05-06 10:00")
    gp_visit(con, person_id="A", professional_id="D2", start_at="2024-05-06 10:00",
             status="no_show")
    for person, prof, profession in (("A", "N1", "nurse"), ("A", "N1", "public_health_nurse"),
                                     ("B", "N2", "nurse"), ("B", "N3", "nurse")):
        gp_visit(con, person_id=person, professional_id=prof, profession=profession,
                 start_at="2024-05-06 10:00")
    assert value(con, "coc_physician") == pytest.approx(1 / 6)
    assert value(con, "coc_nurse") == pytest.approx(1 / 2)


def test_t3(con):
    gp_visit(con, start_at="2024-06-01 10:00")   # the data covers 2024
    # Measured on 15 January (the only day with a calendar in the next four weeks).
    # Physician P: free non-urgent slots on 20, 25 and 30 Jan (22 Jan booked on 10 Jan,
    # 18 Jan withdrawn on 10 Jan, 19 Jan opened only on 16 Jan, 21 Jan is urgent):
    # third free = 30 Jan → 15 days. Physician Q: free on 16, 17, 20 Jan → 5 days.
    # Unit T3 = median(15, 5) = 10 on the only day, so lowest = highest = 10.
    def slot(prof, day, slot_type="non_urgent", created="2024-01-01 07:00", **extra):
        add(con, "appointment_slots", unit_id="U", professional_id=prof,
            profession="physician", slot_start=f"2024-01-{day:02d} 09:00",
            slot_type=slot_type, created_at=created, **extra)
    for day in (20, 25, 30):
        slot("P", day)
    slot("P", 22, booked_at="2024-01-10 10:00")
    slot("P", 18, cancelled_at="2024-01-10 10:00")
    slot("P", 19, created="2024-01-16 07:00")
    slot("P", 21, slot_type="urgent")
    for day in (16, 17, 20):
        slot("Q", day)
    assert value(con, "t3_lowest_unit") == 10
    assert value(con, "t3_highest_unit") == 10


def test_t3_without_three_free_slots_counts_182(con):
    gp_visit(con, start_at="2024-06-01 10:00")
    # One professional with a calendar but only two free slots → 182 days.
    for day in (16, 17):
        add(con, "appointment_slots", unit_id="U", professional_id="P", profession="physician",
            slot_start=f"2024-01-{day:02d} 09:00", slot_type="non_urgent",
            created_at="2024-01-01 07:00")
    assert value(con, "t3_highest_unit") == 182


def test_first_assessment_outcomes(con):
    # Families: resolved, resolved, full assessment, (open case) → resolved 2/3.
    # Adults: not reached, resolved, referred elsewhere, resolved → not reached 1/4;
    # of the 3 reached, resolved 2/3.
    for outcome in ("resolved", "resolved", "service_need_assessment", None):
        add(con, "social_cases", service_task="families", outcome=outcome)
    for outcome in ("not_reached", "resolved", "referred_elsewhere", "resolved"):
        add(con, "social_cases", service_task="adults", outcome=outcome)
    assert value(con, "first_assessment_resolved_families") == pytest.approx(2 / 3)
    assert value(con, "first_assessment_not_reached_adults") == pytest.approx(1 / 4)
    assert value(con, "first_assessment_resolved_reached_adults") == pytest.approx(2 / 3)


def test_chat_nps(con):
    # Chat answers 10, 9, 8, 5 (and one unanswered): promoters 2/4, detractors 1/4 → NPS 25.
    # A physical-visit answer of 0 does not count.
    for rec in (10, 9, 8, 5, None):
        add(con, "feedback_responses", service_channel="chat", recommendation=rec)
    add(con, "feedback_responses", service_channel="physical", recommendation=0)
    assert value(con, "nps_nurse_chat") == pytest.approx(25)


def test_cost_concentration(con):
    # 2024 prices: nurse visit 10 €, inpatient day 100 €. Ten clients with one nurse visit
    # each (10 €); client 1 also stays 1–6 March (5 days, 500 €). Total 600 €; the top 10 %
    # (one client) carries 510 € → 0.85.
    add(con, "unit_costs", cost_item="primary_nurse_visit", year=2024, euros=10, per="visit")
    add(con, "unit_costs", cost_item="inpatient_day", year=2024, euros=100, per="day")
    for i in range(1, 11):
        gp_visit(con, person_id=f"p{i}", profession="nurse", start_at="2024-04-02 10:00")
    add(con, "episodes", person_id="p1", admitted_at="2024-03-01 10:00",
        discharged_at="2024-03-06 10:00")
    assert value(con, "cost_top_decile_share") == pytest.approx(0.85)


def test_readmission(con):
    # X: 1–5 Jan, readmitted 20 Jan (15 days: yes); 20–25 Jan, next 1 Apr (no); 1–3 Apr, no
    # next (no). Y died on discharge: excluded. Z admitted 1 Jun sets the cut-off to 2 May, so
    # Z's own discharge is excluded. Readmitted 1 of 3.
    for person, admitted, discharged, to in (
            ("X", "2024-01-01", "2024-01-05", "home"), ("X", "2024-01-20", "2024-01-25", "home"),
            ("X", "2024-04-01", "2024-04-03", "home"), ("Y", "2024-02-01", "2024-02-02", "died"),
            ("Z", "2024-06-01", "2024-06-02", "home")):
        add(con, "episodes", person_id=person, admitted_at=admitted, discharged_at=discharged,
            discharged_to=to)
    assert value(con, "readmission_30d") == pytest.approx(1 / 3)


def test_waiting_list_growth(con):
    gp_visit(con, start_at="2024-03-01 10:00")   # first year 2024
    # On 1 Jan 2025: r1 (open) and r3 (treated 1 Mar 2025) wait → 2. On 1 Jan 2026: r1, r2
    # (treated Feb 2026) and r5 (open) wait; r4 was removed in Dec 2025 → 3. Ratio 1.5.
    # The urgent referral is not on the non-urgent list.
    for received, treated, removed, priority in (
            ("2024-12-01", None, None, "non_urgent"), ("2025-06-01", "2026-02-01", None,
                                                       "non_urgent"),
            ("2024-11-01", "2025-03-01", None, "non_urgent"),
            ("2025-05-05", None, "2025-12-31", "non_urgent"), ("2025-07-01", None, None,
                                                               "non_urgent"),
            ("2024-12-01", None, None, "urgent")):
        add(con, "referrals", received_at=received, treatment_started_at=treated,
            removed_at=removed, priority=priority)
    assert value(con, "waiting_list_growth_shortfall") == pytest.approx(1.5)


def test_assessment_coverage(con):
    # Four done non-urgent GP visits, three with an assessment → 0.75; an excluded and an
    # urgent visit do not count.
    for assessment in ("a1", "a2", "a3", None):
        gp_visit(con, assessment_id=assessment, start_at="2024-02-01 10:00")
    gp_visit(con, guarantee_exclusion="follow_up", start_at="2024-02-01 10:00")
    gp_visit(con, urgency="urgent", start_at="2024-02-01 10:00")
    assert value(con, "assessment_coverage") == pytest.approx(0.75)


def test_season(con):
    # January: 2 visits on Monday 8th, 1 on Tuesday 9th → 1.5 a day; a Saturday visit does
    # not count. July: 1 visit on Monday 8th → 1.0. Ratio 1.5.
    for start in ("2024-01-08 10:00", "2024-01-08 11:00", "2024-01-09 10:00",
                  "2024-01-13 10:00", "2024-07-08 10:00"):
        gp_visit(con, start_at=start)
    assert value(con, "season_january_to_july") == pytest.approx(1.5)
