"""Waiting-list scenarios run by the web server, for the /scenarios page and the API: the one
path both take, so a figure on the page equals the API's for the same scenario, runs and seed.

Three things the command line does not need:

- **Bounded work.** A visitor must not stall the server: at most `MAX_RUNS` runs and
  `MAX_WEEKS` weeks (three years) a scenario, and values that keep the arrays small and the
  numbers finite (`check_limits`); one simulation at a time (a lock), other requests wait for
  it. Results are kept by their parameters (scenario, runs, seed), the newest `CACHE_SIZE`,
  so a page reloaded, bookmarked or sent to a colleague costs nothing the second time.
- **The county's own lists.** A scenario whose [initial] is missing has its start estimated
  from the county's referrals (`forecasting.start_state`) through a cursor of the server's
  own DuckDB connection: the server holds the file, so it cannot be opened a second time.
- **Small counts.** An estimated start is an aggregate of people: a list with fewer than
  `min_cell_size` people waiting, or fewer arrivals in the weeks it is estimated from, is not
  simulated (the trajectory would show the count); a class below it is *hidden*: its own
  rows are left out and the page shows its starting figures as hidden. A scenario that gives
  its own [initial] holds no one's data and is shown whole.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import ibis
import pandas as pd

from ..errors import TilannekuvaError
from ..forecasting.plan import build_plan
from ..forecasting.scenarios import Initial, Scenario, load_scenario
from ..forecasting.simulation import simulate
from ..forecasting.start_state import estimate_initial, latest_day
from ..forecasting.summary import ALL, summarise
from .figures import Figures

#: Monte Carlo runs a request may ask for.
MAX_RUNS = 2_000
#: Weeks a scenario may run on the server: three years.
MAX_WEEKS = 156
#: Simulations kept by their parameters.
CACHE_SIZE = 64
#: Bounds that keep a scenario's arrays small and its numbers finite; beyond them the server
#: refuses (the command line takes any value the file format allows).
MAX_RATE = 100_000.0      # arrivals, capacity or extra treatments per week
MAX_WAITING = 1_000_000   # patients waiting at the start, all classes
MAX_WAITED = 520.0        # weeks a patient at the start has waited (ten years)
MAX_FACTOR = 10.0         # a demand or capacity change
MAX_GROWTH = 1.0          # demand growth per year (100 %)
MAX_CLASSES = 10
FIRST_START, LAST_START = date(1900, 1, 1), date(2200, 12, 31)


class TooFew(TilannekuvaError):
    """The county's list has fewer people behind it than the smallest count shown."""


@dataclass(frozen=True)
class Outcome:
    """One scenario run: its long summary (`forecasting.summary.summarise`, rows of hidden
    classes left out), the start it ran from, and whether that was estimated from the
    county's referrals."""

    scenario: Scenario
    start: date
    initial: Initial
    estimated: bool
    hidden: tuple[str, ...]
    summary: pd.DataFrame


def check_limits(scenario: Scenario) -> None:
    """Refuses, naming the field, a scenario beyond what the server runs (see the bounds)."""
    problems = []
    if scenario.weeks > MAX_WEEKS:
        problems.append(f"weeks: at most {MAX_WEEKS} weeks (three years) on the server, "
                        f"not {scenario.weeks}")
    if len(scenario.classes) > MAX_CLASSES:
        problems.append(f"classes: at most {MAX_CLASSES} classes on the server")
    if scenario.start is not None and not FIRST_START <= scenario.start <= LAST_START:
        problems.append(f"start: a day from {FIRST_START} to {LAST_START}")
    if not -0.99 <= scenario.demand_growth_per_year <= MAX_GROWTH:
        problems.append("demand_growth_per_year: from -0.99 to 1 (100 % a year)")
    for name in ("demand_changes", "capacity_changes"):
        for i, change in enumerate(getattr(scenario, name)):
            if change.factor > MAX_FACTOR:
                problems.append(f"{name}[{i}].factor: at most {MAX_FACTOR:g}")
    for i, extra in enumerate(scenario.extra_sessions):
        if extra.per_week > MAX_RATE:
            problems.append(f"extra_sessions[{i}].per_week: at most {MAX_RATE:,.0f}")
    if scenario.initial is not None:
        initial = scenario.initial
        if initial.capacity_per_week > MAX_RATE:
            problems.append(f"initial.capacity_per_week: at most {MAX_RATE:,.0f}")
        waiting = 0
        for name, state in initial.classes.items():
            if state.arrivals_per_week > MAX_RATE:
                problems.append(f"initial.classes.{name}.arrivals_per_week: at most "
                                f"{MAX_RATE:,.0f}")
            for i, band in enumerate(state.waiting):
                waiting += band.count
                if band.to_weeks > MAX_WAITED:
                    problems.append(f"initial.classes.{name}.waiting[{i}].to_weeks: at most "
                                    f"{MAX_WAITED:g}")
        if waiting > MAX_WAITING:
            problems.append(f"initial.classes: at most {MAX_WAITING:,} waiting in all")
    if problems:
        raise TilannekuvaError("; ".join(problems))


def _counts(initial: Initial, lookback_weeks: int) -> dict[str, tuple[int, int]]:
    """Each class's people behind an estimated start: (waiting now, arrivals in the weeks it
    was estimated from)."""
    return {name: (sum(b.count for b in state.waiting),
                   round(state.arrivals_per_week * lookback_weeks))
            for name, state in initial.classes.items()}


