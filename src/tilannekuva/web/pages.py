"""The dashboard's pages: server-rendered HTML (Jinja2 templates in `templates/`) over the same
`Figures` the API serialises. Filters are plain GET forms, so the whole state of a page is in
its URL and a view can be bookmarked and sent; no page needs a script to work.

Pages:

- `/` overview: every registry indicator's latest value, target, trend and SPC reading, by
  capability;
- `/capability/<group>`: the indicators of one capability with the filters they take;
- `/indicator/<id>`: one indicator's XmR chart, its numbers and a breakdown of the latest
  period by a dimension, each row a link that narrows the view to that value (the drill);
- `/overdue`: the person-level overdue list, for entitled roles and their own units;
- `/feedback/comments`: the free-text comments of the customer feedback, for entitled roles;
- `/quality`: the documentation-quality scorecard with adjustable thresholds, and the import
  quarantine's counts;
- `/report` and `/report.pdf`: the printable monthly report;
- `/audit`: the audit log, for administrators;
- `/export/<table>.<csv|xlsx>`: any table of these pages as a download.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

import pandas as pd
from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from ..errors import TilannekuvaError
from ..indicators.engine import IndicatorError, period_start
from ..indicators.model import Forecast
from ..indicators.quality import CHECKS, DOCUMENTATION_QUALITY
from ..indicators.registry import REGISTRY, get
from ..privacy.audit import latest
from ..reports.scorecard import ScorecardError, resolve_thresholds, scorecard, scores
from ..reports.spc import xmr
from ..reports.tables import DOWNLOAD_TYPES, table_bytes
from ..rules import local_date
from .accounts import User, authenticate, close_session, open_session
from .auth import LANGUAGE_COOKIE, SESSION_COOKIE, page_user, safe_next, token_of
from .charts import xmr_svg
from .figures import (
    Figures,
    Series,
    View,
    indicator_view,
    page_filters,
    records,
    unavailable_filters,
    window_ending,
)
from .forecast_chart import forecast_chart
from .i18n import LANGUAGES, Translator, translator
from .labels import value_labels
from .params import day_of, month_of, month_range, query_string, view_from_query, with_filter
from .person_lists import comments_for, overdue_for, scorecard_for
from .roles import ALL_UNITS, NotEntitled

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
STATIC = Path(__file__).parent / "static"
GROUPS = tuple(dict.fromkeys(i.group for i in REGISTRY.values()))
#: The filters each capability page offers (`figures.page_filters`).
PAGE_FILTERS = {group: page_filters([i for i in REGISTRY.values() if i.group == group])
                for group in GROUPS}
#: Classes of an indicator listed in a summary or the report before "and n more".
SHOWN_CLASSES = 12
YEAR = 365 * 24 * 3600

PageUser = Annotated[User, Depends(page_user)]


def _figures(request: Request) -> Figures:
    return request.app.state.figures


def translator_of(request: Request) -> Translator:
    return translator(request.cookies.get(LANGUAGE_COOKIE))


def render(request: Request, template: str, user: User | None, status: int = 200,
           **context) -> HTMLResponse:
    t = translator_of(request)
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return templates.TemplateResponse(request, template, {
        "t": t, "user": user, "languages": LANGUAGES, "here": here, "groups": GROUPS,
        "label": value_labels(_figures(request), t), "shown_classes": SHOWN_CLASSES,
        "chart": lambda *args, unit="count", **kw: xmr_svg(
            *args, number=lambda v: t.number(v, unit), **kw),
        "text": lambda names: getattr(names, t.language),
        "records": records,
        **context}, status_code=status)


def _view(request: Request) -> View:
    try:
        return view_from_query(_figures(request), request.query_params)
    except IndicatorError as error:
        raise HTTPException(400, str(error)) from None


# --- signing in, out, and the language -------------------------------------------------------

@router.get("/login")
def login_page(request: Request, next: str = "/") -> HTMLResponse:
    return render(request, "login.html", None, next=safe_next(next), failed=False)


@router.post("/login")
def login(request: Request, username: Annotated[str, Form()],
          password: Annotated[str, Form()], next: Annotated[str, Form()] = "/") -> Response:
    figures = _figures(request)
    con = figures.cursor()
    try:
        user = authenticate(con, username, password)
        if user is None:
            return render(request, "login.html", None, status=401, next=safe_next(next),
                          failed=True)
        token, expires = open_session(con, user, request.app.state.settings.session_hours)
    finally:
        con.close()
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, token, expires=expires, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https")
    return response


@router.post("/logout")
def logout(request: Request) -> Response:
    con = _figures(request).cursor()
    try:
        close_session(con, token_of(request))
    finally:
        con.close()
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.post("/language")
def language(lang: Annotated[str, Form()], next: Annotated[str, Form()] = "/") -> Response:
    """Switches the language; the choice is kept in a cookie for a year."""
    response = RedirectResponse(safe_next(next), status_code=303)
    if lang in LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, lang, max_age=YEAR, samesite="lax")
    return response


@router.get("/health")
def health(request: Request) -> dict:
    """For monitoring and load balancers (no sign-in): the server answers, and how far the
    warm-up of the first views has come."""
    done, total = _figures(request).warm_up
    return {"status": "ok", "warm_up": {"done": done, "total": total}}


# --- figures ---------------------------------------------------------------------------------

@router.get("/")
def overview_page(request: Request, user: PageUser) -> HTMLResponse:
    view = _view(request)
    view = View(view.start, view.end, view.grain)
    return render(request, "overview.html", user, view=view, qs=query_string(view),
                  series=_figures(request).overview(view))


@router.get("/spc")
def spc_help(request: Request, user: PageUser) -> HTMLResponse:
    """How to read the SPC charts: the rules, exactly as applied, in the reader's language."""
    return render(request, "spc.html", user,
                  run_length=request.app.state.settings.spc_run_length)


