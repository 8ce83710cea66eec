"""The `tilannekuva` command. Thin: each command parses options, calls one function of the
package and prints its result. Problems the user can fix are printed as plain messages."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
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
        console.print(f"[bold red]Error:[/] {escape(str(err))}")
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


def _write_doc(out: Path, render: Callable[[], str]) -> None:
    """Writes a generated reference document (schema, rule book, indicator catalogue)."""
    with user_errors():
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(render(), encoding="utf-8")
    console.print(f"Wrote {out}")


@app.command("schema-docs")
def schema_docs(
    out: Path = typer.Option(Path("docs/schema.md"), help="Where to write the reference."),
) -> None:
    """Write the canonical schema reference (tables, columns, checks, code lists) as Markdown."""
    from .schema.reference import render_schema_reference

    _write_doc(out, render_schema_reference)


DEMO_DATABASE = Path("demo/county.duckdb")


@app.command()
def synth(
    db: Path | None = typer.Option(None, "--db", help="New county database to create "
                                   "(default: as for other commands). Must not exist yet."),
    residents: int = typer.Option(70_000, min=1, help="Number of residents (up to the national "
                                  "5.6 million; generated in chunks with bounded memory)."),
    years: int = typer.Option(3, min=1, help="Number of calendar years."),
    start: datetime = typer.Option("2023-01-01", formats=["%Y-%m-%d"], help="First day."),
    seed: int = typer.Option(1, help="Random seed: the same seed gives the same county."),
    parquet_dir: Path | None = typer.Option(
        None, help="Also keep the generated Parquet files here (one folder per table)."),
    parquet_only: bool = typer.Option(
        False, help="Write only Parquet to --parquet-dir, no database (for national-scale runs)."),
) -> None:
    """Generate a synthetic county into the canonical tables (deterministic for a seed)."""
    from .synth import generate, synthesize_county

    with user_errors():
        if parquet_only and parquet_dir is None:
            raise TilannekuvaError("--parquet-only needs --parquet-dir.")
        options = dict(residents=residents, years=years, start=start.date(), seed=seed)
        with progress_bar() as update:
            def advance(done: int, total: int) -> None:
                update("Generating", done, total)

            if parquet_only:
                rows = generate(parquet_dir, progress=advance, **options)
            else:
                target = _new_database(db)
                rows = synthesize_county(target, parquet_dir=parquet_dir, progress=advance,
                                         **options)
        console.print(_row_counts(rows, "Generated rows"))
        if not parquet_only:
            console.print(f"County database: {target}")


@app.command()
def demo(
    db: Path = typer.Option(DEMO_DATABASE, "--db", help="Where to write the demo county."),
    residents: int = typer.Option(70_000, min=1, help="Number of residents."),
) -> None:
    """Generate the demo county (replacing an earlier demo) and show its headline figures."""
    from .synth import synthesize_county

    with user_errors():
        db.parent.mkdir(parents=True, exist_ok=True)
        for stale in (db, db.with_name(db.name + ".wal")):
            stale.unlink(missing_ok=True)
        with progress_bar() as update:
            def advance(done: int, total: int) -> None:
                update("Generating the demo county", done, total)

            synthesize_county(db, residents=residents, progress=advance)
        _print_headline(db)
        situation = db.with_name("situation.sqlite")
        for stale in (situation, situation.with_name(situation.name + "-wal"),
                      situation.with_name(situation.name + "-shm")):
            stale.unlink(missing_ok=True)
        _situation_history(db, f"sqlite:///{situation}", DEMO_SITUATION_DAYS, seed=1)
        _create_demo_users(db)
        _demo_risk_model(db)


#: Days of situation-centre history the demo generates, ending now (docs/situation.md).
DEMO_SITUATION_DAYS = 60


def _situation_history(db: Path, url: str, days: float, seed: int) -> None:
    """Generate the situation centre's synthetic traffic up to now (from its last event, or
    `days` back on a fresh database) and export the history into the county database."""
    from datetime import UTC

    from .situation import SituationCentre, create_engine, create_schema
    from .situation.export import export
    from .situation.traffic import simulate_to
    from .store import open_store

    engine = create_engine(url)
    con = open_store(db)
    try:
        create_schema(engine)
        end = datetime.now(UTC).replace(microsecond=0)
        with progress_bar() as update:
            def advance(done: float, total: float) -> None:
                update("Situation-centre traffic (simulated hours)", int(done // 3600),
                       int(total // 3600))

            summary = simulate_to(SituationCentre(engine), con, end, days, seed, advance)
            results = export(engine, con, load_settings().pseudonym_key, progress=update)
    finally:
        con.close()
        engine.dispose()
    minutes = [f"{m:.1f}" if m is not None else "–"
               for m in (summary.mean_place_minutes, summary.mean_ed_minutes)]
    console.print(
        f"Situation centre ({url}): {summary.requests:,} routing requests from "
        f"{summary.start:%Y-%m-%d %H:%M} to {summary.end:%Y-%m-%d %H:%M} UTC, mean "
        f"{minutes[0]} min to a place and {minutes[1]} min to leave the ED, "
        f"{summary.handoffs:,} hand-offs, {summary.transports:,} transports "
        f"({summary.events:,} events in {summary.seconds:.0f} s); exported "
        + ", ".join(f"{r.table} {r.accepted:,}" for r in results) + ".")


def _demo_risk_model(db: Path) -> None:
    """Trains the demo county's 12-month risk model (docs/risk-model.md), so that the /risk
    page has something to show when the demo is served with the model switched on
    (scripts/demo.sh sets TILANNEKUVA_RISK_MODEL_ENABLED=true for its server). The switch is
    turned on here for this synthetic county only: a real county trains with
    `tilannekuva risk train` once it has settled the legal basis. A demo county too short for
    a held-out 12-month period (under 36 months) gets no model, and says so."""
    from dataclasses import replace

    from .forecasting import risk
    from .web.risk_lists import model_path

    settings = replace(load_settings(), database=db, risk_model_enabled=True)
    path = model_path(db, 12)
    path.unlink(missing_ok=True)
    try:
        with progress_bar() as update:
            model = risk.train(db, settings, 12, lambda step, done, total: update(
                "Risk model for 24-hour care (12 months)", done, total))
    except risk.RiskDataError as error:
        console.print(f"No demo risk model: {escape(str(error))}")
        return
    risk.save_model(model, path)
    e = model.evaluation
    console.print(f"Risk model (12 months, demo): AUC {e.auc:.3f} ({e.auc_low:.3f}–"
                  f"{e.auc_high:.3f}) on {e.test_day}; scores {len(model.current):,} clients "
                  f"aged 65+ as of {model.scoring_day}. Wrote {path}; the dashboard shows it "
                  "only with TILANNEKUVA_RISK_MODEL_ENABLED=true (scripts/demo.sh sets it).")


def _create_demo_users(db: Path) -> None:
    from .web.demo import DEMO_USERS, create_demo_users, demo_password, demo_units

    table = Table("user", "password", "role", title="Demo users of the dashboard (demo only)")
    with _accounts(db) as con:
        create_demo_users(con)
        for name, role, _ in DEMO_USERS:
            units = demo_units(con, role)
            table.add_row(name, demo_password(name),
                          role + (f" of {', '.join(units)}" if units else ""))
    console.print(table)


@app.command()
def headline(db: Path | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Show a county database's row counts and headline figures (for a synthetic county: each
    calibration figure measured from the data beside its target)."""
    with user_errors():
        _print_headline(_database(db))


