"""The import summary as a Rich renderable, so the CLI only has to print it."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table as RichTable
from rich.text import Text

from .pipeline import ImportResult


def render_summary(results: list[ImportResult]) -> Group:
    """One line per source (read = inserted + unchanged + quarantined), then the reasons rows
    were quarantined and the columns that were ignored."""
    table = RichTable(title="Import")
    for heading in ("Source", "Table", "Read", "Inserted", "Unchanged", "Quarantined"):
        table.add_column(heading, justify="left" if heading in ("Source", "Table") else "right")
    notes: list[Text] = []
    for r in results:
        if r.skipped_already_imported:
            table.add_row(r.source, r.table, "–", "–", "–", "–")
            notes.append(Text(f"{r.source}: already imported into {r.table} with identical "
                              "content; skipped, nothing changed."))
            continue
        table.add_row(r.source, r.table, *(f"{n:,}".replace(",", " ") for n in (
            r.rows_read, r.inserted, r.unchanged, r.quarantined)))
        if r.reasons:
            reasons = ", ".join(f"{reason} {count}" for reason, count in sorted(r.reasons.items()))
            notes.append(Text(f"{r.source}: quarantined rows by reason: {reasons} "
                              f"(see the quarantine table, import {r.import_id})."))
        if r.ignored_columns:
            notes.append(Text(f"{r.source}: columns not in {r.table}, ignored: "
                              f"{', '.join(r.ignored_columns)}."))
    return Group(table, *notes)
