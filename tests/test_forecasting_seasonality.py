"""Seasonal arrivals in the waiting-list Monte Carlo: twelve monthly demand factors applied to
each day by its calendar month, checked against expected arrivals worked out by hand from the
calendar; the file's factors validated; and a scenario without seasonality running exactly as
before the factors existed."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tilannekuva.cli import app
from tilannekuva.errors import TilannekuvaError
from tilannekuva.forecasting import build_plan, load_scenario, parse_scenario, simulate

#: January … December; they sum to 12.0, mean 1.
FACTORS = [1.5, 1.3, 1.1, 1.0, 0.9, 0.7, 0.5, 0.8, 1.0, 1.1, 1.0, 1.1]


def scenario_text(seasonality: list[float] | None, body: str) -> str:
    line = "" if seasonality is None else f"seasonality = {seasonality}\n"
    return line + body


#: 2024 from Monday 1 January, 52 weeks (to Sunday 29 December): 70 arrivals a week (10 a
#: day) against 10,000 treatments a week. With capacity that far above demand every patient
#: is treated on the day they arrive, so the treatments of a week are its arrivals.
OPEN_LIST = """
name = "open list"
start = 2024-01-01
weeks = 52
[[classes]]
name = "all"
deadline_weeks = 26
[initial]
capacity_per_week = 10000
[initial.classes.all]
arrivals_per_week = 70
"""


@pytest.fixture(scope="module")
def seasonal():
    scenario = parse_scenario(scenario_text(FACTORS, OPEN_LIST), "open.toml")
    return simulate(build_plan(scenario, scenario.initial, scenario.start), runs=1000, seed=5)


def test_arrivals_follow_the_month_of_each_day(seasonal):
    """Expected arrivals in a week = 10 a day × the sum of its days' monthly factors.

    - Weeks wholly inside one month: 70 × that month's factor, e.g. the weeks of 1, 8, 15
      and 22 January: 70 × 1.5 = 105; of 1, 8, 15, 22 July: 70 × 0.5 = 35.
    - The week of 29 January: 29–31 January (3 × 1.5) and 1–4 February (4 × 1.3):
      10 × (4.5 + 5.2) = 97. The week of 29 July: 3 × 0.5 + 4 × 0.8 → 10 × 4.7 = 47.

    Tolerance 2 %: a week's arrivals are Poisson (mean 35 … 105), so the mean over 1,000 runs
    has a standard error of √(λ / 1000) ≤ 0.33, under 0.6 % of λ; 2 % is over 4 standard
    errors for every single week and over 6 for a month's weeks pooled."""
    assert (seasonal.queue == 0).all() and (seasonal.reneged == 0).all()
    mean = seasonal.treated[:, :, 0].mean(axis=0)
    starts = list(seasonal.week_starts)
    by_start = dict(zip(starts, mean, strict=True))
    for day in (1, 8, 15, 22):
        assert by_start[date(2024, 1, day)] == pytest.approx(105, rel=0.02)
        assert by_start[date(2024, 7, day)] == pytest.approx(35, rel=0.02)
    assert by_start[date(2024, 1, 29)] == pytest.approx(97, rel=0.02)
    assert by_start[date(2024, 7, 29)] == pytest.approx(47, rel=0.02)
    # Every month: its whole weeks pooled, 70 × the month's factor a week.
    for month, factor in enumerate(FACTORS, start=1):
        inside = [by_start[s] for s in starts
                  if s.month == month and (s + timedelta(days=6)).month == month]
        assert len(inside) >= 3
        assert sum(inside) / len(inside) == pytest.approx(70 * factor, rel=0.02), month


def test_the_year_keeps_its_demand(seasonal):
    """The 364 days from 1 January to 29 December 2024 (a leap year: February has 29; the
    last two days of December are not simulated): 10 × Σ days × factor = 10 × (31 × 1.5 +
    29 × 1.3 + 31 × 1.1 + 30 × 1.0 + 31 × 0.9 + 30 × 0.7 + 31 × 0.5 + 31 × 0.8 + 30 × 1.0 +
    31 × 1.1 + 30 × 1.0 + 29 × 1.1) = 10 × 363.5 = 3,635 — against 3,640 without seasonality.
    Poisson over 1,000 runs: standard error √(3635 / 1000) ≈ 1.9; tolerance 0.3 % ≈ 11."""
    yearly = seasonal.treated.sum(axis=(1, 2)).mean()
    assert yearly == pytest.approx(3635, rel=0.003)


