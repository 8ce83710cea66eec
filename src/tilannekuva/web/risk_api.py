"""The API of the 24-hour-care risk model: the model card (`GET /api/v1/risk/model`) and the
scored clients of the caller's own units (`GET /api/v1/risk/persons`), answering what the
/risk page shows (the same risk_lists.RiskModels and risk_list_for).

Answers, as declared in the OpenAPI document:

- 404 while the county has the model switched off (`risk_model_enabled = false`), with the
  reason in `detail`: the resource does not exist in this installation, for every role alike,
  and nothing is audited because nothing person-level was asked of a model that is not there.
  Also 404 when no model has been trained (`detail` gives the command).
- 403 for a role without the view: the card for situation-centre roles and the administrator,
  the person list for everyone but a supervisor, and for a supervisor any unit not their
  own; the list's refusals are audited (`risk_list_refused`), as every list shown is
  (`risk_list`, channel `api`).
"""

from __future__ import annotations

from datetime import date
from enum import IntEnum
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel

from ..forecasting import risk
from ..forecasting.risk_evaluation import shown_bins, shown_groups
from .api import Problem, SignedIn, Values, _clean, _errors
from .risk_lists import PAGE_SIZE, PAGES, RiskModels, risk_list_for
from .roles import NotEntitled

router = APIRouter(prefix="/api/v1/risk", tags=["risk model"])

NOTICE = ("Decision support only: a score never decides. It is one input to a professional's "
          "assessment of a client's service need (docs/risk-model.md).")


class Horizon(IntEnum):
    """Months ahead."""

    twelve = 12
    thirty_six = 36


HorizonQuery = Annotated[Horizon, Query(description="Months ahead: 12 or 36.")]
RESPONSES = {**_errors(401, 403), 404: {
    "model": Problem, "description": "The risk model is switched off in this county "
    "(risk_model_enabled = false), or has not been trained: `detail` says which."}}


class CalibrationBin(BaseModel):
    """A tenth of the held-out persons by predicted risk; the observed rate and its interval
    are null where they rest on fewer entries than the minimum cell size (`entries_hidden`)."""

    bin: int
    persons: int
    mean_predicted: float
    entries_hidden: bool
    observed: float | None
    observed_low95: float | None
    observed_high95: float | None


class GroupRow(BaseModel):
    """A group of the held-out persons; below the minimum cell size its figures are null
    (`suppressed`), and with fewer entries than that its entries, observed rate and AUC are
    (`entries_hidden`)."""

    dimension: str
    group: str
    suppressed: bool
    entries_hidden: bool
    persons: int | None
    entries: int | None
    mean_predicted: float | None
    observed: float | None
    auc: float | None


class ModelCard(BaseModel):
    notice: str = NOTICE
    horizon: int
    scoring_day: date
    persons_scored: int
    trained_days: list[date]
    test_day: date
    held_out_persons: int
    held_out_entries: int
    auc: float
    auc_low: float
    auc_high: float
    brier: float
    brier_reference: float
    calibration_intercept: float
    calibration_slope: float
    calibration: list[CalibrationBin]
    groups: list[GroupRow]


class Contribution(BaseModel):
    """A feature's SHAP value on the log-odds scale (risk.person_explanation)."""

    feature: str
    description: str
    value: float
    log_odds: float


class RiskRow(BaseModel):
    rank: int
    person_id: str
    unit: str
    risk: float
    band_low: float
    band_high: float
    contributions: list[Contribution]


class RiskPersons(BaseModel):
    notice: str = NOTICE
    horizon: int
    scoring_day: date
    units: list[str]
    page: int
    page_size: int
    total: int
    rows: list[RiskRow]


def _switched_on(request: Request) -> RiskModels:
    """The county's models, or 404 with the reason while the model is switched off."""
    models: RiskModels = request.app.state.risk_models
    try:
        risk.require_enabled(models.settings)
    except risk.RiskModelDisabled as error:
        raise HTTPException(404, str(error)) from None
    return models


@router.get("/model", response_model=ModelCard, responses=RESPONSES)
def model_card(request: Request, user: SignedIn, horizon: HorizonQuery = Horizon.twelve):
    """The model's held-out evaluation (discrimination, calibration, performance by sex, age
    group and municipality, small groups suppressed): for directors, analysts and
    supervisors."""
    models = _switched_on(request)
    if not user.role.risk_card:
        raise HTTPException(403, f"The role {user.role.name} is not shown the risk model.")
    try:
        model = models.get(int(horizon)).model
    except risk.RiskDataError as error:
        raise HTTPException(404, str(error)) from None
    e, cells = model.evaluation, models.figures.min_cell_size
    groups = [GroupRow(dimension=g["dimension"], group=str(g["group"]),
                       suppressed=bool(g["suppressed"]),
                       entries_hidden=bool(g["entries_hidden"]),
                       **{k: None if g["suppressed"] else _clean(g[k]) for k in (
                           "persons", "entries", "mean_predicted", "observed", "auc")})
              for g in shown_groups(e, cells).astype(object).to_dict("records")]
    bins = [CalibrationBin(bin=int(b["bin"]), persons=int(b["persons"]),
                           mean_predicted=b["mean_predicted"],
                           entries_hidden=bool(b["entries_hidden"]),
                           **{name: _clean(b[k]) for name, k in (
                               ("observed", "observed"), ("observed_low95", "low95"),
                               ("observed_high95", "high95"))})
            for b in shown_bins(e, cells).astype(object).to_dict("records")]
    return ModelCard(horizon=model.horizon, scoring_day=model.scoring_day,
                     persons_scored=len(model.current), trained_days=model.trained_days,
                     test_day=e.test_day, held_out_persons=e.persons,
                     held_out_entries=e.entries, auc=e.auc, auc_low=e.auc_low,
                     auc_high=e.auc_high, brier=e.brier, brier_reference=e.brier_reference,
                     calibration_intercept=e.calibration_intercept,
                     calibration_slope=e.calibration_slope, calibration=bins, groups=groups)


@router.get("/persons", response_model=RiskPersons, tags=["person-level"],
            responses=RESPONSES)
def persons(request: Request, user: SignedIn, horizon: HorizonQuery = Horizon.twelve,
            unit: Values = [],  # noqa: B006
            page: Annotated[int, Query(ge=1, le=PAGES)] = 1):
    """The clients aged 65+ of the caller's own units (a supervisor's; attached by their latest
    general-practice or home-care visit) with the highest scores, at most 200, 50 a page:
    score, uncertainty band and the features that moved it most. Every call is audited;
    refusals too."""
    models = _switched_on(request)
    asked = [u for u in unit if u] or None
    try:
        loaded, units, rows, total = risk_list_for(models, int(horizon), user, asked, page,
                                                   "api")
    except NotEntitled as refusal:
        raise HTTPException(403, str(refusal)) from None
    except risk.RiskDataError as error:
        raise HTTPException(404, str(error)) from None
    return RiskPersons(horizon=loaded.model.horizon, scoring_day=loaded.model.scoring_day,
                       units=sorted(request.app.state.figures.unit_names())
                       if units is None else units, page=page, page_size=PAGE_SIZE, total=total,
                       rows=[RiskRow(**row) for row in rows.to_dict("records")])
