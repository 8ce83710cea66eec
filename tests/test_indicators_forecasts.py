"""The registry's demand forecasts (`indicators/forecasts.py`, `forecasting/monthly.py`) on
hand-built counties whose answer is known without the model.

The county: referrals to internal medicine, the same every year from 2023 to 2025: month m
(1–12) has 5 + m referrals (6 in January … 17 in December), from as many different persons,
received on the last 5 + m days of the month (so the last day of every month has one and the
data end on 2025-12-31). A series that repeats exactly is forecast without error by the
seasonal naive (the same month a year earlier), so its backtest error is 0 and it is the model
chosen; its forecast for January–March 2026 is 6, 7 and 8 with no spread (95 % interval of
width 0).
"""

from __future__ import annotations

import calendar
from datetime import date

import pandas as pd
import pytest
from county import County

from tilannekuva.forecasting.backtest import chosen_models
from tilannekuva.forecasting.demand import BASELINE_NAME, MODEL_NAME
from tilannekuva.forecasting.series import CountSeries
from tilannekuva.indicators import Query, Sources, compute


def _yearly_referrals(county: County, years=(2023, 2024, 2025), specialty="internal_medicine",
                      prefix="R", persons: int | None = None) -> County:
    for year in years:
        for month in range(1, 13):
            last = calendar.monthrange(year, month)[1]
            for i in range(5 + month):
                person = f"{prefix}P{(i % persons) if persons else i}"
                county.add("referrals", referral_id=f"{prefix}{year}{month:02d}{i:02d}",
                           person_id=person, specialty=specialty,
                           received_at=f"{year}-{month:02d}-{last - i:02d} 10:00")
    return county


def _rows(src: Sources, start: date, end: date, dimensions=()):
    return compute(src, Query(("referrals_forecast",), start, end, "month", dimensions), 5)


@pytest.fixture(scope="module")
def repeating(tmp_path_factory):
    return _yearly_referrals(County(tmp_path_factory.mktemp("f") / "county.duckdb")).sources()


def test_history_months_are_counts_and_the_next_quarter_is_last_years_months(repeating):
    rows = _rows(repeating, date(2025, 10, 1), date(2025, 12, 31))
    assert rows["period"].tolist() == ["2025-10", "2025-11", "2025-12",
                                       "2026-01", "2026-02", "2026-03"]
    # Each row says what it is: a counted month or a forecast one.
    assert rows["kind"].tolist() == ["actual"] * 3 + ["forecast"] * 3
    history, ahead = rows.iloc[:3], rows.iloc[3:]
    # October–December: 5 + 10, 5 + 11, 5 + 12 referrals, counted.
    assert history["numerator"].tolist() == [15, 16, 17]
    assert history["value"].tolist() == [15.0, 16.0, 17.0]
    assert history["low"].isna().all() and history["high"].isna().all()
    # January–March 2026: last year's 6, 7, 8, with an interval of no width.
    assert ahead["numerator"].isna().all() and ahead["denominator"].isna().all()
    assert ahead["value"].astype(float).tolist() == pytest.approx([6, 7, 8], abs=1e-6)
    assert ahead["low"].astype(float).tolist() == pytest.approx([6, 7, 8], abs=1e-6)
    assert ahead["high"].astype(float).tolist() == pytest.approx([6, 7, 8], abs=1e-6)
    assert not rows["suppressed"].any()


def test_a_month_cut_by_the_period_end_is_forecast_not_counted(repeating):
    # The period ends on 2025-12-15: December is not whole, so the history stops at
    # November and December is the first month forecast (17, as in December 2024).
    rows = _rows(repeating, date(2025, 11, 1), date(2025, 12, 15))
    assert rows["period"].tolist() == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert rows["kind"].tolist() == ["actual", "forecast", "forecast", "forecast"]
    assert rows["numerator"].tolist()[:1] == [16]
    assert rows["value"].astype(float).tolist()[1:] == pytest.approx([17, 6, 7], abs=1e-6)


