"""The waiting-list scenarios page (/scenarios) and its API (/api/v1/queueing,
/api/v1/scenarios/run) in-process, over a small county with referrals and a scenario
folder of one hand-worked file. The same page in a real browser (a planner changes the
capacity) and its accessibility are in test_web_browser.py.

The hand-worked list (`HAND`): one class, the 6-month deadline T = 26.09 weeks, demand
λ = 30 a week, capacity μ = 27 a week, 400 waiting; required share p = 0.95, 26 weeks to
reach the target. By the formulas of docs/forecasting.md:

- load ρ = 30 / 27 = 1.1111 (the list grows by 3 a week);
- target mean wait W* = T / ln(1 / (1 − p)) = 26.09 / ln 20 = 26.09 / 2.995732 = 8.70906;
- target queue L* = λ W* = 30 × 8.70906 = 261.272;
- target capacity μ* = λ + 1 / W* = 30 + 0.114823 = 30.1148 (Poisson, c_a = c_s = 1);
- mean wait by Little's law W = Q / λ = 400 / 30 = 13.3333;
- share within the deadline now 1 − e^(−T/W) = 1 − e^(−1.956750) = 1 − 0.141317 = 0.858683;
- pressure W / W* = 13.3333 / 8.70906 = 1.53097;
- relief capacity λ + (Q − L*) / n = 30 + (400 − 261.272) / 26 = 30 + 5.33570 = 35.3357.
"""

from __future__ import annotations

import math
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
import web_county
from county import County
from fastapi.testclient import TestClient
from web_county import bearer, client_for

from tilannekuva.config import Settings
from tilannekuva.web.app import create_app
from tilannekuva.web.i18n import catalogue

HAND = """
name = "Hand-worked list"
start = 2026-01-05
weeks = 52
[[classes]]
name = "non_urgent"
deadline_weeks = 26.09
[initial]
capacity_per_week = 27.0
[initial.classes.non_urgent]
arrivals_per_week = 30.0
waiting = [ { from_weeks = 0, to_weeks = 26, count = 400 } ]
"""
HAND_FIGURES = {
    "demand": 30.0, "capacity": 27.0, "load": 30 / 27, "deadline": 26.09, "share": 0.95,
    "target_mean_wait": 8.70906, "target_queue_size": 261.272, "target_capacity": 30.1148,
    "queue": 400.0, "mean_wait": 13.3333, "share_within_now": 0.858683,
    "pressure": 1.53097, "relief_capacity": 35.3357}
EN = catalogue("en")
FAST = "runs=100&weeks=52"


def referral_county(path: Path) -> Path:
    """Referrals, with users as in web_county. The start of a specialty's list is the day
    after its latest need established; its figures come from the 26 weeks before.

    Orthopaedics, latest need 2025-03-10, so start 2025-03-11 and window from 2024-09-10:
    ten non-urgent referrals with need established 2025-01-06 … 2025-03-10 (weekly), the
    first four treated on 2025-03-01; two urgent ones, both treated. Arrivals: non-urgent 10,
    urgent 2 in 26 weeks: demand (10 + 2) / 26 = 0.461538 a week; treatments 6 / 26 =
    0.230769 a week; load 2; waiting now 6 (non-urgent). The urgent class has 2 arrivals,
    fewer than 5: hidden.

    Surgery: three referrals waiting, fewer than 5 people: not shown at all."""
    county = County(path)
    for n in range(10):
        day = (date(2025, 1, 6) + timedelta(weeks=n)).isoformat()
        county.add("referrals", referral_id=f"O{n}", person_id=f"P{n}",
                   specialty="orthopaedics", priority="non_urgent",
                   received_at=f"{day} 08:00", need_established_at=f"{day} 09:00",
                   treatment_started_at="2025-03-01 10:00" if n < 4 else None)
    for n in range(2):
        county.add("referrals", referral_id=f"U{n}", person_id=f"P{20 + n}",
                   specialty="orthopaedics", priority="urgent",
                   received_at="2025-02-03 08:00", need_established_at="2025-02-03 09:00",
                   treatment_started_at="2025-02-05 10:00")
    for n in range(3):
        county.add("referrals", referral_id=f"S{n}", person_id=f"P{30 + n}",
                   specialty="surgery", priority="non_urgent",
                   received_at="2025-02-03 08:00", need_established_at="2025-02-03 09:00")
    return web_county.with_users(county)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scenarios")
    db = referral_county(folder / "county.duckdb")
    files = folder / "files"
    files.mkdir()
    (files / "hand.toml").write_text(HAND, encoding="utf-8")
    return create_app(db, Settings(database=db, min_cell_size=5, pseudonym_key=None,
                                   scenario_dir=files))