@router.get("/capability/{group}")
def capability_page(request: Request, group: str, user: PageUser) -> HTMLResponse:
    if group not in GROUPS:
        raise HTTPException(404, f"No capability {group!r}.")
    figures = _figures(request)
    view = _view(request)
    series = figures.overview(view, group)
    return render(request, "capability.html", user, group=group, view=view,
                  qs=query_string(view), options=figures.page_options(group, view.grain),
                  filter_dimensions=PAGE_FILTERS[group], selected=dict(view.filters),
                  series=series)


def _latest_period(view: View) -> View:
    return View(max(view.start, period_start(view.end, view.grain)), view.end, view.grain,
                view.filters)


def breakdown(figures: Figures, indicator_id: str, view: View, by: str) -> pd.DataFrame:
    """The indicator in the view's last period, one row per value of `by`."""
    return figures.values(indicator_id, _latest_period(view), (by,))


@router.get("/indicator/{indicator_id}")
def indicator_page(request: Request, indicator_id: str, user: PageUser,
                   by: str = "unit") -> HTMLResponse:
    """An indicator's chart, numbers, definition and the breakdown of its latest period by a
    dimension. A forecast has no breakdown here: it would fit a model per value (tens of
    seconds by unit); the page says where to find one value's forecast instead."""
    if indicator_id not in REGISTRY:
        raise HTTPException(404, f"No indicator {indicator_id!r}.")
    figures = _figures(request)
    indicator = get(indicator_id)
    is_forecast = isinstance(indicator.measure, Forecast)
    view = _view(request)
    series = figures.series(indicator_id, view)
    dimensions = [] if is_forecast else [d for d in indicator.dimensions
                                         if d not in indicator.fixed_dimensions]
    by = by if by in dimensions else None
    rows = None
    if by and not series.unavailable:
        try:
            rows = breakdown(figures, indicator_id, view, by)
        except IndicatorError as error:
            raise HTTPException(400, str(error)) from None
    drill = {value: "/capability/" + indicator.group + "?" + query_string(
        with_filter(view, by, value)) for value in (rows[by] if rows is not None else [])
        if by in PAGE_FILTERS[indicator.group] and isinstance(value, str)}
    t = translator_of(request)
    forecast = (forecast_chart(series.rows, getattr(indicator.names, t.language), t)
                if isinstance(indicator.measure, Forecast) and not series.unavailable else None)
    return render(request, "indicator.html", user, view=view, qs=query_string(view),
                  series=series, indicator=indicator, by=by, dimensions=dimensions,
                  forecast=forecast, is_forecast=is_forecast,
                  breakdown=rows, drill=drill,
                  breakdown_period=indicator_view(indicator, _latest_period(view)))


