"""The invariants the situation-centre benchmark checks after its traffic, in plain SQL read
straight from the database (not through the service that wrote it), and against the ledger of
what the clients saw succeed (`situation_load.Ledger`).

Each check returns a list of violations, each a sentence naming the rows; the benchmark prints
how many each check found and the first few."""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa
from situation_load import Ledger

#: The tables of the entities with a state machine, by the entity name of the history.
STATEFUL = {"bed": "beds", "request": "routing_requests", "handoff": "handoffs",
            "transport": "transports"}
TABLES = {"ward": "wards", **STATEFUL}


def _rows(con: sa.Connection, sql: str) -> list[sa.Row]:
    return con.execute(sa.text(sql)).all()


def beds(con: sa.Connection) -> list[str]:
    """A bed holds at most one patient; an occupied bed names its patient and only an occupied
    one does; the patient's request is placed or departed, on the bed's ward, in an isolation
    room if it needs one."""
    found = [f"request {r[0]} is the patient of {r[1]} beds" for r in _rows(con, """
        SELECT occupant_request_id, count(*) FROM beds WHERE occupant_request_id IS NOT NULL
        GROUP BY 1 HAVING count(*) > 1""")]
    found += [f"bed {r[0]} is {r[1]} with patient {r[2]}" for r in _rows(con, """
        SELECT id, state, occupant_request_id FROM beds
        WHERE (state = 'occupied') <> (occupant_request_id IS NOT NULL)""")]
    found += [f"bed {r[0]} holds request {r[1]}, which is {r[2]} on ward {r[3]} "
              f"(bed's ward {r[4]}, isolation needed {r[5]}, room {r[6]})" for r in _rows(con, """
        SELECT b.id, r.id, r.state, r.ward_id, b.ward_id, r.needs_isolation, b.is_isolation
        FROM beds b JOIN routing_requests r ON r.id = b.occupant_request_id
        WHERE r.state NOT IN ('placed', 'departed') OR r.ward_id <> b.ward_id
           OR (r.needs_isolation AND NOT b.is_isolation)""")]
    return found


def placements(con: sa.Connection) -> list[str]:
    """At most one active placement per bed; an occupied bed has exactly its patient's active
    placement, and an active placement's bed is occupied by its request; a request is placed
    at most once (one placement row, one `place` event); a placed request is in a bed."""
    found = [f"bed {r[0]} has {r[1]} active placements" for r in _rows(con, """
        SELECT bed_id, count(*) FROM placements WHERE released_at IS NULL
        GROUP BY bed_id HAVING count(*) > 1""")]
    found += [f"occupied bed {r[0]} has no active placement of its patient {r[1]}"
              for r in _rows(con, """
        SELECT b.id, b.occupant_request_id FROM beds b LEFT JOIN placements p
          ON p.bed_id = b.id AND p.request_id = b.occupant_request_id AND p.released_at IS NULL
        WHERE b.state = 'occupied' AND p.request_id IS NULL""")]
    found += [f"active placement of request {r[0]} in bed {r[1]}, which does not hold it"
              for r in _rows(con, """
        SELECT p.request_id, p.bed_id FROM placements p LEFT JOIN beds b
          ON b.id = p.bed_id AND b.occupant_request_id = p.request_id
        WHERE p.released_at IS NULL AND b.id IS NULL""")]
    found += [f"request {r[0]} was placed {r[1]} times" for r in _rows(con, """
        SELECT entity_id, count(*) FROM situation_events
        WHERE entity = 'request' AND action = 'place' GROUP BY 1 HAVING count(*) > 1""")]
    found += [f"request {r[0]} is placed but in no bed" for r in _rows(con, """
        SELECT r.id FROM routing_requests r LEFT JOIN beds b ON b.occupant_request_id = r.id
        WHERE r.state = 'placed' AND b.id IS NULL""")]
    found += [f"request {r[0]} is {r[1]} without a placement" for r in _rows(con, """
        SELECT r.id, r.state FROM routing_requests r LEFT JOIN placements p
          ON p.request_id = r.id
        WHERE r.state IN ('placed', 'departed') AND p.request_id IS NULL""")]
    return found


def idempotency(con: sa.Connection, ledger: Ledger) -> list[str]:
    """A retried call with the same key changed nothing more: every key the clients used is
    stored once with its result, and no key's audit rows create two entities or repeat a
    change; and each retry was answered as its first call (the clients compared)."""
    stored = {(r[0], r[1]): r[2] for r in _rows(
        con, "SELECT actor, key, result IS NOT NULL FROM idempotency_keys")}
    found = [f"key {key} of {actor} is not stored with its result"
             for actor, key in sorted(ledger.keys) if not stored.get((actor, key))]
    found += [f"key {r[1]} of {r[0]} created {r[2]} {r[3]}s" for r in _rows(con, """
        SELECT actor, idempotency_key, count(DISTINCT entity_id), entity FROM audit_log
        WHERE idempotency_key IS NOT NULL AND action = 'create'
        GROUP BY actor, idempotency_key, entity HAVING count(DISTINCT entity_id) > 1""")]
    found += [f"key {r[1]} of {r[0]} did {r[4]} on {r[2]} {r[3]} {r[5]} times"
              for r in _rows(con, """
        SELECT actor, idempotency_key, entity, entity_id, action, count(*) FROM audit_log
        WHERE idempotency_key IS NOT NULL
        GROUP BY actor, idempotency_key, entity, entity_id, action HAVING count(*) > 1""")]
    return found + list(ledger.wrong)


