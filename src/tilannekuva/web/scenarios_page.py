"""The /scenarios page: a planner chooses a waiting list, adjusts its capacity and demand, and
sees the trajectory of the queue and of the share waiting past the deadline (medians with
5–95 % bands across the simulated runs) beside the list left unchanged, with the list's
queueing figures (docs/forecasting.md).

The list is a scenario file of the server's `scenario_dir` or a specialty of the county's
referrals, whose start is estimated from them (`forecasting.start_state`; urgent referrals
with a local target of 2 weeks, non-urgent ones with the 6-month deadline of TL 52 §, 26.09
weeks, as in the example files). Everything is a plain GET form, so the state of the page is
in its URL and no script is needed. The work per request is bounded and kept by its
parameters (`scenario_runs`).

The adjustments, on top of what the list already has (a file's own summer cuts stay):

- capacity per week at the start (empty: the list's own);
- extra treatments per week over months (evening lists, purchased services);
- a capacity change in per cent over months (80 = a fifth less);
- demand growth per year in per cent (empty: the list's own);
- the horizon in weeks (at most 156), runs (at most 2,000) and the seed;
- for the queueing figures: the deadline (default the deadline of the class with the most
  demand), the share required within it (95 %) and the weeks to bring the queue to its
  target (26).
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from babel.numbers import format_decimal
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ..errors import TilannekuvaError
from ..forecasting.queueing import QueueFigures, assess
from ..forecasting.scenarios import Initial, Scenario
from ..forecasting.summary import month_end_weeks
from .charts import PLANNED, UNCHANGED, Band, bands_svg
from .i18n import Translator
from .pages import PageUser, render, translator_of
from .scenario_runs import MAX_RATE, MAX_RUNS, MAX_WEEKS, ScenarioRuns, TooFew, whole_list

router = APIRouter(include_in_schema=False)

DEFAULT_RUNS, DEFAULT_SEED = 500, 1
DEFAULT_SHARE, DEFAULT_RELIEF_WEEKS = 0.95, 26
#: The classes of a specialty's list estimated from the referrals (priority codes).
SPECIALTY_CLASSES = ({"name": "urgent", "deadline_weeks": 2.0},
                     {"name": "non_urgent", "deadline_weeks": 26.09})
#: Month ends shown in the table, every quarter up to the horizon.
TABLE_MONTHS = list(range(3, 37, 3))

#: Number fields of the form: (lowest, highest, whole number).
NUMBERS = {
    "capacity": (0.1, MAX_RATE, False),
    "extra": (0.0, MAX_RATE, False),
    "change": (0.0, 1000.0, False),
    "growth": (-99.0, 100.0, False),
    "weeks": (1, MAX_WEEKS, True),
    "runs": (1, MAX_RUNS, True),
    "seed": (0, 2**32 - 1, True),
    "deadline": (0.1, 520.0, False),
    "share": (1.0, 99.9, False),
    "relief": (1.0, 520.0, False),
}
MONTHS = ("extra_from", "extra_to", "change_from", "change_to")


def runs_of(request: Request) -> ScenarioRuns:
    return request.app.state.scenario_runs


@dataclass
class Form:
    """The page's parameters as given (`raw`, shown back in the form), read (`value`, None
    when empty) and what is wrong with them (`errors`, field → message)."""

    raw: dict[str, str]
    value: dict[str, float | int | date | None] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def read_form(request: Request, t: Translator) -> Form:
    params = request.query_params
    form = Form({k: params.get(k, "").strip() for k in ("list", *NUMBERS, *MONTHS)})
    for name, (low, high, whole) in NUMBERS.items():
        text = form.raw[name].replace(",", ".").replace("\u2212", "-")
        if not text:
            form.value[name] = None
            continue
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        if not (low <= number <= high) or (whole and not number.is_integer()):
            shown = decimals(t, "#,##0.##")
            form.errors[name] = t("scenarios.error.number", field=t(f"scenarios.field.{name}"),
                                  low=shown(low), high=shown(high))
            continue
        form.value[name] = int(number) if whole else number
    for name in MONTHS:
        text = form.raw[name]
        form.value[name] = None
        if text:
            try:
                year, month = (int(p) for p in text.split("-"))
                form.value[name] = date(year, month, 1)
            except ValueError:
                form.errors[name] = t("scenarios.error.month",
                                      field=t(f"scenarios.field.{name}"))
    for what in ("extra", "change"):
        first, last = form.value.get(f"{what}_from"), form.value.get(f"{what}_to")
        if first and last and last < first:
            form.errors[f"{what}_to"] = t("scenarios.error.order",
                                          field=t(f"scenarios.field.{what}_to"))
    return form


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def base_scenario(runs: ScenarioRuns, choice: str, t: Translator) -> Scenario:
    """The list chosen: `file:<name>` (a scenario file) or `specialty:<code>`."""
    kind, _, name = choice.partition(":")
    if kind == "file":
        return runs.load(name)
    if kind == "specialty" and name in runs.specialties():
        return Scenario.model_validate({
            "name": t.code("specialty", name), "classes": list(SPECIALTY_CLASSES),
            "waiting_list": {"specialty": name}})
    raise TilannekuvaError(t("scenarios.error.list", list=choice))


def adjusted(base: Scenario, form: Form, t: Translator) -> Scenario:
    """The scenario as planned: the unchanged one with the form's adjustments."""
    v = form.value
    data = base.model_dump(by_alias=True)
    data["name"] = t("scenarios.planned")
    if v["capacity"] is not None:
        data["initial"]["capacity_per_week"] = v["capacity"]
    if v["growth"] is not None:
        data["demand_growth_per_year"] = v["growth"] / 100
    first_week, last_week = base.start, base.start + timedelta(weeks=base.weeks - 1)
    if v["extra"]:
        data["extra_sessions"].append({
            "from": v["extra_from"] or first_week,
            "to": _month_end(v["extra_to"]) if v["extra_to"] else last_week,
            "per_week": v["extra"]})
    if v["change"] is not None:
        data["capacity_changes"].append({
            "from": v["change_from"] or first_week,
            "to": _month_end(v["change_to"]) if v["change_to"] else last_week,
            "factor": v["change"] / 100})
    return Scenario.model_validate(data)


