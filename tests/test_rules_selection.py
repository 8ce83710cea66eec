"""Which rule judges a wait: the one in force on the start-event date, for the age on that
date. Expected ids are read off the legal reference's table by hand."""

from datetime import UTC, date, datetime

import pytest

from tilannekuva.rules import age_on, due_date, rules_in_force


def ids(service, start_event, on, age):
    return [rule.id for rule in rules_in_force(service, start_event, on, age)]


def test_primary_care_across_the_2023_and_2025_reforms():
    assert ids("primary_care", "care_need_assessment", date(2023, 8, 31), 40) == ["P2"]
    assert ids("primary_care", "care_need_assessment", date(2023, 9, 1), 40) == ["P3"]
    assert ids("primary_care", "care_need_assessment", date(2024, 12, 31), 40) == ["P3"]
    assert ids("primary_care", "care_need_assessment", date(2025, 1, 1), 22) == ["P5"]
    assert ids("primary_care", "care_need_assessment", date(2025, 1, 1), 23) == ["P4"]
    assert ids("primary_care", "contact", date(2023, 8, 31), 40) == ["P0"]
    assert ids("primary_care", "contact", date(2023, 9, 1), 40) == ["P1"]
    assert ids("primary_care_other", "care_need_assessment", date(2023, 9, 1), 40) == ["P3x"]


def test_a_rule_is_chosen_by_the_start_events_helsinki_date():
    # 21:30 UTC on 31.8.2023 is 00:30 on 1.9.2023 in Helsinki (UTC+3): the new law applies.
    late_evening = datetime(2023, 8, 31, 21, 30, tzinfo=UTC)
    assert ids("primary_care", "care_need_assessment", late_evening, 40) == ["P3"]


def test_oral_care_periods():
    assert ids("oral_care", "care_need_assessment", date(2024, 10, 31), 40) == ["O2"]
    assert ids("oral_care", "care_need_assessment", date(2024, 11, 1), 40) == ["O3"]
    assert ids("oral_care", "care_need_assessment", date(2025, 1, 1), 40) == ["O4"]
    assert ids("oral_care", "care_need_assessment", date(2025, 1, 1), 12) == ["O5"]


def test_age_is_judged_on_the_start_event_date():
    # Born 10.1.2002: 22 on Wed 8.1.2025 (the assessment), 23 from 10.1.2025.
    born = date(2002, 1, 10)
    assessed = date(2025, 1, 8)
    assert age_on(born, assessed) == 22
    assert age_on(born, date(2025, 1, 10)) == 23
    [rule] = rules_in_force("primary_care", "care_need_assessment", assessed,
                            age_on(born, assessed))
    # Still P5 although 23 when seen: 8.1.2025 + 14 days = 22.1.2025.
    assert rule.id == "P5"
    assert due_date(rule, assessed) == date(2025, 1, 22)


def test_age_on_a_leap_day_birthday_and_before_birth():
    born = date(2004, 2, 29)
    assert age_on(born, date(2023, 2, 28)) == 18
    assert age_on(born, date(2023, 3, 1)) == 19
    assert age_on(born, date(2024, 2, 29)) == 20
    with pytest.raises(ValueError, match="before the birth date"):
        age_on(born, date(2004, 2, 28))


def test_several_end_events_can_share_a_start():
    assert ids("specialised_care", "referral_received", date(2024, 5, 2), 50) == ["S1", "S2"]
    assert ids("child_welfare", "initiation", date(2024, 5, 2), 17) == ["CW1", "CW2", "CW3"]
    assert ids("child_welfare", "initiation", date(2024, 5, 2), 18) == []


def test_an_unknown_age_matches_only_rules_without_an_age_band():
    assert ids("social_services", "initiation", date(2024, 5, 2), None) == ["SW3"]
    assert ids("child_welfare", "initiation", date(2024, 5, 2), None) == []


def test_rules_start_and_end_on_their_dates():
    assert ids("therapy_guarantee", "need_established", date(2025, 4, 30), 16) == []
    assert ids("therapy_guarantee", "need_established", date(2025, 5, 1), 16) == ["T1"]
    assert ids("disability_services", "application", date(2024, 12, 31), 40) == ["D1", "D2"]
    assert ids("disability_services", "application", date(2025, 1, 1), 40) == []
    # "Throughout" rules begin when their act came into force (TL: 1.5.2011).
    assert ids("specialised_care", "need_established", date(2011, 4, 30), 50) == []
    assert ids("specialised_care", "need_established", date(2011, 5, 1), 50) == ["S3"]


def test_unknown_codes_are_refused_rather_than_matching_nothing():
    with pytest.raises(ValueError, match="unknown service 'primary'"):
        rules_in_force("primary", "contact", date(2024, 1, 1), 30)
    with pytest.raises(ValueError, match="unknown start event 'assessment'"):
        rules_in_force("primary_care", "assessment", date(2024, 1, 1), 30)
