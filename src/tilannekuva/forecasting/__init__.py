"""Waiting-list analytics: queueing figures (`queueing`) and seeded Monte Carlo scenarios
(`scenarios` files → `plan` → `simulation` → `summary`). Time in weeks, rates per week.
docs/forecasting.md has every formula with its source and the simulator's assumptions."""

from .plan import Plan, build_plan
from .queueing import (
    QueueFigures,
    assess,
    pressure,
    queue_load,
    relief_capacity,
    share_within,
    target_capacity,
    target_mean_wait,
    target_queue_size,
)
from .runner import prepare, run
from .scenarios import Scenario, load_scenario, parse_scenario
from .simulation import Trajectories, simulate
from .summary import summarise

__all__ = [
    "Plan", "QueueFigures", "Scenario", "Trajectories", "assess", "build_plan",
    "load_scenario", "parse_scenario", "prepare", "pressure", "queue_load", "relief_capacity",
    "run", "share_within", "simulate", "summarise", "target_capacity", "target_mean_wait",
    "target_queue_size",
]
