"""The API of waiting-list analytics: queueing figures (`GET /api/v1/queueing`) and scenario
runs (`POST /api/v1/scenarios/run`), for planners' own tools. Both need a bearer token, as
every route of the API; both answer what the /scenarios page shows for the same inputs (the
same `forecasting.queueing.assess`, the same `scenario_runs.ScenarioRuns`).

Units throughout: time in weeks, rates per week, queues in patients (docs/forecasting.md).

Errors: a parameter or a scenario field of the wrong type or outside its declared range is a
422 naming it (`loc`); the scenario model's own rules (class names that differ, [initial]
giving exactly the scenario's classes, periods that end after they start) are checked by the
same pydantic model that checks the files, and are 422s too. A well-formed request the server
will not or cannot answer — beyond its bounds (`scenario_runs.check_limits`: three years, at
most 2,000 runs), a start that cannot be estimated, a list with too few people to show — is a
400 with the reason, naming the field where there is one.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal, get_type_hints

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel, ConfigDict, Field, create_model

from ..errors import TilannekuvaError
from ..forecasting.queueing import QueueFigures, assess
from ..forecasting.scenarios import Scenario
from .api import SignedIn, _errors
from .scenario_runs import MAX_RATE, MAX_RUNS, MAX_WAITING, ScenarioRuns, finite

router = APIRouter(prefix="/api/v1", tags=["scenarios"])

Rate = Annotated[float, Query(ge=0.001, le=MAX_RATE, allow_inf_nan=False)]


#: The figures of one waiting list: `forecasting.queueing.QueueFigures`'s fields (every one
#: always given, null where the facts allow none) and their units, read from the dataclass so
#: that the API's model never drifts from it.
QueueingOut = create_model(
    "QueueingOut", __doc__="The figures of one waiting list (`forecasting.queueing.QueueFigures`).",
    units=(dict[str, str], {"time": "weeks", "rates": "per week", "queue": "patients"}),
    **{name: (hint, ...) for name, hint in get_type_hints(QueueFigures).items()})


class RunRequest(BaseModel):
    """A scenario — the very model of the scenario files, as JSON — and how to run it. Without
    `initial` (and `start`), the start is estimated from the county's referrals of
    `waiting_list.specialty`."""

    model_config = ConfigDict(extra="forbid")

    scenario: Scenario
    runs: int = Field(500, ge=1, le=MAX_RUNS, description="Monte Carlo runs.")
    seed: int = Field(1, ge=0, le=2**32 - 1, description="The same seed gives the same runs.")


class BandRow(BaseModel):
    """One week of one class (or `all`, the whole list) and one measure, across the runs."""

    model_config = ConfigDict(populate_by_name=True)

    week: int
    week_start: date
    class_: str = Field(alias="class")
    measure: Literal["queue", "past_deadline", "share_past_deadline", "treated", "reneged",
                     "mean_wait"]
    mean: float | None
    p05: float | None
    p50: float | None
    p95: float | None


class RunOut(BaseModel):
    scenario: str
    start: date
    #: The start was estimated from the county's referrals (else it is the scenario's own).
    estimated: bool
    #: Classes of an estimated start with fewer people than the smallest count shown: their
    #: rows are left out (the whole list's are kept).
    hidden_classes: list[str]
    runs: int
    seed: int
    rows: list[BandRow]


@router.get("/queueing", response_model=QueueingOut, responses=_errors(400, 401))
def queueing(
        user: SignedIn, arrivals: Annotated[Rate, Query(description="Demand: patients added "
                                                        "to the list per week.")],
        capacity: Annotated[Rate, Query(description="Treatments per week.")],
        deadline: Annotated[float, Query(ge=0.1, le=520, allow_inf_nan=False,
                                         description="Deadline in weeks (6 months = 26.09).")],
        share: Annotated[float, Query(ge=0.01, le=0.999, allow_inf_nan=False,
                                      description="Required share within the deadline, e.g. "
                                                  "0.95.")],
        queue: Annotated[float | None, Query(ge=0, le=MAX_WAITING, allow_inf_nan=False,
                                             description="Patients waiting now.")] = None,
        weeks: Annotated[float | None, Query(ge=1, le=520, allow_inf_nan=False,
                                             description="Weeks to bring the queue to its "
                                                         "target (the relief capacity); "
                                                         "needs `queue`.")] = None):
    """The list's load, target mean wait and queue size, the capacity that keeps them, and
    with `queue` its mean wait by Little's law, share within the deadline and pressure, with
    `weeks` also the relief capacity. Formulas and sources: docs/forecasting.md."""
    try:
        figures = assess(arrivals, capacity, deadline, share, queue=queue,
                         weeks_to_target=weeks)
    except TilannekuvaError as error:
        raise HTTPException(400, str(error)) from None
    return QueueingOut(**vars(figures))


@router.post("/scenarios/run", response_model=RunOut, responses=_errors(400, 401))
def run_scenario(request: Request, user: SignedIn, body: RunRequest):
    """Runs the scenario `runs` times with `seed` and gives, for every week, class and
    measure, the mean and the 5 %, 50 % and 95 % points across runs (weeks without
    treatments have no mean wait: null). At most 156 weeks and 2,000 runs; results are kept
    by their parameters."""
    runs: ScenarioRuns = request.app.state.scenario_runs
    try:
        outcome = runs.run(body.scenario, body.runs, body.seed)
    except TilannekuvaError as error:
        raise HTTPException(400, str(error)) from None
    rows = [BandRow(week=int(r["week"]), week_start=r["week_start"], class_=r["class"],
                    measure=r["measure"], mean=finite(r["mean"]), p05=finite(r["p05"]),
                    p50=finite(r["p50"]), p95=finite(r["p95"]))
            for r in outcome.summary.to_dict("records")]
    return RunOut(scenario=outcome.scenario.name, start=outcome.start,
                  estimated=outcome.estimated, hidden_classes=list(outcome.hidden),
                  runs=body.runs, seed=body.seed, rows=rows)
