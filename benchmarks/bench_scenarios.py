"""Benchmark of the waiting-list Monte Carlo: 1,000 runs of a two-year scenario.

    python benchmarks/bench_scenarios.py                       # scenarios/orthopaedics.toml
    python benchmarks/bench_scenarios.py --runs 5000 --scenario my.toml

Each measurement runs in a fresh process (harness.measure) with its peak memory watched:

- the simulator with all runs at once (vectorised over runs), plus the summary into bands;
- the baseline, measured in the same run: the same simulator one run at a time, as a loop
  over seeds would do it, timed for `--baseline-runs` runs and scaled to `--runs`.

Before any ratio is printed, the script checks that the two agree: they run the same model
with different draws, so the batch's median queue must lie within the loop's 5–95 % band in at
least 95 % of weeks. Times are the best of `--repeat` (default 3).

Target: 1,000 runs of a two-year scenario in under 20 s on 2 cores.
"""

from __future__ import annotations

import argparse
import os
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from harness import Measurement, measure

from tilannekuva.forecasting import build_plan, load_scenario, simulate, summarise

TARGET_SECONDS = 20.0
DEFAULT_SCENARIO = Path(__file__).parent.parent / "scenarios" / "orthopaedics.toml"


def _plan(path: Path, start: date, end: date):
    scenario = load_scenario(path)
    weeks = (end - start).days // 7
    scenario = scenario.model_copy(update={"start": start, "weeks": weeks})
    return build_plan(scenario, scenario.initial, start)


def batch(path: Path, start: date, end: date, runs: int, seed: int) -> np.ndarray:
    """All runs at once and their bands; returns the median queue by week."""
    summary = summarise(simulate(_plan(path, start, end), runs, seed))
    rows = summary[(summary["class"] == "all") & (summary.measure == "queue")]
    return rows.p50.to_numpy()


def one_at_a_time(path: Path, start: date, end: date, runs: int, seed: int) -> np.ndarray:
    """The baseline: one run per call, seeds seed … seed + runs − 1; returns each run's
    whole-list queue by week."""
    plan = _plan(path, start, end)
    return np.stack([simulate(plan, 1, seed + i).queue[0].sum(axis=1) for i in range(runs)])


def line(title: str, m: Measurement, extra: str = "") -> str:
    return f"   {title:<44} {m.best:8.2f} s   peak {m.peak_gb:5.2f} GB{extra}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO)
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--baseline-runs", type=int, default=50)
    parser.add_argument("--weeks", type=int, default=104)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--memory-limit", type=float, default=8.0)
    args = parser.parse_args()
    scenario = load_scenario(args.scenario)
    start = scenario.start
    end = start + timedelta(weeks=args.weeks)
    print(f"== {scenario.name}: {args.runs:,} runs × {args.weeks} weeks from {start}, best of "
          f"{args.repeat}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
          flush=True)
    loop = measure(one_at_a_time, args.scenario, start, end, args.repeat, args.memory_limit,
                   runs=args.baseline_runs, seed=1)
    ours = measure(batch, args.scenario, start, end, args.repeat, args.memory_limit,
                   runs=args.runs, seed=1)
    low, high = np.percentile(loop.result, [5, 95], axis=0)
    inside = np.mean((ours.result >= low) & (ours.result <= high))
    print(f"   check: the batch's median queue lies within the loop's 5–95 % band in "
          f"{inside:.0%} of weeks", flush=True)
    if inside < 0.95:
        raise SystemExit("the batch and the run-at-a-time loop disagree; no times printed")
    scaled = loop.best * args.runs / args.baseline_runs
    print(line(f"baseline: one run at a time ({args.baseline_runs} runs)", loop,
               f"   → {scaled:.1f} s for {args.runs:,} runs"))
    verdict = "meets" if ours.best < TARGET_SECONDS else "MISSES"
    print(line(f"vectorised: {args.runs:,} runs + bands", ours,
               f"   {scaled / ours.best:.0f}× the baseline; {verdict} the {TARGET_SECONDS:.0f} s "
               "target"))


if __name__ == "__main__":
    main()
