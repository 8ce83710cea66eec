"""Continuity of care on tiny hand-built counties: the four indices, the clients the minimum
excludes, the named-worker shares and visits with the own professional. Every expected figure
is worked out by hand in the comment beside it (N = a client's counted visits, n_i those with
professional i, M = distinct professionals)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from county import County

from tilannekuva.indicators import Parameters, Query, Sources, compute

INDICES = ("continuity_coc", "continuity_upc", "continuity_secon", "continuity_mmci")
EXCLUDED = "continuity_excluded_clients"
RESIDENTS = "named_worker_residents"
LONG_TERM_ILL = "named_worker_long_term_ill"
OWN = "visits_with_own_professional"


def rows(src: Sources, indicator: str, start: str = "2024-01-01", end: str = "2024-12-31",
         grain: str = "year", dims: tuple[str, ...] = ()) -> list[tuple]:
    """(period, *dims, numerator, denominator, value) of every output row, no suppression."""
    out = compute(src, Query((indicator,), date.fromisoformat(start), date.fromisoformat(end),
                             grain, dims), min_cell_size=1)
    columns = ["period", *dims, "numerator", "denominator", "value"]
    return [tuple(None if pd.isna(v) else v for v in row)
            for row in out[columns].itertuples(index=False, name=None)]


def index_values(src: Sources, **query) -> dict[str, list[tuple]]:
    """Each index's (period, *dims, clients, mean) rows."""
    return {i: [(*r[:-3], r[-2], r[-1]) for r in rows(src, i, **query)] for i in INDICES}


def visits(county: County, person: str, *seen: tuple[str, str], **values) -> County:
    """Visits of `person`, one per (professional, start time)."""
    for professional, start in seen:
        county.add("visits", visit_id=f"{person}-{start}", person_id=person,
                   professional_id=professional, start_at=start, **values)
    return county


def test_a_client_with_one_visit_is_excluded_and_counted(tmp_path: Path) -> None:
    c = County(tmp_path / "c.duckdb").person("P1")
    src = visits(c, "P1", ("D1", "2024-03-01 10:00")).sources()
    # N = 1 < 2: no index row, and 1 of 1 client excluded.
    assert index_values(src) == {i: [] for i in INDICES}
    assert rows(src, EXCLUDED) == [("2024", 1, 1, 1.0)]


def test_all_visits_with_one_professional_give_one_everywhere(tmp_path: Path) -> None:
    c = County(tmp_path / "c.duckdb").person("P1")
    src = visits(c, "P1", ("D1", "2024-01-10 10:00"), ("D1", "2024-05-10 10:00"),
                 ("D1", "2024-09-10 10:00")).sources()
    # N = 3, n = (3): COC = (9 − 3) / (3 · 2) = 1; UPC = 3/3 = 1; SECON = 2/2 = 1;
    # MMCI = (1 − 1/3.1) / (1 − 1/3.1) = 1.
    assert index_values(src) == {i: [("2024", 1, 1.0)] for i in INDICES}
    assert rows(src, EXCLUDED) == [("2024", 0, 1, 0.0)]


def test_alternating_between_two_professionals(tmp_path: Path) -> None:
    c = County(tmp_path / "c.duckdb").person("P1")
    src = visits(c, "P1", ("A", "2024-01-10 10:00"), ("B", "2024-02-10 10:00"),
                 ("A", "2024-03-10 10:00"), ("B", "2024-04-10 10:00")).sources()
    # A B A B: N = 4, n = (2, 2), M = 2.
    # COC = (4 + 4 − 4) / (4 · 3) = 1/3; UPC = 2/4 = 1/2; SECON = 0 same pairs / 3 = 0;
    # MMCI = (1 − 2/4.1) / (1 − 1/4.1) = (2.1/4.1) / (3.1/4.1) = 21/31.
    got = {i: v[0][-1] for i, v in index_values(src).items()}
    assert got == pytest.approx({"continuity_coc": 1 / 3, "continuity_upc": 0.5,
                                 "continuity_secon": 0.0, "continuity_mmci": 21 / 31},
                                rel=1e-12, abs=1e-15)


