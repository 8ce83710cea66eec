"""The versioned JSON API, /api/v1: the figures of the pages for the county's BI tools and data
warehouse. Every route reads `Figures` (the pages' one code path) and needs a bearer token
from POST /api/v1/token; the OpenAPI document is at /api/v1/openapi.json.

A request the figures cannot answer as asked (a filter or breakdown the indicator lacks, a
period that ends before it starts) is a 400 with the reason in `detail`; an unknown indicator
is a 404, a missing or unknown token a 401, and a malformed parameter (a month not YYYY-MM) a
422 listing what is wrong. A role without the right to a person-level list gets 403, and the
refusal is in the audit log. The OpenAPI document declares every one of these answers, and
tests/test_web_api_schema.py holds the API to it.
"""

from __future__ import annotations

import inspect
import math
import re
from datetime import date, datetime
from typing import Annotated, Literal

import pandas as pd
from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request, Security
from fastapi.security import OAuth2PasswordBearer
from pydantic import BaseModel, BeforeValidator

from ..errors import TilannekuvaError
from ..indicators.dimensions import DIMENSIONS
from ..indicators.registry import REGISTRY, get
from ..indicators.suppression import FIGURES
from ..privacy.audit import latest
from ..rules import local_date
from .accounts import User, authenticate, open_session
from .auth import api_user
from .figures import FILTERABLE, Figures, Series
from .i18n import translator
from .labels import value_labels
from .params import MONTH, make_view, month_range
from .person_lists import comments_for, overdue_for
from .roles import NotEntitled

router = APIRouter(prefix="/api/v1")

#: Declares the bearer token in the OpenAPI document (OAuth2's password flow, from POST
#: /api/v1/token); `api_user` reads and checks it, and answers 401 without a valid one.
BEARER = OAuth2PasswordBearer(tokenUrl="/api/v1/token", auto_error=False)

Language = Annotated[Literal["fi", "sv", "en"], Query(description="Language of names.")]
Month = Annotated[str | None, Query(pattern=f"^{MONTH.pattern}$",
                                    description="First or last month, YYYY-MM (1900-01 to "
                                                "2999-12).")]
Grain = Annotated[Literal["month", "quarter", "year"], Query()]
Values = Annotated[list[str], Query()]


def _filter_values(**values: list[str]) -> dict[str, list[str]]:
    return {name: [v for v in found if v] for name, found in values.items()}


# The filters, one repeatable query parameter per dimension of the registry, declared from
# `DIMENSIONS` so that the OpenAPI document lists each and a new dimension needs no edit here.
_filter_values.__signature__ = inspect.Signature([
    inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=[], annotation=Annotated[
        list[str], Query(description=f"Keep rows whose {name} is one of these. {text}")])
    for name, text in DIMENSIONS.items() if name in FILTERABLE])

Filters = Annotated[dict[str, list[str]], Depends(_filter_values)]


def _iso_day(value):
    """A day only as YYYY-MM-DD: pydantic alone would also read `0` as 1970-01-01 (Unix time)
    and accept a date-time."""
    if isinstance(value, str) and not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise ValueError("a day is written YYYY-MM-DD")
    return value


Day = Annotated[date | None, BeforeValidator(_iso_day),
                Query(description="The day of the list, YYYY-MM-DD; by default today.")]


class Problem(BaseModel):
    """An error: why the request was not answered."""

    detail: str


def _errors(*codes: int) -> dict[int | str, dict]:
    """The error responses a route declares, besides FastAPI's own 422."""
    meaning = {400: "The figures cannot answer the request as asked.",
               401: "Not signed in: no token, or an unknown or expired one.",
               403: "The role is not entitled to this.", 404: "No such indicator."}
    return {code: {"model": Problem, "description": meaning[code]} for code in codes}


def _signed_in(request: Request, bearer: Annotated[str | None, Security(BEARER)]) -> User:
    return api_user(request)


SignedIn = Annotated[User, Depends(_signed_in)]


