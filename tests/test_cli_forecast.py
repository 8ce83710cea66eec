"""`tilannekuva forecast` end to end against a small hand-built county: the history rows it
writes are the counts the county was built with, the forecast covers exactly the horizon
asked, the backtest tests exactly windows × horizon periods with the seasonal naive's error
worked out by hand, and user mistakes (too short a series, an unknown series, dimension,
grain or file type) end in one plain message and exit code 2, never a traceback."""

from __future__ import annotations

import calendar
from pathlib import Path

import pandas as pd
import pytest
from county import County
from typer.testing import CliRunner

from tilannekuva.cli import app

#: Referrals per month, January 2023 … February 2025 (26 whole months), by specialty.
#: Internal medicine repeats a yearly pattern of 6 … 11 plus one more each year; orthopaedics
#: climbs by one every six months from 5.
MONTHS = pd.date_range("2023-01-01", periods=26, freq="MS")
INTERNAL = [6 + (i % 12) // 2 + i // 12 for i in range(26)]
ORTHO = [5 + i // 6 for i in range(26)]


def build(path: Path, months: pd.DatetimeIndex = MONTHS) -> Path:
    """Referrals on known days: the last of each month's referrals falls on the month's last
    day, so the span (first to last event day) ends on a month end and every month is whole.
    Each referral of a month is from a different one of seven persons (P0 … P6), so every
    month has min(count, 7) ≥ 5 distinct persons and nothing is suppressed at the default
    minimum cell size of 5."""
    c = County(path)
    for k in range(7):
        c.person(f"P{k}")
    n = 0
    for i, month in enumerate(months):
        last_day = calendar.monthrange(month.year, month.month)[1]
        for specialty, count in (("internal_medicine", INTERNAL[i]), ("orthopaedics", ORTHO[i])):
            for j in range(count):
                day = last_day if j == count - 1 else 1 + j
                c.add("referrals", referral_id=f"R{n}", person_id=f"P{j % 7}",
                      specialty=specialty,
                      received_at=f"{month.year}-{month.month:02d}-{day:02d} 10:00")
                n += 1
    return c.write()


@pytest.fixture
def default_settings(tmp_path, monkeypatch):
    """The shipped defaults (min_cell_size 5), whatever the machine's environment says."""
    monkeypatch.chdir(tmp_path)
    for name in ("TILANNEKUVA_CONFIG", "TILANNEKUVA_MIN_CELL_SIZE", "TILANNEKUVA_DATABASE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def county(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("forecast") / "county.duckdb")


def invoke(*args: str):
    return CliRunner().invoke(app, ["forecast", *args])


def test_history_rows_are_the_built_counts_and_the_forecast_spans_the_horizon(
        county, tmp_path, default_settings):
    out = tmp_path / "forecast.csv"
    result = invoke("referrals", "--grain", "month", "--by", "specialty", "--horizon", "4",
                    "--db", str(county), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "Forecast of referrals by month" in " ".join(result.output.split())
    rows = pd.read_csv(out, encoding="utf-8-sig", parse_dates=["period"])
    assert len(rows) == 2 * (26 + 4)
    assert f"Wrote {len(rows)} rows" in result.output
    actual = rows[rows.kind == "actual"].pivot(index="period", columns="specialty",
                                               values="value")
    assert list(actual.index) == list(MONTHS)
    assert actual["internal_medicine"].tolist() == INTERNAL
    assert actual["orthopaedics"].tolist() == ORTHO
    ahead = rows[rows.kind == "forecast"]
    # Four months after February 2025, per specialty, by the model only (no baseline rows).
    for _, mine in ahead.groupby("specialty"):
        assert mine.period.dt.strftime("%Y-%m").tolist() == ["2025-03", "2025-04", "2025-05",
                                                             "2025-06"]
    assert set(ahead.model) == {"harmonic_arima"}
    assert not rows.suppressed.any()
    assert ((ahead.lo95 <= ahead.lo80) & (ahead.lo80 <= ahead.value)
            & (ahead.value <= ahead.hi80) & (ahead.hi80 <= ahead.hi95)).all()


def test_backtest_tests_windows_times_horizon_and_the_naive_error_is_by_hand(
        county, tmp_path, default_settings):
    out = tmp_path / "f.parquet"
    result = invoke("referrals", "--grain", "month", "--by", "specialty", "--horizon", "2",
                    "--backtest", "--windows", "2", "--db", str(county), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "Backtest: 2 origins × 2 months" in " ".join(result.output.split())
    tested = pd.read_parquet(tmp_path / "f-backtest.parquet").set_index(["specialty", "model"])
    assert len(tested) == 2 * 2  # two specialties × (model, seasonal naive)
    assert (tested.points == 2 * 2).all()
    # The last four months are tested: Nov 2024 … Feb 2025 (i = 22 … 25). The seasonal naive
    # forecasts each by the same month a year earlier (i − 12), from an origin at most two
    # months back, so always from actual history.
    # Internal medicine: y_i − y_(i−12) = 1 every month (the yearly step) → MAE 1.
    # Orthopaedics: 5 + i//6 against 5 + (i−12)//6 → 2 every month → MAE 2.
    naive = tested.xs("seasonal_naive", level="model")
    assert naive.loc["internal_medicine", "mae"] == pytest.approx(1.0)
    assert naive.loc["orthopaedics", "mae"] == pytest.approx(2.0)
    assert naive.rmae.tolist() == pytest.approx([1.0, 1.0])  # the baseline against itself
    # MASE scales by the naive's in-sample MAE before the first origin (Oct 2024, i = 21):
    # 1 for internal medicine (i = 12 … 21), 2 for orthopaedics — so the naive's MASE is 1.
    assert naive.mase.tolist() == pytest.approx([1.0, 1.0])


def test_too_short_a_series_is_a_plain_error(tmp_path, default_settings):
    short = build(tmp_path / "short.duckdb", MONTHS[:10])
    result = invoke("referrals", "--grain", "month", "--db", str(short))
    # Ten whole months; a forecast needs a year plus two (the seasonal lag and two more).
    assert result.exit_code == 2
    assert "has 10 whole periods" in result.output and "at least 14" in result.output
    assert "Traceback" not in result.output
    result = invoke("referrals", "--grain", "month", "--horizon", "3", "--backtest",
                    "--db", str(county_path := build(tmp_path / "c.duckdb")))
    # 26 months; a backtest of 4 windows of 3 needs 14 + 12 = 26: just enough. 5 windows not.
    assert result.exit_code == 0, result.output
    result = invoke("referrals", "--grain", "month", "--horizon", "3", "--backtest",
                    "--windows", "5", "--db", str(county_path))
    assert result.exit_code == 2
    assert "backtest of 5 windows of 3 needs at least 29" in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["beds"], "No series 'beds'; choose one of referrals, assessments, visits, ed_arrivals, "
               "social_initiations, contacts"),
    (["referrals", "--by", "service"], "Series referrals has no dimension service; choose "
                                       "from specialty, unit, priority"),
    (["referrals", "--grain", "day"], "--grain must be week or month, not 'day'"),
    (["referrals", "--grain", "month", "--out", "f.txt"], "the file name must end in"),
])
def test_mistakes_name_the_choices(county, args, message, default_settings):
    result = invoke(*args, "--db", str(county))
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output
