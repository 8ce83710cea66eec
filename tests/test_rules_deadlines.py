"""Due dates, worked out by hand from a 2023–2025 calendar (weekday and holiday named for each
counted day), never by running the code."""

from datetime import UTC, date, datetime, timedelta

import duckdb
import pytest

from tilannekuva.rules import (
    add_months,
    add_working_days,
    due_date,
    is_working_day,
    load_rules,
    working_day_calendar,
)
from tilannekuva.rules import working_days as working_days_module

RULES = {rule.id: rule for rule in load_rules()}


def test_cw2_across_easter_2024():
    # Initiation Thu 28.3.2024; Fri 29.3. Good Friday, Sat 30.3., Sun 31.3., Mon 1.4. Easter
    # Monday do not count. Tue 2.4.(1), Wed 3.4.(2), Thu 4.4.(3), Fri 5.4.(4), Mon 8.4.(5),
    # Tue 9.4.(6), Wed 10.4.(7).
    assert due_date(RULES["CW2"], date(2024, 3, 28)) == date(2024, 4, 10)


def test_p0_three_working_days_across_easter_2024():
    # Contact Wed 27.3.2024: Thu 28.3.(1), [Good Friday 29.3., weekend, Easter Monday 1.4.],
    # Tue 2.4.(2), Wed 3.4.(3).
    assert due_date(RULES["P0"], date(2024, 3, 27)) == date(2024, 4, 3)


def test_midsummer_2024():
    # Eve Fri 21.6. and Day Sat 22.6.2024. From Wed 19.6.: Thu 20.6.(1), [Fri 21.6. Eve,
    # Sat, Sun], Mon 24.6.(2), Tue 25.6.(3).
    assert add_working_days(date(2024, 6, 19), 3) == date(2024, 6, 25)
    # SW1, 7 working days: ... Tue 25.6.(3), Wed 26.6.(4), Thu 27.6.(5), Fri 28.6.(6),
    # Mon 1.7.(7).
    assert due_date(RULES["SW1"], date(2024, 6, 19)) == date(2024, 7, 1)


def test_christmas_new_year_and_epiphany_2024_2025():
    # From Fri 20.12.2024: Mon 23.12.(1), [Tue 24.12. Eve, Wed 25.12., Thu 26.12.],
    # Fri 27.12.(2), [weekend], Mon 30.12.(3), Tue 31.12.(4), [Wed 1.1.2025 New Year's Day],
    # Thu 2.1.(5), Fri 3.1.(6), [weekend, Mon 6.1. Epiphany], Tue 7.1.(7).
    assert due_date(RULES["CW2"], date(2024, 12, 20)) == date(2025, 1, 7)


def test_independence_day_2024():
    # Independence Day is Fri 6.12.2024. From Thu 5.12.: [Fri 6.12., weekend], Mon 9.12.(1),
    # Tue 10.12.(2), Wed 11.12.(3).
    assert add_working_days(date(2024, 12, 5), 3) == date(2024, 12, 11)
    # A start on the holiday itself is not counted either: Mon 9.12. is the 1st working day.
    assert add_working_days(date(2024, 12, 6), 1) == date(2024, 12, 9)


def test_may_day_and_ascension_day_2024():
    # From Tue 30.4.2024: [Wed 1.5. May Day], Thu 2.5.(1), Fri 3.5.(2), Mon 6.5.(3),
    # Tue 7.5.(4), Wed 8.5.(5), [Thu 9.5. Ascension Day], Fri 10.5.(6), Mon 13.5.(7).
    assert due_date(RULES["SW2a"], date(2024, 4, 30)) == date(2024, 5, 13)


def test_a_start_on_a_weekend_counts_from_the_next_working_day():
    # Sat 6.4.2024: Mon 8.4.(1) ... Fri 12.4.(5), Mon 15.4.(6), Tue 16.4.(7).
    assert add_working_days(date(2024, 4, 6), 7) == date(2024, 4, 16)


def test_an_ordinary_week():
    # Mon 15.1.2024: Tue 16.(1), Wed 17.(2), Thu 18.(3), Fri 19.(4), Mon 22.(5), Tue 23.(6),
    # Wed 24.1.(7).
    assert add_working_days(date(2024, 1, 15), 7) == date(2024, 1, 24)


def test_which_days_are_working_days():
    not_working = [date(2024, 3, 29), date(2024, 4, 1), date(2024, 5, 1), date(2024, 5, 9),
                   date(2024, 6, 21), date(2024, 12, 6), date(2024, 12, 24), date(2024, 12, 25),
                   date(2024, 12, 26), date(2025, 1, 1), date(2025, 1, 6),
                   date(2024, 3, 30), date(2024, 3, 31)]  # and a Saturday and Sunday
    assert [day for day in not_working if is_working_day(day)] == []
    # Flag days without a day off are working days: Kalevala Day Wed 28.2.2024, Finnish
    # Swedish Heritage Day Wed 6.11.2024; so is Maundy Thursday 28.3.2024.
    assert all(is_working_day(day) for day in (date(2024, 2, 28), date(2024, 11, 6),
                                               date(2024, 3, 28)))


def test_midsummer_eve_and_christmas_eve_do_not_depend_on_the_library(monkeypatch):
    # With no public holidays from the library, the explicitly named eves still do not count:
    # Tue 24.12.2024 and Fri 20.6.2025 (Midsummer Day is Sat 21.6.2025); Christmas Day then does.
    monkeypatch.setattr(working_days_module.holidays, "country_holidays", lambda *a, **k: {})
    working_days_module.non_working_weekdays.cache_clear()
    try:
        assert not is_working_day(date(2024, 12, 24))
        assert not is_working_day(date(2025, 6, 20))
        assert is_working_day(date(2024, 12, 25))
    finally:
        working_days_module.non_working_weekdays.cache_clear()


