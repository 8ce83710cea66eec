"""The demand forecasts page (/forecasts) and its API (/api/v1/forecasts/...) in-process, over a
small hand-built county with enough history for a forecast and a backtest. These tests check
the page's and the API's plumbing — the series and value chosen, the horizon, the history
shown, suppression, errors — against `forecast_table` and `backtest_table` called directly on
the same file; the model itself is tested in test_forecasting_demand.py. The page's
accessibility is in the axe checks of test_web_browser.py.

The county (`forecast_county`): referrals received on Mondays at 10:00, Helsinki time, in the
120 weeks k = 0…119 from Monday 2 January 2023:

- internal medicine: 6 + (7k mod 5) referrals in week k (6 to 10), each by a different one of
  the persons P0…P9, so week k has that many persons behind it (at least 6, above the minimum
  count 5: shown);
- orthopaedics: 2 referrals when k is a multiple of 3, else 1, always by the one person Q1:
  every week has 1 person behind it, below 5, so every count and the forecast are hidden.

The last event is on the Monday of week 119 (14 April 2025), which cuts that week: the whole
weeks are k = 0…118 (119 of them), and the forecast starts on 14 April 2025. The page shows
the last two years, 104 weeks: k = 15…118.
"""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
import web_county
from county import County
from fastapi.testclient import TestClient
from web_county import bearer, client_for

from tilannekuva.config import Settings
from tilannekuva.forecasting.backtest import backtest_table
from tilannekuva.forecasting.demand import forecast_table
from tilannekuva.indicators import Query, Sources, compute, duckdb_file
from tilannekuva.web.app import create_app
from tilannekuva.web.i18n import catalogue

pytestmark = pytest.mark.slow

FIRST = date(2023, 1, 2)
WEEKS = 120
HORIZON = 8
EN = catalogue("en")
CHOSEN = "by=specialty&specialty=internal_medicine"
ANALYST = "analyytikko"


def internal(k: int) -> int:
    return 6 + (7 * k) % 5


def monday(k: int) -> date:
    return FIRST + timedelta(weeks=k)


def forecast_county(path: Path) -> Path:
    county = County(path)
    for k in range(WEEKS):
        day = f"{monday(k).isoformat()} 10:00"
        for j in range(internal(k)):
            county.add("referrals", referral_id=f"I{k}-{j}", person_id=f"P{j}",
                       specialty="internal_medicine", received_at=day)
        for j in range(2 if k % 3 == 0 else 1):
            county.add("referrals", referral_id=f"O{k}-{j}", person_id="Q1",
                       specialty="orthopaedics", received_at=day)
    return web_county.with_users(county)


@pytest.fixture(scope="module")
def county(tmp_path_factory) -> Path:
    return forecast_county(tmp_path_factory.mktemp("forecasts") / "county.duckdb")


@pytest.fixture(scope="module")
def expected(county) -> dict[str, pd.DataFrame]:
    """The library called directly on the file, before the server holds it."""
    src = Sources(duckdb_file(county))
    try:
        registry = compute(src, Query(("referrals_forecast",), date(2024, 4, 1),
                                      date(2025, 4, 30), "month"), 5)
    finally:
        src.backend.disconnect()
    return {"by_specialty": forecast_table(county, "referrals", "week", HORIZON,
                                           by=("specialty",), min_cell_size=5),
            "backtest": backtest_table(county, "referrals", "week", min_cell_size=5),
            "registry": registry}


@pytest.fixture(scope="module")
def app(county, expected):
    return create_app(county, Settings(database=county, min_cell_size=5, pseudonym_key=None))


def table_of(html: str, name: str) -> str:
    return re.search(rf'<table class="numbers {name}">.*?</table>', html, re.S).group()


def forecast_rows(html: str) -> dict[str, tuple[float, ...]]:
    """period → (value, low80, high80, low95, high95) of the page's forecast table."""
    out = {}
    for period, row in re.findall(r'<tr data-period="([\d-]+)">(.*?)</tr>',
                                  table_of(html, "forecast"), re.S):
        value = re.search(r'data-value="([^"]+)"', row)
        bounds = re.findall(r'data-low="([^"]+)" data-high="([^"]+)"', row)
        out[period] = (() if value is None else
                       (float(value.group(1)), *(float(b) for pair in bounds for b in pair)))
    return out


def mine(table: pd.DataFrame, specialty: str, kind: str) -> pd.DataFrame:
    return table[(table["specialty"] == specialty) & (table["kind"] == kind)]


# --- the page ------------------------------------------------------------------------------