@pytest.mark.parametrize(("factors", "message"), [
    (FACTORS[:11], "seasonality: List should have at least 12 items"),
    (FACTORS + [1.0], "seasonality: List should have at most 12 items"),
    ([f * 1.1 for f in FACTORS], "seasonality: the twelve monthly factors must average 1"),
    (FACTORS[:3] + [0.0] + FACTORS[4:], "seasonality[3]: Input should be greater than 0"),
])
def test_bad_factors_are_refused_naming_the_field(factors, message):
    with pytest.raises(TilannekuvaError) as err:
        parse_scenario(scenario_text(factors, OPEN_LIST), "scenarios/bad.toml")
    assert f"scenarios/bad.toml: {message}" in str(err.value)


def test_the_mean_is_stated_and_the_cli_names_the_file_and_field(tmp_path):
    bad = tmp_path / "bad.toml"
    # Every factor 1.2: mean 1.2.
    bad.write_text(scenario_text([1.2] * 12, OPEN_LIST), encoding="utf-8")
    result = CliRunner().invoke(app, ["scenario", "run", str(bad), "--runs", "2"])
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert f"{bad}: seasonality: the twelve monthly factors must average 1" in text
    assert "their mean is 1.2" in text and "Traceback" not in text


#: A scenario with growth, a capacity cut, two classes, reneging and a waiting list.
REFERENCE = """
name = "reference"
start = 2026-01-05
weeks = 20
demand_growth_per_year = 0.02
[[classes]]
name = "urgent"
deadline_weeks = 2
[[classes]]
name = "non_urgent"
deadline_weeks = 26.09
[[capacity_changes]]
from = 2026-02-01
to = 2026-02-28
factor = 0.5
[initial]
capacity_per_week = 33.0
[initial.classes.urgent]
arrivals_per_week = 3.0
waiting = [ { from_weeks = 0, to_weeks = 2, count = 4 } ]
[initial.classes.non_urgent]
arrivals_per_week = 30.0
reneging_per_week = 0.004
waiting = [ { from_weeks = 0, to_weeks = 30, count = 600 } ]
"""


@pytest.mark.parametrize("seasonality", [None, [1.0] * 12])
def test_without_seasonality_the_runs_are_unchanged(seasonality):
    """The figures below were computed with the simulator as it was before seasonality was
    added (5 runs, seed 11): a scenario without it must give exactly the same draws. Twelve
    factors of 1 give them too: each day's arrivals are drawn with the same rate."""
    scenario = parse_scenario(scenario_text(seasonality, REFERENCE), "reference.toml")
    traj = simulate(build_plan(scenario, scenario.initial, scenario.start), runs=5, seed=11)
    assert traj.queue[:, -1].tolist() == [[0, 577], [0, 607], [0, 643], [0, 586], [0, 630]]
    assert int(traj.queue.sum()) == 62565
    assert int(traj.treated.sum()) == 2954
    assert int(traj.reneged.sum()) == 262
    assert int(traj.past_deadline.sum()) == 3591


def test_the_example_files_share_their_season():
    """scenarios/orthopaedics.toml and its extra-sessions variant give the same factors, so
    comparing them compares the extra sessions only; the week of Monday 6 July 2026 lies wholly
    in July, factor 0.70 every day, and the week of 29 June 2026 has two June days (0.92)
    and five July days."""
    folder = Path(__file__).parent.parent / "scenarios"
    base = load_scenario(folder / "orthopaedics.toml")
    extra = load_scenario(folder / "orthopaedics-extra-sessions.toml")
    assert base.seasonality == extra.seasonality
    plan = build_plan(base, base.initial, base.start)
    july = plan.week_starts.index(date(2026, 7, 6))
    assert plan.season[july].tolist() == [0.70] * 7
    assert plan.season[july - 1].tolist() == [0.92] * 2 + [0.70] * 5
