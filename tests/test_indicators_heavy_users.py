"""Heavy service users on tiny hand-built counties: the client-year table (services, care days,
cost), the three heavy-user definitions with ties at the cost cut, the cost share and the
concentration curve, views (a), (b) and (c), service combinations, frequent ED and phone users,
persistence, and suppression. Every expected figure is worked out by hand beside it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from county import County

from tilannekuva.indicators import Parameters, Query, Sources, compute
from tilannekuva.indicators.heavy_users import BIT, INDICATORS, client_years

HEAVY = Parameters(heavy_user_definition="services", heavy_user_min_services=3)


def cells(src: Sources, indicator: str, start: str = "2024-01-01", end: str = "2024-12-31",
          dims: tuple[str, ...] = (), filters: tuple = (), min_cell_size: int = 1,
          figures: tuple[str, ...] = ("numerator", "denominator")) -> list[tuple]:
    """(period, *dims and fixed dimensions, *figures) of every output row, by year."""
    out = compute(src, Query((indicator,), date.fromisoformat(start), date.fromisoformat(end),
                             "year", dims, filters), min_cell_size=min_cell_size)
    fixed = [c for c in out.columns
             if c not in ("indicator", "period", "numerator", "denominator", "value", "low",
                          "high", "suppressed")]
    return [tuple(None if pd.isna(v) else v for v in row)
            for row in out[["period", *fixed, *figures]].itertuples(index=False, name=None)]


def years(src: Sources) -> dict[tuple[str, int], dict]:
    """client_years by (person, year)."""
    rows = client_years(replace(src, grain="year")).to_pyarrow().to_pylist()
    return {(r["person_id"], r["year"]): r for r in rows}


def price(county: County, item: str, year: int, euros: float, per: str = "visit") -> County:
    return county.add("unit_costs", cost_item=item, year=year, euros=euros, per=per)


def visit(county: County, person: str, when: str, **values) -> County:
    return county.add("visits", visit_id=f"V{len(county.rows['visits']) + 1}",
                      person_id=person, start_at=when, **values)


def ten_clients(tmp_path: Path, parameters: Parameters | None = None) -> Sources:
    """Ten clients in 2024 priced by physician visits at 100 €: A 5 visits (500 €), B and C 3
    (300 € each), D–J 1 (100 € each); all cost 1800 €. By cost, highest first, with ties
    sharing their best rank (SQL rank()): A 1, B 2, C 2, D–J 4."""
    c = County(tmp_path / "c.duckdb")
    price(c, "primary_physician_visit", 2024, 100.0)
    for person, n in zip("ABCDEFGHIJ", (5, 3, 3, 1, 1, 1, 1, 1, 1, 1), strict=True):
        c.person(person)
        for k in range(n):
            visit(c, person, f"2024-03-{k + 1:02d} 10:00")
    return c.sources(parameters or Parameters())


@pytest.mark.parametrize(("top_share", "heavy"), [
    # ceil(0.1 × 10) = 1: only A.
    (0.1, {"A"}),
    # ceil(0.2 × 10) = 2: A (rank 1) and the tie B, C (rank 2), which straddles the cut at
    # position 2: both in, 3 heavy users = 30 % of clients, more than p = 20 %.
    (0.2, {"A", "B", "C"}),
    # ceil(0.3 × 10) = 3: A, B, C; the seven tied at rank 4 are all out.
    (0.3, {"A", "B", "C"}),
    # ceil(0.4 × 10) = 4: the seven tied at rank 4 are all in: everyone.
    (0.4, set("ABCDEFGHIJ")),
])
def test_cost_definition_with_ties_at_the_cut(tmp_path: Path, top_share, heavy) -> None:
    src = ten_clients(tmp_path, Parameters(heavy_user_top_share=top_share))
    ranks = {p: r["cost_rank"] for (p, _), r in years(src).items()}
    assert ranks == {"A": 1, "B": 2, "C": 2, **{p: 4 for p in "DEFGHIJ"}}
    n = len(heavy)
    assert cells(src, "heavy_users_count") == [("2024", n, None)]
    assert cells(src, "heavy_users_share_of_clients") == [("2024", n, 10)]
    # Heavy users' cost: A 500 + B 300 + C 300 = 1100 of 1800 (everyone: 1800).
    cost = {1: 500, 3: 1100, 10: 1800}[n]
    assert cells(src, "heavy_users_cost_share") == [("2024", cost, 1800)]


def test_the_cut_is_exact_where_floating_point_is_not(tmp_path: Path) -> None:
    # 100 clients: K0–K7 with 9, 8, …, 2 physician visits (ranks 1–8), 92 with 1 (rank 9).
    # 7 % of 100 is 7 heavy users (ranks 1–7); in binary floating point 0.07 × 100 is
    # 7.000000000000001, whose ceiling, 8, would let K7 in. (DuckDB happens to read a literal
    # 0.07 as a decimal; a backend or a column in double precision would not.)
    c = County(tmp_path / "c.duckdb")
    price(c, "primary_physician_visit", 2024, 100.0)
    for k in range(100):
        c.person(f"K{k}")
        for n in range(max(9 - k, 1)):
            visit(c, f"K{k}", f"2024-05-{n + 1:02d} 10:00")
    src = c.sources(Parameters(heavy_user_top_share=0.07))
    assert 0.07 * 100 > 7
    assert cells(src, "heavy_users_count") == [("2024", 7, None)]


def test_cost_concentration_curve(tmp_path: Path) -> None:
    # Cut at p: rank ≤ ceil(p × 10). 1 %, 2 %, 5 %, 10 %: cut 1 → A, 500 €. 20 %, 30 %: cut 2
    # and 3 → A, B, C, 1100 €. 40 % and above: cut ≥ 4 → all ranks (A 1, B–C 2, D–J 4), 1800 €.
    src = ten_clients(tmp_path)
    assert cells(src, "cost_concentration") == [
        ("2024", "001", 500, 1800), ("2024", "002", 500, 1800), ("2024", "005", 500, 1800),
        ("2024", "010", 500, 1800), ("2024", "020", 1100, 1800), ("2024", "030", 1100, 1800),
        *[("2024", f"{p:03d}", 1800, 1800) for p in (40, 50, 60, 70, 80, 90, 100)]]


def test_the_curve_and_the_heavy_users_are_cut_county_wide(tmp_path: Path) -> None:
    # B lives in municipality 999, everyone else in 272. The top 10 % is A alone (cut 1), so
    # in 999 heavy users carry nothing (0 of B's 300), in 272 A's 500 of 1500.
    c = County(tmp_path / "c.duckdb")
    price(c, "primary_physician_visit", 2024, 100.0)
    for person, n in zip("ABCDEFGHIJ", (5, 3, 3, 1, 1, 1, 1, 1, 1, 1), strict=True):
        c.person(person, municipality="999" if person == "B" else "272")
        for k in range(n):
            visit(c, person, f"2024-03-{k + 1:02d} 10:00")
    src = c.sources()
    assert cells(src, "heavy_users_cost_share", dims=("municipality",)) == [
        ("2024", "272", 500, 1500), ("2024", "999", 0, 300)]
    assert cells(src, "cost_concentration", filters=(("top_share", ("010",)),),
                 dims=("municipality",)) == [("2024", "272", "010", 500, 1500),
                                             ("2024", "999", "010", 0, 300)]


def test_client_year_services_care_days_and_cost(tmp_path: Path) -> None:
    c = County(tmp_path / "c.duckdb")
    for item, euros in (("inpatient_day", (1000, 1100)), ("service_housing_day", (200, 210)),
                        ("social_service_month", (900, 950)), ("ed_visit", (400, 420)),
                        ("remote_contact", (30, 35)), ("primary_nurse_visit", (70, 75)),
                        ("social_work_visit", (110, 115)), ("home_care_visit", (50, 55))):
        for year, value in zip((2024, 2025), euros, strict=True):
            price(c, item, year, value)
    for p in ("P1", "P2", "P3", "P4", "P5"):
        c.person(p)
    # The data's days: the first and last done visits, 2024-01-02 and 2025-06-30. A visit of
    # 2023 would open 2023; the cancelled one below does not count.
    visit(c, "P5", "2024-01-02 09:00", profession="nurse")           # nurse visit, 70
    visit(c, "P5", "2025-06-30 09:00", profession="nurse")           # nurse visit, 75
    visit(c, "P5", "2025-12-01 09:00", status="cancelled")
    # P1: a stay 30 Dec 2024 → 3 Jan 2025: 2 days in 2024 (30, 31), 2 in 2025 (1, 2; the
    # discharge day not counted); a stay admitted and discharged on 5 Mar 2025: 1 day.
    c.add("episodes", episode_id="E1", person_id="P1", admitted_at="2024-12-30 10:00",
          discharged_at="2025-01-03 12:00")
    c.add("episodes", episode_id="E2", person_id="P1", admitted_at="2025-03-05 08:00",
          discharged_at="2025-03-05 20:00")
    # P2: 24-hour housing from 1 Jul 2024, still going: 184 days in 2024 (Jul 31 + Aug 31 +
    # Sep 30 + Oct 31 + Nov 30 + Dec 31); in 2025 to the data's last day, 30 June, not counted:
    # 180 days (Jan 31 + Feb 28 + Mar 31 + Apr 30 + May 31 + Jun 29).
    c.add("social_decisions", decision_id="D1", person_id="P2",
          service_type="service_housing_24h", decided_at="2024-06-01 10:00",
          service_started_at="2024-07-01 10:00")
    # P3: transport service without a case, 1 Jan – 1 Apr 2024: 91 days (31 + 29 + 31) of the
    # 366 of 2024 = 12 × 91 / 366 months × 900 € = 2685.245… → 2685.25 €; disability
    # services by its type. A refused decision and one never started count nothing.
    c.add("social_decisions", decision_id="D2", person_id="P3",
          service_type="transport_service", decided_at="2023-12-01 10:00",
          service_started_at="2024-01-01 10:00", service_ended_at="2024-04-01 10:00")
    c.add("social_decisions", decision_id="D3", person_id="P3", service_type="home_help",
          result="refused", decided_at="2024-02-01 10:00", service_started_at=None)
    c.add("social_decisions", decision_id="D4", person_id="P3", service_type="home_help",
          decided_at="2024-02-01 10:00", service_started_at=None)
    # P4: a case of families (social work) reached on 10 Feb 2024, with a home-help decision
    # in it (social work, the case's task) for 10 days in 2024: 12 × 10 / 366 × 900 =
    # 295.081… → 295.08 €; a home-care decision over the same days: home care, no price of its
    # own; a home-care visit, 50 €; a social-work meeting by phone: social-work price, 110 €;
    # an older-people case never reached: no use. Groups: social_work, home_care.
    c.add("social_cases", case_id="C1", person_id="P4", service_task="families",
          initiated_at="2024-02-05 10:00", first_contact_at="2024-02-10 10:00")
    c.add("social_cases", case_id="C2", person_id="P4", service_task="older_people",
          initiated_at="2024-03-05 10:00", outcome="not_reached")
    c.add("social_decisions", decision_id="D5", person_id="P4", case_id="C1",
          service_type="home_help", decided_at="2024-02-20 10:00",
          service_started_at="2024-03-01 10:00", service_ended_at="2024-03-11 10:00")
    c.add("social_decisions", decision_id="D6", person_id="P4", service_type="home_care",
          decided_at="2024-02-20 10:00", service_started_at="2024-03-01 10:00",
          service_ended_at="2024-03-11 10:00")
    visit(c, "P4", "2024-03-02 08:00", service="home_care", profession="practical_nurse",
          contact_type="home_visit")
    visit(c, "P4", "2024-03-03 08:00", service="social_work", profession="social_worker",
          contact_type="phone")
    # P5 also: a general-practice visit at the ED unit (emergency, ED price 420 in 2025) and
    # a phone contact with a nurse (remote contact, 35 in 2025).
    visit(c, "P5", "2025-02-01 03:00", unit_id="ED")
    visit(c, "P5", "2025-02-02 10:00", profession="nurse", contact_type="phone")
    src = c.sources()
    got = {key: (r["services"], r["visits"], r["care_days"], r["ed_visits"], r["cost"],
                 r["service_mix"]) for key, r in years(src).items()}
    assert got == {
        ("P1", 2024): (1, 0, 2, 0, 2000.0, "health_only"),         # 2 × 1000
        ("P1", 2025): (1, 0, 3, 0, 3300.0, "health_only"),         # 3 × 1100
        ("P2", 2024): (1, 0, 184, 0, 36800.0, "social_only"),      # 184 × 200
        ("P2", 2025): (1, 0, 180, 0, 37800.0, "social_only"),      # 180 × 210
        ("P3", 2024): (1, 0, 0, 0, 2685.25, "social_only"),
        ("P4", 2024): (2, 2, 0, 0, 455.08, "social_only"),         # 295.08 + 50 + 110
        ("P5", 2024): (1, 1, 0, 0, 70.0, "health_only"),
        ("P5", 2025): (2, 3, 0, 1, 530.0, "health_only"),          # 75 + 420 + 35
    }
    masks = {key: r["mask"] for key, r in years(src).items()}
    assert masks[("P4", 2024)] == BIT["social_work"] | BIT["home_care"]
    assert masks[("P3", 2024)] == BIT["disability_services"]
    assert masks[("P5", 2025)] == BIT["general_practice"] | BIT["emergency"]


def test_an_event_without_a_price_costs_nothing_but_is_use(tmp_path: Path) -> None:
    # Prices only for 2025: P1's 2024 visit costs 0 but P1 is a 2024 client.
    c = County(tmp_path / "c.duckdb").person("P1")
    price(c, "primary_physician_visit", 2025, 100.0)
    visit(c, "P1", "2024-05-01 10:00")
    visit(c, "P1", "2025-05-01 10:00")
    src = c.sources()
    assert {k: r["cost"] for k, r in years(src).items()} == {("P1", 2024): 0.0,
                                                             ("P1", 2025): 100.0}


def services_county(tmp_path: Path, parameters: Parameters = HEAVY,
                    name: str = "c.duckdb") -> Sources:
    """Four clients in 2024 (service groups used):
    P1 general_practice, emergency (at the ED unit), home_care                      3 groups
    P2 general_practice, emergency                                                  2
    P3 general_practice                                                             1
    P4 emergency, home_care, mental_health, substance_use, social_work (a case)     5
    """
    c = County(tmp_path / name)
    for p in ("P1", "P2", "P3", "P4"):
        c.person(p)
    for p in ("P1", "P2", "P3"):
        visit(c, p, "2024-02-01 10:00")
    for p in ("P1", "P2", "P4"):
        visit(c, p, "2024-02-02 03:00", unit_id="ED", service="emergency")
    for p in ("P1", "P4"):
        visit(c, p, "2024-02-03 08:00", service="home_care", contact_type="home_visit")
    visit(c, "P4", "2024-02-04 10:00", service="mental_health")
    visit(c, "P4", "2024-02-05 10:00", service="substance_use")
    c.add("social_cases", case_id="C1", person_id="P4", service_task="adults",
          initiated_at="2024-02-06 10:00", first_contact_at="2024-02-07 10:00")
    return c.sources(parameters)


def test_services_definition_and_views(tmp_path: Path) -> None:
    # Heavy users: at least 3 service groups → P1 and P4.
    src = services_county(tmp_path)
    assert cells(src, "heavy_users_count") == [("2024", 2, None)]
    # (a) Of each service's clients, the heavy: general practice P1 of P1–P3; emergency P1, P4
    # of P1, P2, P4; home care both; mental health, substance use and social work P4 of P4.
    assert cells(src, "heavy_users_by_service") == [
        ("2024", "emergency", 2, 3), ("2024", "general_practice", 1, 3),
        ("2024", "home_care", 2, 2), ("2024", "mental_health", 1, 1),
        ("2024", "social_work", 1, 1), ("2024", "substance_use", 1, 1)]
    # (a) Of the two heavy users, those using each group (every group has a row).
    spread = {row[1]: row[2:] for row in cells(src, "heavy_users_service_spread")}
    assert len(spread) == 15
    assert spread["emergency"] == spread["home_care"] == (2, 2)
    assert spread["general_practice"] == spread["mental_health"] == (1, 2)
    assert spread["oral_care"] == spread["inpatient"] == (0, 2)
    # (b) Groups used: 1 (P3), 2 (P2), 3 (P1), 5+ (P4); no client used 4.
    assert cells(src, "clients_by_services_used") == [
        ("2024", "1", 1, 4), ("2024", "2", 1, 4), ("2024", "3", 1, 4), ("2024", "5+", 1, 4)]
    # (c) Emergency's co-use table: of its clients P1, P2, P4, also general practice P1, P2;
    # home care P1, P4; mental health P4; oral care nobody. Fourteen other groups.
    co_use = cells(src, "service_co_use", filters=(("service_group", ("emergency",)),))
    table = {row[2]: row[3:] for row in co_use}
    assert len(table) == 14 and "emergency" not in table
    assert table["general_practice"] == table["home_care"] == (2, 3)
    assert table["mental_health"] == (1, 3)
    assert table["oral_care"] == (0, 3)


def test_service_combinations(tmp_path: Path) -> None:
    # Defaults: ED and home care: P1, P4 of 4; mental health and substance: P4; general
    # practice and social work: nobody.
    src = services_county(tmp_path)
    assert cells(src, "service_combination_users") == [
        ("2024", "ed_and_home_care", 2, 4), ("2024", "health_and_social_work", 0, 4),
        ("2024", "mental_health_and_substance", 1, 4)]
    # A combination of the county's own: general practice and ED → P1, P2.
    own = replace(HEAVY, service_combinations=(("gp_and_ed", ("general_practice",
                                                              "emergency")),))
    src = services_county(tmp_path, own, "own.duckdb")
    assert cells(src, "service_combination_users") == [("2024", "gp_and_ed", 2, 4)]


def test_visits_definition_counts_visits_and_care_days(tmp_path: Path) -> None:
    # At least 5 visits and care days: P1 3 visits + a 2-day stay = 5 → heavy; P2 4 visits →
    # not; P3 1 visit + 24-hour housing 1–5 Dec 2024 (4 days) = 5 → heavy.
    c = County(tmp_path / "c.duckdb")
    for p in ("P1", "P2", "P3"):
        c.person(p)
    for p, n in (("P1", 3), ("P2", 4), ("P3", 1)):
        for k in range(n):
            visit(c, p, f"2024-04-{k + 1:02d} 10:00")
    c.add("episodes", episode_id="E1", person_id="P1", admitted_at="2024-05-01 10:00",
          discharged_at="2024-05-03 10:00")
    c.add("social_decisions", decision_id="D1", person_id="P3",
          service_type="service_housing_24h", decided_at="2024-11-01 10:00",
          service_started_at="2024-12-01 10:00", service_ended_at="2024-12-05 10:00")
    src = c.sources(Parameters(heavy_user_definition="visits", heavy_user_min_visits=5))
    assert cells(src, "heavy_users_share_of_clients") == [("2024", 2, 3)]
    assert cells(src, "heavy_users_share_of_clients", filters=(
        ("service_mix", ("both",)),)) == [("2024", 1, 1)]


def test_frequent_ed_and_phone_users_at_the_threshold(tmp_path: Path) -> None:
    # Frequent: at least 3 ED visits or 2 phone-service contacts a year.
    c = County(tmp_path / "c.duckdb")
    c.add("units", unit_id="PH", name="Puhelinpalvelu", service_area="primary_care",
          municipality="272", level="primary", unit_type="phone_service")
    c.add("units", unit_id="OC", name="Hammashoitola", service_area="primary_care",
          municipality="272", level="primary", unit_type="oral_care_clinic")
    for p in ("P1", "P2", "P3"):
        c.person(p)
    # ED visits: P1 3 (exactly the threshold: frequent), P2 2 done and 1 cancelled (2), P3 1
    # general-practice visit at the ED unit (an ED visit). ED clients 3, frequent 1; ED visits
    # 3 + 2 + 1 = 6, of which the frequent user's 3.
    for k in range(3):
        visit(c, "P1", f"2024-01-{k + 1:02d} 10:00", unit_id="ED", service="emergency")
    for k, status in enumerate(("done", "done", "cancelled")):
        visit(c, "P2", f"2024-01-{k + 1:02d} 10:00", unit_id="ED", service="emergency",
              status=status)
    visit(c, "P3", "2024-01-05 10:00", unit_id="ED")
    # Phone service: P1 2 contacts (at the threshold); P2 1, and 3 calls to the dental clinic
    # (not the phone service). 1 of 2.
    for k in range(2):
        c.add("contacts", contact_id=f"K1{k}", person_id="P1", unit_id="PH",
              contact_at=f"2024-02-{k + 1:02d} 09:00")
    c.add("contacts", contact_id="K20", person_id="P2", unit_id="PH", channel="callback",
          contact_at="2024-02-01 09:00")
    for k in range(3):
        c.add("contacts", contact_id=f"K3{k}", person_id="P2", unit_id="OC",
              service="oral_care", contact_at=f"2024-03-{k + 1:02d} 09:00")
    src = c.sources(Parameters(frequent_ed_visits=3, frequent_phone_contacts=2))
    assert cells(src, "frequent_ed_users") == [("2024", 1, 3)]
    assert cells(src, "frequent_ed_users_visit_share") == [("2024", 3, 6)]
    assert cells(src, "frequent_phone_users") == [("2024", 1, 2)]


def test_persistence_across_two_years(tmp_path: Path) -> None:
    # Heavy = at least 2 service groups. 2024: P1 (GP, oral care), P2 (GP, mental health),
    # P3 (GP, oral care, died 1 Dec 2024: left out). 2025: P1 again 2 groups (heavy), P2 GP
    # only. Of the 2 heavy users of 2024 alive on 1 Jan 2025, 1 is heavy in 2025. 2025 has no
    # next year in the data: no row.
    c = County(tmp_path / "c.duckdb")
    c.person("P1").person("P2").person("P3", death_date="2024-12-01")
    for p, first, second in (("P1", "general_practice", "oral_care"),
                             ("P2", "general_practice", "mental_health"),
                             ("P3", "general_practice", "oral_care")):
        visit(c, p, "2024-03-01 10:00", service=first)
        visit(c, p, "2024-03-02 10:00", service=second)
    visit(c, "P1", "2025-03-01 10:00")
    visit(c, "P1", "2025-03-02 10:00", service="oral_care")
    visit(c, "P2", "2025-03-01 10:00")
    src = c.sources(Parameters(heavy_user_definition="services", heavy_user_min_services=2))
    assert cells(src, "heavy_user_persistence", "2024-01-01", "2025-12-31") == [
        ("2024", 1, 2)]
    # The query ending with 2024 still reads 2025: the same figure.
    assert cells(src, "heavy_user_persistence", "2024-01-01", "2024-12-31") == [
        ("2024", 1, 2)]


def test_small_cells_are_suppressed(tmp_path: Path) -> None:
    # Four clients: below a minimum of 5 every figure about them is hidden; the count of 2
    # heavy users too.
    src = services_county(tmp_path)
    assert cells(src, "heavy_users_share_of_clients", min_cell_size=5,
                 figures=("numerator", "denominator", "suppressed")) == [
        ("2024", None, None, True)]
    assert cells(src, "heavy_users_count", min_cell_size=5,
                 figures=("numerator", "suppressed")) == [("2024", None, True)]
    assert cells(src, "heavy_users_share_of_clients", min_cell_size=4,
                 figures=("numerator", "denominator", "suppressed")) == [
        ("2024", 2, 4, False)]


def test_every_heavy_user_indicator_computes_on_an_empty_county(tmp_path: Path) -> None:
    src = County(tmp_path / "empty.duckdb").sources()
    rows = compute(src, Query(tuple(i.id for i in INDICATORS), date(2024, 1, 1),
                              date(2025, 12, 31), "year"), 5)
    assert rows.empty


def test_age_band_is_the_age_reached_in_the_year(tmp_path: Path) -> None:
    # Age on 31 December 2024: P1 born 31 Dec 2006 is 18 (17 on every other day of 2024) →
    # 18–22; P2 born 1 Jun 2024, seen in June, is 0 → 0–6; P3 born 1 Jan 1959 is 65 → 65–74.
    # (No prices: nobody has a cost, so nobody is a heavy user by cost.)
    c = County(tmp_path / "c.duckdb")
    for p, born in (("P1", "2006-12-31"), ("P2", "2024-06-01"), ("P3", "1959-01-01")):
        c.person(p, born=born)
        visit(c, p, "2024-06-20 10:00")
    src = c.sources()
    assert cells(src, "heavy_users_share_of_clients", dims=("age_band",)) == [
        ("2024", "0–6", 0, 1), ("2024", "18–22", 0, 1), ("2024", "65–74", 0, 1)]