def test_a_mixed_client_with_simultaneous_visits_and_the_mean_over_clients(
        tmp_path: Path) -> None:
    c = County(tmp_path / "c.duckdb").person("P1").person("P2")
    # P1: A, A, then two visits both at 2024-03-10 10:00, then C. Simultaneous visits are
    # ordered by visit id: P1-3a (B) comes before P1-3b (A) although it is added after it.
    for vid, professional, start in (("P1-1", "A", "2024-01-10 10:00"),
                                     ("P1-2", "A", "2024-02-10 10:00"),
                                     ("P1-3b", "A", "2024-03-10 10:00"),
                                     ("P1-3a", "B", "2024-03-10 10:00"),
                                     ("P1-4", "C", "2024-04-10 10:00")):
        c.add("visits", visit_id=vid, person_id="P1", professional_id=professional,
              start_at=start)
    # Order by (start, id): P1-1 A, P1-2 A, P1-3a B, P1-3b A, P1-4 C → A A B A C.
    # N = 5, n = (3, 1, 1), M = 3, Σ n_i² = 11.
    # COC = (11 − 5) / (5 · 4) = 6/20 = 0.3; UPC = 3/5 = 0.6;
    # SECON: pairs AA, AB, BA, AC → 1 same / 4 = 0.25 (ordered A before B it would be
    # A A A B C → 2/4); MMCI = (1 − 3/5.1) / (1 − 1/5.1) = 2.1/4.1 = 21/41.
    # P2 alternates A B A B: COC 1/3, UPC 1/2, SECON 0, MMCI 21/31.
    visits(c, "P2", ("A", "2024-01-11 10:00"), ("B", "2024-02-11 10:00"),
           ("A", "2024-03-11 10:00"), ("B", "2024-04-11 10:00"))
    src = c.sources()
    got = {i: v[0][1:] for i, v in index_values(src).items()}
    # Means over the two clients.
    assert got == {
        "continuity_coc": (2, pytest.approx((0.3 + 1 / 3) / 2, rel=1e-12)),
        "continuity_upc": (2, pytest.approx((0.6 + 0.5) / 2, rel=1e-12)),
        "continuity_secon": (2, pytest.approx((0.25 + 0) / 2, rel=1e-12)),
        "continuity_mmci": (2, pytest.approx((21 / 41 + 21 / 31) / 2, rel=1e-12)),
    }


def test_only_counted_visits_enter(tmp_path: Path) -> None:
    c = County(tmp_path / "c.duckdb").person("P1")
    # Counted (all with the doctor group): A physical, A phone, A video, A home visit, B chat.
    # N = 5, n = (4, 1): UPC = 4/5 = 0.8.
    for n, (who, contact_type) in enumerate((("A", "physical"), ("A", "phone"), ("A", "video"),
                                             ("A", "home_visit"), ("B", "chat"))):
        c.add("visits", visit_id=f"V{n}", person_id="P1", professional_id=who,
              start_at=f"2024-0{n + 1}-10 10:00", contact_type=contact_type)
    # Not counted, each with B (any of them counted would lower UPC to 4/6): cancelled, no-show,
    # no professional recorded, an asynchronous message, another service line, a specialised
    # unit, a practical nurse.
    for n, values in enumerate(({"status": "cancelled"}, {"status": "no_show"},
                                {"professional_id": None}, {"contact_type": "async_message"},
                                {"service": "mental_health"}, {"unit_id": "S1"},
                                {"profession": "practical_nurse", "professional_id": "PN"})):
        c.add("visits", **{"visit_id": f"X{n}", "person_id": "P1", "professional_id": "B",
                           "start_at": f"2024-0{n + 1}-20 10:00", **values})
    src = c.sources()
    assert rows(src, "continuity_upc", dims=("profession_group",)) == [
        ("2024", "doctor", None, 1, pytest.approx(0.8))]


