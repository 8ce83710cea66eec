"""The risk model's evaluation as Rich tables for the command line: aggregates only, with the
same small-count rule as the dashboard (`risk_evaluation.shown_groups`, `shown_bins`: groups
under the minimum cell size emptied, 1 to min − 1 entries hidden with what would reveal them);
no person's score."""

from __future__ import annotations

from rich.table import Table

from .risk_evaluation import Evaluation, shown_bins, shown_groups


def _pct(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{100 * value:.{digits}f} %"


def summary_table(e: Evaluation) -> Table:
    table = Table(title=f"Risk of entering 24-hour service housing within {e.horizon} months "
                  f"— held out: index day {e.test_day}", show_header=False)
    table.add_column("figure")
    table.add_column("value", justify="right")
    days = e.train_days
    table.add_row("Trained on index days", f"{days[0]} … {days[-1]} ({len(days)})"
                  if len(days) > 1 else str(days[0]))
    table.add_row("Training rows (person × index day) / entries",
                  f"{e.train_rows:,} / {e.train_entries:,}")
    table.add_row("Held-out persons / entries", f"{e.persons:,} / {e.entries:,}")
    table.add_row("ROC AUC (95 % bootstrap interval)",
                  f"{e.auc:.3f} ({e.auc_low:.3f}–{e.auc_high:.3f})")
    table.add_row("Brier score (predicting everyone the observed rate)",
                  f"{e.brier:.5f} ({e.brier_reference:.5f})")
    table.add_row("Calibration intercept (0 = mean right)", f"{e.calibration_intercept:+.3f}")
    table.add_row("Calibration slope (1 = spread right)", f"{e.calibration_slope:.3f}")
    return table


def calibration_table(e: Evaluation, min_cell_size: int) -> Table:
    table = Table(title="Calibration: held-out persons in tenths of predicted risk (observed "
                  f"rates resting on 1–{min_cell_size - 1} entries hidden)")
    for name in ("bin", "predicted range", "persons", "mean predicted", "observed",
                 "observed 95 %"):
        table.add_column(name, justify="right")
    for row in shown_bins(e, min_cell_size).itertuples():
        observed = ("hidden", "") if row.entries_hidden else (
            _pct(row.observed, 2), f"{_pct(row.low95, 2)} – {_pct(row.high95, 2)}")
        table.add_row(str(row.bin), f"{_pct(row.low, 2)} – {_pct(row.high, 2)}",
                      f"{row.persons:,}", _pct(row.mean_predicted, 2), *observed)
    return table


def groups_table(e: Evaluation, min_cell_size: int) -> Table:
    table = Table(title=f"By group (groups under {min_cell_size} persons suppressed, 1–"
                  f"{min_cell_size - 1} entries hidden; AUC needs {min_cell_size} persons with "
                  "and without an entry)")
    for name in ("dimension", "group", "persons", "entries", "mean predicted", "observed",
                 "AUC"):
        table.add_column(name, justify="left" if name in ("dimension", "group") else "right")
    for row in shown_groups(e, min_cell_size).itertuples():
        if row.suppressed:
            table.add_row(row.dimension, str(row.group), "suppressed", "", "", "", "")
            continue
        if row.entries_hidden:
            table.add_row(row.dimension, str(row.group), f"{row.persons:,.0f}", "hidden",
                          _pct(row.mean_predicted, 2), "hidden", "–")
            continue
        table.add_row(row.dimension, str(row.group), f"{row.persons:,.0f}",
                      f"{row.entries:,.0f}", _pct(row.mean_predicted, 2),
                      _pct(row.observed, 2),
                      "–" if row.auc is None or row.auc != row.auc else f"{row.auc:.3f}")
    return table
