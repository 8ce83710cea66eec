"""The situation centre's history exported into the county's canonical tables (`ed_routings`,
`home_care_handoffs`, `ambulance_transports`; docs/situation.md, "Metrics and export"), so the
indicators and forecasts read it like any other event data.

Why it is built this way:
- Each row is one request, hand-off or transport: its current row in the situation database
  plus the time of each step from the append-only history (`situation_events`). All three are
  read in one snapshot (one read transaction; REPEATABLE READ on PostgreSQL), so a request and
  its hand-off never disagree.
- Rows go through the import's own privacy and validation steps (`ingest.prepare`,
  `ingest.checks`): identifiers holding an identity code are pseudonymised with the county's
  key (or, without a key, their rows are quarantined), free text is redacted, and a row that
  breaks a check — a ward code that is not a county unit, a code the code list lost, an
  impossible time order — lands in the quarantine with the source, the entity id as its line,
  the field and the reason. Rows read = accepted + quarantined, as for an import.
- The three tables hold nothing but the situation centre's history, and its rows change (an
  open request departs later), so an export replaces their whole content and the quarantine
  entries of the previous export of the same source, in one DuckDB transaction: exporting
  again never duplicates and never leaves a half-written state.
- Times are stored as UTC in the situation database and written as Helsinki times with their
  offset; DuckDB keeps the instant (TIMESTAMPTZ), so durations are real elapsed time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import duckdb
import pyarrow as pa
import sqlalchemy as sa

from ..errors import TilannekuvaError
from ..ingest.checks import CHECK, DETAIL, FIELD, REASON, checked_sql, raw
from ..ingest.columns import match_columns
from ..ingest.load import CHECKED
from ..ingest.prepare import prepare
from ..ingest.sources import LINE, MALFORMED, Source, table_sha256
from ..ingest.sql import ident, literal
from ..privacy.identity_codes import Pseudonymiser
from ..schema import TABLES_BY_NAME, Table, codes
from ..store import TIMEZONE, create_tables
from . import states
from .tables import (
    beds,
    handoffs,
    placements,
    routing_requests,
    situation_events,
    transports,
    wards,
)

HELSINKI = ZoneInfo(TIMEZONE)

#: progress(description, done, total), as the import's.
ProgressCallback = Callable[[str, int, int], None]
STEPS = ("read", "protect identity codes", "validate and write")


class ExportError(TilannekuvaError):
    """The situation centre's database cannot be exported; the message says why."""


@dataclass
class ExportResult:
    """One canonical table written by an export: rows read = accepted + quarantined."""

    table: str
    source: str
    rows_read: int = 0
    accepted: int = 0
    quarantined: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    import_id: int | None = None


class _KeylessPseudonymiser(Pseudonymiser):
    """Without the county's pseudonymisation key an identity code cannot become the pseudonym
    the county's other tables use, and must not be stored as it is: the row is quarantined
    (reason malformed_identity_code, with this detail)."""

    def __init__(self) -> None:
        super().__init__(b"")

    def classify(self, value: str) -> tuple[str | None, str | None]:
        replacement, problem = super().classify(value)
        if problem is None and replacement != value:
            return None, ("holds an identity code, which cannot be replaced by its pseudonym "
                          "without the pseudonymisation key (TILANNEKUVA_PSEUDONYM_KEY)")
        return replacement, problem


# -- reading the situation database -----------------------------------------------------------

_E = situation_events.c


def _first(action: str):
    """When the entity's first `action` event happened (NULL if none)."""
    return sa.func.min(sa.case((_E.action == action, _E.at)))


def _last(action: str):
    """When its last `action` happened: a request withdrawn and accepted again keeps the later
    acceptance, the one its placement followed."""
    return sa.func.max(sa.case((_E.action == action, _E.at)))


def _times(action: str):
    """How many `action` events it had."""
    return sa.func.sum(sa.case((_E.action == action, 1), else_=0))