def test_doctor_and_nurse_visits_are_measured_separately(tmp_path: Path) -> None:
    c = County(tmp_path / "c.duckdb").person("P1")
    visits(c, "P1", ("D1", "2024-01-10 10:00"), ("D1", "2024-02-10 10:00"),
           profession="physician")
    visits(c, "P1", ("N1", "2024-01-20 10:00"), profession="nurse")
    visits(c, "P1", ("N2", "2024-02-20 10:00"), profession="public_health_nurse")
    src = c.sources()
    # Doctor: D1, D1 → COC 1. Nurse (nurse and public-health nurse together): N1, N2 →
    # N = 2, n = (1, 1): COC = (2 − 2) / (2 · 1) = 0. Interleaving in time does not mix them.
    assert rows(src, "continuity_coc", dims=("profession_group",)) == [
        ("2024", "doctor", None, 1, 1.0), ("2024", "nurse", None, 1, 0.0)]


def test_the_minimum_number_of_visits_decides_who_is_excluded(tmp_path: Path) -> None:
    c = County(tmp_path / "c.duckdb").person("P1").person("P2").person("P3")
    visits(c, "P1", ("A", "2024-01-10 10:00"), ("B", "2024-02-10 10:00"))
    visits(c, "P2", ("A", "2024-01-10 10:00"), ("A", "2024-02-10 10:00"),
           ("A", "2024-03-10 10:00"))
    visits(c, "P3", ("A", "2024-01-10 10:00"))
    src = c.sources()
    # Minimum 2: P1 (COC 0) and P2 (COC 1) in, mean 0.5; P3 out: 1 of 3 excluded.
    assert rows(src, "continuity_coc") == [("2024", None, 2, 0.5)]
    assert rows(src, EXCLUDED) == [("2024", 1, 3, pytest.approx(1 / 3))]
    # Minimum 3: only P2 (COC 1); P1 and P3 out: 2 of 3 excluded.
    three = Sources(src.backend, Parameters(continuity_min_visits=3))
    assert rows(three, "continuity_coc") == [("2024", None, 1, 1.0)]
    assert rows(three, EXCLUDED) == [("2024", 2, 3, pytest.approx(2 / 3))]


def test_the_window_is_the_period_of_the_grain(tmp_path: Path) -> None:
    c = County(tmp_path / "c.duckdb").person("P1")
    # A on 10 Jan, B on 20 Jan, A at 00:30 on 1 Feb Helsinki time (still 31 Jan in UTC: the
    # Helsinki date counts), A on 25 Feb, B on 10 Mar.
    visits(c, "P1", ("A", "2024-01-10 10:00"), ("B", "2024-01-20 10:00"),
           ("A", "2024-02-01 00:30"), ("A", "2024-02-25 10:00"), ("B", "2024-03-10 10:00"))
    src = c.sources()
    # Year: N = 5, n = (3, 2): COC = (9 + 4 − 5) / (5 · 4) = 8/20 = 0.4.
    assert rows(src, "continuity_coc") == [("2024", None, 1, pytest.approx(0.4))]
    # Quarter: all in Q1, the same 0.4.
    assert rows(src, "continuity_coc", grain="quarter") == [
        ("2024-Q1", None, 1, pytest.approx(0.4))]
    # Month: January A, B → 0; February A, A → 1; March one visit → excluded.
    assert rows(src, "continuity_coc", "2024-01-01", "2024-03-31", "month") == [
        ("2024-01", None, 1, 0.0), ("2024-02", None, 1, 1.0)]
    assert rows(src, EXCLUDED, "2024-01-01", "2024-03-31", "month") == [
        ("2024-01", 0, 1, 0.0), ("2024-02", 0, 1, 0.0), ("2024-03", 1, 1, 1.0)]