class ScenarioRuns:
    """The server's scenario files, the county's specialties, estimated starts and kept
    simulations."""

    def __init__(self, figures: Figures, min_cell_size: int, scenario_dir: Path):
        self.figures = figures
        self.min_cell_size = min_cell_size
        self.scenario_dir = scenario_dir
        self._run_lock = threading.Lock()
        self._cache_lock = threading.Lock()
        self._cache: OrderedDict[tuple, object] = OrderedDict()

    # -- what can be chosen -----------------------------------------------------------------

    def files(self) -> dict[str, Path]:
        """The scenario files of `scenario_dir` by name (file name without .toml), read anew
        each time so a file saved while the server runs is offered at once."""
        if not self.scenario_dir.is_dir():
            return {}
        return {p.stem: p for p in sorted(self.scenario_dir.glob("*.toml"))}

    def load(self, name: str) -> Scenario:
        path = self.files().get(name)
        if path is None:
            raise TilannekuvaError(f"No scenario file {name!r} in {self.scenario_dir}.")
        return load_scenario(path)

    def specialties(self) -> list[str]:
        """The specialties of the county's referrals (every list one can estimate)."""
        def read() -> list[str]:
            con = self.figures.cursor()
            try:
                rows = con.execute("SELECT DISTINCT specialty FROM referrals WHERE specialty "
                                   "IS NOT NULL ORDER BY specialty").fetchall()
            finally:
                con.close()
            return [r[0] for r in rows]
        return self._kept(("specialties",), read)

    # -- the start --------------------------------------------------------------------------

    def start_of(self, scenario: Scenario) -> tuple[date, Initial, bool]:
        """The scenario's first day and starting state: its own, or estimated from the
        county's referrals (kept: the data change only by an import, with the server
        stopped). TooFew for a list with fewer people than `min_cell_size`."""
        if scenario.initial is not None and scenario.start is not None:
            return scenario.start, scenario.initial, False
        if scenario.waiting_list is None:
            raise TilannekuvaError(f"scenario {scenario.name!r}: give `start` and `initial`, "
                                   "or a `waiting_list` to estimate them from the county's "
                                   "referrals.")
        key = ("start", scenario.waiting_list.model_dump_json(),
               tuple(c.name for c in scenario.classes), scenario.start)

        def estimate() -> tuple[date, Initial]:
            con = self.figures.cursor()
            try:
                backend = ibis.duckdb.from_connection(con)
                day = scenario.start or latest_day(backend, scenario.waiting_list)
                if not FIRST_START <= day <= LAST_START:
                    raise TilannekuvaError(f"start: a day from {FIRST_START} to {LAST_START}")
                return day, estimate_initial(backend, scenario, day)
            finally:
                con.close()
        day, initial = self._kept(key, estimate)
        counts = _counts(initial, scenario.waiting_list.lookback_weeks)
        waiting = sum(w for w, _ in counts.values())
        arrivals = sum(a for _, a in counts.values())
        if min(waiting, arrivals) < self.min_cell_size:
            raise TooFew(f"{scenario.waiting_list.specialty}: fewer than {self.min_cell_size} "
                         "people waiting or arriving; not shown (small counts are hidden).")
        return day, initial, True

    def hidden_classes(self, scenario: Scenario, initial: Initial, estimated: bool
                       ) -> tuple[str, ...]:
        """Classes of an estimated start with fewer people than `min_cell_size` waiting or
        arriving: their own figures are not shown."""
        if not estimated:
            return ()
        counts = _counts(initial, scenario.waiting_list.lookback_weeks)
        return tuple(name for name, (w, a) in counts.items() if min(w, a) < self.min_cell_size)

    # -- running ----------------------------------------------------------------------------

    def run(self, scenario: Scenario, runs: int, seed: int) -> Outcome:
        """`runs` seeded futures of the scenario, summarised; kept by (scenario, runs, seed)."""
        if not 1 <= runs <= MAX_RUNS:
            raise TilannekuvaError(f"runs: from 1 to {MAX_RUNS:,}, not {runs}")
        check_limits(scenario)
        start, initial, estimated = self.start_of(scenario)
        hidden = self.hidden_classes(scenario, initial, estimated)
        key = ("run", scenario.model_dump_json(), start, initial.model_dump_json(), runs, seed)

        def simulated() -> pd.DataFrame:
            plan = build_plan(scenario, initial, start)
            with self._run_lock:
                return summarise(simulate(plan, runs, seed))
        summary = self._kept(key, simulated)
        if hidden:
            summary = summary[~summary["class"].isin(hidden)].reset_index(drop=True)
        return Outcome(scenario, start, initial, estimated, hidden, summary)

    def _kept(self, key: tuple, compute):
        with self._cache_lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        value = compute()
        with self._cache_lock:
            self._cache[key] = value
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return value


def whole_list(summary: pd.DataFrame, measure: str) -> pd.DataFrame:
    """The whole list's (`all`) rows of one measure, by week: week, week_start, mean, p05,
    p50, p95."""
    rows = summary[(summary["class"] == ALL) & (summary["measure"] == measure)]
    return rows[["week", "week_start", "mean", "p05", "p50", "p95"]].reset_index(drop=True)


def finite(value: float) -> float | None:
    """A band's number for JSON: NaN (a week without treatments has no mean wait) as None."""
    return None if value is None or math.isnan(value) else float(value)
