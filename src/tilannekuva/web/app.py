"""The web application: the dashboard's pages, the situation board (/situation, `board`), the
waiting-list scenarios (/scenarios and their API, `scenarios_page`, `scenarios_api`), the
demand forecasts (/forecasts and their API, `forecasts_page`, `forecasts_api`), the
24-hour-care risk model (/risk and /api/v1/risk, `risk_page`, `risk_api`; off by default), the
JSON API under /api/v1 and the static files (the style sheet, and the board's one small script
that applies its live updates; no chart library, nothing fetched from outside the package),
served over one county database by `tilannekuva serve`. Every page works without the script.

The OpenAPI document is at /api/v1/openapi.json. FastAPI's interactive documentation pages
are turned off: they load their scripts from a CDN, and hospital networks are closed.
"""

from __future__ import annotations

import asyncio
import threading
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlencode

import duckdb
from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from .. import __version__
from ..config import Settings
from ..errors import TilannekuvaError
from ..situation import SituationCentre, create_engine, create_schema
from ..situation.api import router as situation_router
from ..store import create_tables
from . import accounts
from .api import router as api_router
from .auth import SignInRequired, user_of
from .board import router as board_router
from .board_forms import router as board_forms_router
from .figures import FILTER_WARMED_GROUPS, Figures
from .forecast_runs import ForecastRuns
from .forecasts_api import router as forecasts_api_router
from .forecasts_page import router as forecasts_page_router
from .pages import STATIC, render
from .pages import router as page_router
from .risk_api import router as risk_api_router
from .risk_lists import RiskModels
from .risk_page import router as risk_page_router
from .scenario_runs import ScenarioRuns
from .scenarios_api import router as scenarios_api_router
from .scenarios_page import router as scenarios_page_router


def open_county(path: Path) -> duckdb.DuckDBPyConnection:
    """The county database, opened for the server (read-write: the audit log, users and
    sessions live in it). A missing file is an error, never a new empty county."""
    if not path.exists():
        raise TilannekuvaError(
            f"County database {path} not found. Create one with `tilannekuva import` or "
            "`tilannekuva synth`, or point at it with --db or TILANNEKUVA_DATABASE.")
    try:
        con = duckdb.connect(str(path))
    except duckdb.IOException as error:
        raise TilannekuvaError(f"Cannot open {path}: {error}. Is another Tilannekuva process "
                               "(a server or an import) using it?") from None
    create_tables(con)
    accounts.create_tables(con)
    return con


def create_app(path: Path, settings: Settings, warm: bool = False) -> FastAPI:
    """The application over the county database at `path` and the situation centre's database
    (`settings.situation_url`, its tables created if missing). With `warm`, the views people open
    first are computed in the background at once (`Figures.warm`: the overview, which is every
    capability's default view, and the access and T3 pages per filter value), and, when the
    risk model is switched on, its trained models are loaded in a thread of their own
    (`RiskModels.warm`), so early visitors do not wait for them (`tilannekuva serve` does
    this; most tests do not)."""
    figures = Figures(open_county(path), settings.min_cell_size, settings.spc_run_length)
    warming = threading.Thread(target=figures.warm, args=(FILTER_WARMED_GROUPS,),
                               name="warm-up", daemon=True)
    if warm:
        warming.start()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        """A server stopped while it warms up ends its warm-ups first: a thread still reading
        the county database as the interpreter exits aborts the process."""
        yield
        if warming.is_alive():
            figures.stop()
            await asyncio.to_thread(warming.join, 10)
        if risk_warming.is_alive():  # loading a model: seconds, not interruptible
            await asyncio.to_thread(risk_warming.join, 30)

    app = FastAPI(title="Tilannekuva API", version=__version__, lifespan=lifespan,
                  description="Figures of a wellbeing services county's situation picture. "
                              "Sign in with POST /api/v1/token.",
                  openapi_url="/api/v1/openapi.json", docs_url=None, redoc_url=None)
    app.state.figures = figures
    app.state.sessions = accounts.Sessions()
    app.state.settings = settings
    app.state.scenario_runs = ScenarioRuns(figures, settings.min_cell_size,
                                           settings.scenario_dir)
    app.state.forecast_runs = ForecastRuns(figures, settings.min_cell_size)
    engine = create_engine(settings.situation_url)
    create_schema(engine)
    app.state.risk_models = RiskModels(path, settings, figures)
    risk_warming = threading.Thread(target=app.state.risk_models.warm, name="risk-warm-up",
                                    daemon=True)
    if warm and settings.risk_model_enabled:
        risk_warming.start()
    app.state.situation = SituationCentre(engine)
    app.state.situation.forget_expired_keys()
    app.mount("/static", StaticFiles(directory=STATIC),
              name="static")
    app.include_router(api_router)
    app.include_router(scenarios_api_router)
    app.include_router(forecasts_api_router)
    app.include_router(risk_api_router)
    app.include_router(situation_router)
    app.include_router(page_router)
    app.include_router(scenarios_page_router)
    app.include_router(forecasts_page_router)
    app.include_router(risk_page_router)
    app.include_router(board_router)
    app.include_router(board_forms_router)

    @app.exception_handler(SignInRequired)
    async def sign_in(request: Request, error: SignInRequired):
        return RedirectResponse("/login?" + urlencode({"next": str(error)}), status_code=303)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException):
        if error.status_code == 405:
            # Starlette names the methods of the first route matching the path only; a path
            # with a GET and a POST route (e.g. /api/v1/situation/wards) must name both.
            allowed = sorted({m for route in app.routes
                              if getattr(route, "path_regex", None)
                              and route.path_regex.match(request.url.path)
                              for m in getattr(route, "methods", None) or ()})
            error = HTTPException(405, error.detail, headers={"Allow": ", ".join(allowed)})
        if request.url.path.startswith("/api/"):
            return await http_exception_handler(request, error)
        return render(request, "error.html", user_of(request), status=error.status_code,
                      reason=error.detail)

    return app