def test_dimensions_of_a_client_row(tmp_path: Path) -> None:
    c = County(tmp_path / "c.duckdb")
    c.person("P1", born="1990-07-01", municipality="005")
    c.person("P2", born="2024-03-01")
    c.add("units", unit_id="U2", name="Unit 2", service_area="primary_care",
          municipality="005", level="primary", unit_type="health_station")
    # P1: two visits at U2, two at U1 → the tie goes to the smaller id, U1. Age on 1 Jan 2024:
    # 33 → band 23–64.
    visits(c, "P1", ("A", "2024-04-10 10:00"), ("A", "2024-05-10 10:00"), unit_id="U2")
    visits(c, "P1", ("A", "2024-06-10 10:00"), ("A", "2024-07-10 10:00"), unit_id="U1")
    # P2, born during 2024: three visits at U2 → U2; age −1 on 1 Jan → the youngest band.
    visits(c, "P2", ("A", "2024-04-11 10:00"), ("B", "2024-05-11 10:00"),
           ("A", "2024-06-11 10:00"), unit_id="U2")
    src = c.sources()
    dims = ("unit", "age_band", "municipality", "service_area")
    # P2: A B A → n = (2, 1): COC = (4 + 1 − 3) / (3 · 2) = 1/3.
    assert rows(src, "continuity_coc", dims=dims) == [
        ("2024", "U1", "23–64", "005", "primary_care", None, 1, 1.0),
        ("2024", "U2", "0–6", "272", "primary_care", None, 1, pytest.approx(1 / 3))]


def test_named_worker_shares_on_the_measurement_day(tmp_path: Path) -> None:
    c = County(tmp_path / "c.duckdb")
    for person, values in (("P1", {}), ("P2", {}), ("P3", {}),
                           ("P4", {"death_date": "2024-02-10"}), ("P5", {"born": "2024-02-15"}),
                           ("P6", {}), ("P7", {"death_date": "2024-01-31"})):
        c.person(person, **values)

    def assign(person: str, role: str, valid_from: str, valid_to: str | None = None) -> None:
        c.add("responsible_worker_assignments", assignment_id=f"{person}-{role}-{valid_from}",
              person_id=person, professional_id="D1" if role == "own_doctor" else "N1",
              role=role, valid_from=valid_from, valid_to=valid_to)

    assign("P1", "own_doctor", "2023-01-01")
    assign("P2", "own_doctor", "2023-01-01", "2024-01-30")    # ended the day before 31 Jan
    assign("P2", "own_nurse", "2024-01-31", "2024-01-31")     # valid on 31 Jan only
    assign("P3", "responsible_worker", "2023-01-01")          # a social worker: no group
    assign("P4", "own_doctor", "2023-01-01")
    assign("P6", "own_doctor", "2024-02-01")
    assign("P7", "own_doctor", "2023-01-01")
    # Health and care plans: P1 two overlapping (counted once), P2 from 1 Feb, P6 expired on
    # 30 Jan; P3's client plan is not a health and care plan.
    for person, made, until, kind in (
            ("P1", "2024-01-15 09:00", "2024-02-29", "health_and_care_plan"),
            ("P1", "2023-06-01 09:00", None, "health_and_care_plan"),
            ("P2", "2024-02-01 09:00", None, "health_and_care_plan"),
            ("P6", "2023-06-01 09:00", "2024-01-30", "health_and_care_plan"),
            ("P3", "2023-06-01 09:00", None, "client_plan")):
        c.add("care_plans", plan_id=f"{person}-{made}", person_id=person, created_at=made,
              valid_until=until, plan_type=kind)
    src = c.sources()
    query = dict(start="2024-01-01", end="2024-02-29", grain="month", dims=("profession_group",))
    # 31 Jan: residents P1, P2, P3, P4, P6 (P5 not yet born, P7 died that day) = 5.
    #   Doctor: P1, P4 → 2/5 (P2's ended on 30 Jan, P6's starts 1 Feb). Nurse: P2 → 1/5.
    # 29 Feb: residents P1, P2, P3, P5, P6 (P4 died 10 Feb) = 5.
    #   Doctor: P1, P6 → 2/5. Nurse: none → 0/5.
    assert rows(src, RESIDENTS, **query) == [
        ("2024-01-31", "doctor", 2, 5, 0.4), ("2024-01-31", "nurse", 1, 5, 0.2),
        ("2024-02-29", "doctor", 2, 5, 0.4), ("2024-02-29", "nurse", 0, 5, 0.0)]
    # Long-term ill. 31 Jan: P1 only (P2's plan from 1 Feb, P6's expired) → doctor 1/1,
    # nurse 0/1. 29 Feb: P1 (plan valid until that day) and P2 → doctor P1 only, 1/2;
    # nurse 0/2.
    assert rows(src, LONG_TERM_ILL, **query) == [
        ("2024-01-31", "doctor", 1, 1, 1.0), ("2024-01-31", "nurse", 0, 1, 0.0),
        ("2024-02-29", "doctor", 1, 2, 0.5), ("2024-02-29", "nurse", 0, 2, 0.0)]


