"""The situation board as one user sees it: the colour thresholds, and for every row the
actions the user's role may take on it now — those the row's state machine allows from its
state (`situation.states`) and the role's right reaches (`web.roles.SITUATION_RIGHTS`: every
ward, the user's own wards, or the requests the user created). The page shows a form for each
and nothing else; the service checks everything again when a form is sent.

Thresholds (docs/situation.md, "The board"): a ward's load (occupied and reserved beds, percent
of its beds) below 85 % is normal, from 85 % to 95 % high, above 95 % — or with no free bed at
all — full. A routing request that has waited (since it was created, i.e. its patient's time in
the ED so far) past 20 minutes is amber and past 48 minutes red: the counties' reported means of
the time to arrange a place and the time to leave the ED. A level is always shown in words (and
a symbol) beside its colour.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..situation import states
from .board_data import Row, Snapshot
from .roles import ALL_UNITS, OWN_REQUESTS, OWN_WARDS, NotEntitled, Role, situation_reach

LOAD_HIGH = 85.0  # percent: from here a ward's load is high
LOAD_FULL = 95.0  # percent: above this a ward is full
WAIT_AMBER = 20  # minutes: past the mean time to arrange a place
WAIT_RED = 48  # minutes: past the mean time to leave the ED
#: The limit each level names ("over 20 min").
LIMITS = {"amber": WAIT_AMBER, "red": WAIT_RED, "high": LOAD_HIGH, "full": LOAD_FULL}

HANDOFF_ACTIONS = ("create_handoff", "handoff_acknowledge", "handoff_complete",
                   "handoff_cancel")
TRANSPORT_ACTIONS = ("order_transport", *(f"transport_{a}" for a in states.TRANSPORT.actions))


def load_level(ward: Row) -> str | None:
    """normal, high or full (None for a ward without beds)."""
    if ward["load_percent"] is None:
        return None
    if ward["load_percent"] > LOAD_FULL or ward["counts"]["free"] == 0:
        return "full"
    return "high" if ward["load_percent"] >= LOAD_HIGH else "normal"


def wait_level(minutes: float) -> str:
    """normal, amber (past `WAIT_AMBER` minutes) or red (past `WAIT_RED`)."""
    if minutes > WAIT_RED:
        return "red"
    return "amber" if minutes > WAIT_AMBER else "normal"


def wait_levels(snapshot: Snapshot, now: datetime) -> tuple[str, ...]:
    """The wait level of every open request at `now`: the board is re-sent when one of them
    changes, even if nothing else did (the summary counts them)."""
    return tuple(wait_level(minutes_since(r["created_at"], now)) for r in snapshot.requests)


def own_ward_ids(wards: Iterable[Row], units: Iterable[str]) -> frozenset[int]:
    """The ids of the wards a user's units name, by id or code (as `situation.api.own_wards`,
    from rows already read)."""
    units = set(units)
    return frozenset(w["id"] for w in wards if w["code"] in units or str(w["id"]) in units)


@dataclass(frozen=True)
class Reach:
    """What a user may do in the situation centre, from their role's rights."""

    role: Role
    user_name: str
    own_wards: frozenset[int]

    def _reach(self, action: str) -> str | None:
        try:
            return situation_reach(self.role, action)
        except NotEntitled:
            return None

    def may(self, action: str, ward_id: int | None = None, owner: str | None = None) -> bool:
        """Whether the role may take `action` on an entity of `ward_id` created by `owner`."""
        reach = self._reach(action)
        return (reach == ALL_UNITS or (reach == OWN_WARDS and ward_id in self.own_wards)
                or (reach == OWN_REQUESTS and owner == self.user_name))

    def has(self, *actions: str) -> bool:
        """Whether the role has any of `actions` at all (for some ward or request)."""
        return any(self._reach(a) is not None for a in actions)


def row_key(entity: str, row: Row, action: str) -> str:
    """The idempotency key of a row's action form: the row's version is in it, so a form sent
    twice (a double click, a resent page) acts once, while the next action on the same row,
    made from the page re-rendered after the first, has a new key. The key stays the same while
    the row is unchanged, so a live update leaves unchanged rows exactly as they were."""
    return f"board:{entity}:{row['id']}:v{row['version']}:{action}"


def new_key() -> str:
    """The idempotency key of a creation form (a new one every time the form is shown)."""
    return "board:new:" + secrets.token_urlsafe(16)


def minutes_since(then: datetime, now: datetime) -> float:
    return max(0.0, (now - then).total_seconds() / 60)


