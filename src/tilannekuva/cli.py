"""The `tilannekuva` command. Thin: each command parses options, calls one function of the
package and prints its result. Problems the user can fix are printed as plain messages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .config import load_settings
from .errors import TilannekuvaError

app = typer.Typer(
    help="Tilannekuva: the situation picture of a wellbeing services county. Load the county's "
    "extracts (import), generate a synthetic county (synth, demo), and inspect the result "
    "(headline, quarantine). Run any command with --help for its options.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="markdown",
)
console = Console()

DB_HELP = (
    "County database file (default: TILANNEKUVA_DATABASE, tilannekuva.toml, or "
    "tilannekuva.duckdb)."
)


@contextmanager
def user_errors() -> Iterator[None]:
    """Print a user-fixable problem as one clear message and exit 2, without a traceback."""
    try:
        yield
    except TilannekuvaError as err:
        console.print(f"[bold red]Error:[/] {err}")
        raise typer.Exit(2) from None


@contextmanager
def progress_bar() -> Iterator[callable]:
    """A Rich progress bar; yields a callback `update(description, done, total)`."""
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=False,
    ) as progress:
        tasks: dict[str, int] = {}

        def update(description: str, done: int, total: int) -> None:
            if description not in tasks:
                tasks[description] = progress.add_task(description, total=total)
            progress.update(tasks[description], completed=done, total=total)

        yield update


def _database(db: Path | None) -> Path:
    return db if db is not None else load_settings().database


@app.command("schema-docs")
def schema_docs(
    out: Path = typer.Option(Path("docs/schema.md"), help="Where to write the reference."),
) -> None:
    """Write the canonical schema reference (tables, columns, checks, code lists) as Markdown."""
    from .schema.reference import render_schema_reference

    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_schema_reference(), encoding="utf-8")
    console.print(f"Wrote {out}")


@app.command("import")
def import_(
    sources: list[str] = typer.Argument(
        ..., help="CSV or Parquet files, or database URLs as URL#table (e.g. "
        "postgresql://host/dw#visits, sqlite:///extract.db#persons). Files load in the schema's "
        "order, referenced tables first.", show_default=False),
    db: Path | None = typer.Option(None, "--db", help=DB_HELP),
    table: str | None = typer.Option(
        None, help="Canonical table to load into; by default taken from each file name "
        "(visits_2025.csv → visits)."),
) -> None:
    """Load extracts into the canonical tables. Bad rows go to the quarantine with file, line,
    field and reason; identity codes are replaced by keyed pseudonyms (needs
    TILANNEKUVA_PSEUDONYM_KEY); importing the same file again changes nothing."""
    from .ingest import import_sources, render_summary

    with user_errors():
        settings = load_settings()
        with progress_bar() as update:
            results = import_sources(_database(db), sources, table, settings, progress=update)
        console.print(render_summary(results))


@app.command()
def quarantine(
    db: Path | None = typer.Option(None, "--db", help=DB_HELP),
    limit: int = typer.Option(20, help="How many individual rows to list."),
) -> None:
    """Show what imports rejected: counts by table, field and reason, then each row's file and
    line."""
    from .store import open_store

    with user_errors():
        con = open_store(_database(db), read_only=True)
        summary = con.execute(
            "SELECT target_table, field, reason, count(*) FROM quarantine "
            "GROUP BY ALL ORDER BY 4 DESC, 1, 2, 3"
        ).fetchall()
        if not summary:
            console.print("The quarantine is empty: every imported row was accepted.")
            return
        table = Table("table", "field", "reason", "rows", title="Quarantined rows")
        for target, field, reason, rows in summary:
            table.add_row(target, field or "", reason, f"{rows:,}")
        console.print(table)
        rows = con.execute(
            "SELECT source, line, target_table, field, detail FROM quarantine "
            "ORDER BY import_id, line LIMIT ?", [limit]
        ).fetchall()
        listing = Table("source", "line", "table", "field", "detail", title=f"First {limit} rows")
        for source, line, target, field, detail in rows:
            listing.add_row(source, str(line), target, field or "", detail)
        console.print(listing)


