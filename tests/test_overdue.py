"""The overdue list, against hand-worked deadlines (docs/rules.md): P4 3 months for 23+ and P5
14 days for under-23s from 2025; S1 3 weeks from receipt of a referral."""

from __future__ import annotations

from datetime import date

import pytest
from county import County

from tilannekuva.errors import TilannekuvaError
from tilannekuva.indicators import Sources
from tilannekuva.indicators.overdue import overdue


@pytest.fixture
def src(tmp_path) -> Sources:
    c = County(tmp_path / "county.duckdb")
    # P1, 44: assessed 2025-03-03 → P4 due 2025-06-03; never seen.
    c.person("P1").add("care_need_assessments", assessment_id="A1", person_id="P1",
                       assessed_at="2025-03-03 09:00")
    # P2, 10: assessed 2025-06-01 → P5 due 2025-06-15; seen on 2025-06-20 (late). A
    # cancelled booking on 2025-06-05 does not end the wait.
    c.person("P2", born="2015-02-02").add("care_need_assessments", assessment_id="A2",
                                          person_id="P2", assessed_at="2025-06-01 09:00")
    c.add("visits", visit_id="V2c", person_id="P2", assessment_id="A2",
          start_at="2025-06-05 10:00", status="cancelled")
    c.add("visits", visit_id="V2", person_id="P2", assessment_id="A2",
          start_at="2025-06-20 10:00")
    # P3: referral received 2025-05-01 → S1 due 2025-05-22; removed 2025-05-20.
    c.person("P3").add("referrals", referral_id="R3", person_id="P3",
                       received_at="2025-05-01 12:00", removed_at="2025-05-20 12:00",
                       removal_reason="not_needed")
    # P4: referral received 2025-05-01 → S1 due 2025-05-22; assessment not started.
    c.person("P4").add("referrals", referral_id="R4", person_id="P4",
                       received_at="2025-05-01 12:00")
    return c.sources()


def listed(rows):
    return {(r.person_id, r.rule, r.due_date, r.days_over) for r in rows.itertuples()}


def test_people_past_their_deadline_on_a_day(src):
    # 2025-06-10: P1 is 7 days over (06-03 → 06-10); P4 19 days (05-22 → 06-10). P2 is due in
    # 5 days (not yet listed); P3's referral left the list on 05-20.
    assert listed(overdue(src, date(2025, 6, 10), None)) == {
        ("P1", "P4", date(2025, 6, 3), 7), ("P4", "S1", date(2025, 5, 22), 19)}


def test_deadlines_within_n_days_are_listed_with_the_days_left(src):
    # Within 5 days of 2025-06-10 P2's due date 06-15 is reached: days_over = −5. Within 4 it
    # is not.
    assert ("P2", "P5", date(2025, 6, 15), -5) in listed(overdue(src, date(2025, 6, 10), None, 5))
    assert "P2" not in {r.person_id for r in overdue(src, date(2025, 6, 10), None, 4).itertuples()}


def test_the_list_is_ordered_longest_overdue_first_and_forgets_realised_care(src):
    rows = overdue(src, date(2025, 6, 16), None)
    # 06-16: P4 25 days, P1 13 days, P2 1 day (seen only on 06-20).
    assert [(r.person_id, r.days_over) for r in rows.itertuples()] == [
        ("P4", 25), ("P1", 13), ("P2", 1)]
    assert "P2" not in {r.person_id for r in overdue(src, date(2025, 6, 20), None).itertuples()}


def test_the_unit_scope_limits_the_list(src):
    # The assessments are in health station U1, the referrals in specialised clinic S1.
    assert {r.person_id for r in overdue(src, date(2025, 6, 10), ["U1"]).itertuples()} == {"P1"}
    assert {r.person_id for r in overdue(src, date(2025, 6, 10), ["S1"]).itertuples()} == {"P4"}
    with pytest.raises(TilannekuvaError, match="unit scope is empty"):
        overdue(src, date(2025, 6, 10), [])
