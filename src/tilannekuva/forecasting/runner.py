"""From a scenario file (and optionally a county database) to a simulated plan: the one path
the CLI, the benchmark and later the dashboard take, so all of them start a scenario the same
way. With a database, the starting state is estimated from it and a file's own [initial] is
not used; without one, the file must give its start day and [initial] state."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import ibis

from ..errors import TilannekuvaError
from .plan import Plan, build_plan
from .scenarios import Scenario
from .simulation import Trajectories, simulate
from .start_state import estimate_initial, latest_day


def prepare(scenario: Scenario, db: Path | ibis.BaseBackend | None = None) -> Plan:
    """The scenario's week-by-week plan, its start from `db` (a county file or an open
    backend, `start_state`) when given."""
    if db is not None:
        if scenario.waiting_list is None:
            raise TilannekuvaError(f"scenario {scenario.name!r}: --db needs a [waiting_list] "
                                   "section naming the specialty to read.")
        start = scenario.start or latest_day(db, scenario.waiting_list)
        return build_plan(scenario, estimate_initial(db, scenario, start), start)
    if scenario.initial is None or scenario.start is None:
        raise TilannekuvaError(f"scenario {scenario.name!r}: give `start` and an [initial] "
                               "section in the file, or a county database with --db to "
                               "estimate them from.")
    return build_plan(scenario, scenario.initial, scenario.start)


def run(scenario: Scenario, runs: int, seed: int, db: Path | ibis.BaseBackend | None = None,
        progress: Callable[[int, int], None] | None = None) -> Trajectories:
    """`runs` seeded futures of the scenario."""
    if runs < 1:
        raise TilannekuvaError("--runs must be at least 1.")
    return simulate(prepare(scenario, db), runs, seed, progress)
