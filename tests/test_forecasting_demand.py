"""Demand forecasts: the count-series reader against a hand-built county, the Finnish holiday
regressor for known weeks and months, suppression, and the backtest against the seasonal
naive on the synthetic county."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from county import County

from tilannekuva.errors import TilannekuvaError
from tilannekuva.forecasting.backtest import backtest_rows, summarise_backtest
from tilannekuva.forecasting.calendar import calendar_table
from tilannekuva.forecasting.demand import MODEL_NAME, assemble, forecast
from tilannekuva.forecasting.series import read_series


def _referrals(tmp_path: Path) -> Path:
    """Seven referrals. The first (Wed 1 Jan 2025) and the last (Sun 2 Feb) set the span; the
    week of 30 Dec is cut by the first day, so whole weeks run 6, 13, 20 and 27 Jan."""
    c = County(tmp_path / "c.duckdb")
    for rid, person, specialty, when in (
            ("R1", "P1", "internal_medicine", "2025-01-01 10:00"),
            ("R2", "P1", "internal_medicine", "2025-01-06 09:00"),
            ("R3", "P2", "internal_medicine", "2025-01-07 09:00"),
            ("R4", "P1", "internal_medicine", "2025-01-12 23:30"),
            # 00:30 on Monday in Helsinki is Sunday in UTC: it belongs to the week of 13 Jan.
            ("R5", "P3", "orthopaedics", "2025-01-13 00:30"),
            ("R6", "P1", "internal_medicine", "2025-01-29 12:00"),
            ("R7", "P2", "orthopaedics", "2025-02-02 12:00")):
        if person not in {r["person_id"] for r in c.rows["persons"]}:
            c.person(person)
        c.add("referrals", referral_id=rid, person_id=person, specialty=specialty,
              received_at=when)
    return c.write()


def test_weekly_referrals_by_specialty_counted_by_hand(tmp_path):
    series = read_series(_referrals(tmp_path), "referrals", "week", ("specialty",))
    got = series.counts.pivot(index="period", columns="specialty", values="value")
    # Week of 6 Jan: R2, R3, R4 (R4 late on Sunday is still that week); 13 Jan: R5; 20 Jan:
    # none (a zero, not a missing row); 27 Jan: R6 and R7 (2 Feb is that week's Sunday).
    assert list(got.index.strftime("%Y-%m-%d")) == ["2025-01-06", "2025-01-13", "2025-01-20",
                                                     "2025-01-27"]
    assert got["internal_medicine"].tolist() == [3, 0, 0, 1]
    assert got["orthopaedics"].tolist() == [0, 1, 0, 1]
    persons = series.counts.pivot(index="period", columns="specialty", values="persons")
    # R2 and R4 are the same person P1: three referrals, two persons.
    assert persons["internal_medicine"].tolist() == [2, 0, 0, 1]
    assert set(series.counts.series_id) == {"referrals|specialty=internal_medicine",
                                            "referrals|specialty=orthopaedics"}


def test_monthly_series_keeps_whole_months_only(tmp_path):
    series = read_series(_referrals(tmp_path), "referrals", "month")
    # The span 1 Jan – 2 Feb holds one whole month; January has R1–R6, February's R7 is cut.
    assert series.counts["period"].dt.strftime("%Y-%m").tolist() == ["2025-01"]
    assert series.counts["value"].tolist() == [6]


def test_ed_arrivals_are_uncancelled_visits_at_the_emergency_department(tmp_path):
    c = County(tmp_path / "c.duckdb")
    for vid, unit, status in (("V1", "ED", "done"), ("V2", "ED", "no_show"),
                              ("V3", "ED", "cancelled"), ("V4", "U1", "done")):
        c.add("visits", visit_id=vid, unit_id=unit, status=status, service="emergency",
              start_at="2025-03-04 10:00")
    c.add("visits", visit_id="V0", unit_id="ED", start_at="2025-03-03 08:00")
    c.add("visits", visit_id="V9", unit_id="ED", start_at="2025-03-09 20:00")
    series = read_series(c.write(), "ed_arrivals", "week")
    # One whole week (3–9 March): V0, V1, V2 (a no-show at the ED arrived) and V9; V3 was
    # cancelled and V4 was at a health station.
    assert series.counts["value"].tolist() == [4]


def test_unknown_series_and_dimension_are_named(tmp_path):
    db = _referrals(tmp_path)
    with pytest.raises(TilannekuvaError, match="No series 'beds'"):
        read_series(db, "beds")
    with pytest.raises(TilannekuvaError, match="no dimension service"):
        read_series(db, "referrals", by=("service",))


def test_holiday_regressor_of_known_weeks_and_months():
    starts = pd.DatetimeIndex(["2025-12-22", "2025-06-16", "2025-04-14", "2025-04-21",
                               "2025-03-10"])
    got = calendar_table(starts, "week").set_index("period")
    # holidays.Finland lists Christmas Eve and Midsummer Eve (days off in practice) beside
    # the statutory holidays. Christmas week 2025: Wed 24, Thu 25, Fri 26 Dec → 3 weekday
    # holidays, 2 working days. Midsummer: Eve Fri 20 June is one, Midsummer Day falls on
    # Saturday. Easter 2025: Good Friday 18 April in one week, Easter Monday 21 April in the
    # next. 10 March 2025 is an ordinary week.
    assert got["weekday_holidays"].tolist() == [3, 1, 1, 1, 0]
    assert got["working_days"].tolist() == [2, 4, 4, 4, 5]
    month = calendar_table(pd.DatetimeIndex(["2025-12-01"]), "month")
    # December 2025 has 23 weekdays (1 Dec is a Monday); 24–26 Dec are weekday holidays and
    # Independence Day (6 Dec) is a Saturday: 20 working days.
    assert month["working_days"].tolist() == [20]


def test_small_series_are_suppressed(tmp_path):
    series = read_series(_referrals(tmp_path), "referrals", "week", ("specialty",))
    ahead = pd.DataFrame({"series_id": ["referrals|specialty=orthopaedics"],
                          "period": [pd.Timestamp("2025-02-03")], "model": [MODEL_NAME],
                          "value": [1.0], "lo80": [0.0], "hi80": [2.0], "lo95": [0.0],
                          "hi95": [3.0]})
    rows = assemble(series, ahead, min_cell_size=2)
    actual = rows[rows.kind == "actual"].set_index(["specialty", "period"])
    # Internal medicine's week of 6 Jan has 2 persons (shown at minimum 2); every other
    # week has at most 1 person and is hidden. Orthopaedics' median is below 2 persons a
    # week, so its forecast is hidden too.
    shown = actual[~actual.suppressed]
    assert shown.index.tolist() == [("internal_medicine", pd.Timestamp("2025-01-06"))]
    assert shown["value"].tolist() == [3]
    assert actual[actual.suppressed]["value"].isna().all()
    future = rows[rows.kind == "forecast"]
    assert future["suppressed"].all() and future[["value", "lo95", "hi95"]].isna().all().all()


@pytest.fixture(scope="module")
def synthetic_weeks(tmp_path_factory) -> object:
    """Weekly visits by service of a small synthetic county (6,000 residents, 3 years): the
    generator draws demand with a winter peak, a July dip and office services closed on
    Finnish holidays (synth/timeline.py), so the series are seasonal by construction."""
    from tilannekuva.synth import synthesize_county

    db = tmp_path_factory.mktemp("synth") / "county.duckdb"
    synthesize_county(db, residents=6_000, years=3, seed=3, workers=1)
    return read_series(db, "visits", "week", ("service",))


@pytest.mark.slow
def test_backtest_beats_seasonal_naive_on_synthetic_county(synthetic_weeks):
    rows = backtest_rows(synthetic_weeks, min_cell_size=5)
    summary = summarise_backtest(rows).set_index("model")
    ours = summary.loc[MODEL_NAME]
    # The seasonal naive repeats last year's week, with its noise and its holidays on the
    # wrong dates; the regression averages the season over the years and moves the holidays.
    assert ours["geomean_rmae"] < 1
    assert ours["mean_mase"] < summary.loc["seasonal_naive", "mean_mase"]
    assert ours["share_better"] > 0.5
    # Calibration: nominal 80 % and 95 %; a reasonable share of tested weeks falls inside.
    assert 0.6 <= ours["coverage80"] <= 0.95
    assert 0.8 <= ours["coverage95"] <= 1.0
    assert ours["coverage80"] <= ours["coverage95"]


@pytest.mark.slow
def test_forecast_intervals_nest(synthetic_weeks):
    ahead = forecast(synthetic_weeks, horizon=13)
    assert len(ahead) == 2 * 13 * synthetic_weeks.counts.series_id.nunique()
    assert (ahead.period.min() - synthetic_weeks.counts.period.max()).days == 7
    ordered = ((ahead.lo95 <= ahead.lo80) & (ahead.lo80 <= ahead.value)
               & (ahead.value <= ahead.hi80) & (ahead.hi80 <= ahead.hi95))
    assert ordered.all()
    assert (ahead[["value", "lo80", "lo95"]] >= 0).all().all()
