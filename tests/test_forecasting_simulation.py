"""The Monte Carlo simulator against queueing theory and hand-worked cases, scenario files'
validation, the starting state estimated from a county database, and `tilannekuva scenario
run`. Time in weeks, rates per week."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest
from county import County
from typer.testing import CliRunner

from tilannekuva.cli import app
from tilannekuva.errors import TilannekuvaError
from tilannekuva.forecasting import Plan, build_plan, load_scenario, parse_scenario, simulate
from tilannekuva.forecasting.start_state import estimate_initial

SCENARIOS = Path(__file__).parent.parent / "scenarios"
MONDAY = date(2026, 1, 5)


def plan(arrivals, capacity, weeks, deadlines=(26.0,), reneging=None, initial=None,
         order="priority") -> Plan:
    """A plan with constant arrivals (per class) and capacity, straight as arrays."""
    classes = len(deadlines)
    return Plan(
        name="test", classes=tuple(f"c{i}" for i in range(classes)),
        week_starts=tuple(MONDAY for _ in range(weeks)),
        arrivals=np.tile(np.atleast_1d(np.asarray(arrivals, float)), (weeks, 1)),
        capacity=np.full(weeks, float(capacity)), deadlines=np.asarray(deadlines, float),
        reneging=np.zeros(classes) if reneging is None else np.asarray(reneging, float),
        initial=np.zeros((classes, 1), np.int64) if initial is None else initial, order=order)


def test_steady_state_matches_mm1():
    """Demand 1 and capacity 1.25 a week, constant: load ρ = 0.8 < 1.

    M/M/1 by hand: mean number waiting L = ρ / (1 − ρ) = 0.8 / 0.2 = 4 patients; mean time
    in the system W = 1 / (μ − λ) = 1 / 0.25 = 4 weeks; Little's law L = λW = 1 × 4 = 4.

    The simulator steps a day at a time, netting a day's arrivals against its treatments;
    solving that daily chain exactly (Skellam increments) gives a stationary mean of 3.93,
    1.7 % below the continuous M/M/1. Over 1,000 runs × 400 weeks after 200 weeks of burn-in,
    the sampling error of the mean is about 1 % (queue variance ≈ L(L + 1) = 20, relaxation
    ≈ (λ + μ) / (μ − λ)² = 36 weeks). Tolerance: 5 % of the M/M/1 figures."""
    traj = simulate(plan(1.0, 1.25, 600), runs=1000, seed=7)
    settled = slice(200, None)
    mean_queue = traj.queue[:, settled].mean()
    mean_wait = traj.waited[:, settled].sum() / traj.treated[:, settled].sum()
    assert mean_queue == pytest.approx(4.0, rel=0.05)
    assert mean_wait == pytest.approx(4.0, rel=0.05)
    assert mean_queue == pytest.approx(1.0 * mean_wait, rel=0.03)  # Little's law, λ = 1


def test_overload_grows_linearly_at_demand_minus_capacity():
    """Demand 25 and capacity 20 a week: load 1.25 > 1, no steady state. The queue grows by
    λ − μ = 5 a week: over the second year (weeks 52 → 104) by 5 × 52 = 260, and from an
    empty list to about 5 × 104 = 520 after two years (plus a few patients from the first
    weeks, when an empty list wastes some capacity). Tolerances: 3 % of the rise (the mean over
    500 runs has a standard error of √((25 + 20) × 52 / 500) ≈ 2.2 patients), 3 % at week 104."""
    traj = simulate(plan(25.0, 20.0, 104), runs=500, seed=3)
    mean = traj.queue[:, :, 0].mean(axis=0)
    assert mean[103] - mean[51] == pytest.approx(260, rel=0.03)
    assert mean[103] == pytest.approx(520, rel=0.03)
    assert np.all(np.diff(mean[10:]) > 0)


def test_same_seed_same_runs_other_seed_other_runs():
    scenario = load_scenario(SCENARIOS / "orthopaedics.toml")
    p = build_plan(scenario, scenario.initial, scenario.start)
    first, again, other = (simulate(p, 50, seed) for seed in (11, 11, 12))
    for name in ("queue", "past_deadline", "treated", "waited", "reneged"):
        assert np.array_equal(getattr(first, name), getattr(again, name))
    assert not np.array_equal(first.queue, other.queue)


def test_reneging_thins_the_list_geometrically():
    """1,000 waiting, no arrivals, no capacity, 10 % leave each week: expected left after 10
    weeks = 1000 × 0.9¹⁰ = 348.68. The mean over 400 runs has a standard error of
    √(1000 × 0.3487 × 0.6513) / √400 ≈ 0.75; tolerance 1 % (3.5)."""
    initial = np.array([[1000]], np.int64)
    traj = simulate(plan(0.0, 0.0, 10, reneging=[0.1], initial=initial), runs=400, seed=5)
    assert traj.queue[:, 9, 0].mean() == pytest.approx(348.68, rel=0.01)
    assert (traj.reneged.sum(axis=(1, 2)) + traj.queue[:, 9, 0] == 1000).all()


def test_past_deadline_counts_whole_weeks_waited():
    """100 patients spread evenly over 20–30 weeks waited (10 per week waited), deadline 26,
    no arrivals or treatments. At the end of week 1, those who had waited i weeks have waited
    i + 1.5 on average; past 26 when i + 1.5 > 26, i.e. i = 25…29: 5 × 10 = 50. At the end
    of week 5 (i + 5.5 > 26: i = 21…29) 90."""
    scenario = parse_scenario("""
        name = "aged list"
        start = 2026-01-05
        weeks = 5
        [[classes]]
        name = "non_urgent"
        deadline_weeks = 26
        [initial]
        capacity_per_week = 0
        [initial.classes.non_urgent]
        arrivals_per_week = 0
        waiting = [{ from_weeks = 20, to_weeks = 30, count = 100 }]
    """, "aged.toml")
    traj = simulate(build_plan(scenario, scenario.initial, scenario.start), runs=3, seed=1)
    assert (traj.past_deadline[:, 0, 0] == 50).all()
    assert (traj.past_deadline[:, 4, 0] == 90).all()
    assert (traj.queue[:, :, 0] == 100).all()


def test_priority_and_deadline_orders():
    """Class c0 (urgent, deadline 2) has 50 just arrived; class c1 (deadline 26) has 50 who
    have waited 30 weeks; capacity 10 a week (P(more than 50 in a week) ≈ 1e-19), no arrivals.
    Priority order treats only c0 in week 1; earliest-deadline order treats only c1, whose
    due dates passed four weeks ago while c0's are two weeks ahead."""
    initial = np.zeros((2, 31), np.int64)
    initial[0, 30] = 50   # waited 0 weeks: last column
    initial[1, 0] = 50    # waited 30 weeks: first column
    for order, served, spared in (("priority", 0, 1), ("deadline", 1, 0)):
        traj = simulate(plan([0.0, 0.0], 10.0, 1, deadlines=(2.0, 26.0), initial=initial,
                             order=order), runs=200, seed=2)
        assert traj.treated[:, 0, served].mean() == pytest.approx(10, rel=0.05)
        assert (traj.treated[:, 0, spared] == 0).all()


