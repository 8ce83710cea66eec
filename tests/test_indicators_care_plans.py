"""Care-plan impact (before/after a health and care plan, and the difference in differences
against a matched comparison group) on tiny hand-built counties. Every expected figure is
worked out by hand in the comment beside it.

Most tests use 2-month windows (Parameters.care_plan_months = 2) so that a year of data holds
them: for a plan in June the before-window is April–May, the after-window July–August, and
June itself is in neither. Person Z defines the data range with a visit on its first and its
last day; Z's own first plan is from 2020, so Z is in neither arm (a renewal in the data is
not an index event, and a plan holder is never a comparison)."""

from __future__ import annotations

from datetime import date
from itertools import count
from pathlib import Path

import pandas as pd
import pytest
from county import County

from tilannekuva.indicators import Parameters, Query, Sources, compute
from tilannekuva.indicators.care_plans import windows

VISITS = "care_plan_visits"
CARE_DAYS = "care_plan_care_days"
REMOTE = "care_plan_remote_contacts"
TWO_MONTHS = Parameters(care_plan_months=2)


class Plans:
    """A county with the data range fixed by person Z's visits on `first` and `last`."""

    def __init__(self, tmp_path: Path, first: str = "2024-01-01", last: str = "2024-12-31"):
        self.county = County(tmp_path / "c.duckdb")
        self._ids = count(1)
        self.county.person("Z")
        self.visit("Z", f"{first} 10:00")
        self.visit("Z", f"{last} 10:00")
        self.plan("Z", "2020-01-15 10:00")

    def person(self, person: str, **values) -> Plans:
        self.county.person(person, **values)
        return self

    def visit(self, person: str, at: str, **values) -> Plans:
        self.county.add("visits", visit_id=f"V{next(self._ids)}", person_id=person,
                        start_at=at, **values)
        return self

    def visits(self, person: str, month: str, n: int, **values) -> Plans:
        """`n` visits on days 1, 2, … of `month` ("2024-04")."""
        for day in range(1, n + 1):
            self.visit(person, f"{month}-{day:02d} 10:00", **values)
        return self

    def plan(self, person: str, at: str, **values) -> Plans:
        self.county.add("care_plans", plan_id=f"CP{next(self._ids)}", person_id=person,
                        created_at=at, **values)
        return self

    def stay(self, person: str, admitted: str, discharged: str | None) -> Plans:
        self.county.add("episodes", episode_id=f"E{next(self._ids)}", person_id=person,
                        admitted_at=admitted, discharged_at=discharged)
        return self

    def sources(self, parameters: Parameters = TWO_MONTHS) -> Sources:
        return self.county.sources(parameters)


def figures(src: Sources, indicator: str, dims: tuple[str, ...] = (), min_cell_size: int = 1,
            grain: str = "month") -> list[tuple]:
    """(period, *dims, numerator, denominator, value, low, high, suppressed) of every row,
    with None for an empty figure and floats rounded to 6 decimals."""
    out = compute(src, Query((indicator,), date(2023, 1, 1), date(2025, 12, 31), grain, dims),
                  min_cell_size)
    columns = ["period", *dims, "numerator", "denominator", "value", "low", "high",
               "suppressed"]
    return [tuple(None if pd.isna(v) else round(v, 6) if isinstance(v, float) else v
                  for v in row) for row in out[columns].itertuples(index=False, name=None)]