def _new_database(db: Path | None) -> Path:
    target = _database(db)
    if target.exists():
        raise TilannekuvaError(
            f"{target} already exists. Synthetic data goes into a new database so it never mixes "
            "with a county's real data; give another --db or remove the file."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


def _row_counts(rows: dict[str, int], title: str) -> Table:
    table = Table("table", "rows", title=title)
    for name, count in rows.items():
        table.add_row(name, f"{count:,}")
    table.add_row("[bold]total", f"[bold]{sum(rows.values()):,}")
    return table


def _print_headline(db: Path) -> None:
    from .schema import TABLES
    from .store import open_store
    from .synth import measure_calibration

    if not db.exists():
        raise TilannekuvaError(f"County database {db} does not exist.")
    con = open_store(db, read_only=True)
    try:
        rows = {t.name: con.execute(f"SELECT count(*) FROM {t.name}").fetchall()[0][0]
                for t in TABLES}
        console.print(_row_counts(rows, f"County database {db}"))
        if not rows["visits"]:
            return
        figures = Table("figure", "measured", "target range", "unit", "within",
                        title="Headline figures (calibration targets of the synthetic county, "
                        "see docs/calibration.md)")
        for m in measure_calibration(con):
            value = "–" if m.value is None else f"{m.value:,.3g}"
            figures.add_row(m.target.label, value,
                            f"{m.target.low:g} – {m.target.high:g}", m.target.unit,
                            "[green]yes" if m.within else "[red]no")
        console.print(figures)
    finally:
        con.close()


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


@app.command("rules-docs")
def rules_docs(
    out: Path = typer.Option(Path("docs/rules.md"), help="Where to write the rule book."),
) -> None:
    """Write the rule book of statutory access deadlines (from the versioned rules table)."""
    from .rules.book import render_rule_book

    _write_doc(out, render_rule_book)


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




def _day_option(help_text: str):
    return typer.Option(None, formats=["%Y-%m-%d"], help=help_text, show_default=False)


def _classes(text: str | None) -> tuple[int, ...] | None:
    if text is None:
        return None
    try:
        return tuple(int(part) for part in text.split(","))
    except ValueError:
        raise TilannekuvaError(
            f"--wait-classes takes whole numbers of days separated by commas, not {text!r}."
        ) from None


@app.command()
def indicators(
    indicator: list[str] = typer.Option(
        None, "--indicator", "-i", show_default=False,
        help="Indicator id (repeatable); default: every indicator that supports the chosen "
        "dimensions. See --list or docs/indicators.md."),
    start: datetime | None = _day_option("First day (default: 1 January of the latest year "
                                         "with data)."),
    end: datetime | None = _day_option("Last day (default: the latest day with data)."),
    period: str = typer.Option("month", help="month, quarter or year."),
    by: list[str] = typer.Option(None, "--by", show_default=False, help="Dimension to break "
                                 "down by (repeatable): unit, municipality, service_area, "
                                 "profession, contact_type, age_band, ..."),
    out: Path | None = typer.Option(None, help="Write to a .csv, .parquet or .xlsx file "
                                    "instead of the screen."),
    wait_classes: str | None = typer.Option(None, help="Upper bounds of the waiting-time "
                                            "classes in days, e.g. 0,7,14,90,182."),
    t3_no_time_days: int | None = typer.Option(None, help="T3 of a professional with no third "
                                               "free appointment (default 182)."),
    group: str | None = typer.Option(None, help="Only the indicators of one capability "
                                     "(access, t3, continuity, heavy_users, ...; see --list)."),
    param: list[str] = typer.Option(None, "--param", show_default=False, help="An indicator "
                                    "parameter as NAME=VALUE in TOML syntax (repeatable), e.g. "
                                    "continuity_min_visits=3, heavy_user_definition=services; "
                                    "overrides [parameters] in tilannekuva.toml."),
    list_: bool = typer.Option(False, "--list", help="List the indicators and exit."),
    db: Path | None = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Compute registry indicators into the long shape (indicator, period, dimensions,
    numerator, denominator, value, low, high, suppressed); small counts are suppressed."""
    from .indicators import REGISTRY, Query, Sources, compute, duckdb_file

    with user_errors():
        if list_:
            listing = Table("indicator", "group", "name", "unit", "periods", "dimensions",
                            title="Indicators")
            for ind in REGISTRY.values():
                listing.add_row(ind.id, ind.group, ind.names.en, ind.unit, ", ".join(ind.grains),
                                ", ".join(ind.dimensions))
            console.print(listing)
            return
        settings = load_settings()
        overrides = _parameter_options(param or ())
        if wait_classes is not None:
            overrides["wait_classes"] = list(_classes(wait_classes))
        if t3_no_time_days is not None:
            overrides["t3_no_time_days"] = t3_no_time_days
        src = Sources(duckdb_file(_database(db)), settings.indicator_parameters(overrides))
        dims = tuple(by or ())
        groups = {i.group for i in REGISTRY.values()}
        if group is not None and group not in groups:
            raise TilannekuvaError(f"No capability {group!r}; choose one of "
                                   f"{', '.join(sorted(groups))}.")
        ids = tuple(indicator or [i.id for i in REGISTRY.values()
                                  if all(d in i.dimensions for d in dims)
                                  and period in i.grains and group in (None, i.group)])
        if not ids:
            raise TilannekuvaError(f"No indicator supports all of {', '.join(dims)} by "
                                   f"{period}" + (f" in {group}." if group else "."))
        span = src.start_dates
        if span is None and (start is None or end is None):
            raise TilannekuvaError("The database has no events; give --start and --end.")
        last = end.date() if end else span[1]
        first = start.date() if start else last.replace(month=1, day=1)
        with progress_bar() as update:
            rows = compute(src, Query(ids, first, last, period, dims), settings.min_cell_size,
                           progress=update)
        if out is not None:
            from .reports import write_table

            console.print(f"Wrote {len(rows):,} rows to {write_table(rows, out, 'indicators')}")
            return
        _print_indicator_rows(rows)


def _parameter_options(pairs: Sequence[str]) -> dict:
    """`--param NAME=VALUE` pairs with each VALUE read as a TOML value (a bare word that is not
    valid TOML is taken as a string)."""
    import tomllib

    values = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        if not sep or not name.strip():
            raise TilannekuvaError(f"--param {pair!r}: write NAME=VALUE, e.g. "
                                   "continuity_min_visits=3.")
        try:
            value = tomllib.loads(f"v = {raw.strip()}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw.strip()
        values[name.strip()] = value
    return values


def _print_indicator_rows(rows, limit: int = 200) -> None:
    from .indicators import get

    shown = Table(*[c for c in rows.columns if c != "suppressed"],
                  title=f"Indicators ({len(rows):,} rows; – = suppressed, fewer persons than "
                  "the minimum)")
    visible = rows.head(limit).astype(object)
    for values in visible.where(visible.notna(), None).to_dict("records"):
        unit = get(values["indicator"]).unit
        cells = []
        for column, value in values.items():
            if column == "suppressed":
                continue
            if value is None:
                cells.append("–")
            elif column in ("value", "low", "high"):
                cells.append(f"{value:.1%}" if unit == "share" else
                             f"{value:,.3f}" if unit == "index" else f"{value:,.1f}")
            else:
                cells.append(f"{value}")
        shown.add_row(*cells)
    console.print(shown)
    if len(rows) > limit:
        console.print(f"Showing the first {limit} rows; use --out to get all {len(rows):,}.")


@app.command()
def overdue(
    as_of: datetime | None = _day_option("Day to look from (default: today)."),
    within: int = typer.Option(0, min=0, help="Also list deadlines passing within this many "
                               "days."),
    unit: list[str] = typer.Option(None, "--unit", show_default=False,
                                   help="Unit whose people to list (repeatable)."),
    all_units: bool = typer.Option(False, "--all-units", help="List the whole county (only for "
                                   "those entitled to it)."),
    kind: list[str] = typer.Option(None, "--kind", show_default=False, help="Wait kind "
                                   "(repeatable), e.g. primary_care_visit; default: all."),
    out: Path | None = typer.Option(None, help="Write to a .csv, .parquet or .xlsx file."),
    db: Path | None = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """List the people whose statutory deadline has passed (or passes within --within days)
    and who have not yet received the care. Person-level: give the unit scope you are
    entitled to; every listing is written to the audit log."""
    from datetime import date as date_type

    from .indicators import Sources, duckdb_file
    from .indicators.overdue import overdue as overdue_list
    from .privacy.audit import record
    from .rules import local_date
    from .store import open_store

    with user_errors():
        if bool(unit) == all_units:
            raise TilannekuvaError("Give the unit scope: one or more --unit, or --all-units.")
        path = _database(db)
        day = as_of.date() if as_of else local_date(datetime.now().astimezone())
        scope = None if all_units else list(unit)
        backend = duckdb_file(path)
        rows = overdue_list(Sources(backend), day, scope, within, kind or None)
        backend.disconnect()
        con = open_store(path)
        try:
            record(con, "overdue_list", {"as_of": day, "within_days": within,
                                         "units": scope or "all", "kinds": kind or "all"},
                   len(rows))
        finally:
            con.close()
        if out is not None:
            from .reports import write_table

            console.print(f"Wrote {len(rows):,} people to {write_table(rows, out, 'overdue')}")
            return
        listing = Table(*rows.columns, title=f"Past or within {within} days of the deadline on "
                        f"{day} ({len(rows):,}; days_over < 0 = days left)")
        for values in rows.head(200).itertuples(index=False):
            listing.add_row(*[v.isoformat() if isinstance(v, date_type) else str(v)
                              for v in values])
        console.print(listing)
        if len(rows) > 200:
            console.print(f"Showing the first 200; use --out to get all {len(rows):,}.")


@app.command("indicators-docs")
def indicators_docs(
    out: Path = typer.Option(Path("docs/indicators.md"), help="Where to write the catalogue."),
) -> None:
    """Write the indicator catalogue (every registry indicator with its definition)."""
    from .indicators.catalogue import render_catalogue

    _write_doc(out, render_catalogue)


@app.command()
def serve(
    db: Path | None = typer.Option(None, "--db", help=DB_HELP),
    host: str = typer.Option("127.0.0.1", help="Address to listen on (default: this machine "
                             "only)."),
    port: int = typer.Option(8000, min=1, max=65535, help="Port to listen on."),
    live_traffic: bool = typer.Option(
        False, "--live-traffic", help="Keep the situation centre's synthetic traffic running "
        "on the wall clock, so the board lives (the demo; never on a real county)."),
    traffic_speed: float = typer.Option(1.0, min=0.1, max=60.0, help="With --live-traffic: "
                                        "how many times faster than real time."),
) -> None:
    """Serve the dashboard and the JSON API (/api/v1) over the county database. The server
    holds the database file while it runs: stop it (Ctrl+C) before an import."""
    import uvicorn

    from .web.app import create_app

    with user_errors():
        path = _database(db)
        application = create_app(path, load_settings(), warm=True)
        if live_traffic:
            from .situation.traffic import start_live_traffic

            start_live_traffic(application.state.situation,
                               application.state.figures.cursor(), speed=traffic_speed)
        console.print(f"Tilannekuva serves {path} at [bold]http://{host}:{port}/[/] "
                      "(API: /api/v1, OpenAPI: /api/v1/openapi.json). Ctrl+C stops.")
    # Open board streams end by themselves within minutes; Ctrl+C need not wait for them.
    # No access log: at this log level it is never shown, but uvicorn would still format its
    # fields for every request.
    uvicorn.run(application, host=host, port=port, log_level="warning",
                timeout_graceful_shutdown=5, access_log=False)


@contextmanager
def _accounts(db: Path | None) -> Iterator:
    """The county database with the dashboard's user tables, closed afterwards."""
    from .store import open_store
    from .web import accounts

    con = open_store(_database(db))
    try:
        accounts.create_tables(con)
        yield con
    finally:
        con.close()


users_app = typer.Typer(help="Dashboard users: add, list, remove.", no_args_is_help=True)
app.add_typer(users_app, name="users")


@users_app.command("add")
def users_add(
    user_name: str = typer.Argument(..., help="Sign-in name."),
    role: str = typer.Option(..., help="director, supervisor, analyst, situation_centre, "
                             "administrator, ed_nurse, ward_nurse, home_care_coordinator, "
                             "transport_coordinator or situation_viewer."),
    unit: list[str] = typer.Option(None, "--unit", show_default=False,
                                   help="A unit the supervisor leads, or a ward (id or code "
                                        "in the situation centre) of a ward nurse "
                                        "(repeatable)."),
    name: str | None = typer.Option(None, help="Name shown on the pages."),
    db: Path | None = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Add a dashboard user; the password is asked twice and stored only as a hash."""
    from .web import accounts

    password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with user_errors(), _accounts(db) as con:
        user = accounts.add_user(con, user_name, password, role, tuple(unit or ()), name)
    console.print(f"Added {user.user_name} ({user.role.name}).")


@users_app.command("list")
def users_list(db: Path | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """List the dashboard users and their roles."""
    from .web import accounts

    with user_errors(), _accounts(db) as con:
        found = accounts.users(con)
    table = Table("user", "name", "role", "units")
    for user in found:
        table.add_row(user.user_name, user.display_name, user.role.name, ", ".join(user.units))
    console.print(table)


@users_app.command("remove")
def users_remove(user_name: str = typer.Argument(..., help="Sign-in name."),
                 db: Path | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Remove a dashboard user and end their sessions."""
    from .web import accounts

    with user_errors(), _accounts(db) as con:
        accounts.remove_user(con, user_name)
    console.print(f"Removed {user_name}.")


situation_app = typer.Typer(help="The situation centre (bed board, routing from the ED, "
                            "home-care hand-offs, ambulance transports).",
                            no_args_is_help=True)
app.add_typer(situation_app, name="situation")

SITUATION_DB_HELP = (
    "The situation centre's database, a SQLAlchemy URL (default: TILANNEKUVA_SITUATION_DATABASE, "
    "situation_database in tilannekuva.toml, or situation.sqlite beside the county database)."
)


@situation_app.command("export")
def situation_export(
    db: Path | None = typer.Option(None, "--db", help=DB_HELP),
    situation_database: str | None = typer.Option(None, "--situation-database",
                                                  help=SITUATION_DB_HELP),
) -> None:
    """Export the situation centre's history into the county database's tables ed_routings,
    home_care_handoffs and ambulance_transports, replacing the previous export, so the
    indicators can use it. Rows go through the import's checks: a bad one goes to the
    quarantine with its id and the field; an identity code in a patient reference is replaced
    by its pseudonym (needs TILANNEKUVA_PSEUDONYM_KEY; without it such rows are
    quarantined)."""
    from dataclasses import replace

    import sqlalchemy as sa

    from .situation.database import create_engine
    from .situation.export import export
    from .store import open_store

    with user_errors():
        settings = load_settings()
        path = _database(db)
        if not path.exists():
            raise TilannekuvaError(f"County database {path} does not exist. Create it with "
                                   "`tilannekuva import` or `tilannekuva synth` first: the "
                                   "export joins the situation centre's wards to its units.")
        url = sa.make_url(situation_database or replace(settings, database=path).situation_url)
        if url.get_backend_name() == "sqlite" and not Path(url.database or "").exists():
            raise TilannekuvaError(
                f"No situation-centre database at {url.database}. Give --situation-database "
                "or set TILANNEKUVA_SITUATION_DATABASE.")
        engine = create_engine(url)
        con = open_store(path)
        try:
            with progress_bar() as update:
                results = export(engine, con, settings.pseudonym_key, progress=update)
        finally:
            con.close()
            engine.dispose()
    table = Table("from", "table", "read", "accepted", "quarantined",
                  title=f"Situation-centre history exported into {path}")
    for r in results:
        table.add_row(r.source.rsplit("#", 1)[-1], r.table,
                      *(f"{n:,}".replace(",", " ") for n in (r.rows_read, r.accepted,
                                                             r.quarantined)))
    console.print(table)
    for r in results:
        if r.reasons:
            reasons = ", ".join(f"{reason} {count}" for reason, count in r.reasons.items())
            console.print(f"{r.table}: quarantined rows by reason: {reasons} (see `tilannekuva "
                          "quarantine`; the line is the situation centre's id).")
    console.print("The tables now hold exactly this export: exporting again replaces them.")


@situation_app.command("simulate")
def situation_simulate(
    db: Path | None = typer.Option(None, "--db", help=DB_HELP),
    situation_database: str | None = typer.Option(None, "--situation-database",
                                                  help=SITUATION_DB_HELP),
    days: float = typer.Option(DEMO_SITUATION_DAYS, min=0.01, help="On a fresh situation "
                               "database: days of history to generate, ending now."),
    seed: int = typer.Option(1, help="Random seed: the same seed on the same database gives "
                             "the same history."),
) -> None:
    """Generate the situation centre's synthetic traffic up to now, calibrated to the counties'
    reports (about 20 min to arrange a place, 48 min to leave the ED), continuing from the last
    event, and export the history into the county database. For demos and tests: every
    change is made by `sim:` actors through the real service."""
    from dataclasses import replace

    with user_errors():
        path = _database(db)
        if not path.exists():
            raise TilannekuvaError(f"County database {path} does not exist: the traffic takes "
                                   "its wards, patients and home-care teams from it.")
        url = situation_database or replace(load_settings(), database=path).situation_url
        _situation_history(path, url, days, seed)


scenario_app = typer.Typer(help="Waiting-list scenarios and queueing figures (weeks; patients "
                           "per week). See docs/forecasting.md.", no_args_is_help=True)
app.add_typer(scenario_app, name="scenario")


def _months(text: str) -> list[int]:
    try:
        months = [int(part) for part in text.split(",")]
    except ValueError:
        raise TilannekuvaError(f"--months takes whole months separated by commas, e.g. "
                               f"3,6,12,24, not {text!r}.") from None
    if any(m < 1 for m in months):
        raise TilannekuvaError("--months are counted from 1 (the end of the first month).")
    return months


@scenario_app.command("run")
def scenario_run(
    file: Path = typer.Argument(..., help="Scenario file (TOML), e.g. "
                                "scenarios/orthopaedics.toml."),
    compare: list[Path] = typer.Option(None, "--compare", show_default=False,
                                       help="Another scenario file to run beside it "
                                            "(repeatable)."),
    db: Path | None = typer.Option(None, "--db", help="County database to estimate the "
                                   "starting state from (the file's [waiting_list]); without "
                                   "it the file's [initial] is used."),
    runs: int = typer.Option(1000, min=1, help="Monte Carlo runs per scenario."),
    seed: int = typer.Option(1, help="Random seed: the same seed gives the same runs."),
    months: str = typer.Option("3,6,9,12,18,24", help="Month ends to show."),
    out: Path | None = typer.Option(None, help="Write every week's bands of every scenario "
                                    "to a .csv, .parquet or .xlsx file."),
) -> None:
    """Simulate a waiting list under a scenario many times and show the queue and the share
    waiting past the deadline, with 90 % bands; with --compare, scenarios side by side."""
    from .forecasting import load_scenario, report, run, summarise

    with user_errors():
        shown = _months(months)
        scenarios = [load_scenario(path) for path in [file, *(compare or [])]]
        summaries = []
        with progress_bar() as update:
            for scenario in scenarios:
                def advance(done: int, total: int, name: str = scenario.name) -> None:
                    update(f"Simulating {name}", done, total)

                summaries.append(summarise(run(scenario, runs, seed, db, advance)))
        for summary in summaries:
            console.print(report.trajectory_table(summary, shown, runs))
        if len(summaries) > 1:
            console.print(report.comparison_table(summaries, shown))
        if out is not None:
            import pandas as pd

            from .reports import write_table

            rows = pd.concat(summaries, ignore_index=True)
            console.print(f"Wrote {len(rows):,} rows to {write_table(rows, out, 'scenarios')}")


@scenario_app.command("queue")
def scenario_queue(
    arrivals: float = typer.Option(..., help="Demand: patients added to the list per week."),
    capacity: float = typer.Option(..., help="Treatments per week."),
    deadline: float = typer.Option(..., help="Deadline in weeks (6 months = 26.09)."),
    share: float = typer.Option(..., help="Required share treated within the deadline, "
                                "e.g. 0.95."),
    queue: float | None = typer.Option(None, help="Patients waiting now."),
    mean_wait: float | None = typer.Option(None, help="Mean wait now in weeks (default: "
                                           "estimated from --queue by Little's law)."),
    weeks: float | None = typer.Option(None, help="Weeks to bring the queue to its target "
                                       "(gives the relief capacity; needs --queue)."),
    cv_arrivals: float = typer.Option(1.0, help="Coefficient of variation of the times "
                                      "between arrivals (1 = Poisson)."),
    cv_capacity: float = typer.Option(1.0, help="Coefficient of variation of the times "
                                      "between treatments (1 = Poisson)."),
) -> None:
    """Queueing figures of a waiting list: load, target mean wait and queue size, the
    capacity that keeps them, the relief capacity to reach them, and the pressure."""
    from .forecasting import assess, report

    with user_errors():
        figures = assess(arrivals, capacity, deadline, share, queue, mean_wait, weeks,
                         cv_arrivals, cv_capacity)
        console.print(report.queue_figures_table(figures))


risk_app = typer.Typer(help="Risk of entering 24-hour service housing within 12 or 36 months "
                       "(clients aged 65+; decision support only, off unless "
                       "risk_model_enabled). See docs/risk-model.md.", no_args_is_help=True)
app.add_typer(risk_app, name="risk")
HORIZON_HELP = "Months ahead: 12 or 36."


def _risk_settings(db: Path | None):
    from dataclasses import replace

    settings = load_settings()
    return replace(settings, database=db) if db is not None else settings


@risk_app.command("report")
def risk_report(
    db: Path | None = typer.Option(None, "--db", help=DB_HELP),
    horizon: int = typer.Option(12, help=HORIZON_HELP),
) -> None:
    """Train on the earlier index days and show discrimination, calibration and performance
    by sex, age group and municipality on the held-out later one. Aggregates only."""
    from .forecasting import risk, risk_report

    with user_errors():
        settings = _risk_settings(db)
        with progress_bar() as update:
            evaluation = risk.held_out(settings.database, settings, horizon,
                                       lambda step, done, total: update("Risk model", done,
                                                                        total))
        console.print(risk_report.summary_table(evaluation))
        console.print(risk_report.calibration_table(evaluation, settings.min_cell_size))
        console.print(risk_report.groups_table(evaluation, settings.min_cell_size))


@risk_app.command("train")
def risk_train(
    db: Path | None = typer.Option(None, "--db", help=DB_HELP),
    horizon: int = typer.Option(12, help=HORIZON_HELP),
    out: Path | None = typer.Option(None, help="Model file (default: risk-24h-<horizon>m.pkl "
                                    "beside the county database)."),
) -> None:
    """Evaluate on the held-out period, then train on every index day whose window has ended
    and save the model for scoring the population on the latest index day. No person's score
    is printed: scores are shown only to entitled roles, with their explanation."""
    from .forecasting import risk, risk_report

    with user_errors():
        settings = _risk_settings(db)
        with progress_bar() as update:
            model = risk.train(settings.database, settings, horizon,
                               lambda step, done, total: update("Risk model", done, total))
        path = risk.save_model(model, out or settings.database.parent
                               / f"risk-24h-{horizon}m.pkl")
        console.print(risk_report.summary_table(model.evaluation))
        console.print(f"Trained on {len(model.trained_days)} index days "
                      f"({model.trained_days[0]} … {model.trained_days[-1]}); scores "
                      f"{len(model.current):,} persons as of {model.scoring_day}. Wrote {path}")


@app.command()
def forecast(
    series: str = typer.Argument(..., help="Count series: referrals, assessments, visits, "
                                 "ed_arrivals, social_initiations or contacts."),
    grain: str = typer.Option("week", help="week or month."),
    horizon: int | None = typer.Option(None, min=1, help="Periods ahead (default 13 weeks or "
                                       "3 months)."),
    by: list[str] = typer.Option(None, "--by", show_default=False, help="Dimension to break "
                                 "the series down by (repeatable), e.g. unit, service, "
                                 "specialty, profession."),
    backtest: bool = typer.Option(False, "--backtest", help="Also run the rolling-origin "
                                  "backtest against the seasonal naive."),
    windows: int = typer.Option(4, min=1, help="Backtest origins (each one horizon long)."),
    out: Path | None = typer.Option(None, help="Write the forecast table (and the backtest, "
                                    "to FILE with -backtest before the suffix) to .csv, "
                                    ".parquet or .xlsx."),
    db: Path | None = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Forecast a count series weekly or monthly with 80 % and 95 % intervals (seasonality
    and Finnish holidays); with --backtest, its error against the seasonal naive. Series
    with fewer persons than min_cell_size are suppressed. See docs/forecasting.md."""
    from .forecasting.backtest import backtest_rows, summarise_backtest
    from .forecasting.demand import assemble
    from .forecasting.demand import forecast as forecast_series
    from .forecasting.demand_report import backtest_summary_table, forecast_summary_table
    from .forecasting.series import read_series

    with user_errors():
        if grain not in ("week", "month"):
            raise TilannekuvaError(f"--grain must be week or month, not {grain!r}.")
        min_cell = load_settings().min_cell_size
        counts = read_series(_database(db), series, grain, tuple(by or ()))
        with progress_bar() as update:
            rows = assemble(counts, forecast_series(
                counts, horizon, progress=lambda d, t: update("Forecasting", d, t)), min_cell)
            tested = None
            if backtest:
                tested = backtest_rows(counts, horizon, windows, min_cell,
                                       progress=lambda d, t: update("Backtesting", d, t))
        console.print(forecast_summary_table(rows))
        if tested is not None:
            console.print(backtest_summary_table(summarise_backtest(tested), tested))
        if out is not None:
            from .reports import write_table

            console.print(f"Wrote {len(rows):,} rows to {write_table(rows, out, 'forecast')}")
            if tested is not None:
                extra = out.with_name(f"{out.stem}-backtest{out.suffix}")
                console.print(f"Wrote {len(tested):,} rows to "
                              f"{write_table(tested, extra, 'backtest')}")