def _steps(entity: str, **columns) -> sa.Subquery:
    """Per entity id of `entity`, the aggregates `columns` over its history events."""
    return (sa.select(_E.entity_id.label("id"), *(c.label(n) for n, c in columns.items()))
            .where(_E.entity == entity).group_by(_E.entity_id).subquery())


def _ended(machine: states.Machine, actions: tuple[str, ...]) -> dict:
    """When the entity reached a final state, and the reason of the ending `actions`."""
    return dict(
        ended_at=sa.func.max(sa.case((_E.to_state.in_(sorted(machine.final)), _E.at))),
        end_reason=sa.func.max(sa.case((_E.action.in_(actions), _E.reason))))


def _routings(con: sa.Connection) -> list[dict]:
    """One row per routing request. Its ward is the one the request names now (`ward_id`, kept
    when it ends): where it was placed, or the ward that held it when it was cancelled or
    interrupted; a decline or withdrawal clears it."""
    r = routing_requests.c
    s = _steps("request", first_offered_at=_first("offer"), offers=_times("offer"),
               declines=_times("decline"), accepted_at=_last("accept"),
               placed_at=_last("place"), departed_at=_last("depart"),
               **_ended(states.REQUEST, ("cancel", "interrupt")))
    query = (sa.select(r.id, r.patient_ref, r.specialty, r.urgency, r.needs_isolation,
                       wards.c.code, r.created_at, r.state, beds.c.is_isolation, *s.c[1:])
             .select_from(routing_requests.outerjoin(wards, wards.c.id == r.ward_id)
                          .outerjoin(placements, placements.c.request_id == r.id)
                          .outerjoin(beds, beds.c.id == placements.c.bed_id)
                          .outerjoin(s, s.c.id == r.id))
             .order_by(r.id))
    return [dict(
        _line=row.id, routing_id=row.id, person_id=row.patient_ref, specialty=row.specialty,
        urgency=row.urgency, needs_isolation=row.needs_isolation, unit_id=row.code,
        requested_at=row.created_at, first_offered_at=row.first_offered_at,
        offers=int(row.offers or 0), declines=int(row.declines or 0),
        accepted_at=row.accepted_at, placed_at=row.placed_at, isolation_room=row.is_isolation,
        departed_at=row.departed_at, ended_at=row.ended_at, state=row.state,
        end_reason=row.end_reason) for row in con.execute(query)]


def _handoffs(con: sa.Connection) -> list[dict]:
    """One row per hand-off; the home-care team's name is the county unit id of the team."""
    h = handoffs.c
    s = _steps("handoff", acknowledged_at=_last("acknowledge"), completed_at=_last("complete"),
               **_ended(states.HANDOFF, ("cancel",)))
    query = (sa.select(h.id, h.patient_ref, wards.c.code, h.home_care_team, h.request_id,
                       h.planned_discharge_at, h.created_at, h.state, *s.c[1:])
             .select_from(handoffs.join(wards, wards.c.id == h.ward_id)
                          .outerjoin(s, s.c.id == h.id))
             .order_by(h.id))
    return [dict(
        _line=row.id, handoff_id=row.id, person_id=row.patient_ref, unit_id=row.code,
        home_care_unit_id=row.home_care_team, routing_id=row.request_id,
        planned_discharge_at=row.planned_discharge_at, created_at=row.created_at,
        acknowledged_at=row.acknowledged_at, completed_at=row.completed_at,
        cancelled_at=row.ended_at if row.state == "cancelled" else None, state=row.state,
        cancel_reason=row.end_reason) for row in con.execute(query)]