def figures_on(html: str) -> dict[str, tuple[float, str]]:
    """The queueing figures of the page: key → (data-value, shown text)."""
    return {key: (float(value), shown) for key, value, shown in re.findall(
        r'<tr data-figure="(\w+)">.*?data-value="([^"]+)">([^<]+)</span>', html, re.S)}


def end_of_table(html: str) -> dict[str, float]:
    """The last quarter-end row of the trajectory table: the medians of its four cells."""
    rows = re.findall(r'<tr data-week="\d+">.*?</tr>', html, re.S)
    cells = re.findall(r'<td class="num ([\w-]+)"><span class="figure" data-value="([^"]+)"',
                       rows[-1])
    return {name: float(value) for name, value in cells}


# --- the page ------------------------------------------------------------------------------

def test_the_page_shows_the_hand_worked_queueing_figures(app):
    html = client_for(app, "johtaja").get(f"/scenarios?list=file:hand&{FAST}").text
    shown = figures_on(html)
    for key, value in HAND_FIGURES.items():
        assert shown[key][0] == pytest.approx(value, rel=1e-5), key
    assert shown["load"][1] == "1.111" and shown["target_mean_wait"][1] == "8.71"
    assert shown["pressure"][1] == "1.531" and shown["relief_capacity"][1] == "35.34"
    assert "W* = T / ln(1 / (1 − p))" in html and "docs/forecasting.md" in html
    finnish = figures_on(client_for(app, "johtaja", "fi").get(
        f"/scenarios?list=file:hand&{FAST}").text)
    assert finnish["load"][1] == "1,111" and finnish["target_mean_wait"][1] == "8,71"


def test_more_capacity_lowers_the_queue_at_the_end(app):
    """Over 52 weeks the fluid picture is the queue changing by λ − μ a week: with 27 a week
    it grows by 3 (400 + 156 = 556 at the end), with 33 it falls by 3 (400 − 156 = 244; far
    from empty, so no capacity is lost). Medians of 100 runs; the week-to-week noise over a
    year has a standard deviation of about √(52 (30 + 27)) ≈ 54 per run, so the medians lie
    well within 40 of the fluid values."""
    client = client_for(app, "analyytikko")
    same = end_of_table(client.get(f"/scenarios?list=file:hand&{FAST}").text)
    more = end_of_table(client.get(f"/scenarios?list=file:hand&{FAST}&capacity=33").text)
    assert same["queue-planned"] == same["queue-unchanged"]  # nothing changed, same seed
    assert same["queue-unchanged"] == pytest.approx(556, abs=40)
    assert more["queue-planned"] == pytest.approx(244, abs=40)
    assert more["queue-unchanged"] == same["queue-unchanged"]
    assert more["queue-planned"] < more["queue-unchanged"]
    # FIFO: at the end a wait is about the queue / capacity, 556 / 27 ≈ 21 weeks, under
    # the deadline: no one is past it in either.
    assert more["share-planned"] == more["share-unchanged"] == 0


def test_extra_sessions_and_a_capacity_cut_move_the_trajectory_their_way(app):
    """Six extra treatments a week all year make the capacity 33: the same fluid 244 as
    above; cutting the capacity to 50 % (13.5 a week) adds 16.5 a week: 400 + 858 = 1,258."""
    client = client_for(app, "analyytikko")
    extra = end_of_table(client.get(f"/scenarios?list=file:hand&{FAST}&extra=6").text)
    cut = end_of_table(client.get(f"/scenarios?list=file:hand&{FAST}&change=50").text)
    assert extra["queue-planned"] == pytest.approx(244, abs=40)
    assert cut["queue-planned"] == pytest.approx(1258, abs=60)