def test_the_page_shows_the_forecast_of_the_chosen_value_as_the_library_gives_it(app, expected):
    html = client_for(app, ANALYST).get(
        f"/forecasts?series=referrals&{CHOSEN}&horizon={HORIZON}").text
    shown = forecast_rows(html)
    # The forecast starts on the Monday of the cut week 119 (14 April 2025), 8 weeks.
    assert list(shown) == [monday(119 + i).isoformat() for i in range(HORIZON)]
    assert monday(119) == date(2025, 4, 14)
    library = mine(expected["by_specialty"], "internal_medicine", "forecast")
    for row in library.itertuples():
        assert shown[row.period.date().isoformat()] == (
            row.value, row.lo80, row.hi80, row.lo95, row.hi95)  # the very same numbers
    # The history: the last 104 whole weeks, k = 15…118, counted by hand.
    history = dict(re.findall(r'<tr data-period="([\d-]+)">.*?data-value="([^"]+)"',
                              table_of(html, "history"), re.S))
    assert history == {monday(k).isoformat(): str(float(internal(k))) for k in range(15, 119)}
    assert "svg" in html and 'class="chart forecast"' in html
    assert 'aria-current="page"' in re.search(r'<a href="/forecasts".*?>', html).group()


def test_the_download_holds_the_history_and_forecast_of_the_page(app, expected):
    client = client_for(app, ANALYST)
    query = f"series=referrals&{CHOSEN}&horizon={HORIZON}"
    assert f'href="/forecasts/download.csv?{query}"'.replace("&", "&amp;") in client.get(
        f"/forecasts?{query}").text
    response = client.get(f"/forecasts/download.csv?{query}")
    assert response.status_code == 200
    assert "tilannekuva-forecast-referrals.csv" in response.headers["content-disposition"]
    rows = pd.read_csv(io.BytesIO(response.content), encoding="utf-8-sig")
    # Every whole week k = 0…118 counted by hand, then the 8 forecast weeks of the library.
    actual = rows[rows["kind"] == "actual"]
    assert actual["period"].tolist() == [monday(k).isoformat() for k in range(119)]
    assert actual["value"].tolist() == [float(internal(k)) for k in range(119)]
    ahead = rows[rows["kind"] == "forecast"]
    library = mine(expected["by_specialty"], "internal_medicine", "forecast")
    assert ahead["period"].tolist() == [p.date().isoformat() for p in library["period"]]
    for column in ("value", "lo80", "hi80", "lo95", "hi95"):
        assert ahead[column].tolist() == pytest.approx(library[column].astype(float).tolist())
    # A bad choice is refused with its reason, not a file.
    refused = client.get("/forecasts/download.xlsx?series=nothing")
    assert refused.status_code == 400 and "nothing" in refused.text
    excel = client.get(f"/forecasts/download.xlsx?{query}")
    assert len(pd.read_excel(io.BytesIO(excel.content))) == 119 + HORIZON


def test_a_hidden_series_shows_no_numbers(app):
    html = client_for(app, ANALYST).get(
        f"/forecasts?series=referrals&by=specialty&specialty=orthopaedics&horizon={HORIZON}").text
    # One person a week: every count and the forecast hidden, no chart drawn (an axis
    # would tell the size of the counts).
    assert "data-value" not in html and "data-low" not in html
    assert 'class="chart forecast"' not in html
    assert EN["forecasts.hidden"].format(n=5).replace("'", "&#39;") in html
    forecast = table_of(html, "forecast")
    assert forecast.count(EN["figure.suppressed"]) == HORIZON
    assert table_of(html, "history").count(EN["figure.suppressed"]) == 104


def test_the_backtest_on_the_page_is_the_librarys(app, expected):
    html = client_for(app, ANALYST).get("/forecasts?series=referrals&backtest=1").text
    table = table_of(html, "backtest")
    for row in expected["backtest"].itertuples():
        cells = re.search(rf'<tr data-model="{row.model}">.*?</tr>', table, re.S).group()
        got = dict(re.findall(r'<td class="num (\w+)"><span class="figure" '
                              r'data-value="([^"]+)"', cells))
        assert {k: float(v) for k, v in got.items()} == {
            "mase": row.mase, "rmae": row.rmae, "mae": row.mae, "coverage80": row.coverage80,
            "coverage95": row.coverage95}, row.model
    assert "MASE" in table and EN["forecasts.model.seasonal_naive"] in table


def test_bad_choices_are_named_in_the_page(app):
    client = client_for(app, ANALYST)
    response = client.get("/forecasts?series=beds")
    assert response.status_code == 400 and "No count beds: choose one" in response.text
    response = client.get("/forecasts?series=referrals&by=service")
    assert response.status_code == 400
    assert "Referrals received has no breakdown by service" in response.text
    response = client.get("/forecasts?series=referrals&by=specialty&specialty=cardiology")
    assert response.status_code == 400
    assert "Specialty cardiology has no events in this count" in response.text
    response = client.get("/forecasts?series=referrals&horizon=53")
    assert response.status_code == 400
    assert "Horizon must be a whole number from 1 to 52." in response.text
    assert 'id="f-horizon" name="horizon" type="text" inputmode="numeric" size="4" ' \
           'value="53" placeholder="13" aria-invalid="true"' in response.text