def test_calendar_days_and_weeks():
    # P3: 1.9.2023 + 14 days = 15.9.2023.
    assert due_date(RULES["P3"], date(2023, 9, 1)) == date(2023, 9, 15)
    # Not moved off a holiday: 23.12.2024 + 14 days = Mon 6.1.2025, Epiphany.
    assert due_date(RULES["P3"], date(2024, 12, 23)) == date(2025, 1, 6)
    # T1: 1.5.2025 + 28 days = 29.5.2025.
    assert due_date(RULES["T1"], date(2025, 5, 1)) == date(2025, 5, 29)
    # P3b: 26.2.2024 + 7 days: 27, 28, 29 Feb (leap year), 1, 2, 3, 4 March = 4.3.2024.
    assert due_date(RULES["P3b"], date(2024, 2, 26)) == date(2024, 3, 4)
    # S1, 3 weeks = 21 days: 10.2.2024 + 19 days = 29.2., + 2 more = 2.3.2024.
    assert due_date(RULES["S1"], date(2024, 2, 10)) == date(2024, 3, 2)
    # M2, 6 weeks = 42 days: 20.12.2024 + 11 = 31.12., + 31 = 31.1.2025.
    assert due_date(RULES["M2"], date(2024, 12, 20)) == date(2025, 1, 31)


def test_months_clamp_to_the_end_of_a_shorter_month():
    assert due_date(RULES["T2"], date(2024, 1, 31)) == date(2024, 2, 29)   # 2024 leap year
    assert due_date(RULES["T2"], date(2025, 1, 31)) == date(2025, 2, 28)
    # 30.11.2024 + 3 months = "30.2.2025", which does not exist: 28.2.2025.
    assert due_date(RULES["CW3"], date(2024, 11, 30)) == date(2025, 2, 28)
    # P2: 31.8.2023 + 3 months = "31.11." → 30.11.2023.
    assert due_date(RULES["P2"], date(2023, 8, 31)) == date(2023, 11, 30)
    # Across the year end: 15.10.2024 + 3 months = 15.1.2025; O4 31.12.2024 + 6 = 30.6.2025.
    assert due_date(RULES["SW3"], date(2024, 10, 15)) == date(2025, 1, 15)
    assert due_date(RULES["O4"], date(2024, 12, 31)) == date(2025, 6, 30)
    # O2: 31.5.2024 + 4 months = "31.9." → 30.9.2024.
    assert due_date(RULES["O2"], date(2024, 5, 31)) == date(2024, 9, 30)
    # 31.12.2024 + 2 months = "31.2.2025" → 28.2.2025; + 14 months = "31.2.2026" → 28.2.2026
    # (2026 is a common year).
    assert add_months(date(2024, 12, 31), 2) == date(2025, 2, 28)
    assert add_months(date(2024, 12, 31), 14) == date(2026, 2, 28)


def test_same_day_and_immediately_are_due_on_the_start_date():
    assert due_date(RULES["P1"], datetime(2024, 6, 21, 14, 0)) == date(2024, 6, 21)
    assert due_date(RULES["CW1"], date(2024, 12, 24)) == date(2024, 12, 24)


def test_a_start_time_is_read_as_a_helsinki_date():
    # 22:30 UTC on Sun 31.3.2024 is 01:30 on Mon 1.4. in Helsinki (summer time, UTC+3, began
    # that morning), so P1's same-day deadline is 1.4.2024.
    assert due_date(RULES["P1"], datetime(2024, 3, 31, 22, 30, tzinfo=UTC)) == date(2024, 4, 1)


def test_the_calendar_table_indexes_working_days():
    calendar = working_day_calendar(date(2024, 3, 27), date(2024, 4, 3)).to_pylist()
    # Wed 27.3.(1), Thu 28.3.(2), Good Friday to Easter Monday share index 2, Tue 2.4.(3),
    # Wed 3.4.(4).
    assert [(row["date"].day, row["is_working_day"], row["working_day_index"])
            for row in calendar] == [
        (27, True, 1), (28, True, 2), (29, False, 2), (30, False, 2), (31, False, 2),
        (1, False, 2), (2, True, 3), (3, True, 4)]
    with pytest.raises(ValueError, match="before it starts"):
        working_day_calendar(date(2024, 1, 2), date(2024, 1, 1))


def test_the_calendar_table_gives_the_same_due_dates_in_sql():
    calendar = working_day_calendar(date(2023, 12, 1), date(2025, 3, 31))
    starts = [(date(2024, 1, 1) + timedelta(days=i), n) for i in range(366) for n in (1, 3, 7)]
    con = duckdb.connect()
    con.register("calendar", calendar)
    con.execute("CREATE TABLE starts (start_date DATE, n INTEGER)")
    con.executemany("INSERT INTO starts VALUES (?, ?)", starts)
    computed = con.execute("""
        SELECT s.start_date, s.n, due.date
        FROM starts s
        JOIN calendar c ON c.date = s.start_date
        JOIN calendar due ON due.is_working_day
                         AND due.working_day_index = c.working_day_index + s.n
        ORDER BY s.start_date, s.n""").fetchall()
    assert computed == [(day, n, add_working_days(day, n)) for day, n in starts]
    assert (date(2024, 3, 28), 7, date(2024, 4, 10)) in computed   # CW2 across Easter
