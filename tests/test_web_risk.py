"""The 24-hour-care risk model on the dashboard (/risk, /api/v1/risk/...): switched off it shows
nothing but why; switched on, the model card for directors, analysts and supervisors, and the
scored clients of a supervisor's own units only — every view and refusal audited, each score
the one `risk.person_explanation` gives for that person.

The clients' units are worked out here independently of the code (pandas over the raw visits
table, by the rule of docs/web.md: the unit of the latest done general-practice or home-care
visit in the 12 months before the scoring day), by hand on a tiny county first."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import pandas as pd
import pytest
from county import County
from fastapi.testclient import TestClient
from web_county import bearer as token
from web_county import client_for, password

from tilannekuva.config import Settings
from tilannekuva.forecasting import risk
from tilannekuva.synth import synthesize_county
from tilannekuva.web.accounts import add_user
from tilannekuva.web.app import create_app
from tilannekuva.web.i18n import translator
from tilannekuva.web.risk_lists import LIST_LIMIT, PAGE_SIZE, attached_units, model_path
from tilannekuva.web.roles import ROLES, NotEntitled, scope

SCORING = date(2025, 1, 1)


def add_users(db: Path, supervisor_units: tuple[str, ...]) -> None:
    con = duckdb.connect(str(db))
    try:
        from tilannekuva.web.accounts import create_tables
        create_tables(con)
        for name, role, units in (("esihenkilo", "supervisor", supervisor_units),
                                  ("johtaja", "director", ()),
                                  ("analyytikko", "analyst", ()),
                                  ("yllapitaja", "administrator", ())):
            add_user(con, name, password(name), role, units)
    finally:
        con.close()


def audit(app, action: str) -> list[tuple[str, dict, int]]:
    con = app.state.figures.cursor()
    try:
        found = con.execute("SELECT user_name, scope, rows FROM audit_log WHERE action = ? "
                            "ORDER BY entry_id", [action]).fetchall()
    finally:
        con.close()
    return [(user, json.loads(scope), rows) for user, scope, rows in found]


def test_only_a_supervisor_gets_scores_and_only_for_their_own_units():
    supervisor = ROLES["supervisor"]
    assert scope(supervisor, "risk_list", ("u1", "u2"), None) == ["u1", "u2"]
    with pytest.raises(NotEntitled, match="u3 is not among the units you lead"):
        scope(supervisor, "risk_list", ("u1",), ["u3"])
    for name in set(ROLES) - {"supervisor"}:
        with pytest.raises(NotEntitled, match="not entitled to person-level risk scores"):
            scope(ROLES[name], "risk_list", (), None)
    assert {name for name, role in ROLES.items() if role.risk_card} == {
        "director", "supervisor", "analyst"}


# --- a hand-built county: who is attached where, and the model switched off -------------------

def hand_county(path: Path) -> Path:
    """Scoring day 2025-01-01 (Helsinki); the lookback is 2024-01-01 … 2024-12-31."""
    c = County(path)
    c.add("units", unit_id="HC1", name="Kotihoito 1", service_area="older_people",
          level="social", unit_type="home_care_team")
    c.add("units", unit_id="U2", name="Asema 2")
    # P1: general practice at U1 in March, home care by HC1 in November → HC1 (the latest).
    c.person("P1", born="1940-01-01")
    c.add("visits", visit_id="V11", person_id="P1", unit_id="U1", start_at="2024-03-01 10:00")
    c.add("visits", visit_id="V12", person_id="P1", unit_id="HC1", service="home_care",
          profession="practical_nurse", contact_type="home_visit", start_at="2024-11-01 10:00")
    # P2: done at U1 in May; a later visit at U2 was cancelled (not done) → U1.
    c.person("P2", born="1940-01-01")
    c.add("visits", visit_id="V21", person_id="P2", unit_id="U1", start_at="2024-05-01 10:00")
    c.add("visits", visit_id="V22", person_id="P2", unit_id="U2", start_at="2024-12-01 10:00",
          status="cancelled")
    # P3: only before the lookback (2023-12-31) → no unit. P4: only the emergency department
    # (not general practice or home care) → no unit.
    c.person("P3", born="1940-01-01")
    c.add("visits", visit_id="V31", person_id="P3", unit_id="U2", start_at="2023-12-31 10:00")
    c.person("P4", born="1940-01-01")
    c.add("visits", visit_id="V41", person_id="P4", unit_id="ED", service="emergency",
          urgency="urgent", start_at="2024-06-01 10:00")
    # P5: U1 on 2024-12-31 23:30 Helsinki (21:30 UTC: still the last day of the lookback), U2
    # on 2025-01-01 00:30 Helsinki (22:30 UTC on the 31st, but the scoring day in Helsinki,
    # after the lookback) → U1.
    c.person("P5", born="1940-01-01")
    c.add("visits", visit_id="V51", person_id="P5", unit_id="U1", start_at="2024-12-31 23:30")
    c.add("visits", visit_id="V52", person_id="P5", unit_id="U2", start_at="2025-01-01 00:30")
    return c.write()


@pytest.fixture(scope="module")
def off(tmp_path_factory):
    """The hand county served with the model switched off (the default), and a file where a
    trained model would be that is not a model at all: reading it would fail."""
    db = hand_county(tmp_path_factory.mktemp("risk-off") / "county.duckdb")
    add_users(db, ("U1",))
    model_path(db, 12).write_bytes(b"not a model")
    return create_app(db, Settings(database=db, min_cell_size=5, pseudonym_key=None))


def test_clients_are_attached_to_their_latest_general_practice_or_home_care_unit(off):
    found = attached_units(off.state.figures, SCORING)
    assert dict(zip(found.person_id, found.unit, strict=True)) == {
        "P1": "HC1", "P2": "U1", "P5": "U1"}


@pytest.mark.parametrize("user", ["esihenkilo", "johtaja", "yllapitaja"])
def test_switched_off_the_page_says_why_and_shows_nothing_else(off, user):
    page = client_for(off, user).get("/risk?unit=U1")
    assert page.status_code == 200
    text = page.text
    assert "switched off" in text and "risk_model_enabled = false" in text
    assert "legal basis" in text and "docs/risk-model.md" in text
    assert "<table" not in text and not re.search(r"\bP[1-5]\b", text)
    for path in ("/api/v1/risk/model", "/api/v1/risk/persons?unit=U1"):
        answer = TestClient(off).get(path, headers=token(off, user))
        assert answer.status_code == 404
        assert "switched off" in answer.json()["detail"]
    assert audit(off, "risk_list") == audit(off, "risk_list_refused") == []


def test_switched_off_the_navigation_has_no_link_for_a_role_without_the_card(off):
    assert 'href="/risk"' in client_for(off, "johtaja").get("/").text
    assert 'href="/risk"' not in client_for(off, "yllapitaja").get("/").text


# --- a synthetic county with a trained model ------------------------------------------------

# Three years from 2022: the 12-month model is evaluated on 2024-01-01 (history 2022, training
# window 2023, held-out window 2024) and scores the population on 2025-01-01. 12,000 residents
# give about 3,000 aged 65+ and a few dozen entries a year.
SYNTH = dict(residents=12_000, years=3, start=date(2022, 1, 1), seed=3)


def independent_units(db: Path, scoring_day: date) -> pd.Series:
    """person_id → unit by the stated rule, in pandas over the raw visits table."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        con.execute("SET TimeZone = 'Europe/Helsinki'")
        columns = ["person_id", "unit_id", "service", "status", "start_at"]
        visits = pd.DataFrame(con.execute(f"SELECT {', '.join(columns)} FROM visits")
                              .fetchall(), columns=columns)
    finally:
        con.close()
    visits["day"] = visits.start_at.dt.tz_convert("Europe/Helsinki").dt.date
    since = date(scoring_day.year - 1, scoring_day.month, scoring_day.day)
    kept = visits[(visits.status == "done")
                  & visits.service.isin(["general_practice", "home_care"])
                  & visits.unit_id.notna() & (visits.day >= since)
                  & (visits.day < scoring_day)]
    kept = kept.sort_values(["person_id", "start_at", "unit_id"])
    return kept.groupby("person_id").unit_id.last()