def test_the_planning_roles_have_the_link(app):
    link = f'<a href="/forecasts">{EN["nav.forecasts"]}</a>'
    # The navigation is on every page; an error page of another one is the quickest.
    assert link in client_for(app, "johtaja").get("/scenarios?list=file:x").text
    assert link not in client_for(app, "tilannekeskus").get("/scenarios?list=file:x").text
    assert TestClient(app).get("/forecasts", follow_redirects=False).status_code == 303


def test_the_registry_forecast_page_shows_counted_months_and_the_forecast(app, expected):
    # The monthly indicator over April 2024 – April 2025. The data end on Monday 14 April
    # 2025, so April is not whole: counted are April 2024 – March 2025, each month the
    # referrals of the Mondays in it (both specialties), and April–June 2025 are forecast.
    html = client_for(app, ANALYST).get(
        "/indicator/referrals_forecast?start=2024-04&end=2025-04").text
    shown = re.findall(r'<th scope="row">([\d-]+)</th>\s*<td>(counted|forecast)</td>.*?'
                       r'data-value="([^"]+)"',
                       re.search(r'<table class="numbers">.*?</table>', html, re.S).group(), re.S)
    months = [f"{2024 + (3 + i) // 12}-{(3 + i) % 12 + 1:02d}" for i in range(12)]
    by_hand = {m: 0 for m in months}
    for k in range(WEEKS):
        month = monday(k).strftime("%Y-%m")
        if month in by_hand:
            by_hand[month] += internal(k) + (2 if k % 3 == 0 else 1)
    counted = [(m, float(v)) for m, kind, v in shown if kind == "counted"]
    assert counted == [(m, float(by_hand[m])) for m in months]
    forecast = [(m, float(v)) for m, kind, v in shown if kind == "forecast"]
    library = expected["registry"][expected["registry"]["kind"] == "forecast"]
    assert [m for m, _ in forecast] == ["2025-04", "2025-05", "2025-06"]
    assert [v for _, v in forecast] == pytest.approx(library["value"].astype(float).tolist())
    # Drawn as on /forecasts: counts, then the forecast in its 95 % interval (no 80 % one).
    chart = re.search(r'<svg[^>]*class="chart forecast".*?</svg>', html, re.S).group()
    assert EN["forecasts.interval95"] in chart and EN["forecasts.interval80"] not in chart
    assert EN["indicator.forecast_note"] in html
    # No breakdown by a dimension (a model per value); the page says where one value's is.
    assert 'class="numbers breakdown"' not in html and EN["indicator.forecast_breakdown"] in html
    assert 'class="numbers breakdown"' not in client_for(app, ANALYST).get(
        "/indicator/referrals_forecast?by=specialty").text


# --- the API ------------------------------------------------------------------------------

def test_the_api_gives_the_librarys_rows_in_the_long_shape(app, expected):
    response = TestClient(app).get("/api/v1/forecasts/referrals", headers=bearer(app, ANALYST),
                                   params={"by": "specialty", "horizon": HORIZON})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["series"], body["grain"], body["by"], body["horizon"]) == (
        "referrals", "week", ["specialty"], HORIZON)
    rows = pd.DataFrame(body["rows"])
    rows["specialty"] = rows["dimensions"].map(lambda d: d["specialty"])
    # 119 whole weeks and 8 forecast ones, for each of the two specialties.
    assert len(rows) == 2 * (119 + HORIZON)
    actual = mine(rows, "internal_medicine", "actual")
    assert actual["value"].tolist() == [internal(k) for k in range(119)]
    assert actual["period"].tolist() == [monday(k).isoformat() for k in range(119)]
    got = mine(rows, "internal_medicine", "forecast").reset_index(drop=True)
    want = mine(expected["by_specialty"], "internal_medicine", "forecast").reset_index(
        drop=True)
    assert got["value"].tolist() == want["value"].astype(float).tolist()
    assert got["low"].tolist() == want["lo95"].astype(float).tolist()
    assert got["high"].tolist() == want["hi95"].astype(float).tolist()
    assert got["low80"].tolist() == want["lo80"].astype(float).tolist()
    assert got["high80"].tolist() == want["hi80"].astype(float).tolist()
    assert set(got["model"]) == {"harmonic_arima"}
    hidden = rows[rows["specialty"] == "orthopaedics"]
    assert hidden["suppressed"].all()
    assert hidden[["value", "low", "high", "low80", "high80"]].isna().all().all()
    page = forecast_rows(client_for(app, ANALYST).get(
        f"/forecasts?series=referrals&{CHOSEN}&horizon={HORIZON}").text)
    assert [v[0] for v in page.values()] == got["value"].tolist()