def test_plan_resolves_growth_changes_and_extra_sessions():
    """The example scenario (capacity 33, demand 30 + 3, growth 2 % a year). Week 1: growth
    factor 1.02^(0.5 / 52.1786) = 1.000190, so non-urgent arrivals 30.00569. Week of
    2026-07-06: capacity 33 × 0.5 = 16.5 (July cut). The extra-sessions file adds 6 from
    2026-03-02: the week of 2026-03-02 has 33 + 6 = 39."""
    base = load_scenario(SCENARIOS / "orthopaedics.toml")
    p = build_plan(base, base.initial, base.start)
    july = p.week_starts.index(date(2026, 7, 6))
    assert p.arrivals[0, 1] == pytest.approx(30.00569, abs=1e-5)
    assert p.capacity[july] == pytest.approx(16.5)
    extra = load_scenario(SCENARIOS / "orthopaedics-extra-sessions.toml")
    q = build_plan(extra, extra.initial, extra.start)
    assert q.capacity[q.week_starts.index(date(2026, 3, 2))] == pytest.approx(39.0)
    assert q.capacity[0] == pytest.approx(33.0)


GOOD = """
name = "ok"
start = 2026-01-05
[[classes]]
name = "non_urgent"
deadline_weeks = 26.09
[initial]
capacity_per_week = 10
[initial.classes.non_urgent]
arrivals_per_week = 9
"""


@pytest.mark.parametrize(("addition", "field"), [
    ("[[capacity_changes]]\nfrom = 2026-07-01\nto = 2026-07-31\nfactor = -0.5\n",
     "capacity_changes[0].factor"),
    ("[[extra_sessions]]\nfrom = 2026-07-31\nto = 2026-07-01\nper_week = 5\n",
     "extra_sessions[0]"),
    ("[waiting_list]\nspecialty = \"orthopaedics\"\nclok = \"treatment\"\n",
     "waiting_list.clok"),
])
def test_scenario_errors_name_file_and_field(addition, field):
    with pytest.raises(TilannekuvaError) as err:
        parse_scenario(GOOD + addition, "scenarios/bad.toml")
    assert str(err.value).startswith(f"scenarios/bad.toml: {field}")