def test_the_forecast_is_made_from_the_history_before_the_shown_months(repeating):
    # Only 2024-06 is shown, but the model sees 2023-01 … 2024-06 (18 whole months) and
    # forecasts July–September as in 2023: 12, 13, 14. 18 months are too few for a backtest
    # (14 + 4 windows of 3), so the harmonic regression is kept; its yearly terms and working
    # days reproduce a pattern repeated exactly to well within a hundredth.
    rows = _rows(repeating, date(2024, 6, 1), date(2024, 6, 30))
    assert rows["period"].tolist() == ["2024-06", "2024-07", "2024-08", "2024-09"]
    assert rows["numerator"].tolist()[0] == 11
    assert rows["value"].astype(float).tolist()[1:] == pytest.approx([12, 13, 14], abs=0.01)


def test_under_fourteen_whole_months_there_is_no_forecast(repeating):
    # Up to 2024-01: 13 whole months (2023-01 … 2024-01), one short of a year and two.
    rows = _rows(repeating, date(2023, 12, 1), date(2024, 1, 31))
    assert rows["period"].tolist() == ["2023-12", "2024-01"]
    assert rows["numerator"].tolist() == [17, 6]


def test_a_series_of_few_persons_is_hidden_in_history_and_forecast(tmp_path):
    # Neurology referrals come from 4 persons only (below the minimum of 5) every month:
    # its counted months and its forecast months are all suppressed; internal medicine's not.
    county = _yearly_referrals(County(tmp_path / "county.duckdb"))
    _yearly_referrals(county, specialty="neurology", prefix="N", persons=4)
    rows = _rows(county.sources(), date(2025, 12, 1), date(2025, 12, 31), ("specialty",))
    neurology = rows[rows["specialty"] == "neurology"]
    assert neurology["period"].tolist() == ["2025-12", "2026-01", "2026-02", "2026-03"]
    assert neurology["kind"].tolist() == ["actual", "forecast", "forecast", "forecast"]
    assert neurology["suppressed"].all() and neurology["value"].isna().all()
    medicine = rows[rows["specialty"] == "internal_medicine"]
    assert not medicine["suppressed"].any()
    assert medicine["value"].astype(float).tolist() == pytest.approx([17, 6, 7, 8], abs=1e-6)


def test_the_backtest_keeps_the_regression_where_last_year_is_a_poor_guess():
    # Two monthly series over 2023–2025: A repeats the same year exactly (the seasonal naive
    # is never wrong, so it is chosen); B climbs by 5 a month with no season, so last year's
    # value is always 60 too low, while the regression with its AR(1) errors follows the
    # latest level and misses by less: the regression is kept for B.
    months = pd.date_range("2023-01-01", "2025-12-01", freq="MS")
    a = [5 + m.month for m in months]
    b = [100 + 5 * i for i in range(len(months))]
    frame = pd.DataFrame({"series_id": ["A"] * len(months) + ["B"] * len(months),
                          "period": list(months) * 2, "value": a + b,
                          "persons": a + b})
    counts = CountSeries("test", "month", (), date(2023, 1, 1), date(2025, 12, 31), frame)
    chosen = chosen_models(counts)
    assert chosen["A"] == BASELINE_NAME
    assert chosen["B"] == MODEL_NAME


def test_data_within_one_unfinished_month_gives_no_rows(tmp_path):
    # Three referrals on 1–3 March 2025, the data's end: March is not whole, so nothing is
    # counted and there is nothing to forecast from.
    county = County(tmp_path / "county.duckdb")
    for day in (1, 2, 3):
        county.add("referrals", referral_id=f"R{day}", person_id=f"P{day}",
                   received_at=f"2025-03-0{day} 10:00")
    assert _rows(county.sources(), date(2025, 1, 1), date(2025, 3, 31)).empty