@pytest.fixture(scope="module")
def on(tmp_path_factory):
    """The synthetic county, its 12-month model trained and saved as `risk train` does, a
    supervisor of the two units with the most scored clients, and the server with the model
    switched on."""
    db = tmp_path_factory.mktemp("risk-on") / "county.duckdb"
    synthesize_county(db, workers=1, **SYNTH)
    settings = Settings(database=db, min_cell_size=5, pseudonym_key=None,
                        risk_model_enabled=True)
    model = risk.train(db, settings, 12)
    risk.save_model(model, model_path(db, 12))
    units = independent_units(db, model.scoring_day)
    scored = pd.DataFrame({"person_id": model.current.person_id, "risk": model.scores()})
    scored["unit"] = scored.person_id.map(units)
    own = tuple(scored.unit.value_counts().index[:2])
    add_users(db, own)
    app = create_app(db, settings)
    return app, settings, model, scored, own


@pytest.mark.slow
def test_a_supervisor_sees_their_units_clients_highest_first_as_explained(on):
    app, settings, model, scored, own = on
    # Expected: the clients attached to the two units, highest score first (ties by id), at
    # most LIST_LIMIT of them.
    mine = scored[scored.unit.isin(own)].sort_values(["risk", "person_id"],
                                                     ascending=[False, True])
    expected = mine.head(LIST_LIMIT)
    assert len(mine) > PAGE_SIZE  # the county is big enough for a second page
    answer = TestClient(app).get("/api/v1/risk/persons", headers=token(app, "esihenkilo"))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["units"] == sorted(own) and body["total"] == len(expected)
    assert body["scoring_day"] == model.scoring_day.isoformat() == "2025-01-01"
    rows = body["rows"]
    assert [r["person_id"] for r in rows] == list(expected.person_id[:PAGE_SIZE])
    assert {r["unit"] for r in rows} <= set(own)
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
    for row in rows[:5]:
        explained = risk.person_explanation(settings, model, row["person_id"], 3)
        assert row["risk"] == pytest.approx(explained["risk"], rel=1e-12)
        assert (row["band_low"], row["band_high"]) == pytest.approx(explained["band"])
        assert [c["feature"] for c in row["contributions"]] == [
            c["feature"] for c in explained["contributions"]]
        assert row["band_low"] <= row["band_high"]
    # The second page continues where the first ended.
    second = TestClient(app).get("/api/v1/risk/persons?page=2",
                                 headers=token(app, "esihenkilo")).json()
    assert [r["person_id"] for r in second["rows"]] == list(
        expected.person_id[PAGE_SIZE:2 * PAGE_SIZE])
    # The page shows the same persons and scores, under the decision-support notice.
    page = client_for(app, "esihenkilo").get("/risk")
    assert page.status_code == 200
    assert "Decision support only: the score never decides" in page.text
    table = re.search(r'<table class="numbers risk-list">.*?</table>', page.text, re.S).group()
    shown = re.findall(r'<th scope="row">([^<]+)</th>\s*<td>[^<]*</td>\s*'
                       r'<td class="num">([^<]+)</td>', table)
    t = translator("en")
    assert shown == [(r["person_id"], t.number(r["risk"], "share")) for r in rows]
    assert "What moved the score most" in page.text and "AUC" in page.text
    views = [entry for entry in audit(app, "risk_list") if entry[0] == "esihenkilo"]
    assert [(s["channel"], s["units"], s["page"], n) for _, s, n in views] == [
        ("api", sorted(own), 1, len(rows)), ("api", sorted(own), 2, len(second["rows"])),
        ("page", sorted(own), 1, len(rows))]