def test_scenario_errors_for_top_level_values(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(GOOD.replace("start = 2026-01-05", "start = 2026-01-05\nweeks = 0"),
                   encoding="utf-8")
    with pytest.raises(TilannekuvaError, match=r"bad.toml: weeks: .*greater than or equal to 1"):
        load_scenario(bad)
    bad.write_text(GOOD.replace('name = "non_urgent"\n', 'name = "urgent"\n', 1),
                   encoding="utf-8")
    with pytest.raises(TilannekuvaError, match=r"bad.toml: \(the whole file\): initial.classes"):
        load_scenario(bad)
    bad.write_text("name = [", encoding="utf-8")
    with pytest.raises(TilannekuvaError, match="bad.toml: not valid TOML"):
        load_scenario(bad)


def test_start_estimated_from_referrals(tmp_path):
    """Orthopaedic treatment waits on 2025-03-01 with a 4-week lookback (window 2025-02-01 …
    2025-02-28):

    R1 need 01-01, open            → waiting, (31 + 28) days = 59 / 7 = 8.43 weeks (week 8)
    R2 need 02-10, treated 02-20   → arrival and treatment in the window
    R3 need 02-15, removed 02-22   → arrival, and left untreated
    R4 need 02-20, treated 03-05   → arrival, waiting on 03-01 for 9 / 7 = 1.29 weeks (week 1)
    R5 urgent need 02-25, treated 02-26 → urgent arrival and treatment

    Arrivals: non-urgent 3 / 4 = 0.75, urgent 1 / 4 = 0.25 a week; capacity: 2 treatments /
    4 = 0.5 a week. Non-urgent patients waiting at the start of 02-01, 02-08, 02-15, 02-22:
    1 (R1), 1 (R1), 2 (R1, R2), 3 (R1, R3, R4) = 7 patient-weeks; one removal: reneging =
    1 − e^(−1/7) = 0.133122 a week. Another specialty's referral is not counted."""
    county = County(tmp_path / "county.duckdb")
    for rid, need, treated, removed, priority in (
            ("R1", "2025-01-01", None, None, "non_urgent"),
            ("R2", "2025-02-10", "2025-02-20", None, "non_urgent"),
            ("R3", "2025-02-15", None, "2025-02-22", "non_urgent"),
            ("R4", "2025-02-20", "2025-03-05", None, "non_urgent"),
            ("R5", "2025-02-25", "2025-02-26", None, "urgent")):
        county.add("referrals", referral_id=rid, specialty="orthopaedics", priority=priority,
                   received_at=need + " 09:00", need_established_at=need + " 10:00",
                   treatment_started_at=treated and treated + " 08:00",
                   removed_at=removed and removed + " 12:00",
                   removal_reason=removed and "patient_declined")
    county.add("referrals", referral_id="X1", specialty="surgery",
               received_at="2025-02-10 09:00", need_established_at="2025-02-10 10:00")
    db = county.write()
    scenario = parse_scenario("""
        name = "from the database"
        [waiting_list]
        specialty = "orthopaedics"
        lookback_weeks = 4
        [[classes]]
        name = "urgent"
        deadline_weeks = 2
        [[classes]]
        name = "non_urgent"
        deadline_weeks = 26.09
    """, "db.toml")
    state = estimate_initial(db, scenario, date(2025, 3, 1))
    assert state.capacity_per_week == pytest.approx(0.5)
    routine, urgent = state.classes["non_urgent"], state.classes["urgent"]
    assert routine.arrivals_per_week == pytest.approx(0.75)
    assert urgent.arrivals_per_week == pytest.approx(0.25)
    assert [(b.from_weeks, b.count) for b in routine.waiting] == [(1, 1), (8, 1)]
    assert urgent.waiting == []
    assert routine.reneging_per_week == pytest.approx(0.133122, abs=1e-6)
    assert urgent.reneging_per_week == 0


def test_cli_runs_and_compares_scenarios(tmp_path):
    out = tmp_path / "bands.csv"
    result = CliRunner().invoke(app, [
        "scenario", "run", str(SCENARIOS / "orthopaedics.toml"), "--compare",
        str(SCENARIOS / "orthopaedics-extra-sessions.toml"), "--runs", "40", "--months", "6,24",
        "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Scenarios side by side" in result.output
    text = out.read_text(encoding="utf-8-sig")
    assert text.startswith("scenario,week,week_start,class,measure,mean,p05,p50,p95")
    # 2 scenarios × 104 weeks × 3 classes (urgent, non_urgent, all) × 6 measures, + header
    assert len(text.splitlines()) == 2 * 104 * 3 * 6 + 1


def test_cli_refuses_a_bad_file_naming_the_field(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(GOOD + "[[demand_changes]]\nfrom = 2026-01-01\nto = 2026-02-01\n",
                   encoding="utf-8")
    result = CliRunner().invoke(app, ["scenario", "run", str(bad)])
    assert result.exit_code == 2
    assert "demand_changes[0].factor" in result.output
