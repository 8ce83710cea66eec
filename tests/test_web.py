"""The dashboard and the API in-process (FastAPI's TestClient) over the hand-worked county of
`web_county`: sign-in and sessions, the figures on the pages against the API and the hand-worked
values, filters in the URL, languages, the overdue list's, the feedback comments' and the
documentation-quality scorecard's entitlement and audit, every capability page, number formats
and intervals, the grain of yearly indicators, downloads and the monthly report. The same flows
in a real browser are in test_web_browser.py."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import web_county
from fastapi.testclient import TestClient
from web_county import bearer as api_token
from web_county import client_for

from tilannekuva.config import Settings
from tilannekuva.indicators.registry import REGISTRY
from tilannekuva.web import figures as figures_module
from tilannekuva.web.app import create_app

MARCH = "start=2025-03&end=2025-03"
GROUPS = tuple(dict.fromkeys(i.group for i in REGISTRY.values()))


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    return web_county.build(tmp_path_factory.mktemp("web") / "county.duckdb")


@pytest.fixture(scope="module")
def app(db):
    return create_app(db, Settings(database=db, min_cell_size=5, pseudonym_key=None))


def figure_of(html: str, indicator: str) -> tuple[str, str]:
    """(shown text, data-value) of the indicator's latest value in a summary table."""
    row = re.search(rf'<tr id="row-{indicator}".*?</tr>', html, re.S).group()
    found = re.search(r'<td class="num latest">\s*<span class="figure" data-value="([^"]+)">'
                      r'([^<]+)</span>', row)
    return found[2], found[1]


def query(app, sql: str) -> list[tuple]:
    """Reads the county database through the server's own connection (DuckDB allows one
    configuration per file and process)."""
    con = app.state.figures.cursor()
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def audit_rows(app) -> list[tuple]:
    return query(app, "SELECT user_name, action, scope, rows FROM audit_log ORDER BY entry_id")


# --- signing in ------------------------------------------------------------------------------