def main_deadline(scenario: Scenario, initial: Initial) -> float:
    """The deadline of the class with the most demand: the bulk of the list."""
    busiest = max(scenario.classes, key=lambda c: initial.classes[c.name].arrivals_per_week)
    return busiest.deadline_weeks


def figures_of(scenario: Scenario, form: Form) -> QueueFigures:
    """The queueing figures of the list as planned, at its start."""
    v, initial = form.value, scenario.initial
    return assess(
        demand=sum(c.arrivals_per_week for c in initial.classes.values()),
        capacity=initial.capacity_per_week,
        deadline=v["deadline"] or main_deadline(scenario, initial),
        share=(v["share"] / 100) if v["share"] else DEFAULT_SHARE,
        queue=float(sum(b.count for c in initial.classes.values() for b in c.waiting)),
        weeks_to_target=v["relief"] or DEFAULT_RELIEF_WEEKS)


def decimals(t: Translator, pattern: str):
    """A formatter of numbers with `pattern` (babel's) in the page's language."""
    return lambda value: "–" if value is None else format_decimal(value, pattern,
                                                                  locale=t.locale)


def trajectories(planned, unchanged, t: Translator) -> dict:
    """The whole list's trajectories, the plan beside the unchanged list: a band chart of the
    queue and of the share past the deadline, and their numbers by week (`weeks`: week,
    week_start, then for each of queue and share, planned and unchanged, (p05, p50, p95)),
    with the quarter ends picked out (`months`: (month, row))."""
    charts, columns = {}, {}
    for measure, unit in (("queue", "count"), ("share_past_deadline", "share")):
        mine, theirs = whole_list(planned.summary, measure), whole_list(unchanged.summary,
                                                                        measure)
        labels = [d.isoformat() for d in mine["week_start"]]
        charts[measure] = bands_svg(
            labels, [Band(t("scenarios.planned"), mine.p05, mine.p50, mine.p95, PLANNED),
                     Band(t("scenarios.unchanged"), theirs.p05, theirs.p50, theirs.p95,
                          UNCHANGED, "6 4")],
            t(f"scenarios.chart.{measure}"), t("scenarios.chart.description"),
            number=lambda value, unit=unit: t.number(value, unit))
        columns[measure] = (mine, theirs)
    mine = columns["queue"][0]
    weeks = [{"week": int(w), "week_start": d,
              **{f"{m}_{who}": tuple(float(columns[m][i][q].iloc[row])
                                     for q in ("p05", "p50", "p95"))
                 for m in columns for i, who in enumerate(("planned", "unchanged"))}}
             for row, (w, d) in enumerate(zip(mine["week"], mine["week_start"], strict=True))]
    months = [(month, weeks[week - 1])
              for month, week in month_end_weeks(len(weeks), TABLE_MONTHS)]
    return {"charts": charts, "weeks": weeks, "months": months or [(None, weeks[-1])]}


@router.get("/scenarios")
def scenarios_page(request: Request, user: PageUser) -> HTMLResponse:
    runs = runs_of(request)
    t = translator_of(request)
    form = read_form(request, t)
    files, specialties = runs.files(), runs.specialties()
    choices = [f"file:{n}" for n in files] + [f"specialty:{s}" for s in specialties]
    choice = form.raw["list"] or (choices[0] if choices else "")
    context = {"form": form, "files": files, "specialties": specialties, "choice": choice,
               "scenario_dir": runs.scenario_dir, "max_runs": MAX_RUNS,
               "max_weeks": MAX_WEEKS, "default_runs": DEFAULT_RUNS,
               "default_seed": DEFAULT_SEED, "fmt": decimals, "problem": None}
    if not choice:
        return render(request, "scenarios.html", user, **context)
    if form.errors:
        return render(request, "scenarios.html", user, status=400, **context)
    try:
        base = base_scenario(runs, choice, t)
        start, initial, estimated = runs.start_of(base)
        unchanged = Scenario.model_validate({
            **base.model_dump(by_alias=True), "start": start, "initial": initial,
            "weeks": form.value["weeks"] or min(base.weeks, MAX_WEEKS)})
        planned = adjusted(unchanged, form, t)
        n, seed = form.value["runs"] or DEFAULT_RUNS, form.value["seed"]
        seed = DEFAULT_SEED if seed is None else seed
        outcomes = runs.run(planned, n, seed), runs.run(unchanged, n, seed)
    except TooFew:
        return render(request, "scenarios.html", user, status=400,
                      **{**context, "problem": t("scenarios.error.too_few",
                                                 n=runs.min_cell_size)})
    except TilannekuvaError as error:
        return render(request, "scenarios.html", user, status=400,
                      **{**context, "problem": str(error)})
    try:
        queueing, queueing_problem = figures_of(planned, form), None
    except TilannekuvaError as error:
        queueing, queueing_problem = None, str(error)
    return render(request, "scenarios.html", user, **{
        **context, "planned": planned, "unchanged": unchanged, "start": start,
        "estimated": estimated, "hidden": runs.hidden_classes(base, initial, estimated),
        "runs": n, "seed": seed, "queueing": queueing, "queueing_problem": queueing_problem,
        "trajectory": trajectories(*outcomes, t), "min_cell_size": runs.min_cell_size})