def test_a_specialty_starts_from_the_referrals_with_small_classes_hidden(app):
    html = client_for(app, "johtaja").get("/scenarios?list=specialty:orthopaedics&runs=20"
                                          ).text
    assert "Estimated from the county&#39;s referrals on 11 Mar 2025" in html
    shown = figures_on(html)
    assert shown["demand"][0] == pytest.approx(12 / 26)
    assert shown["capacity"][0] == pytest.approx(6 / 26)
    assert shown["load"][0] == pytest.approx(2.0) and shown["queue"][0] == 6
    urgent = re.search(r'<tr data-class="urgent">.*?</tr>', html, re.S).group()
    assert EN["figure.suppressed"] in urgent and "0.08" not in urgent
    routine = re.search(r'<tr data-class="non_urgent">.*?</tr>', html, re.S).group()
    assert '<td class="num">6</td>' in routine


def test_a_list_with_too_few_people_is_not_shown(app):
    response = client_for(app, "johtaja").get("/scenarios?list=specialty:surgery")
    assert response.status_code == 400
    assert EN["scenarios.error.too_few"].format(n=5).replace("'", "&#39;") in response.text
    assert 'data-figure="queue"' not in response.text


def test_a_bad_parameter_is_named_in_the_page(app):
    client = client_for(app, "johtaja")
    response = client.get("/scenarios?list=file:hand&capacity=abc&runs=5000&extra_from=2026-13")
    assert response.status_code == 400
    text = response.text
    assert "Capacity at the start must be a number from 0.1 to 100,000." in text
    assert "Runs must be a number from 1 to 2,000." in text
    assert "Extra treatments from (month) must be a month, YYYY-MM." in text
    assert 'id="s-capacity" name="capacity" type="text" inputmode="decimal" size="8" ' \
           'value="abc" aria-invalid="true"' in text
    response = client.get("/scenarios?list=file:nothing")
    assert response.status_code == 400 and "No scenario file" in response.text


def test_the_planning_roles_have_the_link_and_every_role_may_open_the_page(app):
    link = f'<a href="/scenarios">{EN["nav.scenarios"]}</a>'
    for user in ("johtaja", "esihenkilo_a", "analyytikko"):
        assert link in client_for(app, user).get("/").text, user
    for user in ("tilannekeskus", "yllapitaja"):
        client = client_for(app, user)
        assert link not in client.get("/").text, user
        assert client.get(f"/scenarios?list=file:hand&{FAST}").status_code == 200, user
    anonymous = TestClient(app).get("/scenarios", follow_redirects=False)
    assert anonymous.status_code == 303


# --- the API ------------------------------------------------------------------------------

def test_the_queueing_api_gives_the_hand_worked_figures_as_the_page_does(app):
    response = TestClient(app).get("/api/v1/queueing", headers=bearer(app, "analyytikko"), params={
        "arrivals": 30, "capacity": 27, "deadline": 26.09, "share": 0.95, "queue": 400,
        "weeks": 26})
    assert response.status_code == 200, response.text
    api = response.json()
    for key, value in HAND_FIGURES.items():
        assert api[key] == pytest.approx(value, rel=1e-5), key
    assert api["mean_wait_from_littles_law"] is True
    assert api["units"] == {"time": "weeks", "rates": "per week", "queue": "patients"}
    page = figures_on(client_for(app, "johtaja").get(f"/scenarios?list=file:hand&{FAST}").text)
    for key, (value, _) in page.items():
        assert api[key] == value, key  # the very same number