class Token(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: datetime


class IndicatorInfo(BaseModel):
    id: str
    name: str
    definition: str
    group: str
    unit: str
    better: str | None
    target: float | None
    measure: str
    snapshot: bool
    dimensions: list[str]
    legal_basis: str
    rules: list[str]
    grains: list[str]


class Row(BaseModel):
    indicator: str
    period: str
    dimensions: dict[str, str | None]
    numerator: int | None
    denominator: int | None
    value: float | None
    #: 95 % interval of the value, for measures that give one: the confidence interval of a
    #: mean or contrast, the prediction interval of a forecast month.
    low: float | None = None
    high: float | None = None
    suppressed: bool


class Point(BaseModel):
    period: str
    value: float
    rules: list[str]


class SeriesOut(BaseModel):
    indicator: IndicatorInfo
    #: The grain of the rows: the one asked for, or the indicator's own when it is not
    #: defined at it (a yearly indicator in a monthly view is computed by year).
    grain: str
    unavailable_filters: list[str]
    latest: list[Row]
    reading: str | None
    assurance: str | None
    mean: float | None
    lower_limit: float | None
    upper_limit: float | None
    points: list[Point]
    rows: list[Row]


class OverdueRow(BaseModel):
    wait_kind: str
    record_id: str
    person_id: str
    unit: str
    service_area: str | None
    rule: str
    start_date: date
    due_date: date
    days_over: int
    age_band: str | None
    municipality: str | None


class OverdueOut(BaseModel):
    as_of: date
    within_days: int
    units: list[str]
    rows: list[OverdueRow]


class CommentRow(BaseModel):
    response_id: str
    unit_id: str
    responded_on: date
    service: str
    service_channel: str
    language: str
    recommendation: int | None
    comment: str


class CommentsOut(BaseModel):
    start: date
    end: date
    units: list[str]
    rows: list[CommentRow]


class AuditEntry(BaseModel):
    entry_id: int
    logged_at: datetime
    user_name: str
    action: str
    scope: str
    rows: int


def _figures(request: Request) -> Figures:
    return request.app.state.figures


def _clean(value):
    """A pandas cell as JSON: missing values (NA, NaN) as null."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value.item() if hasattr(value, "item") else value


def indicator_info(indicator, language: str) -> IndicatorInfo:
    return IndicatorInfo(
        id=indicator.id, name=getattr(indicator.names, language),
        definition=getattr(indicator.definition, language),
        group=indicator.group, unit=indicator.unit, better=indicator.better,
        target=indicator.target, measure=indicator.measure.kind, snapshot=indicator.snapshot,
        dimensions=list(indicator.dimensions), legal_basis=indicator.legal_basis,
        rules=list(indicator.rules), grains=list(indicator.grains))


def rows_out(frame) -> list[Row]:
    fixed = {"indicator", "period", *FIGURES, "suppressed"}
    out = []
    for record in frame.astype(object).to_dict("records"):
        out.append(Row(indicator=record["indicator"], period=record["period"],
                       dimensions={k: _clean(v) for k, v in record.items() if k not in fixed},
                       numerator=_clean(record["numerator"]),
                       denominator=_clean(record["denominator"]),
                       value=_clean(record["value"]), low=_clean(record.get("low")),
                       high=_clean(record.get("high")), suppressed=bool(record["suppressed"])))
    return out


def series_out(series: Series, language: str) -> SeriesOut:
    chart = series.chart
    points = [Point(period=p, value=pt.value, rules=list(pt.rules))
              for p, pt in zip(series.chart_periods, chart.points if chart else (), strict=True)]
    return SeriesOut(
        indicator=indicator_info(series.indicator, language), grain=series.view.grain,
        unavailable_filters=list(series.unavailable), latest=rows_out(series.latest),
        reading=chart.reading if chart else None, assurance=chart.assurance if chart else None,
        mean=chart.mean if chart else None, lower_limit=chart.lower if chart else None,
        upper_limit=chart.upper if chart else None, points=points,
        rows=rows_out(series.rows))


def _bad_request(call):
    try:
        return call()
    except TilannekuvaError as error:
        raise HTTPException(400, str(error)) from None


@router.post("/token", response_model=Token, tags=["sign-in"], responses={
    401: {"model": Problem, "description": "Unknown user name or wrong password."}})
def token(request: Request, username: Annotated[str, Form(min_length=1)],
          password: Annotated[str, Form(min_length=1)]) -> Token:
    """Exchange a user name and password (form fields, as OAuth2's password flow) for a bearer
    token that lasts the configured session length."""
    figures = _figures(request)
    con = figures.cursor()
    try:
        user = authenticate(con, username, password)
        if user is None:
            raise HTTPException(401, "Unknown user name or wrong password.")
        value, expires = open_session(con, user, request.app.state.settings.session_hours)
    finally:
        con.close()
    return Token(access_token=value, expires_at=expires)


@router.get("/indicators", response_model=list[IndicatorInfo], tags=["indicators"],
            responses=_errors(401))
def indicators(user: SignedIn, lang: Language = "fi"):
    """Every indicator of the registry with its metadata."""
    return [indicator_info(i, lang) for i in REGISTRY.values()]


@router.get("/indicators/{indicator_id}", response_model=IndicatorInfo, tags=["indicators"],
            responses=_errors(401, 404))
def indicator(indicator_id: str, user: SignedIn,
              lang: Language = "fi"):
    if indicator_id not in REGISTRY:
        raise HTTPException(404, f"No indicator {indicator_id!r}.")
    return indicator_info(get(indicator_id), lang)


@router.get("/indicators/{indicator_id}/values", response_model=list[Row],
            tags=["indicators"], responses=_errors(400, 401, 404))
def values(request: Request, indicator_id: str, user: SignedIn, filters: Filters,
           start: Month = None, end: Month = None, grain: Grain = "month",
           by: Values = []):  # noqa: B006
    """The indicator's long output for the period range, broken down by the `by` dimensions,
    filtered by the filter parameters; small counts suppressed. An indicator defined over
    whole years only (its `grains`) is computed by year over the years the range overlaps
    when a finer grain is asked for: its period labels are years."""
    if indicator_id not in REGISTRY:
        raise HTTPException(404, f"No indicator {indicator_id!r}.")
    figures = _figures(request)
    return _bad_request(lambda: rows_out(figures.values(
        indicator_id, make_view(figures, start, end, grain, filters),
        tuple(dict.fromkeys(b for b in by if b)))))


@router.get("/overview", response_model=list[SeriesOut], tags=["indicators"],
            responses=_errors(400, 401))
def overview(request: Request, user: SignedIn, filters: Filters,
             group: str | None = None, start: Month = None, end: Month = None,
             grain: Grain = "month", lang: Language = "fi"):
    """Each indicator (of a `group`, e.g. access or feedback, or all) over the period range:
    its rows, latest value and the XmR chart's reading (see docs/spc.md). `grain` of each
    item tells the grain its rows are at (a yearly indicator stays yearly)."""
    figures = _figures(request)
    view = _bad_request(lambda: make_view(figures, start, end, grain, filters))
    return [series_out(s, lang) for s in figures.overview(view, group)]


@router.get("/filters", tags=["indicators"], responses=_errors(401))
def filters(request: Request, user: SignedIn, group: str | None = None,
            lang: Language = "fi") -> dict[str, list[dict[str, str]]]:
    """The values each filter can take, with their names in the language: the shared scope
    filters, or with `group` the filters of that capability's page."""
    figures = _figures(request)
    labels = value_labels(figures, translator(lang))
    groups = {i.group for i in REGISTRY.values()}
    found = (figures.page_options(group) if group in groups else figures.options())
    return {name: [{"value": v, "label": labels(name, v)} for v in values]
            for name, values in found.items()}


@router.get("/overdue", response_model=OverdueOut, tags=["person-level"],
            responses=_errors(401, 403))
def overdue(request: Request, user: SignedIn,
            unit: Values = [],  # noqa: B006
            within: Annotated[int, Query(ge=0, le=365)] = 0,
            as_of: Day = None):
    """People past (or within `within` days of) their deadline who have not received the care,
    for the caller's own units only (supervisors). Every call is audited; refusals too."""
    figures = _figures(request)
    day = as_of or figures.default_as_of(local_date(datetime.now().astimezone()))
    asked = [u for u in unit if u] or None  # an empty value asks for none, as in the filters
    try:
        units, rows = overdue_for(figures, user, asked, day, within, "api")
    except NotEntitled as refusal:
        raise HTTPException(403, str(refusal)) from None
    return OverdueOut(as_of=day, within_days=within,
                      units=sorted(figures.unit_names()) if units is None else units,
                      rows=[OverdueRow(**{k: _clean(v) for k, v in r.items()})
                            for r in rows.astype(object).to_dict("records")])


@router.get("/feedback/comments", response_model=CommentsOut, tags=["person-level"],
            responses=_errors(400, 401, 403))
def feedback_comments(request: Request, user: SignedIn, start: Month = None,
                      end: Month = None, unit: Values = []):  # noqa: B006
    """The free-text comments of the customer feedback from the first day of `start` to the
    last of `end` (default: the last complete month of data), newest first, for the units
    the caller may read (a supervisor their own, a director every unit; other roles are
    refused). Not suppressed: every call is audited, refusals too."""
    figures = _figures(request)
    first, last = _bad_request(lambda: month_range(figures, start, end))
    asked = [u for u in unit if u] or None
    try:
        units, rows = comments_for(figures, user, asked, first, last, "api")
    except NotEntitled as refusal:
        raise HTTPException(403, str(refusal)) from None
    return CommentsOut(start=first, end=last,
                       units=sorted(figures.unit_names()) if units is None else units,
                       rows=[CommentRow(**{k: _clean(v) for k, v in r.items()})
                             for r in rows.astype(object).to_dict("records")])


@router.get("/audit", response_model=list[AuditEntry], tags=["administration"],
            responses=_errors(401, 403))
def audit(request: Request, user: SignedIn,
          limit: Annotated[int, Query(ge=1, le=10_000)] = 200):
    """The newest audit-log entries (administrators only)."""
    if not user.role.administers:
        raise HTTPException(403, "Only an administrator reads the audit log.")
    con = _figures(request).cursor()
    try:
        return latest(con, limit).to_dict("records")
    finally:
        con.close()