@pytest.mark.slow
def test_another_unit_is_refused_and_the_refusal_audited(on):
    app, _, _, scored, own = on
    other = next(u for u in scored.unit.dropna().unique() if u not in own)
    before = len(audit(app, "risk_list"))
    page = client_for(app, "esihenkilo").get(f"/risk?unit={other}")
    assert page.status_code == 403 and "not among the units you lead" in page.text
    answer = TestClient(app).get(f"/api/v1/risk/persons?unit={other}&unit={own[0]}",
                                 headers=token(app, "esihenkilo"))
    assert answer.status_code == 403
    refusals = [(s["channel"], s["units"]) for user, s, _ in audit(app, "risk_list_refused")
                if user == "esihenkilo"]
    assert refusals == [("page", [other]), ("api", [other, own[0]])]
    assert len(audit(app, "risk_list")) == before


@pytest.mark.slow
@pytest.mark.parametrize("user", ["johtaja", "analyytikko"])
def test_the_director_and_the_analyst_see_the_card_but_no_person(on, user):
    app, _, model, scored, _ = on
    page = client_for(app, user).get("/risk")
    assert page.status_code == 200
    assert "How well the model does" in page.text and "risk-list" not in page.text
    assert not set(re.findall(r"<th scope=\"row\">([^<]+)</th>", page.text)) & set(
        scored.person_id)
    card = TestClient(app).get("/api/v1/risk/model", headers=token(app, user)).json()
    e = model.evaluation
    assert (card["auc"], card["auc_low"], card["auc_high"]) == pytest.approx(
        (e.auc, e.auc_low, e.auc_high))
    assert card["held_out_entries"] == e.entries and card["test_day"] == "2024-01-01"
    assert sum(b["persons"] for b in card["calibration"]) == e.persons
    # A group of fewer than 5 persons shows no figure, not even its size; in a group shown, 1
    # to 4 entries are hidden with the rate and AUC that would reveal them. Worked out from the
    # evaluation's own counts (risk_evaluation.by_group, tested in test_forecasting_risk).
    counts = {(g.dimension, str(g.group)): (g.persons, g.entries) for g in e.groups.itertuples()}
    for group in card["groups"]:
        persons, entries = counts[group["dimension"], group["group"]]
        if persons < 5:
            assert group["suppressed"]
            assert group["persons"] is group["entries"] is group["observed"] is None
        elif 1 <= entries <= 4:
            assert group["entries_hidden"] and group["persons"] == persons
            assert group["entries"] is group["observed"] is group["auc"] is None
        else:
            assert (group["persons"], group["entries"]) == (persons, entries)
    for b, row in zip(card["calibration"], e.bins.itertuples(), strict=True):
        entries = round(row.observed * row.persons)
        assert b["entries_hidden"] == (1 <= entries <= 4)
        assert (b["observed"] is None) == b["entries_hidden"]
    refused = TestClient(app).get("/api/v1/risk/persons", headers=token(app, user))
    assert refused.status_code == 403
    assert ("api", []) in [(s["channel"], s["units"]) for name, s, _ in
                           audit(app, "risk_list_refused") if name == user]