def _transports(con: sa.Connection) -> list[dict]:
    """One row per transport order, its list of safety needs spread into one true/false
    column per need."""
    t = transports.c
    needs = codes("safety_need")
    s = _steps("transport", accepted_at=_last("accept"), departed_at=_last("depart"),
               picked_up_at=_last("pick_up"), delivered_at=_last("deliver"),
               **_ended(states.TRANSPORT, ("cancel",)))
    query = (sa.select(t.id, t.patient_ref, t.urgency_class, t.safety_needs, t.origin,
                       t.destination, t.request_id, t.handoff_id, t.created_at, t.state,
                       *s.c[1:])
             .select_from(transports.outerjoin(s, s.c.id == t.id))
             .order_by(t.id))
    return [dict(
        _line=row.id, transport_id=row.id, person_id=row.patient_ref,
        urgency_class=row.urgency_class,
        **{f"need_{need}": need in row.safety_needs for need in needs},
        origin=row.origin, destination=row.destination, routing_id=row.request_id,
        handoff_id=row.handoff_id, ordered_at=row.created_at, accepted_at=row.accepted_at,
        departed_at=row.departed_at, picked_up_at=row.picked_up_at,
        delivered_at=row.delivered_at,
        cancelled_at=row.ended_at if row.state == "cancelled" else None, state=row.state,
        cancel_reason=row.end_reason) for row in con.execute(query)]


#: Canonical table ← (the situation centre's table it is read from, reader), in load order.
READERS: dict[str, tuple[str, Callable[[sa.Connection], list[dict]]]] = {
    "ed_routings": ("routing_requests", _routings),
    "home_care_handoffs": ("handoffs", _handoffs),
    "ambulance_transports": ("transports", _transports),
}


def _read_all(engine: sa.Engine) -> dict[str, list[dict]]:
    """Every exported row, from one snapshot of the situation database."""
    try:
        found = sa.inspect(engine).has_table(situation_events.name)
    except sa.exc.OperationalError as error:
        reason = str(error.orig).strip().splitlines()[0]
        raise ExportError(f"Cannot open the situation-centre database {_safe_url(engine)}: "
                          f"{reason}") from None
    if not found:
        raise ExportError(f"{_safe_url(engine)} holds no situation-centre tables; nothing to "
                          "export.")
    options = {"situation_readonly": True}
    if engine.dialect.name == "postgresql":
        options["isolation_level"] = "REPEATABLE READ"
    with engine.connect() as con:
        con = con.execution_options(**options)
        with con.begin():
            return {name: reader(con) for name, (_, reader) in READERS.items()}


def _safe_url(engine: sa.Engine) -> str:
    return Source(str(engine.url), "database").label.rstrip("#")


def _text(value: object) -> str | None:
    """A value as the text an import would read: times in Helsinki time with their offset."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.astimezone(HELSINKI).isoformat(sep=" ")
    return str(value)


def _as_strings(rows: list[dict], table: Table) -> pa.Table:
    """The rows as the all-strings Arrow table the import's steps take."""
    columns = {c: pa.array([_text(r[c]) for r in rows], pa.string()) for c in table.column_names}
    columns[LINE] = pa.array([r["_line"] for r in rows], pa.int64())
    columns[MALFORMED] = pa.nulls(len(rows), pa.string())
    return pa.table(columns)


# -- writing into the county database ---------------------------------------------------------