def _today() -> date:
    return local_date(datetime.now().astimezone())


def _overdue_request(request: Request) -> tuple[list[str] | None, date, int]:
    """The units asked for (None: all of the user's own), the day and the days ahead of an
    overdue-list request, from its URL; 400 for a malformed one."""
    params = request.query_params
    asked = [u for u in params.getlist("unit") if u] or None
    try:
        day = (day_of(params["as_of"], "as_of") if params.get("as_of") else
               _figures(request).default_as_of(_today()))
    except IndicatorError as error:
        raise HTTPException(400, str(error)) from None
    within = params.get("within") or "0"
    if not within.isdigit() or int(within) > 365:
        raise HTTPException(400, "within must be a whole number of days from 0 to 365.")
    return asked, day, int(within)


@router.get("/overdue")
def overdue_page(request: Request, user: PageUser) -> HTMLResponse:
    figures = _figures(request)
    asked, day, within = _overdue_request(request)
    try:
        units, rows = overdue_for(figures, user, asked, day, within, "page")
    except NotEntitled as refusal:
        t = translator_of(request)
        return render(request, "refused.html", user, status=403,
                      reason=t(refusal.key, **refusal.values))
    return render(request, "overdue.html", user, rows=rows, units=units, as_of=day,
                  within=within, qs=request.url.query)


def _comments_request(request: Request) -> tuple[list[str] | None, date, date]:
    """The units asked for (None: all the user may read), and the first and last day of the
    months of a feedback-comments request, from its URL; 400 for a malformed one."""
    params = request.query_params
    asked = [u for u in params.getlist("unit") if u] or None
    try:
        start, end = month_range(_figures(request), params.get("start") or None,
                                 params.get("end") or None)
    except IndicatorError as error:
        raise HTTPException(400, str(error)) from None
    return asked, start, end


@router.get("/feedback/comments")
def comments_page(request: Request, user: PageUser) -> HTMLResponse:
    """The free-text comments of the customer feedback, newest first, for the roles entitled
    to them (`roles`); every view and refusal is audited."""
    figures = _figures(request)
    asked, start, end = _comments_request(request)
    try:
        units, rows = comments_for(figures, user, asked, start, end, "page")
    except NotEntitled as refusal:
        t = translator_of(request)
        return render(request, "refused.html", user, status=403,
                      reason=t(refusal.key, **refusal.values))
    choices = (figures.dimension_values("unit", "feedback")
               if user.role.feedback_comments == ALL_UNITS else list(user.units))
    return render(request, "comments.html", user, rows=rows, units=units, start=start,
                  end=end, choices=choices, qs=request.url.query)


# --- the documentation-quality scorecard ------------------------------------------------------

THRESHOLD = "threshold."


def _thresholds(request: Request) -> dict[str, float]:
    """Every check's threshold: the default, or the page's `threshold.<check>` parameter, a
    percentage from 0 to 100 ("2.5" or "2,5"); 400 for a malformed or unknown one."""
    overrides = {}
    for key, value in request.query_params.multi_items():
        if key.startswith(THRESHOLD) and value.strip():
            check = key[len(THRESHOLD):]
            try:
                percent = float(value.strip().replace(",", "."))
            except ValueError:
                percent = float("nan")
            if not 0 <= percent <= 100:
                raise HTTPException(400, f"The threshold of {check} must be a percentage from "
                                         f"0 to 100, not {value!r}.")
            overrides[check] = percent / 100
    try:
        return resolve_thresholds(overrides)
    except ScorecardError as error:
        raise HTTPException(400, str(error)) from None


