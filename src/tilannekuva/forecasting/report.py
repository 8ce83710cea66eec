"""Rich tables of the scenario and queueing results for the command line: the median with
its 90 % band (p05–p95 across runs) at chosen months, one scenario's classes, scenarios side
by side, and the queueing figures of a list."""

from __future__ import annotations

import pandas as pd
from rich.table import Table

from .queueing import QueueFigures
from .summary import ALL, month_end_weeks


def _band(row: pd.Series, percent: bool) -> str:
    if pd.isna(row.p50):
        return "–"
    shown = "{:.1%}" if percent else "{:,.0f}"
    return f"{shown.format(row.p50)} [{shown.format(row.p05)}–{shown.format(row.p95)}]"


def _at(summary: pd.DataFrame, week: int, cls: str, measure: str) -> pd.Series:
    rows = summary[(summary.week == week) & (summary["class"] == cls)
                   & (summary.measure == measure)]
    return rows.iloc[0]


def trajectory_table(summary: pd.DataFrame, months: list[int], runs: int) -> Table:
    """One scenario at month ends: the whole list's queue, those past the deadline and their
    share, and each class's share past its deadline."""
    classes = [c for c in summary["class"].unique() if c != ALL]
    table = Table("month", "week of", "queue", "past deadline", "share past deadline",
                  *[f"{c}: share past" for c in classes],
                  title=f"{summary.scenario.iloc[0]} — median [5 %–95 %] of {runs:,} runs")
    weeks = int(summary.week.max())
    for month, week in month_end_weeks(weeks, months):
        cells = [_band(_at(summary, week, ALL, "queue"), False),
                 _band(_at(summary, week, ALL, "past_deadline"), False),
                 _band(_at(summary, week, ALL, "share_past_deadline"), True)]
        cells += [_band(_at(summary, week, c, "share_past_deadline"), True) for c in classes]
        start = _at(summary, week, ALL, "queue").week_start
        table.add_row(str(month), start.isoformat(), *cells)
    return table


def comparison_table(summaries: list[pd.DataFrame], months: list[int]) -> Table:
    """Scenarios side by side: the whole list's queue and share past the deadline."""
    table = Table("month", title="Scenarios side by side — median [5 %–95 %]")
    for summary in summaries:
        name = summary.scenario.iloc[0]
        table.add_column(f"{name}\nqueue")
        table.add_column(f"{name}\nshare past deadline")
    weeks = min(int(s.week.max()) for s in summaries)
    for month, week in month_end_weeks(weeks, months):
        cells = []
        for summary in summaries:
            cells += [_band(_at(summary, week, ALL, "queue"), False),
                      _band(_at(summary, week, ALL, "share_past_deadline"), True)]
        table.add_row(str(month), *cells)
    return table


def queue_figures_table(f: QueueFigures) -> Table:
    """The queueing figures with their units and what each means."""
    table = Table("figure", "value", "meaning", title="Waiting-list figures (weeks; patients "
                  "per week) — docs/forecasting.md")
    table.add_row("load", f"{f.load:.3f}", "demand / capacity; above 1 the list grows "
                  "without bound")
    table.add_row("target mean wait", f"{f.target_mean_wait:.2f} weeks",
                  f"{f.share:.1%} within {f.deadline:g} weeks if waits are exponential")
    table.add_row("target queue size", f"{f.target_queue_size:,.1f}",
                  "Little's law: demand × target mean wait")
    table.add_row("target capacity", f"{f.target_capacity:,.2f} per week",
                  "keeps the target mean wait in equilibrium (Kingman)")
    if f.mean_wait is not None:
        how = "Little's law: queue / demand" if f.mean_wait_from_littles_law else "given"
        table.add_row("mean wait now", f"{f.mean_wait:.2f} weeks", how)
        table.add_row("share within deadline now", f"{f.share_within_now:.1%}",
                      "if waits are exponential with that mean")
        table.add_row("pressure", f"{f.pressure:.2f}", "mean wait / target mean wait; above "
                      "1 the list misses its required share")
    if f.relief_capacity is not None:
        table.add_row("relief capacity", f"{f.relief_capacity:,.2f} per week",
                      f"brings the queue of {f.queue:,.0f} to {f.target_queue_size:,.0f} in "
                      f"{f.weeks_to_target:g} weeks: demand + excess / weeks")
    return table