def export(engine: sa.Engine, con: duckdb.DuckDBPyConnection,
           pseudonym_key: bytes | None = None,
           progress: ProgressCallback | None = None) -> list[ExportResult]:
    """Export the situation centre's history (database `engine`) into the county database open
    on `con` (as `store.open_store` returns it), replacing the three tables' earlier content.
    `pseudonym_key` is the county's pseudonymisation key: with it, an identity code found in a
    patient reference is replaced by the county's pseudonym; without it, such rows are
    quarantined."""
    report = progress or (lambda description, done, total: None)
    steps = {name: f"{situation_table} → {name}"
             for name, (situation_table, _) in READERS.items()}
    for step in steps.values():
        report(step, 0, len(STEPS))
    found = _read_all(engine)
    pseudonymiser = Pseudonymiser(pseudonym_key) if pseudonym_key else _KeylessPseudonymiser()
    create_tables(con)
    store = ident(con.execute("SELECT current_database()").fetchall()[0][0])
    staged: list[tuple[Table, str, str, int, str]] = []
    try:
        for name, (situation_table, _) in READERS.items():
            table = TABLES_BY_NAME[name]
            report(steps[name], 1, len(STEPS))
            data = _as_strings(found[name], table)
            label = Source(str(engine.url), "database", situation_table).label
            match = match_columns(table.column_names, table, label)
            view = f"situation_staged_{name}"
            con.register(view, prepare(data, table, match, pseudonymiser))
            staged.append((table, label, view, data.num_rows, table_sha256(data)))
            report(steps[name], 2, len(STEPS))
        con.execute("BEGIN")
        try:
            results = [_write(con, store, *entry) for entry in staged]
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        for _, _, view, _, _ in staged:
            con.unregister(view)
    for step in steps.values():
        report(step, len(STEPS), len(STEPS))
    return results


def export_history(engine: sa.Engine, con: duckdb.DuckDBPyConnection,
                   pseudonym_key: bytes | None = None,
                   progress: ProgressCallback | None = None) -> dict[str, int]:
    """`export`, answering only the rows accepted per canonical table."""
    return {r.table: r.accepted for r in export(engine, con, pseudonym_key, progress)}


def _write(con: duckdb.DuckDBPyConnection, store: str, table: Table, label: str,
           view: str, rows_read: int, sha256: str) -> ExportResult:
    """Replace `table` with the rows of `view` that pass the import's checks (inside the
    caller's transaction, which a failure here rolls back), quarantine the others and log the
    export like an import."""
    name = ident(table.name)
    columns = ", ".join(ident(c) for c in table.column_names)
    con.execute(f"DELETE FROM {store}.{name}")
    con.execute(f"DELETE FROM {store}.quarantine WHERE target_table = ? AND source = ?",
                [table.name, label])
    con.execute(f"CREATE TEMP TABLE {CHECKED} AS {checked_sql(table, view, store)}")
    import_id = con.execute(
        f"SELECT coalesce(max(import_id), 0) + 1 FROM {store}.import_log").fetchall()[0][0]
    raw_json = "CAST(to_json(struct_pack(" + ", ".join(
        f"{ident(c)} := {raw(c)}" for c in table.column_names) + ")) AS VARCHAR)"
    con.execute(f"""
        INSERT INTO {store}.quarantine
        SELECT {import_id}, {literal(label)}, {ident(LINE)}, {literal(table.name)},
               {FIELD}, {REASON}, {DETAIL}, {raw_json}
        FROM {CHECKED} WHERE {CHECK} IS NOT NULL ORDER BY {ident(LINE)}""")
    con.execute(f"INSERT INTO {store}.{name} ({columns}) "
                f"SELECT {columns} FROM {CHECKED} WHERE {CHECK} IS NULL")
    accepted = con.execute(f"SELECT count(*) FROM {store}.{name}").fetchall()[0][0]
    reasons = dict(con.execute(
        f"SELECT reason, count(*) FROM {store}.quarantine WHERE import_id = ? "
        "GROUP BY reason ORDER BY reason", [import_id]).fetchall())
    quarantined = sum(reasons.values())
    if rows_read != accepted + quarantined:
        raise AssertionError(f"{table.name}: rows read {rows_read} != accepted {accepted} + "
                             f"quarantined {quarantined}; nothing was written")
    con.execute(f"INSERT INTO {store}.import_log VALUES (?, now(), ?, ?, ?, ?, ?, 0, ?)",
                [import_id, label, sha256, table.name, rows_read, accepted, quarantined])
    con.execute(f"DROP TABLE {CHECKED}")
    return ExportResult(table.name, label, rows_read, accepted, quarantined, reasons,
                        import_id)