def audit_and_history(con: sa.Connection) -> list[str]:
    """Every change has its audit row: each row's version equals its number of audit rows
    (a creation is version 1, each update adds one); every history event has an audit row of
    the same change (entity, id, action, time, actor); and each entity's history is an
    unbroken chain from its creation to its current state."""
    found = []
    for entity, table in TABLES.items():
        found += [f"{entity} {r[0]} is at version {r[1]} with {r[2]} audit rows"
                  for r in _rows(con, f"""
            SELECT t.id, t.version, count(a.id) FROM {table} t LEFT JOIN audit_log a
              ON a.entity = '{entity}' AND a.entity_id = t.id
            GROUP BY t.id, t.version HAVING count(a.id) <> t.version""")]
    changes = Counter(tuple(r) for r in _rows(
        con, "SELECT entity, entity_id, action, at, actor FROM audit_log"))
    events = Counter(tuple(r) for r in _rows(
        con, "SELECT entity, entity_id, action, at, actor FROM situation_events"))
    found += [f"event {e} has {n} rows but {changes[e]} audit rows"
              for e, n in sorted(events.items(), key=str) if changes[e] < n]
    for entity, table in STATEFUL.items():
        state = dict(_rows(con, f"SELECT id, state FROM {table}"))
        chains: dict[int, list[tuple]] = {}
        for r in _rows(con, f"""SELECT entity_id, from_state, to_state FROM situation_events
                               WHERE entity = '{entity}' ORDER BY id"""):
            chains.setdefault(r[0], []).append((r[1], r[2]))
        for entity_id, current in sorted(state.items()):
            chain = chains.get(entity_id, [])
            before = [None] + [to for _, to in chain]
            if not chain or any(f != b for (f, _), b in zip(chain, before, strict=False)) \
                    or chain[-1][1] != current:
                found.append(f"{entity} {entity_id}: history {chain} is not an unbroken chain "
                             f"to its state {current}")
        found += [f"{entity} {i}: history without a row" for i in sorted(set(chains) - set(state))]
    return found


def counts(con: sa.Connection, ledger: Ledger) -> list[str]:
    """The database holds exactly what the clients saw succeed: the same entities created; the
    same history events, each as often as the successful calls imply (a place also occupies its
    bed, a cancel or interrupt of a placed request frees it); and each request, hand-off and
    transport at the state and version of the last answer its client got."""
    found = []
    for entity, table in TABLES.items():
        ids = {r[0] for r in _rows(con, f"SELECT id FROM {table}")}
        seen = ledger.created.get(entity, set())
        if ids != seen:
            found.append(f"{entity}s: {len(ids)} in the database, {len(seen)} created by the "
                         f"clients (only in the database: {sorted(ids - seen)[:5]}, only seen "
                         f"by the clients: {sorted(seen - ids)[:5]})")
    history = Counter(tuple(r) for r in _rows(
        con, "SELECT entity, entity_id, action FROM situation_events"))
    for event in sorted(set(history) | set(ledger.events), key=str):
        if history[event] != ledger.events[event]:
            found.append(f"event {event}: {history[event]} in the history, "
                         f"{ledger.events[event]} seen by the clients")
    for (entity, entity_id), answer in sorted(ledger.latest.items(), key=str):
        if entity not in ("request", "handoff", "transport"):
            continue
        row = con.execute(sa.text(f"SELECT state, version FROM {TABLES[entity]} WHERE id = :i"),
                          {"i": entity_id}).one()
        if (row[0], row[1]) != (answer["state"], answer["version"]):
            found.append(f"{entity} {entity_id} is {row[0]} v{row[1]}; the last answer said "
                         f"{answer['state']} v{answer['version']}")
    return found


def check(engine: sa.Engine, ledger: Ledger) -> dict[str, list[str]]:
    """Every check's violations, by the invariant's name."""
    with engine.connect() as con:
        return {
            "no bed with two patients or an occupied bed without one": beds(con),
            "placements: one active per bed, a request placed at most once": placements(con),
            "idempotent retries created nothing twice": idempotency(con, ledger),
            "every change has its audit row and history event": audit_and_history(con),
            "counts consistent with what the clients saw": counts(con, ledger),
        }