def june_pair(p: Plans, person: str, before: int, after: int, plan: bool, **values) -> None:
    """A person with `before` visits in April–May (split between them) and `after` visits in
    July–August, with a first plan on 15 June when `plan`."""
    p.person(person, **values)
    p.visits(person, "2024-04", before // 2).visits(person, "2024-05", before - before // 2)
    p.visits(person, "2024-07", after // 2).visits(person, "2024-08", after - after // 2)
    if plan:
        p.plan(person, "2024-06-15 10:00")


def test_a_fall_that_the_comparison_shows_too_is_no_effect(tmp_path: Path) -> None:
    # Clients T1, T2 fall from 10 visits to 6 after their plan: change −4 each, mean −4
    # (interval −4…−4: no spread). Persons C1, C2 without a plan, in the same stratum (June,
    # 23–64, women, 6–10 visits before), fall from 10 to 6 as well: regression to the
    # mean. Difference in differences: −4 − (−4) = 0, interval 0…0. Both treated matched.
    p = Plans(tmp_path)
    for person, plan in (("T1", True), ("T2", True), ("C1", False), ("C2", False)):
        june_pair(p, person, before=10, after=6, plan=plan)
    src = p.sources()
    assert figures(src, f"{VISITS}_before") == [("2024-06", None, 2, 10.0, 10.0, 10.0, False)]
    assert figures(src, f"{VISITS}_after") == [("2024-06", None, 2, 6.0, 6.0, 6.0, False)]
    assert figures(src, f"{VISITS}_change") == [("2024-06", None, 2, -4.0, -4.0, -4.0, False)]
    assert figures(src, f"{VISITS}_did") == [("2024-06", 2, 2, 0.0, 0.0, 0.0, False)]


def test_a_fall_beyond_the_comparison_is_an_effect(tmp_path: Path) -> None:
    # Clients: T1 10 → 6 (−4), T2 10 → 8 (−2): mean change −3, sample variance
    # ((−1)² + 1²) / 1 = 2. Paired t interval with 1 degree of freedom: t(0.975, 1) =
    # 12.706205, half-width 12.706205 · √2 / √2 = 12.706205 → −15.706205 … 9.706205.
    # Comparison C1, C2: 10 → 9 (−1 each, variance 0). One stratum; DiD = −3 − (−1) = −2,
    # variance 1² · (2/2 + 0/2) = 1, half-width 1.959964 → −3.959964 … −0.040036.
    p = Plans(tmp_path)
    june_pair(p, "T1", 10, 6, plan=True)
    june_pair(p, "T2", 10, 8, plan=True)
    june_pair(p, "C1", 10, 9, plan=False)
    june_pair(p, "C2", 10, 9, plan=False)
    src = p.sources()
    assert figures(src, f"{VISITS}_change") == [
        ("2024-06", None, 2, -3.0, -15.706205, 9.706205, False)]
    assert figures(src, f"{VISITS}_did") == [
        ("2024-06", 2, 2, -2.0, -3.959964, -0.040036, False)]


def test_clients_alone_in_their_strata_still_add_variance(tmp_path: Path) -> None:
    # T1 (10 → 6, class 6–10) against C1 (10 → 9): difference −4 − (−1) = −3. T2 (4 → 3,
    # class 3–5) against C2 (4 → 4): −1 − 0 = −1. DiD = (−3 − 1) / 2 = −2. Each client is
    # alone in its stratum, so the spread of the clients' matched differences comes from
    # between the strata: ((−3 + 2)² + (−1 + 2)²) / (2 · 1) = 1; the comparison means, one
    # row each, add none. Interval −2 ± 1.959964 · √1 → −3.959964 … −0.040036.
    p = Plans(tmp_path)
    june_pair(p, "T1", 10, 6, plan=True)
    june_pair(p, "C1", 10, 9, plan=False)
    june_pair(p, "T2", 4, 3, plan=True)
    june_pair(p, "C2", 4, 4, plan=False)
    assert figures(p.sources(), f"{VISITS}_did") == [
        ("2024-06", 2, 2, -2.0, -3.959964, -0.040036, False)]


def test_paired_t_interval_of_three_clients(tmp_path: Path) -> None:
    # Before 5, 6, 10 visits; after 4, 4, 4: changes −1, −2, −6, mean −3. Deviations 2, 1, −3,
    # squares 4 + 1 + 9 = 14, sample variance 14 / 2 = 7, sd 2.645751, standard error
    # 2.645751 / √3 = 1.527525. t(0.975, 2) = 4.302653; half-width 6.572411 →
    # −9.572411 … 3.572411. Before: mean 7, deviations −2, −1, 3, the same variance 7 → the
    # same half-width: 0.427589 … 13.572411. After: 4 with no spread.
    p = Plans(tmp_path)
    for person, before in (("T1", 5), ("T2", 6), ("T3", 10)):
        june_pair(p, person, before, 4, plan=True)
    src = p.sources()
    assert figures(src, f"{VISITS}_change") == [
        ("2024-06", None, 3, -3.0, -9.572411, 3.572411, False)]
    assert figures(src, f"{VISITS}_before") == [
        ("2024-06", None, 3, 7.0, 0.427589, 13.572411, False)]
    assert figures(src, f"{VISITS}_after") == [("2024-06", None, 3, 4.0, 4.0, 4.0, False)]


def test_a_stratum_without_comparison_is_unmatched_and_visible(tmp_path: Path) -> None:
    # T1 (10 → 6) is matched by C1 (10 → 9): difference −4 − (−1) = −3. T2 has 25 visits
    # before (class 21–50) and nobody without a plan has: unmatched. The DiD counts 1 matched
    # of 2 clients and its value is T1's stratum alone, −3 (interval −3…−3); the change of
    # both clients still counts T2: (−4 + (5 − 25)) / 2 = −12.
    # By municipality, C1 lives in another municipality (273) than T1 (272): within 272
    # nothing is matched, so the row has no value (and, with no comparison person behind
    # it, is hidden); 273 has no client and no row.
    p = Plans(tmp_path)
    june_pair(p, "T1", 10, 6, plan=True)
    june_pair(p, "T2", 25, 5, plan=True)
    june_pair(p, "C1", 10, 9, plan=False, municipality="273")
    src = p.sources()
    assert figures(src, f"{VISITS}_did") == [("2024-06", 1, 2, -3.0, -3.0, -3.0, False)]
    assert figures(src, f"{VISITS}_change")[0][3] == -12.0
    assert figures(src, f"{VISITS}_did", dims=("municipality",)) == [
        ("2024-06", "272", None, None, None, None, None, True)]


def test_windows_must_lie_in_whole_months_of_the_data(tmp_path: Path) -> None:
    # The first visit day is 2 January and the last 30 December: January and December are
    # partly outside the data, so the whole months are February–November. With 2-month
    # windows: a plan in March (before: January–February) and one in October (after:
    # November–December) are left out; April and September count. P_APR's renewal in
    # September is not a second index event. OLD's first plan is from 2023 (outside the
    # range), so its plan in July 2024 is a renewal: OLD is in neither arm.
    p = Plans(tmp_path, first="2024-01-02", last="2024-12-30")
    for person, planned in (("P_MAR", "2024-03-10"), ("P_APR", "2024-04-10"),
                            ("P_SEP", "2024-09-10"), ("P_OCT", "2024-10-10"),
                            ("OLD", "2023-05-10")):
        p.person(person).plan(person, f"{planned} 10:00")
    p.plan("P_APR", "2024-09-20 10:00")
    p.plan("OLD", "2024-07-01 10:00")
    p.person("C1")
    rows = windows(p.sources()).to_pyarrow().to_pylist()
    assert sorted((r["person_id"], r["arm"], r["day"]) for r in rows) == [
        ("C1", "comparison", date(2024, 4, 1)), ("C1", "comparison", date(2024, 9, 1)),
        ("P_APR", "treated", date(2024, 4, 1)), ("P_SEP", "treated", date(2024, 9, 1))]


def test_who_is_a_comparison(tmp_path: Path) -> None:
    # Index month June (2-month windows: April–May before, July–August after). Comparisons:
    # C_OK (no plan at all) and C_SOCIAL (only a social-care client plan). Not comparisons:
    # C_LATER (first health and care plan in November: a plan holder, too late to be a
    # client itself), C_DIED (died 31 August, inside the after-window; dying on 1 September,
    # the day after it, would keep the person), C_BORN (born 2 April, after the first day
    # of the before-window). T1 died on 1 September: alive through the after-window, counted.
    p = Plans(tmp_path)
    p.person("T1", death_date="2024-09-01").plan("T1", "2024-06-15 10:00")
    p.person("C_OK")
    p.person("C_SOCIAL").plan("C_SOCIAL", "2024-03-01 10:00", plan_type="client_plan")
    p.person("C_LATER").plan("C_LATER", "2024-11-01 10:00")
    p.person("C_DIED", death_date="2024-08-31")
    p.person("C_BORN", born="2024-04-02")
    rows = windows(p.sources()).to_pyarrow().to_pylist()
    assert sorted((r["person_id"], r["arm"]) for r in rows) == [
        ("C_OK", "comparison"), ("C_SOCIAL", "comparison"), ("T1", "treated")]


def test_visits_and_remote_contacts_count_done_visits_of_every_mode(tmp_path: Path) -> None:
    # T1 before (April–May): physical and home visit done, phone done, video cancelled,
    # physical no-show, and a done chat on 15 June (the plan month: in neither window) →
    # visits 3, remote 1. After (July–August): chat done, physical done on 31 August 23:30
    # Helsinki time (20:30 UTC, still August) → visits 2, remote 1. A visit on 1 September
    # is outside. Change: visits 2 − 3 = −1, remote 1 − 1 = 0.
    p = Plans(tmp_path)
    p.person("T1").plan("T1", "2024-06-15 10:00")
    for at, contact_type, status in (
            ("2024-04-03 10:00", "physical", "done"), ("2024-04-04 10:00", "home_visit", "done"),
            ("2024-05-05 10:00", "phone", "done"), ("2024-05-06 10:00", "video", "cancelled"),
            ("2024-05-07 10:00", "physical", "no_show"), ("2024-06-15 09:00", "chat", "done"),
            ("2024-07-01 10:00", "chat", "done"), ("2024-08-31 23:30", "physical", "done"),
            ("2024-09-01 10:00", "physical", "done")):
        p.visit("T1", at, contact_type=contact_type, status=status)
    src = p.sources()
    (row,) = windows(src).to_pyarrow().to_pylist()
    assert (row["visits_before"], row["visits_after"], row["remote_before"],
            row["remote_after"]) == (3, 2, 1, 1)
    assert figures(src, f"{VISITS}_change")[0][3] == -1.0
    assert figures(src, f"{REMOTE}_change")[0][3] == 0.0


def test_care_days_over_window_edges(tmp_path: Path) -> None:
    # Index month June; before = 1 April – 31 May, after = 1 July – 31 August. A stay counts
    # its dates from admission up to, not including, discharge.
    # - 30 March → 3 April: dates 30, 31 March, 1, 2 April → 2 in the before-window.
    # - 30 May → 2 July: 30, 31 May (2 before), all of June (in neither), 1 July (1 after).
    # - admitted and discharged on 31 August: one day, after.
    # Before 4, after 2, change −2. T2's stay from 30 August is still open at the end of the
    # data (31 December): 30, 31 August → after 2, before 0, change +2.
    # Means: before (4 + 0) / 2 = 2, after (2 + 2) / 2 = 2, change (−2 + 2) / 2 = 0.
    # Care days are not matched on: both are in the stratum of June, 23–64, women, 0 visits.
    p = Plans(tmp_path)
    p.person("T1").plan("T1", "2024-06-15 10:00")
    p.stay("T1", "2024-03-30 10:00", "2024-04-03 12:00")
    p.stay("T1", "2024-05-30 22:00", "2024-07-02 09:00")
    p.stay("T1", "2024-08-31 08:00", "2024-08-31 12:00")
    p.person("T2").plan("T2", "2024-06-20 10:00")
    p.stay("T2", "2024-08-30 10:00", None)
    src = p.sources()
    rows = {r["person_id"]: r for r in windows(src).to_pyarrow().to_pylist()}
    assert (rows["T1"]["care_days_before"], rows["T1"]["care_days_after"]) == (4, 2)
    assert (rows["T2"]["care_days_before"], rows["T2"]["care_days_after"]) == (0, 2)
    assert rows["T1"]["stratum"] == rows["T2"]["stratum"] == "24293|23–64|2|0"
    assert [f[3] for f in (figures(src, f"{CARE_DAYS}_{w}")[0]
                           for w in ("before", "after", "change"))] == [2.0, 2.0, 0.0]


def test_care_days_difference_in_differences(tmp_path: Path) -> None:
    # T1 and C1 both had 5 care days in May and no visits. After: T1 none (−5), C1 3 days in
    # July (−2). DiD = −5 − (−2) = −3, one row per arm: no variance, interval −3…−3. C2, with
    # no stay, is in the same stratum (care days are not matched on): with C2 the comparison
    # mean change is (−2 + 0) / 2 = −1, DiD −4, variance 1² · (0/1 + 2/2) = 1 → ±1.959964.
    p = Plans(tmp_path)
    p.person("T1").plan("T1", "2024-06-15 10:00").stay("T1", "2024-05-10 10:00",
                                                       "2024-05-15 10:00")
    p.person("C1").stay("C1", "2024-05-10 10:00", "2024-05-15 10:00")
    p.stay("C1", "2024-07-10 10:00", "2024-07-13 10:00")
    assert figures(p.sources(), f"{CARE_DAYS}_did") == [
        ("2024-06", 1, 1, -3.0, -3.0, -3.0, False)]
    p.county.path.unlink()
    p.person("C2")
    assert figures(p.sources(), f"{CARE_DAYS}_did") == [
        ("2024-06", 1, 1, -4.0, -5.959964, -2.040036, False)]


def test_comparison_persons_serve_every_index_month(tmp_path: Path) -> None:
    # Plans in June (T1) and July (T2); C1 has no plan and is a comparison in both months,
    # with each month's own windows (C1's visits: 1 April, 1 May, 1 June, 1 August): for
    # June, April–May 2 visits and July–August 1; for July, May–June 2 and August–September
    # 1. June: T1 2 → 0 (−2, class 1–2) against C1's −1 (class 1–2): DiD −1. July: T2 has
    # no visits (class 0), C1 is in class 1–2: T2 is unmatched, the month has no value and,
    # with no comparison person behind it, is hidden.
    p = Plans(tmp_path)
    p.person("T1").plan("T1", "2024-06-15 10:00").visits("T1", "2024-04", 2)
    p.person("T2").plan("T2", "2024-07-15 10:00")
    p.person("C1")
    for at in ("2024-04-01", "2024-05-01", "2024-06-01", "2024-08-01"):
        p.visit("C1", f"{at} 10:00")
    src = p.sources()
    rows = sorted((r["person_id"], r["day"], r["visits_before"], r["visits_after"])
                  for r in windows(src).to_pyarrow().to_pylist())
    assert rows == [("C1", date(2024, 6, 1), 2, 1), ("C1", date(2024, 7, 1), 2, 1),
                    ("T1", date(2024, 6, 1), 2, 0), ("T2", date(2024, 7, 1), 0, 0)]
    assert figures(src, f"{VISITS}_did") == [("2024-06", 1, 1, -1.0, -1.0, -1.0, False),
                                              ("2024-07", None, None, None, None, None, True)]


def test_default_windows_are_six_months(tmp_path: Path) -> None:
    # Data 2023-01 … 2024-12. With 6-month windows a plan in July 2023 has January–June 2023
    # before and August 2023 – January 2024 after: counted. A plan in June 2023 (before from
    # December 2022) and one in July 2024 (after to January 2025) are not.
    p = Plans(tmp_path, first="2023-01-01", last="2024-12-31")
    for person, planned in (("A", "2023-07-01"), ("B", "2023-06-30"), ("C", "2024-07-01")):
        p.person(person).plan(person, f"{planned} 10:00")
    p.visit("A", "2023-01-01 10:00").visit("A", "2024-01-31 10:00")
    src = p.sources(Parameters())
    assert figures(src, f"{VISITS}_before") == [("2023-07", None, 1, 1.0, None, None, False)]
    assert figures(src, f"{VISITS}_after") == [("2023-07", None, 1, 1.0, None, None, False)]


def test_suppression_counts_the_fewer_matched_arm(tmp_path: Path) -> None:
    # Five clients with plans in June and no use, and four comparison persons with no use in
    # the same stratum: the fewer arm has 4 persons, under 5 → the DiD is hidden, while the
    # change (5 clients) is shown. A fifth comparison person in another stratum (a man)
    # stands behind no figure of the contrast and does not lift it over the limit; a fifth
    # in the same stratum does: 5 of 5 matched, DiD 0 − 0 = 0.
    def county(name: str, comparisons: int) -> Sources:
        (tmp_path / name).mkdir()
        p = Plans(tmp_path / name)
        for n in range(1, 6):
            p.person(f"T{n}").plan(f"T{n}", "2024-06-15 10:00")
        for n in range(1, comparisons + 1):
            p.person(f"C{n}")
        p.person("M1", sex="1")
        return p.sources()

    four = county("four", 4)
    assert figures(four, f"{VISITS}_did", min_cell_size=5) == [
        ("2024-06", None, None, None, None, None, True)]
    assert figures(four, f"{VISITS}_change", min_cell_size=5) == [
        ("2024-06", None, 5, 0.0, 0.0, 0.0, False)]
    assert figures(county("five", 5), f"{VISITS}_did", min_cell_size=5) == [
        ("2024-06", 5, 5, 0.0, 0.0, 0.0, False)]


@pytest.mark.parametrize("indicator", [f"{o}_{m}" for o in (VISITS, CARE_DAYS)
                                       for m in ("before", "after", "change", "did")]
                         + [f"{REMOTE}_change", f"{REMOTE}_did"])
def test_every_indicator_computes_on_a_county_without_plans(tmp_path: Path,
                                                            indicator: str) -> None:
    p = Plans(tmp_path)
    p.person("C1").visits("C1", "2024-04", 3)
    assert figures(p.sources(), indicator) == []
