"""Customer feedback (NPS with its t interval, statement agreement, answer counts, suppression of
small groups of answers) and the comment list, on tiny hand-built counties. Every expected
figure is worked out by hand beside it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from county import County

from tilannekuva.indicators import Query, Sources, compute
from tilannekuva.indicators.feedback import comments

NPS = "feedback_nps"
RESPONSES = "feedback_responses"
AGREEMENT = "feedback_statement_agreement"


def rows(src: Sources, indicator: str, start: str, end: str, dims: tuple[str, ...] = (),
         min_cell_size: int = 1) -> pd.DataFrame:
    return compute(src, Query((indicator,), date.fromisoformat(start), date.fromisoformat(end),
                              "month", dims), min_cell_size=min_cell_size)


def answer(county: County, response_id: str, responded: str, **values) -> County:
    return county.add("feedback_responses", response_id=response_id, responded_at=responded,
                      **values)


def test_nps_and_its_t_interval_from_ten_answers(tmp_path: Path) -> None:
    # Ten answers in March 2025: 10, 9, 9 (3 promoters), 8, 8, 7, 7, 7 (5 passives), 3, 0
    # (2 detractors), and one answer without a recommendation (not counted).
    # NPS = 30 % − 20 % = +10. Scores: 3 × 100, 5 × 0, 2 × −100; mean (300 − 200) / 10 = 10.
    # Sum of squared deviations: 3 × 90² + 5 × 10² + 2 × 110² = 24 300 + 500 + 24 200
    # = 49 000; sample variance 49 000 / 9; standard error √(49 000 / 9 / 10) = √(4 900 / 9)
    # = 70 / 3 = 23.333…; t(0.975, 9 df) = 2.2621572; half-width 2.2621572 × 70 / 3
    # = 52.78367; interval 10 − 52.78367 = −42.78367 to 10 + 52.78367 = 62.78367.
    c = County(tmp_path / "c.duckdb")
    for n, score in enumerate((10, 9, 9, 8, 8, 7, 7, 7, 3, 0)):
        answer(c, f"R{n}", f"2025-03-{n + 3:02d} 12:00", recommendation=score)
    answer(c, "R-none", "2025-03-20 12:00")
    src = c.sources()
    out = rows(src, NPS, "2025-03-01", "2025-03-31")
    assert len(out) == 1
    row = out.iloc[0]
    assert row["denominator"] == 10 and pd.isna(row["numerator"])
    assert row["value"] == pytest.approx(10.0)
    assert row["low"] == pytest.approx(-42.78367, abs=1e-4)
    assert row["high"] == pytest.approx(62.78367, abs=1e-4)
    # The answer count includes the answer without a recommendation: 11.
    assert rows(src, RESPONSES, "2025-03-01", "2025-03-31")["numerator"].tolist() == [11]


def test_nps_by_unit_and_language_on_the_helsinki_date(tmp_path: Path) -> None:
    # U1: 10 and 0 → (100 − 100) / 2 = 0. U2 (Swedish): 9, 9, 6 → (200 − 100) / 3 = 33.33…
    # R5 answered 2025-04-01 00:30 Helsinki time (2025-03-31 21:30 UTC): April by its
    # Helsinki date, so outside March.
    c = County(tmp_path / "c.duckdb")
    answer(c, "R1", "2025-03-03 12:00", recommendation=10)
    answer(c, "R2", "2025-03-04 12:00", recommendation=0)
    for n, score in enumerate((9, 9, 6)):
        answer(c, f"S{n}", f"2025-03-1{n} 12:00", unit_id="U2", language="sv",
               recommendation=score)
    answer(c, "R5", "2025-04-01 00:30", recommendation=0)
    src = c.sources()
    out = rows(src, NPS, "2025-03-01", "2025-03-31", dims=("unit", "language"))
    assert out[["unit", "language", "denominator"]].values.tolist() == [
        ["U1", "fi", 2], ["U2", "sv", 3]]
    assert out["value"].tolist() == pytest.approx([0.0, 100 / 3])
    assert rows(src, NPS, "2025-04-01", "2025-04-30")["value"].tolist() == [-100.0]


def test_statement_agreement_counts_four_and_five(tmp_path: Path) -> None:
    # Five answers in May 2025. access: 5, 4, 3, 2 and one unanswered → agree 2 of 4.
    # safety: 4, 4, 1, 5, 5 → 4 of 5. The other four statements unanswered → no rows.
    c = County(tmp_path / "c.duckdb")
    access = (5, 4, 3, 2, None)
    safety = (4, 4, 1, 5, 5)
    for n in range(5):
        answer(c, f"R{n}", f"2025-05-{n + 5:02d} 12:00", recommendation=8,
               statement_access=access[n], statement_safety=safety[n])
    out = rows(c.sources(), AGREEMENT, "2025-05-01", "2025-05-31")
    assert out[["period", "statement", "numerator", "denominator"]].values.tolist() == [
        ["2025-05", "access", 2, 4], ["2025-05", "safety", 4, 5]]
    assert out["value"].tolist() == pytest.approx([0.5, 0.8])


def test_answer_counts_by_response_channel_and_service_area(tmp_path: Path) -> None:
    # June 2025: sms ×3, web ×2 at U1 (primary care); chat_survey ×1 at D1 (primary care).
    c = County(tmp_path / "c.duckdb")
    for n, channel in enumerate(("sms", "sms", "sms", "web", "web")):
        answer(c, f"R{n}", f"2025-06-{n + 2:02d} 12:00", response_channel=channel)
    answer(c, "C1", "2025-06-10 12:00", unit_id="D1", service_channel="chat",
           response_channel="chat_survey")
    src = c.sources()
    out = rows(src, RESPONSES, "2025-06-01", "2025-06-30", dims=("response_channel",))
    assert out[["response_channel", "numerator"]].values.tolist() == [
        ["chat_survey", 1], ["sms", 3], ["web", 2]]
    out = rows(src, RESPONSES, "2025-06-01", "2025-06-30",
               dims=("service_area", "service_channel"))
    assert out[["service_area", "service_channel", "numerator"]].values.tolist() == [
        ["primary_care", "chat", 1], ["primary_care", "physical", 5]]


def test_fewer_than_five_answers_are_hidden(tmp_path: Path) -> None:
    # U1 has 5 answers (shown at minimum 5), U2 has 4 (hidden): NPS, count and agreement.
    c = County(tmp_path / "c.duckdb")
    for n in range(5):
        answer(c, f"A{n}", f"2025-03-{n + 2:02d} 12:00", recommendation=10,
               statement_treatment=5)
    for n in range(4):
        answer(c, f"B{n}", f"2025-03-{n + 2:02d} 12:00", unit_id="U2", recommendation=10,
               statement_treatment=5)
    src = c.sources()
    for indicator in (NPS, RESPONSES, AGREEMENT):
        out = rows(src, indicator, "2025-03-01", "2025-03-31", dims=("unit",),
                   min_cell_size=5)
        assert out[["unit", "suppressed"]].values.tolist() == [["U1", False], ["U2", True]]
        assert out["value"].isna().tolist() == [False, True]
    # All nine together are shown: NPS +100 from 9 answers.
    total = rows(src, NPS, "2025-03-01", "2025-03-31", min_cell_size=5)
    assert total[["denominator", "value", "suppressed"]].values.tolist() == [[9, 100.0, False]]


def test_comments_by_unit_and_period_newest_first_without_empty_ones(tmp_path: Path) -> None:
    # March 2025 at U1: R1 (10 Mar, "Hyvää palvelua."), R2 (12 Mar, empty string), R3
    # (13 Mar, spaces only), R7 (20 Mar, no comment) and R8 (31 Mar 23:30 Helsinki, still
    # March). Outside: R4 at U2 (11 Mar), R5 at 1 Apr 00:30 Helsinki (31 Mar 21:30 UTC: April
    # by the Helsinki date), R6 on 28 Feb.
    # U1 in March: R8, R1 (newest first). Every unit: R8, R4, R1.
    c = County(tmp_path / "c.duckdb")
    answer(c, "R1", "2025-03-10 09:00", recommendation=9, comment="Hyvää palvelua.")
    answer(c, "R2", "2025-03-12 09:00", comment="")
    answer(c, "R3", "2025-03-13 09:00", comment="   ")
    answer(c, "R4", "2025-03-11 09:00", unit_id="U2", language="sv", comment="Bra service.")
    answer(c, "R5", "2025-04-01 00:30", comment="Liian myöhään.")
    answer(c, "R6", "2025-02-28 09:00", comment="Helmikuussa.")
    answer(c, "R7", "2025-03-20 09:00", recommendation=5)
    answer(c, "R8", "2025-03-31 23:30", recommendation=3, service_channel="phone",
           comment="Jonotin pitkään.")
    backend = c.sources().backend
    listed = comments(backend, date(2025, 3, 1), date(2025, 3, 31), ["U1"])
    assert list(listed.columns) == ["response_id", "unit_id", "responded_on", "service",
                                    "service_channel", "language", "recommendation",
                                    "comment"]
    assert listed.values.tolist() == [
        ["R8", "U1", date(2025, 3, 31), "general_practice", "phone", "fi", 3,
         "Jonotin pitkään."],
        ["R1", "U1", date(2025, 3, 10), "general_practice", "physical", "fi", 9,
         "Hyvää palvelua."]]
    assert comments(backend, date(2025, 3, 1), date(2025, 3, 31), None)[
        "response_id"].tolist() == ["R8", "R4", "R1"]
    assert comments(backend, date(2025, 4, 1), date(2025, 4, 30), None)[
        "response_id"].tolist() == ["R5"]
    assert comments(backend, date(2025, 3, 1), date(2025, 3, 31), []).empty