def test_the_backtest_api_gives_the_librarys_rows(app, expected):
    response = TestClient(app).get("/api/v1/forecasts/referrals/backtest",
                                   headers=bearer(app, ANALYST))
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["horizon"], body["windows"]) == (13, 4)
    got = {r["model"]: r for r in body["rows"]}
    for row in expected["backtest"].itertuples():
        assert got[row.model]["points"] == row.points == 52  # 4 windows of 13 weeks
        for figure in ("mae", "rmae", "mase", "coverage80", "coverage95"):
            assert got[row.model][figure] == getattr(row, figure), (row.model, figure)


def test_the_api_names_a_bad_series_dimension_or_horizon(app):
    client, headers = TestClient(app), bearer(app, ANALYST)
    response = client.get("/api/v1/forecasts/beds", headers=headers)
    assert response.status_code == 404 and "No series 'beds'" in response.json()["detail"]
    response = client.get("/api/v1/forecasts/referrals", headers=headers,
                          params={"by": "service"})
    assert response.status_code == 422
    problem = response.json()["detail"][0]
    assert problem["loc"] == ["query", "by"]
    assert "Series referrals has no dimension service" in problem["msg"]
    response = client.get("/api/v1/forecasts/referrals", headers=headers,
                          params={"horizon": 0})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == [
        "query", "horizon"]
    # A backtest of 4 windows of 52 weeks needs 52 + 2 + 208 = 262 weeks; there are 119.
    response = client.get("/api/v1/forecasts/referrals/backtest", headers=headers,
                          params={"horizon": 52})
    assert response.status_code == 400
    assert "has 119 whole periods" in response.json()["detail"]
    assert "needs at least 262" in response.json()["detail"]
    assert client.get("/api/v1/forecasts/referrals").status_code == 401


def test_a_breakdown_above_the_limit_is_refused_with_the_limit(app):
    runs = app.state.forecast_runs
    runs.max_series = 1
    try:
        response = TestClient(app).get("/api/v1/forecasts/referrals", headers=bearer(app, ANALYST),
                                       params={"by": "specialty"})
    finally:
        runs.max_series = 40
    assert response.status_code == 400
    assert "has 2 series; the server forecasts at most 1" in response.json()["detail"]


# --- names and the chart ------------------------------------------------------------------

def test_every_series_grain_and_model_is_named_in_the_three_languages():
    from tilannekuva.forecasting.demand import BASELINE_NAME, MODEL_NAME
    from tilannekuva.forecasting.series import SERIES

    keys = ({f"forecasts.series.{s}" for s in SERIES}
            | {f"dimension.{d}" for s in SERIES.values() for d in s.dimensions}
            | {f"forecasts.{k}.{g}" for k in ("grain", "unit") for g in ("week", "month")}
            | {f"forecasts.period_{g}" for g in ("week", "month")}
            | {f"forecasts.chart.title_{g}" for g in ("week", "month")}
            | {f"forecasts.model.{m}" for m in (MODEL_NAME, BASELINE_NAME)})
    for language in ("fi", "sv", "en"):
        assert keys <= catalogue(language).keys(), (language, keys - catalogue(language).keys())


def test_a_hidden_count_breaks_the_line_and_a_hidden_forecast_draws_no_interval():
    from tilannekuva.web.charts import LINE, Ahead, forecast_svg

    names = {"actual": "Counts", "forecast": "Forecast", "80": "80 %", "95": "95 %"}
    ahead = [Ahead(4.0, 3.0, 5.0, 2.0, 6.0)]
    svg = str(forecast_svg(["w1", "w2", "w3", "w4"], [1.0, None, 3.0], ahead, names, "T",
                           "D", number=str))
    # Counts 1, hidden, 3: two pieces of the solid line, one point each side of the gap;
    # the forecast's two interval areas and its dashed line; the axis up to the 95 % top, 6.
    assert svg.count(f'stroke="{LINE}" stroke-width="1.5"') == 2
    assert svg.count('fill-opacity="0.12" stroke="none"') == 1
    assert svg.count('fill-opacity="0.25" stroke="none"') == 1
    assert 'stroke-dasharray="6 4"' in svg and ">6.0</text>" in svg
    alone = str(forecast_svg(["w1", "w2", "w3", "w4"], [1.0, None, 3.0], [], names, "T", "D",
                             number=str))
    assert "fill-opacity" not in alone and "Forecast" not in alone and ">3.0</text>" in alone
    assert forecast_svg(["w1"], [None], [], names, "T", "D", number=str) == ""