def _scorecard(request: Request, user: User, channel: str) -> tuple[View, dict, pd.DataFrame]:
    """The view, the thresholds and the scorecard by unit and period of a scorecard request;
    entitlement checked and audited (NotEntitled for a role without the scorecard). The
    check rows are the `documentation_quality` indicator's, computed once per view and kept
    (`Figures.values`); only the thresholds are applied anew."""
    figures = _figures(request)
    view = _view(request)
    missing = unavailable_filters(DOCUMENTATION_QUALITY, view)
    if missing:
        raise HTTPException(400, f"The scorecard cannot be filtered by {', '.join(missing)}; "
                                 "it takes unit, service_area and table.")
    thresholds = _thresholds(request)
    changed = {c.id: thresholds[c.id] for c in CHECKS if thresholds[c.id] != c.threshold}
    card = scorecard_for(figures, user, {
        "start": view.start, "end": view.end, "grain": view.grain,
        "filters": dict(view.filters), "thresholds": changed}, channel,
        lambda: scorecard(figures.values(DOCUMENTATION_QUALITY.id, view, ("unit",)),
                          thresholds))
    return view, thresholds, card


@router.get("/quality")
def quality_page(request: Request, user: PageUser) -> HTMLResponse:
    """The documentation-quality scorecard: each check's failing share against its threshold
    over the county (or the filtered units) in the view's last period, thresholds adjustable
    in the page; each unit's score (checks passed / checks evaluated) and its trend; and the
    import quarantine's counts. Every view and refusal is audited."""
    figures = _figures(request)
    try:
        view, thresholds, card = _scorecard(request, user, "page")
    except NotEntitled as refusal:
        t = translator_of(request)
        return render(request, "refused.html", user, status=403,
                      reason=t(refusal.key, **refusal.values))
    last = _latest_period(view)
    checks = scorecard(figures.values(DOCUMENTATION_QUALITY.id, last), thresholds)
    by_unit = scores(card)
    units = []
    for unit, rows in by_unit.groupby("unit", dropna=False, sort=False):
        rows = rows.sort_values("period")
        shown = rows[rows["score"].notna()]
        chart = xmr(shown["score"].astype(float).tolist(), "higher", None,
                    run_length=request.app.state.settings.spc_run_length)
        units.append({"unit": None if pd.isna(unit) else unit, "latest": records(rows)[-1],
                      "rows": records(rows), "chart": chart,
                      "periods": tuple(shown["period"])})
    units.sort(key=lambda u: (u["latest"]["score"] is None, u["latest"]["score"] or 0,
                              u["unit"] or ""))
    try:
        quarantine = figures.quarantine()
    except ScorecardError:
        quarantine = None
    return render(request, "quality.html", user, view=view, qs=query_string(view),
                  scorecard_qs=request.url.query, checks=records(checks), units=units,
                  thresholds=thresholds, period=checks["period"].iloc[0] if len(checks) and
                  "period" in checks else None, quarantine=quarantine,
                  unit_options=figures.dimension_values("unit", "quality", view.grain),
                  selected=dict(view.filters))


def _report_view(figures: Figures, month: str | None) -> View:
    """The months of the default window ending with the report's month (default: the last
    complete month)."""
    if not month:
        return figures.default_view()
    try:
        year, number = month_of(month, "month")
    except IndicatorError as error:
        raise HTTPException(400, str(error)) from None
    return window_ending(date(year, number, 1))


@router.get("/report")
def report_page(request: Request, user: PageUser, month: str | None = None) -> HTMLResponse:
    figures = _figures(request)
    view = _report_view(figures, month)
    return render(request, "report.html", user, view=view, month=f"{view.end:%Y-%m}",
                  series=figures.overview(view), pdf=False)