def test_pages_and_api_need_a_signed_in_user(app):
    anonymous = client_for(app, None)
    response = anonymous.get("/capability/access?unit=A", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fcapability%2Faccess%3Funit%3DA"
    assert anonymous.get("/api/v1/indicators").status_code == 401
    assert anonymous.get("/export/overview.csv", follow_redirects=False).status_code == 303
    assert anonymous.get("/health").json() == {"status": "ok",
                                               "warm_up": {"done": 0, "total": 0}}


def test_a_wrong_password_is_refused_and_the_stored_password_is_a_hash(app, db):
    response = TestClient(app).post("/login", data={"username": "johtaja", "password": "nope"})
    assert response.status_code == 401
    assert "wrong password" in response.text or "salasana" in response.text
    assert TestClient(app).post("/api/v1/token", data={
        "username": "nobody", "password": "password-nobody"}).status_code == 401
    stored = query(app, "SELECT password_hash FROM web_users WHERE user_name = 'johtaja'")[0][0]
    assert stored.startswith("$argon2id$") and "password-johtaja" not in stored


def test_signing_out_ends_the_session(app):
    client = client_for(app, "johtaja")
    assert client.get("/", follow_redirects=False).status_code == 200
    client.post("/logout", follow_redirects=False)
    token = client.cookies.get("tilannekuva_session")
    assert token is None
    assert client.get("/", follow_redirects=False).status_code == 303


def test_a_session_expires(tmp_path):
    db = web_county.build(tmp_path / "county.duckdb")
    short = create_app(db, Settings(database=db, min_cell_size=5, pseudonym_key=None,
                                    session_hours=-1.0))
    client = client_for(short, "johtaja")
    assert client.get("/", follow_redirects=False).status_code == 303


# --- figures: page = API = hand-worked -------------------------------------------------------

def test_the_overview_shows_the_hand_worked_county_figure_and_the_api_the_same(app):
    html = client_for(app, "johtaja").get("/").text
    shown, raw = figure_of(html, "primary_care_within_deadline")
    assert shown == "75.0%"  # English: no space before the percent sign
    api = TestClient(app).get("/api/v1/overview", params={"lang": "en"},
                              headers=api_token(app, "johtaja")).json()
    item = next(s for s in api if s["indicator"]["id"] == "primary_care_within_deadline")
    assert item["latest"][0]["period"] == "2025-03"
    assert (item["latest"][0]["numerator"], item["latest"][0]["denominator"]) == (6, 8)
    assert float(raw) == item["latest"][0]["value"] == 0.75


def test_a_unit_filter_in_the_url_narrows_every_figure(app):
    client = client_for(app, "johtaja", "fi")
    html = client.get(f"/capability/access?{MARCH}&unit=A").text
    # Finnish: a decimal comma and a no-break space before the percent sign.
    assert figure_of(html, "primary_care_within_deadline")[0] == "66,7\xa0%"
    values = TestClient(app).get(
        "/api/v1/indicators/primary_care_within_deadline/values",
        params={"start": "2025-03", "end": "2025-03", "unit": "A"},
        headers=api_token(app, "johtaja")).json()
    assert [(r["numerator"], r["denominator"]) for r in values] == [(4, 6)]
    assert values[0]["value"] == pytest.approx(4 / 6)
    median = figure_of(client.get(f"/capability/access?{MARCH}").text,
                       "primary_care_wait_median")
    assert median[0] == "7"


def test_a_unit_below_the_minimum_count_is_hidden_on_the_page_and_in_the_api(app):
    html = client_for(app, "johtaja").get(f"/capability/access?{MARCH}&unit=B").text
    row = re.search(r'<tr id="row-primary_care_within_deadline".*?</tr>', html, re.S).group()
    assert "hidden" in row and "data-value" not in row
    values = TestClient(app).get(
        "/api/v1/indicators/primary_care_within_deadline/values",
        params={"start": "2025-03", "end": "2025-03", "unit": "B"},
        headers=api_token(app, "johtaja")).json()
    assert values == [{"indicator": "primary_care_within_deadline", "period": "2025-03",
                       "dimensions": {}, "numerator": None, "denominator": None,
                       "value": None, "low": None, "high": None,
                       "suppressed": True}]


def test_the_breakdown_by_unit_links_each_unit_to_its_filtered_view(app):
    html = client_for(app, "johtaja").get(
        f"/indicator/primary_care_within_deadline?{MARCH}&by=unit").text
    row = re.search(r'<tr data-value-of="A">.*?</tr>', html, re.S).group()
    assert "Asema A" in row and 'data-value="0.6666' in row
    assert '/capability/access?start=2025-03&amp;end=2025-03&amp;grain=month&amp;unit=A' in row


def test_an_indicator_without_the_filtered_dimension_says_so_instead_of_showing_all(app):
    html = client_for(app, "johtaja").get("/capability/access?age_band=18–22&contact_type=phone"
                                          ).text
    row = re.search(r'<tr id="row-contact_assessed_within_deadline".*?</tr>', html, re.S).group()
    assert "Not available with the filter" in row and "Contact type" in row


def test_a_malformed_month_is_a_clear_error(app):
    response = client_for(app, "johtaja").get("/capability/access?start=2025-13")
    assert response.status_code == 400 and "YYYY-MM" in response.text
    assert client_for(app, "johtaja").get("/report?month=9999-12").status_code == 400
    supervisor = client_for(app, "esihenkilo_a")
    for url in ("/overdue?as_of=0", "/overdue?within=-1", "/export/overdue.csv?as_of=2025-02-30"):
        response = supervisor.get(url)
        assert response.status_code == 400 and "Traceback" not in response.text, url
    api = TestClient(app).get("/api/v1/overview", params={"start": "03/2025"},
                              headers=api_token(app, "johtaja"))
    assert api.status_code == 422


# --- languages --------------------------------------------------------------------------------

def test_the_language_switch_persists_and_changes_labels_and_indicator_names(app):
    client = client_for(app, "johtaja", "fi")
    assert "Yleiskuva" in client.get("/").text
    response = client.post("/language", data={"lang": "sv", "next": "/capability/t3"},
                           follow_redirects=False)
    assert response.headers["location"] == "/capability/t3"
    client.cookies.set("tilannekuva_lang", response.cookies["tilannekuva_lang"])
    html = client.get("/").text
    assert '<html lang="sv">' in html and "Översikt" in html
    assert "T3 – tredje lediga icke-brådskande mottagningstid" in html
    assert client.post("/language", data={"lang": "sv", "next": "https://evil.example/"},
                       follow_redirects=False).headers["location"] == "/"


def test_the_catalogues_have_the_same_keys_and_every_key_the_templates_use():
    import string
    import tomllib

    folder = Path("src/tilannekuva/web")
    catalogues = {lang: tomllib.loads((folder / "messages" / f"{lang}.toml").read_text())
                  for lang in ("fi", "sv", "en")}
    assert catalogues["fi"].keys() == catalogues["sv"].keys() == catalogues["en"].keys()

    def fields(text):
        return {f[1] for f in string.Formatter().parse(text) if f[1]}
    for key, text in catalogues["en"].items():
        assert fields(catalogues["fi"][key]) == fields(catalogues["sv"][key]) == fields(text)
    sources = "".join(p.read_text() for p in (folder / "templates").glob("*.html"))
    sources += "".join(p.read_text() for p in folder.glob("*.py"))
    used = set(re.findall(r"""\bt\(\s*["']([a-z_.]+)["']""", sources))
    fixed = {key for key in used if not key.endswith((".", "_"))}
    assert fixed and fixed <= catalogues["en"].keys(), fixed - catalogues["en"].keys()
    # Keys the templates build from a prefix and a name the code knows.
    from tilannekuva.indicators.dimensions import DIMENSIONS
    from tilannekuva.indicators.feedback import STATEMENTS
    from tilannekuva.indicators.overdue import wait_kinds
    from tilannekuva.indicators.quality import CHECKS
    from tilannekuva.reports.spc import RULES
    from tilannekuva.web.roles import ROLES, VIEWS
    built = {f"role.{r}" for r in ROLES} | {f"dimension.{d}" for d in DIMENSIONS}
    built |= {f"refused.{view}" for view in VIEWS}
    built |= {f"value.statement.{s}" for s in STATEMENTS}
    built |= {f"value.profession_group.{g}" for g in ("doctor", "nurse")}
    built |= {f"value.service_mix.{m}" for m in ("health_only", "social_only", "both")}
    built |= {f"quality.category.{c.category}" for c in CHECKS}
    built |= {f"quality.status.{s}" for s in ("pass", "fail", "suppressed", "no_records")}
    built |= {f"grain.fallback.{g}" for g in ("month", "quarter", "year")}
    built |= {f"group.{i.group}" for i in REGISTRY.values()}
    built |= {f"group.{i.group}.intro" for i in REGISTRY.values()}
    built |= {f"wait_kind.{k}" for k in wait_kinds()} | {f"rule.{r}" for r in RULES}
    built |= {f"spc.{r}" for r in ("improvement", "concern", "neither", "common_cause",
                                   "too_few_points")}
    built |= {f"assurance.{a}" for a in ("pass", "fail", "hit_and_miss")}
    built |= {f"better.{b}" for b in ("higher", "lower", "none")}
    built |= {f"grain.{g}" for g in ("month", "quarter", "year")}
    built |= {f"language.{code}" for code in ("fi", "sv", "en")}
    from tilannekuva.forecasting.risk_features import FEATURE_NAMES
    built |= {f"risk.feature.{name}" for name in FEATURE_NAMES}
    built |= {f"risk.dimension.{d}" for d in ("sex", "age_group", "municipality")}
    assert built <= catalogues["en"].keys(), built - catalogues["en"].keys()


def test_nothing_is_loaded_from_outside_the_package():
    folder = Path("src/tilannekuva/web")
    for path in [*folder.glob("templates/*.html"), *folder.glob("static/*")]:
        text = path.read_text()
        assert not re.search(r"""(src|href)=["'](https?:)?//""", text), path
        assert "@import" not in text and "url(http" not in text, path


# --- the overdue list: entitlement and audit -------------------------------------------------

def test_a_supervisor_sees_their_own_units_list_and_each_view_is_audited(app, db):
    before = len(audit_rows(app))
    client = client_for(app, "esihenkilo_a")
    html = client.get("/overdue?as_of=2025-03-31").text
    assert "<th scope=\"row\">P9</th>" in html and "P10" not in html
    assert re.search(r"<td class=\"num\">14</td>", html)
    api = TestClient(app).get("/api/v1/overdue", params={"as_of": "2025-03-31"},
                              headers=api_token(app, "esihenkilo_a")).json()
    assert [(r["person_id"], r["days_over"], r["due_date"]) for r in api["rows"]] == [
        ("P9", 14, "2025-03-17")]
    entries = audit_rows(app)[before:]
    assert [(u, a, r) for u, a, _, r in entries] == [
        ("esihenkilo_a", "overdue_list", 1), ("esihenkilo_a", "overdue_list", 1)]
    scope = json.loads(entries[0][2])
    assert scope["units"] == ["A"] and scope["as_of"] == "2025-03-31"


def test_another_units_list_is_refused_and_the_refusal_audited(app, db):
    before = len(audit_rows(app))
    client = client_for(app, "esihenkilo_a")
    response = client.get("/overdue?unit=B&as_of=2025-03-31")
    assert response.status_code == 403 and "P10" not in response.text
    assert "not among the units you lead" in response.text
    api = TestClient(app).get("/api/v1/overdue", params={"unit": "B"},
                              headers=api_token(app, "esihenkilo_a"))
    assert api.status_code == 403
    assert client.get("/export/overdue.csv?unit=B").status_code == 403
    director = client_for(app, "johtaja").get("/overdue")
    assert director.status_code == 403
    entries = audit_rows(app)[before:]
    assert [(u, a, r) for u, a, _, r in entries] == [
        ("esihenkilo_a", "overdue_list_refused", 0)] * 3 + [
        ("johtaja", "overdue_list_refused", 0)]
    assert json.loads(entries[0][2])["units"] == ["B"]


def test_only_the_administrator_reads_the_audit_log(app):
    assert client_for(app, "johtaja").get("/audit").status_code == 403
    assert client_for(app, "yllapitaja").get("/audit").status_code == 200
    assert TestClient(app).get("/api/v1/audit", headers=api_token(app, "johtaja")
                               ).status_code == 403
    entries = TestClient(app).get("/api/v1/audit", headers=api_token(app, "yllapitaja")).json()
    assert isinstance(entries, list)


# --- downloads and the monthly report --------------------------------------------------------

def test_downloads_carry_the_same_figures_as_the_page(app):
    client = client_for(app, "johtaja")
    csv = client.get(f"/export/values.csv?{MARCH}&unit=A&indicator=primary_care_within_deadline")
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.content.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads ä and ö right
    rows = pd.read_csv(io.BytesIO(csv.content), encoding="utf-8-sig")
    assert rows[["period", "numerator", "denominator"]].values.tolist() == [["2025-03", 4, 6]]
    xlsx = client.get(f"/export/breakdown.xlsx?{MARCH}&indicator=primary_care_within_deadline"
                      "&by=unit")
    sheet = pd.read_excel(io.BytesIO(xlsx.content))
    by_unit = {r.unit: (r.numerator, r.denominator, r.suppressed) for r in sheet.itertuples()}
    assert by_unit["A"] == (4, 6, False)
    assert by_unit["B"][2] and pd.isna(by_unit["B"][0])


def test_the_monthly_report_is_html_and_pdf(app):
    client = client_for(app, "johtaja")
    html = client.get("/report?month=2025-03").text
    assert "Monthly report 2025-03" in html and "75.0%" in html
    pdf = client.get("/report.pdf?month=2025-03")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and len(pdf.content) > 5_000


def test_the_openapi_document_lists_the_versioned_routes_and_no_pages(app):
    document = TestClient(app).get("/api/v1/openapi.json").json()
    assert set(document["paths"]) == {
        "/api/v1/token", "/api/v1/indicators", "/api/v1/indicators/{indicator_id}",
        "/api/v1/indicators/{indicator_id}/values", "/api/v1/overview", "/api/v1/filters",
        "/api/v1/overdue", "/api/v1/feedback/comments", "/api/v1/audit",
        "/api/v1/queueing", "/api/v1/scenarios/run", "/api/v1/risk/model",
        "/api/v1/risk/persons",
        "/api/v1/forecasts/{series}", "/api/v1/forecasts/{series}/backtest",
        *(f"/api/v1/situation{path}" for path in (
            "/wards", "/requests", "/{entity}/{entity_id}", "/{entity}/{entity_id}/audit",
            "/wards/{ward_id}/beds", "/beds/{bed_id}/{action}", "/requests/{request_id}/offer",
            "/requests/{request_id}/place", "/requests/{request_id}/{action}", "/handoffs",
            "/handoffs/{handoff_id}/{action}", "/transports",
            "/transports/{transport_id}/{action}"))}


def test_the_default_window_ends_with_the_last_complete_month(app):
    figures = app.state.figures
    view = figures.default_view()
    assert (view.start, view.end) == (date(2023, 4, 1), date(2025, 3, 31))


# --- every capability page, number formats, grains and classes -------------------------------

@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_every_capability_page_renders_in_every_language(app, language):
    client = client_for(app, "johtaja", language)
    for group in GROUPS:
        for query_part in ("", f"?{MARCH}", f"?{MARCH}&grain=quarter&unit=A"):
            response = client.get(f"/capability/{group}{query_part}")
            assert response.status_code == 200, (group, query_part, response.text[-2000:])
            assert f'<html lang="{language}">' in response.text
        # Every capability is in the navigation.
        assert f'href="/capability/{group}"' in response.text
    for path in ("/", "/report?month=2025-03"):
        assert client.get(path).status_code == 200, path


def test_every_indicator_page_renders_with_each_breakdown(app):
    client = client_for(app, "johtaja")
    for indicator in REGISTRY.values():
        breakdowns = [d for d in indicator.dimensions if d not in indicator.fixed_dimensions]
        for by in breakdowns[:2] or ["unit"]:
            response = client.get(f"/indicator/{indicator.id}?{MARCH}&by={by}")
            assert response.status_code == 200, (indicator.id, by, response.text[-2000:])


def test_a_score_is_signed_with_its_interval_on_the_page_and_in_the_api(app):
    """Unit A's NPS in March (web_county): +16.7, 95 % interval −86.5 to +119.8."""
    html = client_for(app, "johtaja", "fi").get(f"/capability/feedback?{MARCH}&unit=A").text
    row = re.search(r'<tr id="row-feedback_nps".*?</tr>', html, re.S).group()
    assert '<span class="figure" data-value="16.66' in row and ">+16,7</span>" in row
    assert "(\u221286,5 – +119,8)</span>" in row  # Finnish minus sign, spaced dash
    english = client_for(app, "johtaja", "en").get(f"/indicator/feedback_nps?{MARCH}&unit=A")
    assert ">+16.7</span>" in english.text and "(-86.5 – +119.8)" in english.text
    values = TestClient(app).get("/api/v1/indicators/feedback_nps/values", params={
        "start": "2025-03", "end": "2025-03", "unit": "A"}, headers=api_token(app, "johtaja")
                                 ).json()
    assert [(v["period"], v["denominator"]) for v in values] == [("2025-03", 6)]
    assert values[0]["value"] == pytest.approx(100 / 6)
    assert (values[0]["low"], values[0]["high"]) == (pytest.approx(-86.513, abs=1e-3),
                                                     pytest.approx(119.846, abs=1e-3))
    # Unit B's two answers are fewer than the minimum: hidden, interval too.
    hidden = TestClient(app).get("/api/v1/indicators/feedback_nps/values", params={
        "start": "2025-03", "end": "2025-03", "unit": "B"}, headers=api_token(app, "johtaja")
                                 ).json()
    assert hidden[0]["suppressed"] and hidden[0]["low"] is None and hidden[0]["high"] is None


def test_a_yearly_indicator_in_a_monthly_view_is_computed_by_year_and_says_so(app):
    """clients_by_services_used is defined by year: in March 2025 it is the year 2025, where
    P1–P8 used one service group each (general practice): 8 of 8 in class "1"."""
    html = client_for(app, "johtaja", "en").get(f"/capability/heavy_users?{MARCH}").text
    row = re.search(r'<tr id="row-clients_by_services_used".*?</tr>', html, re.S).group()
    assert "<td>2025<br>" in row and "yearly figure" in row
    assert '1: <span class="figure" data-value="1.0">100.0%</span>' in row
    headers = api_token(app, "johtaja")
    overview = TestClient(app).get("/api/v1/overview", params={
        "group": "heavy_users", "start": "2025-03", "end": "2025-03"}, headers=headers).json()
    item = next(s for s in overview if s["indicator"]["id"] == "clients_by_services_used")
    assert item["grain"] == "year" and item["indicator"]["grains"] == ["year"]
    assert [(r["period"], r["dimensions"], r["numerator"], r["denominator"])
            for r in item["rows"]] == [("2025", {"services_used": "1"}, 8, 8)]
    access = next(s for s in TestClient(app).get("/api/v1/overview", params={
        "group": "access", "start": "2025-03", "end": "2025-03"}, headers=headers).json())
    assert access["grain"] == "month"
    values = TestClient(app).get("/api/v1/indicators/clients_by_services_used/values", params={
        "start": "2025-03", "end": "2025-03", "grain": "month"}, headers=headers)
    assert values.status_code == 200 and [r["period"] for r in values.json()] == ["2025"]
    page = client_for(app, "johtaja", "en").get(f"/indicator/clients_by_services_used?{MARCH}")
    assert "1 Jan 2025–31 Dec 2025" in page.text


def test_a_class_filter_keeps_classes_and_a_distribution_refuses_its_own_class(app):
    headers = api_token(app, "johtaja")
    co_use = TestClient(app).get("/api/v1/indicators/service_co_use/values", params={
        "start": "2025-01", "end": "2025-12", "grain": "year",
        "service_group": "general_practice"}, headers=headers).json()
    assert co_use and {r["dimensions"]["service_group"] for r in co_use} == {
        "general_practice"}
    html = client_for(app, "johtaja").get(f"/capability/first_assessment?{MARCH}"
                                          "&outcome=resolved").text
    row = re.search(r'<tr id="row-first_assessment_outcome".*?</tr>', html, re.S).group()
    assert "Not available with the filter" in row and "First-assessment outcome" in row
    # The page offers the classes of an indicator always split by them as a filter, never a
    # distribution's classes.
    assert 'id="f-statement"' in client_for(app, "johtaja").get("/capability/feedback").text
    assert 'id="f-outcome"' not in html


def test_the_values_of_every_kind_of_dimension_are_named_in_the_readers_language(app):
    from tilannekuva.web.i18n import translator
    from tilannekuva.web.labels import value_labels

    fi = value_labels(app.state.figures, translator("fi"))
    en = value_labels(app.state.figures, translator("en"))
    assert (fi("unit", "A"), fi("unit", "X9")) == ("Asema A", "X9")  # unknown: as it is
    assert fi("service_group", "home_care") == "kotihoito"  # code lists
    assert en("response_channel", "sms") == "text message"
    assert en("outcome", "resolved") == "resolved at first assessment"
    assert fi("pathway_stage", "pilot") == "pilotissa"
    assert en("end_reason", "low_use") == "low use"
    assert en("care_level", "specialised") == "specialised"
    assert fi("statement", "access") == "Sain apua riittävän nopeasti"  # the catalogues
    assert en("profession_group", "doctor") == "doctor"
    assert fi("service_mix", "both") == "sekä terveys- että sosiaalipalveluja"
    assert fi("combination", "ed_and_home_care") == "päivystys + kotihoito"
    assert en("check", "visit_without_assessment") == (
        "Non-urgent primary-care visits without a care-needs assessment")
    assert (fi("top_share", "005"), en("top_share", "100")) == ("kalleimmat 5 %", "top 100%")
    assert (fi("services_used", "5+"), fi("age_band", "18–22")) == ("5+", "18–22")


# --- feedback comments: entitlement and audit ------------------------------------------------

def test_a_supervisor_reads_their_units_comments_newest_first_and_each_view_is_audited(app):
    before = len(audit_rows(app))
    client = client_for(app, "esihenkilo_a")
    html = client.get("/feedback/comments?start=2025-03&end=2025-03").text
    shown = re.findall(r'<tr data-response="([^"]+)">', html)
    assert shown == ["R4", "R1"]  # R2's comment is white space only; R7 is unit B's
    assert "Kiitos avusta" not in html and "Jonotin puhelimessa pitkään." in html
    api = TestClient(app).get("/api/v1/feedback/comments", params={"start": "2025-03"},
                              headers=api_token(app, "esihenkilo_a")).json()
    assert [(r["response_id"], r["unit_id"], r["responded_on"], r["recommendation"])
            for r in api["rows"]] == [("R4", "A", "2025-03-20", 8), ("R1", "A", "2025-03-10", 10)]
    assert api["units"] == ["A"] and (api["start"], api["end"]) == ("2025-03-01", "2025-03-31")
    csv = client.get("/export/feedback_comments.csv?start=2025-03")
    rows = pd.read_csv(io.BytesIO(csv.content), encoding="utf-8-sig")
    assert rows["response_id"].tolist() == ["R4", "R1"]
    entries = audit_rows(app)[before:]
    assert [(u, a, r) for u, a, _, r in entries] == [("esihenkilo_a", "feedback_comments", 2)] * 3
    scope = json.loads(entries[0][2])
    assert scope["units"] == ["A"] and scope["channel"] == "page"
    assert (scope["start"], scope["end"]) == ("2025-03-01", "2025-03-31")


def test_another_units_comments_and_other_roles_are_refused_and_audited(app):
    before = len(audit_rows(app))
    supervisor = client_for(app, "esihenkilo_a")
    response = supervisor.get("/feedback/comments?unit=B&start=2025-03")
    assert response.status_code == 403 and "Kiitos avusta" not in response.text
    assert TestClient(app).get("/api/v1/feedback/comments", params={"unit": "B"},
                               headers=api_token(app, "esihenkilo_a")).status_code == 403
    assert supervisor.get("/export/feedback_comments.xlsx?unit=B").status_code == 403
    for user in ("analyytikko", "tilannekeskus", "yllapitaja"):
        assert client_for(app, user).get("/feedback/comments").status_code == 403, user
    entries = audit_rows(app)[before:]
    assert [(u, a, r) for u, a, _, r in entries] == [
        ("esihenkilo_a", "feedback_comments_refused", 0)] * 3 + [
        (u, "feedback_comments_refused", 0) for u in ("analyytikko", "tilannekeskus",
                                                      "yllapitaja")]
    assert json.loads(entries[0][2])["units"] == ["B"]
    # The director reads every unit's comments.
    html = client_for(app, "johtaja").get("/feedback/comments?start=2025-03").text
    assert re.findall(r'<tr data-response="([^"]+)">', html) == ["R4", "R7", "R1"]


# --- the documentation-quality scorecard -----------------------------------------------------

def test_the_scorecard_applies_new_thresholds_without_recomputing_the_checks(app, monkeypatch):
    """Unit A in March (web_county): of the checks with records, the six visits all lack a
    professional (100 % > 5 %: fail) and the seven assessments their contact (fail); the other
    five pass (no assessment missing, no impossible time, no unknown code in either table);
    physician visits there are none, and the contact checks hide one person's contact. Score
    5 / 7 = 71.4 %. With the threshold of visits without a professional at 100 % it passes:
    6 / 7 = 85.7 %."""
    client = client_for(app, "johtaja", "en")
    html = client.get(f"/quality?{MARCH}").text
    check = re.search(r'<tr data-check="visit_without_professional".*?</tr>', html, re.S).group()
    assert "status-fail" in check and "100.0%" in check and 'value="5"' in check
    unit = re.search(r'<tr data-unit="A">.*?</tr>', html, re.S).group()
    assert "5 / 7" in unit and 'data-value="0.714' in unit
    calls = []
    monkeypatch.setattr(figures_module, "compute",
                        lambda *args, **kwargs: calls.append(args) or pd.DataFrame())
    html = client.get(f"/quality?{MARCH}&threshold.visit_without_professional=100").text
    assert calls == []  # the check rows came from memory
    check = re.search(r'<tr data-check="visit_without_professional".*?</tr>', html, re.S).group()
    assert "status-pass" in check and 'value="100"' in check
    unit = re.search(r'<tr data-unit="A">.*?</tr>', html, re.S).group()
    assert "6 / 7" in unit and "85.7%" in unit
    csv = client.get(f"/export/scorecard.csv?{MARCH}&threshold.visit_without_professional=100")
    card = pd.read_csv(io.BytesIO(csv.content), encoding="utf-8-sig")
    row = card[(card["unit"] == "A") & (card["check"] == "visit_without_professional")]
    assert row[["threshold", "status", "score"]].values.tolist() == [[1.0, "pass", 6 / 7]]


def test_the_scorecard_refuses_bad_thresholds_and_situation_centre_staff(app):
    before = len(audit_rows(app))
    client = client_for(app, "johtaja")
    for bad in ("threshold.visit_without_professional=lots", "threshold.no_such_check=5",
                "threshold.visit_without_professional=101", "profession=nurse"):
        response = client.get(f"/quality?{MARCH}&{bad}")
        assert response.status_code == 400 and "Traceback" not in response.text, bad
    refused = client_for(app, "tilannekeskus").get("/quality")
    assert refused.status_code == 403
    assert client_for(app, "tilannekeskus").get("/export/quarantine.csv").status_code == 403
    for user in ("esihenkilo_b", "analyytikko", "yllapitaja"):
        assert client_for(app, user).get(f"/quality?{MARCH}").status_code == 200, user
    entries = audit_rows(app)[before:]
    assert [(u, a) for u, a, _, _ in entries] == [
        ("tilannekeskus", "quality_scorecard_refused")] * 2 + [
        (u, "quality_scorecard") for u in ("esihenkilo_b", "analyytikko", "yllapitaja")]


def test_the_quarantine_is_shown_as_counts_only(app, db):
    con = app.state.figures.cursor()
    try:
        con.execute("INSERT INTO quarantine VALUES (7, 'visits.csv', 12, 'visits', "
                    "'start_at', 'time_order', 'visit before birth', "
                    "'{\"person_id\": \"SECRET-P99\"}')")
    finally:
        con.close()
    try:
        app.state.figures._cache.pop(("quarantine",), None)
        html = client_for(app, "analyytikko", "en").get(f"/quality?{MARCH}").text
        section = html[html.index('id="quarantine"'):]
        assert "<code>time_order</code>" in section and "visits" in section
        assert "SECRET-P99" not in html and "visit before birth" not in html
        csv = client_for(app, "analyytikko").get("/export/quarantine.csv")
        assert pd.read_csv(io.BytesIO(csv.content), encoding="utf-8-sig").to_dict(
            "records") == [{"target_table": "visits", "field": "start_at",
                            "reason": "time_order", "rows": 1, "imports": 1}]
    finally:
        con = app.state.figures.cursor()
        try:
            con.execute("DELETE FROM quarantine")
        finally:
            con.close()
        app.state.figures._cache.pop(("quarantine",), None)
