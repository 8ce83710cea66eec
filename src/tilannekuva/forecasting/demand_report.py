"""Rich tables of the demand forecasts for the command line: each series' last actual period
and its forecast at the end of the horizon with the 80 % interval, and the backtest summary."""

from __future__ import annotations

import pandas as pd
from rich.table import Table

#: Series shown on the screen; --out writes them all.
SHOWN = 40


def _count(value) -> str:
    return "–" if pd.isna(value) else f"{value:,.0f}"


def forecast_summary_table(rows: pd.DataFrame) -> Table:
    """Per series: the last actual period, the first and last forecast periods with their
    80 % intervals (– = suppressed)."""
    first = rows.iloc[0]
    table = Table("series", "last actual", "next period [80 %]", "end of horizon [80 %]",
                  title=f"Forecast of {first.series} by {first.grain} (harmonic regression "
                  "with ARMA errors; – = suppressed, fewer persons than the minimum)")
    for _, mine in list(rows.groupby("series_id", sort=True))[:SHOWN]:
        actual = mine[mine.kind == "actual"].iloc[-1]
        ahead = mine[mine.kind == "forecast"]
        cells = [f"{actual.period:%Y-%m-%d}: {_count(actual.value)}"]
        for row in (ahead.iloc[0], ahead.iloc[-1]):
            cells.append(f"{row.period:%Y-%m-%d}: {_count(row.value)} "
                         f"[{_count(row.lo80)}–{_count(row.hi80)}]")
        table.add_row(mine.series_id.iloc[0], *cells)
    n = rows.series_id.nunique()
    if n > SHOWN:
        table.caption = f"Showing {SHOWN} of {n} series; use --out for all."
    return table


def backtest_summary_table(summary: pd.DataFrame, rows: pd.DataFrame) -> Table:
    """Each model's errors over the series, beside the seasonal naive."""
    first = rows.iloc[0]
    table = Table("model", "series", "mean MASE", "geometric mean rMAE", "better than naive",
                  "80 % coverage", "95 % coverage",
                  title=f"Backtest: {first.windows} origins × {first.horizon} {first.grain}s "
                  "(rMAE < 1 = better than the seasonal naive)")
    for row in summary.itertuples():
        table.add_row(row.model, f"{row.series}", f"{row.mean_mase:.3f}",
                      f"{row.geomean_rmae:.3f}", f"{row.share_better:.0%}",
                      f"{row.coverage80:.0%}", f"{row.coverage95:.0%}")
    return table