def _packaged_files(url: str, *args, **kwargs):
    """WeasyPrint's fetcher for the report: the style sheet is read from the package, never
    over the network (and never from the server itself, mid-request)."""
    from weasyprint.urls import URLFetcherResponse

    path = urlsplit(url).path
    if not path.startswith("/static/"):
        raise ValueError(f"the report links to {url}, which is not a packaged file")
    body = (STATIC / Path(path).name).read_bytes()
    return URLFetcherResponse(url, body=body, headers={"Content-Type": "text/css"})


@router.get("/report.pdf")
def report_pdf(request: Request, user: PageUser, month: str | None = None) -> Response:
    try:
        from weasyprint import HTML
    except OSError:  # WeasyPrint loads Pango when imported
        raise HTTPException(503, "The PDF report needs Pango on the server (Debian: "
                                 "libpango-1.0-0 libpangoft2-1.0-0); the HTML report works "
                                 "without it.") from None
    page = report_page(request, user, month)
    month = f"{_report_view(_figures(request), month).end:%Y-%m}"
    pdf = HTML(string=page.body.decode("utf-8"), base_url=str(request.base_url),
               url_fetcher=_packaged_files).write_pdf()
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="tilannekuva-{month}.pdf"'})


@router.get("/audit")
def audit_page(request: Request, user: PageUser) -> HTMLResponse:
    if not user.role.administers:
        return render(request, "refused.html", user, status=403,
                      reason=translator_of(request)("audit.refused"))
    con = _figures(request).cursor()
    try:
        entries = latest(con, 500)
    finally:
        con.close()
    return render(request, "audit.html", user, entries=entries)


# --- downloads -------------------------------------------------------------------------------

def download(rows: pd.DataFrame, name: str, fmt: str) -> Response:
    """`rows` as a file to download in `fmt` (csv or xlsx), named tilannekuva-`name`."""
    try:
        body = table_bytes(rows, fmt, name)
    except TilannekuvaError as error:
        raise HTTPException(404, str(error)) from None
    return Response(body, media_type=DOWNLOAD_TYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="tilannekuva-{name}.{fmt}"'})


@router.get("/export/{table}.{fmt}")
def export(request: Request, table: str, fmt: str, user: PageUser) -> Response:
    """Any table of the pages as CSV (UTF-8 with BOM, for Excel) or Excel, in the API's long
    shape: indicator, period, dimensions, numerator, denominator, value, suppressed."""
    figures = _figures(request)
    params = request.query_params
    if fmt not in DOWNLOAD_TYPES:
        raise HTTPException(404, f"Unknown download format {fmt!r}; use csv or xlsx.")
    if table in ("overdue", "feedback_comments", "scorecard", "quarantine"):
        try:
            if table == "overdue":
                asked, day, within = _overdue_request(request)
                _, rows = overdue_for(figures, user, asked, day, within, "download")
            elif table == "feedback_comments":
                asked, start, end = _comments_request(request)
                _, rows = comments_for(figures, user, asked, start, end, "download")
            elif table == "scorecard":
                rows = _scorecard(request, user, "download")[2]
            else:
                rows = scorecard_for(figures, user, {"table": "quarantine"}, "download",
                                     figures.quarantine)
        except NotEntitled as refusal:
            raise HTTPException(403, str(refusal)) from None
        except ScorecardError as error:
            raise HTTPException(404, str(error)) from None
        return download(rows, table, fmt)
    view = _view(request)
    try:
        if table == "overview":
            group = params.get("group")
            series: list[Series] = figures.overview(view, group if group in GROUPS else None)
            rows = pd.concat([s.rows for s in series if not s.rows.empty], ignore_index=True)
        elif table in ("values", "breakdown"):
            indicator_id = params.get("indicator", "")
            if indicator_id not in REGISTRY:
                raise HTTPException(404, f"No indicator {indicator_id!r}.")
            by = tuple(b for b in params.getlist("by") if b)
            rows = (figures.values(indicator_id, view, by) if table == "values" else
                    breakdown(figures, indicator_id, view, by[0] if by else "unit"))
        else:
            raise HTTPException(404, f"No table {table!r} to download.")
    except IndicatorError as error:
        raise HTTPException(400, str(error)) from None
    return download(rows, table, fmt)