@dataclass
class Board:
    """Everything the board's templates show for one user."""

    snapshot: Snapshot
    reach: Reach
    now: datetime
    wards: list[Row] = field(default_factory=list)
    requests: list[Row] = field(default_factory=list)
    handoffs: list[Row] = field(default_factory=list)
    transports: list[Row] = field(default_factory=list)
    #: The wards whose bed tables the user may act in (own wards for a ward nurse).
    acting_wards: frozenset[int] = frozenset()

    @property
    def shows_handoffs(self) -> bool:
        return self.reach.has(*HANDOFF_ACTIONS)

    @property
    def shows_transports(self) -> bool:
        return self.reach.has(*TRANSPORT_ACTIONS)

    @property
    def handoff_wards(self) -> list[Row]:
        """The wards the user may create hand-offs for."""
        return [w for w in self.wards if self.reach.may("create_handoff", w["id"])]

    def summary(self) -> dict[str, int]:
        """The counts the page announces (politely) when they change: open requests, those
        waited past `WAIT_AMBER` minutes (red ones too) and past `WAIT_RED`, requests offered
        to the user's wards, full wards."""
        levels = [r["wait_level"] for r in self.requests]
        return {"open": len(self.requests), "amber": len(levels) - levels.count("normal"),
                "red": levels.count("red"),
                "offered_to_me": sum(r["state"] == "offered" and r["ward_id"] in
                                     self.reach.own_wards for r in self.requests),
                "full": sum(w["load_level"] == "full" for w in self.wards)}


def _actions(machine: states.Machine, state: str, allowed) -> list[str]:
    return [a for a in machine.allowed(state) if a not in machine.internal and allowed(a)]


def build_board(snapshot: Snapshot, role: Role, user_name: str, units: Iterable[str],
                now: datetime) -> Board:
    """The board of `snapshot` for a user of `role` with `units`, waits counted to `now`."""
    reach = Reach(role, user_name, own_ward_ids(snapshot.wards, units))
    board = Board(snapshot, reach, now)
    open_ids = {r["id"] for r in snapshot.requests}
    for ward in snapshot.wards:
        acting = reach.may("bed_action", ward["id"])
        bed_rows = []
        for bed in ward["beds"]:
            actions = _actions(states.BED, bed["state"], lambda a: True) if acting else []
            if "vacate" in actions and bed["occupant_request_id"] in open_ids:
                actions.remove("vacate")  # its patient has not left the ED (service refuses)
            bed_rows.append({**bed, "actions": actions,
                             "keys": {a: row_key("bed", bed, a) for a in actions}})
        board.wards.append({**ward, "beds": bed_rows, "load_level": load_level(ward),
                            "acting": acting,
                            "reservable_for": [r for r in snapshot.requests
                                               if r["ward_id"] == ward["id"]
                                               and r["state"] in ("offered", "accepted")]})
    board.acting_wards = frozenset(w["id"] for w in board.wards if w["acting"])
    for request in snapshot.requests:
        waited = minutes_since(request["created_at"], now)
        actions = _actions(states.REQUEST, request["state"], lambda a, r=request: reach.may(
            a, r["ward_id"], r["created_by"]))
        row: dict[str, Any] = {**request, "waited": waited, "wait_level": wait_level(waited),
                               "actions": actions,
                               "keys": {a: row_key("request", request, a) for a in actions}}
        if "offer" in actions:  # wards of the needed specialty first
            row["offer_wards"] = sorted(snapshot.wards, key=lambda w, s=request["specialty"]: (
                w["specialty"] != s, w["code"]))
        if "place" in actions:
            ward = snapshot.ward(request["ward_id"])
            row["free_beds"] = [b for b in (ward["beds"] if ward else ())
                                if (b["state"] == "free" or (
                                    b["state"] == "reserved"
                                    and b["reserved_for_request_id"] == request["id"]))
                                and (b["is_isolation"] or not request["needs_isolation"])]
        board.requests.append(row)
    for handoff in snapshot.handoffs:
        actions = _actions(states.HANDOFF, handoff["state"], lambda a, h=handoff: reach.may(
            f"handoff_{a}", h["ward_id"]))
        board.handoffs.append({**handoff, "actions": actions,
                               "keys": {a: row_key("handoff", handoff, a) for a in actions}})
    for transport in snapshot.transports:
        actions = _actions(states.TRANSPORT, transport["state"],
                           lambda a: reach.may(f"transport_{a}"))
        board.transports.append({**transport, "actions": actions,
                                 "keys": {a: row_key("transport", transport, a)
                                          for a in actions}})
    return board
