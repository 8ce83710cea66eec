"""The /risk page: the 24-hour-care risk model for the roles entitled to it (roles.py).

- Switched off (`risk_model_enabled = false`, the default): the page says so and why — the
  county must first settle the legal basis for profiling (docs/risk-model.md) — and shows
  nothing else, to every role.
- Switched on: the model card (held-out evaluation: AUC with its interval, calibration,
  performance by group with small groups suppressed) for the roles with `risk_card`; for a
  role with `risk_list` (a supervisor), the clients of their own units with the highest
  scores, each with its uncertainty band and the facts that moved it most, under a notice
  that the score is decision support and never a decision. Every page of the list shown, and
  every refusal (a unit not the supervisor's own), is audited (risk_lists.risk_list_for).
- No model file yet: the page says how to train one; nothing is trained in a request.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from ..forecasting import risk
from ..forecasting.risk_evaluation import shown_bins, shown_groups
from .pages import PageUser, render, translator_of
from .risk_lists import PAGE_SIZE, PAGES, RiskModels, risk_list_for
from .roles import NotEntitled

router = APIRouter(include_in_schema=False)


def _request(request: Request) -> tuple[int, list[str] | None, int]:
    """The horizon, the units asked for (None: all of the user's own) and the page number of
    a /risk request; 400 for a malformed one."""
    params = request.query_params
    horizon = params.get("horizon") or "12"
    if horizon not in ("12", "36"):
        raise HTTPException(400, "horizon must be 12 or 36 (months).")
    page = params.get("page") or "1"
    if not page.isdigit() or not 1 <= int(page) <= PAGES:
        raise HTTPException(400, f"page must be a whole number from 1 to {PAGES}.")
    asked = [u for u in params.getlist("unit") if u] or None
    return int(horizon), asked, int(page)


@router.get("/risk")
def risk_page(request: Request, user: PageUser) -> HTMLResponse:
    models: RiskModels = request.app.state.risk_models
    t = translator_of(request)
    horizon, asked, page = _request(request)
    if not models.settings.risk_model_enabled:
        return render(request, "risk.html", user, state="off")
    if not user.role.risk_card:
        return render(request, "refused.html", user, status=403,
                      reason=t("refused.risk_card"))
    try:
        if user.role.risk_list is not None or asked:
            loaded, units, rows, total = risk_list_for(models, horizon, user, asked, page,
                                                       "page")
        else:
            loaded, units, rows, total = models.get(horizon), None, None, 0
    except NotEntitled as refusal:
        return render(request, "refused.html", user, status=403,
                      reason=t(refusal.key, **refusal.values))
    except risk.RiskDataError as error:
        return render(request, "risk.html", user, state="missing", horizon=horizon,
                      problem=str(error))
    evaluation, cells = loaded.model.evaluation, models.figures.min_cell_size
    return render(request, "risk.html", user, state="on", horizon=horizon,
                  model=loaded.model, evaluation=evaluation, min_cell_size=cells,
                  group_rows=shown_groups(evaluation, cells),
                  bin_rows=shown_bins(evaluation, cells),
                  page=page,
                  pages=PAGES, page_size=PAGE_SIZE, rows=rows, units=units, total=total)