def test_the_scenario_api_runs_what_the_page_shows(app):
    """The hand file as JSON with the page's runs and seed: the whole list's median queue at
    the end of the last quarter (week 52) is the page's unchanged one."""
    scenario = {"name": "Hand-worked list", "start": "2026-01-05", "weeks": 52,
                "classes": [{"name": "non_urgent", "deadline_weeks": 26.09}],
                "initial": {"capacity_per_week": 27.0, "classes": {"non_urgent": {
                    "arrivals_per_week": 30.0,
                    "waiting": [{"from_weeks": 0, "to_weeks": 26, "count": 400}]}}}}
    response = TestClient(app).post("/api/v1/scenarios/run", headers=bearer(app, "analyytikko"),
                                    json={"scenario": scenario, "runs": 100, "seed": 1})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["start"], body["estimated"], body["hidden_classes"]) == (
        "2026-01-05", False, [])
    rows = {(r["week"], r["class"], r["measure"]): r for r in body["rows"]}
    assert len(rows) == 52 * 2 * 6  # weeks × (the class and `all`) × measures
    page = end_of_table(client_for(app, "johtaja").get(f"/scenarios?list=file:hand&{FAST}").text)
    assert rows[52, "all", "queue"]["p50"] == page["queue-unchanged"]
    assert rows[52, "all", "queue"]["p05"] <= rows[52, "all", "queue"]["p50"] <= \
        rows[52, "all", "queue"]["p95"]
    assert rows[1, "all", "mean_wait"]["p50"] is None or math.isfinite(
        rows[1, "all", "mean_wait"]["p50"])


def test_the_scenario_api_estimates_a_specialty_and_hides_small_classes(app):
    scenario = {"name": "ortho", "weeks": 10, "waiting_list": {"specialty": "orthopaedics"},
                "classes": [{"name": "urgent", "deadline_weeks": 2},
                            {"name": "non_urgent", "deadline_weeks": 26.09}]}
    body = TestClient(app).post("/api/v1/scenarios/run", headers=bearer(app, "analyytikko"), json={
        "scenario": scenario, "runs": 10}).json()
    assert (body["start"], body["estimated"], body["hidden_classes"]) == (
        "2025-03-11", True, ["urgent"])
    assert {r["class"] for r in body["rows"]} == {"non_urgent", "all"}
    week1 = next(r for r in body["rows"] if r["class"] == "all" and r["week"] == 1
                 and r["measure"] == "queue")
    assert week1["p95"] <= 6 + 3  # six waiting, arrivals 0.46 a week: a few at most


def test_bad_requests_are_refused_naming_the_field(app):
    client, headers = TestClient(app), bearer(app, "analyytikko")
    assert client.get("/api/v1/queueing", params={"arrivals": 30}).status_code == 401
    response = client.get("/api/v1/queueing", headers=headers, params={
        "arrivals": 30, "capacity": 27, "deadline": 26.09, "share": 1.5})
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["detail"]] == [["query", "share"]]
    response = client.get("/api/v1/queueing", headers=headers, params={
        "arrivals": 30, "capacity": 27, "deadline": 26.09, "share": 0.95, "weeks": 26})
    assert response.status_code == 400 and "queue size" in response.json()["detail"]

    scenario = {"name": "x", "start": "2026-01-05", "classes": [{"name": "a",
                "deadline_weeks": 3}], "initial": {"capacity_per_week": 1, "classes": {
                    "a": {"arrivals_per_week": 1}}},
                "capacity_changes": [{"from": "2026-01-01", "to": "2026-02-01",
                                      "factor": -0.5}]}
    response = client.post("/api/v1/scenarios/run", headers=headers,
                           json={"scenario": scenario, "runs": 5000})
    assert response.status_code == 422
    assert sorted(tuple(e["loc"]) for e in response.json()["detail"]) == [
        ("body", "runs"), ("body", "scenario", "capacity_changes", 0, "factor")]
    response = client.post("/api/v1/scenarios/run", headers=headers, json={
        "scenario": {**scenario, "capacity_changes": [], "weeks": 200}})
    assert response.status_code == 400
    assert response.json()["detail"].startswith("weeks: at most 156 weeks")
    assert client.post("/api/v1/scenarios/run", json={"scenario": scenario}).status_code == 401