@pytest.mark.slow
def test_the_administrator_is_not_shown_the_model(on):
    app = on[0]
    assert client_for(app, "yllapitaja").get("/risk").status_code == 403
    answer = TestClient(app).get("/api/v1/risk/model", headers=token(app, "yllapitaja"))
    assert answer.status_code == 403


@pytest.mark.slow
def test_a_missing_model_file_says_how_to_train_it(on):
    app = on[0]
    # No 36-month model was trained (three years of data allow none).
    page = client_for(app, "johtaja").get("/risk?horizon=36")
    assert page.status_code == 200 and "tilannekuva risk train" in page.text
    answer = TestClient(app).get("/api/v1/risk/model?horizon=36",
                                 headers=token(app, "johtaja"))
    assert answer.status_code == 404 and "risk train" in answer.json()["detail"]


@pytest.mark.slow
@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_axe_finds_no_wcag_21_aa_violations_on_the_page_switched_on(on, language):
    """The switched-on page — notice, a supervisor's list with the pager, and the card — in
    every language, with test_web_browser's axe-core check (WCAG 2.1 A and AA); the page
    switched off is in that module's list."""
    import socket
    import threading
    import time

    import uvicorn
    from playwright.sync_api import sync_playwright
    from test_web_browser import CHROMIUM, CHROMIUM_ARGS, assert_accessible, open_context, sign_in

    app = on[0]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    while not server.started:
        assert thread.is_alive()
        time.sleep(0.05)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                 args=CHROMIUM_ARGS, headless=True)
            for user, path in (("esihenkilo", "/risk?page=2"), ("johtaja", "/risk")):
                page = open_context(browser, f"http://127.0.0.1:{port}", language).new_page()
                # Straight to the page through sign-in's `next`: landing on the overview
                # first would compute every indicator of this county, which is not tested here.
                page.goto(path)
                sign_in(page, user)
                assert urlsplit(page.url).path == "/risk"
                assert_accessible(page, f"/risk of {user} in {language}")
                page.context.close()
            browser.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)


# --- warm-up at server start ------------------------------------------------------------------

@pytest.fixture
def only_risk_warm_up(monkeypatch):
    """`create_app(warm=True)` also starts the figures' warm-up, which computes every default
    view (a minute over the synthetic county) and would still be running when the test ends;
    only the risk model's warm-up is under test here, so the figures' is left out."""
    from tilannekuva.web.figures import Figures

    monkeypatch.setattr(Figures, "warm", lambda self, groups=(): None)


@pytest.mark.slow
def test_the_server_loads_the_trained_model_in_the_background_at_start(on, only_risk_warm_up):
    """`tilannekuva serve` (create_app with warm) loads the trained 12-month model and builds
    its explainer before anyone asks; the 36-month model was never trained (three years of
    data allow none), so there is nothing to warm for it and that is no error."""
    _, settings, model, _, _ = on
    app = create_app(settings.database, settings, warm=True)
    models = app.state.risk_models
    assert models.warm_up_done.wait(timeout=300)
    assert models.warmed == (12,)
    # Loaded before any request, from the file `risk train` wrote, with its explainer built.
    loaded = models._loaded[12]
    assert loaded.path == model_path(settings.database, 12)
    assert loaded.model.scoring_day == model.scoring_day
    assert loaded.model.estimator in risk._EXPLAINERS
    assert models.get(12) is loaded  # the page's own call finds it ready


def test_nothing_is_warmed_without_a_model_or_while_switched_off(tmp_path, only_risk_warm_up):
    db = hand_county(tmp_path / "county.duckdb")
    on = Settings(database=db, min_cell_size=5, pseudonym_key=None, risk_model_enabled=True)
    models = create_app(db, on, warm=True).state.risk_models
    # No model file beside the county: the warm-up ends at once with nothing loaded, and the
    # server is up (create_app returned).
    assert models.warm_up_done.wait(timeout=60)
    assert models.warmed == () and models._loaded == {}
    off = create_app(db, Settings(database=db, min_cell_size=5, pseudonym_key=None),
                     warm=True).state.risk_models
    # Switched off, no warm-up is started at all.
    assert not off.warm_up_done.is_set() and off.warmed == ()