def test_visits_with_the_own_professional(tmp_path: Path) -> None:
    c = County(tmp_path / "c.duckdb").person("P1").person("P2").person("P3")
    for person, role, worker, valid_from, valid_to in (
            ("P1", "own_doctor", "D1", "2024-01-01", "2024-03-31"),
            ("P1", "own_nurse", "N1", "2023-01-01", None),
            ("P3", "own_doctor", "D1", "2023-01-01", None),
            ("P3", "own_doctor", "D3", "2024-02-01", None)):
        c.add("responsible_worker_assignments", assignment_id=f"{person}-{worker}",
              person_id=person, professional_id=worker, role=role, valid_from=valid_from,
              valid_to=valid_to)
    visits(c, "P1", ("D1", "2023-12-20 10:00"),     # before the own doctor: not counted
           ("D1", "2024-02-01 10:00"),              # own doctor: hit
           ("D2", "2024-02-10 10:00"),              # another doctor: miss
           ("D1", "2024-04-02 10:00"))              # assignment ended 31 Mar: not counted
    visits(c, "P1", ("N2", "2024-02-15 10:00"), ("N1", "2024-02-16 10:00"), profession="nurse")
    visits(c, "P2", ("D1", "2024-02-01 10:00"))     # no named worker: not counted
    visits(c, "P3", ("D3", "2024-02-20 10:00"))     # either of two valid own doctors: hit
    src = c.sources()
    # Doctor: P1 1 of 2, P3 1 of 1 → 2/3. Nurse: P1 N2 miss, N1 hit → 1/2.
    assert rows(src, OWN, dims=("profession_group",)) == [
        ("2024", "doctor", 2, 3, pytest.approx(2 / 3)), ("2024", "nurse", 1, 2, 0.5)]
    # By month of the visit: all counted visits are in February.
    assert rows(src, OWN, "2024-01-01", "2024-04-30", "month") == [
        ("2024-02", 3, 5, 0.6)]


def test_fewer_than_five_clients_are_hidden(tmp_path: Path) -> None:
    c = County(tmp_path / "c.duckdb")
    c.add("units", unit_id="U2", name="Unit 2", service_area="primary_care",
          municipality="272", level="primary", unit_type="health_station")
    # Four clients at U1, five at U2, each with two visits with one doctor (COC 1).
    for n in range(9):
        unit = "U1" if n < 4 else "U2"
        c.person(f"P{n}")
        visits(c, f"P{n}", ("A", "2024-01-10 10:00"), ("A", "2024-02-10 10:00"), unit_id=unit)
    src = c.sources()
    out = compute(src, Query(("continuity_coc",), date(2024, 1, 1), date(2024, 12, 31), "year",
                             ("unit",)), min_cell_size=5).set_index("unit")
    assert out.loc["U1", "suppressed"] and out.loc["U1", ["denominator", "value"]].isna().all()
    assert not out.loc["U2", "suppressed"]
    assert (out.loc["U2", "denominator"], out.loc["U2", "value"]) == (5, 1.0)
