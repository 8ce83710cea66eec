"""The situation centre's state machines as data: for each entity, state → action → next state.

This module is the one place the lifecycles are defined; the service (`service.py`), the docs
(`docs/situation.md`) and the tests read these tables. No database here."""

from __future__ import annotations

from dataclasses import dataclass, field

from tilannekuva.situation.errors import IllegalTransition


@dataclass(frozen=True)
class Machine:
    entity: str
    initial: str
    transitions: dict[str, dict[str, str]]
    final: frozenset[str] = frozenset()
    # Actions that must carry a non-empty reason (decline, cancel, interrupt, block).
    needs_reason: frozenset[str] = frozenset()
    # Actions the service performs only as part of another operation (a bed is occupied only by
    # placing a request), never through the entity's generic action call.
    internal: frozenset[str] = frozenset()
    descriptions: dict[str, str] = field(default_factory=dict)

    @property
    def states(self) -> list[str]:
        return list(self.transitions)

    @property
    def actions(self) -> list[str]:
        seen: dict[str, None] = {}
        for moves in self.transitions.values():
            seen.update(dict.fromkeys(moves))
        return list(seen)

    def allowed(self, state: str) -> list[str]:
        return list(self.transitions.get(state, {}))

    def reason(self, state: str, action: str) -> str:
        """Why `action` is not allowed from `state` (assumes it is not)."""
        if state not in self.transitions:
            return f"{state!r} is not a {self.entity} state ({', '.join(self.states)})"
        if action not in self.actions:
            return f"{action!r} is not a {self.entity} action ({', '.join(self.actions)})"
        if state in self.final:
            return f"the {self.entity} is {state}, a final state: nothing more can happen to it"
        sources = [s for s, moves in self.transitions.items() if action in moves]
        return (f"{action} is allowed only when the {self.entity} is {' or '.join(sources)}; "
                f"from {state} the allowed actions are {', '.join(self.allowed(state))}")

    def next_state(self, state: str, action: str, entity_id: object = None) -> str:
        """The state after `action`, or `IllegalTransition` with the reason."""
        nxt = self.transitions.get(state, {}).get(action)
        if nxt is None:
            raise IllegalTransition(self.entity, entity_id, state, action,
                                    self.reason(state, action))
        return nxt


BED = Machine(
    entity="bed",
    initial="free",
    transitions={
        "free": {"reserve": "reserved", "occupy": "occupied", "block": "blocked"},
        "reserved": {"release": "free", "occupy": "occupied", "block": "blocked"},
        # vacate: the patient left the ward, the bed needs cleaning; undo_placement: the
        # routing request was cancelled or interrupted before the patient arrived.
        "occupied": {"vacate": "cleaning", "undo_placement": "free"},
        "cleaning": {"cleaned": "free", "block": "blocked"},
        "blocked": {"unblock": "free"},
    },
    needs_reason=frozenset({"block"}),
    internal=frozenset({"occupy", "undo_placement"}),
    descriptions={
        "free": "empty, clean and available",
        "reserved": "held for a coming patient (optionally a named routing request)",
        "occupied": "holds exactly one patient (the placed routing request)",
        "cleaning": "vacated, being cleaned",
        "blocked": "out of use (staffing, repair, closed isolation)",
    },
)

_ENDS = {"cancel": "cancelled", "interrupt": "interrupted"}

REQUEST = Machine(
    entity="routing request",
    initial="open",
    transitions={
        "open": {"offer": "offered", **_ENDS},
        # decline (by the ward) and withdraw (by the coordinator) return the request to open so
        # it can be offered to another ward.
        "offered": {"accept": "accepted", "decline": "open", "withdraw": "open", **_ENDS},
        "accepted": {"place": "placed", "withdraw": "open", **_ENDS},
        "placed": {"depart": "departed", **_ENDS},
        "departed": {},
        "cancelled": {},
        "interrupted": {},
    },
    final=frozenset({"departed", "cancelled", "interrupted"}),
    needs_reason=frozenset({"decline", "withdraw", "cancel", "interrupt"}),
    descriptions={
        "open": "waiting in the ED for a place; no ward holds it",
        "offered": "offered to one ward, waiting for its answer",
        "accepted": "the ward accepted; waiting for a bed",
        "placed": "a bed of the accepting ward is occupied by the patient",
        "departed": "the patient has left the ED (final)",
        "cancelled": "no longer needed, e.g. discharged home from the ED (final)",
        "interrupted": "the routing broke off, e.g. no place found or sent elsewhere (final)",
    },
)

HANDOFF = Machine(
    entity="hand-off",
    initial="created",
    transitions={
        "created": {"acknowledge": "acknowledged", "cancel": "cancelled"},
        "acknowledged": {"complete": "completed", "cancel": "cancelled"},
        "completed": {},
        "cancelled": {},
    },
    final=frozenset({"completed", "cancelled"}),
    needs_reason=frozenset({"cancel"}),
    descriptions={
        "created": "the ward announced a discharge to a home-care team",
        "acknowledged": "the home-care team took it on",
        "completed": "the patient is home and home care has started (final)",
        "cancelled": "the discharge will not happen (final)",
    },
)

TRANSPORT = Machine(
    entity="transport",
    initial="ordered",
    transitions={
        "ordered": {"accept": "accepted", "cancel": "cancelled"},
        "accepted": {"depart": "departed", "cancel": "cancelled"},
        "departed": {"pick_up": "picked_up", "cancel": "cancelled"},
        "picked_up": {"deliver": "delivered", "cancel": "cancelled"},
        "delivered": {},
        "cancelled": {},
    },
    final=frozenset({"delivered", "cancelled"}),
    needs_reason=frozenset({"cancel"}),
    descriptions={
        "ordered": "ordered, not yet taken by an ambulance unit",
        "accepted": "an ambulance unit took the order",
        "departed": "the unit is on its way to the patient",
        "picked_up": "the patient is on board",
        "delivered": "the patient is at the destination (final)",
        "cancelled": "called off (final)",
    },
)

MACHINES: dict[str, Machine] = {
    "bed": BED, "request": REQUEST, "handoff": HANDOFF, "transport": TRANSPORT}

URGENCIES = ("emergency", "urgent", "non_urgent")  # routing requests: codes/urgency.csv
TRANSPORT_URGENCIES = ("urgent", "non_urgent")
SAFETY_NEEDS = ("isolation", "violence_risk", "escort", "stretcher", "oxygen", "monitoring",
                "bariatric")


def transition(kind: str, state: str, action: str, entity_id: object = None) -> str:
    """The next state of an entity of `kind` ('bed', 'request', 'handoff', 'transport')."""
    return MACHINES[kind].next_state(state, action, entity_id)


def markdown_table(machine: Machine) -> str:
    """The machine as a Markdown table for docs/situation.md (a test keeps the two equal)."""
    lines = ["| state | meaning | action → next state |", "|---|---|---|"]
    for state, moves in machine.transitions.items():
        actions = ", ".join(f"{a} → {n}" for a, n in moves.items()) or "— (final)"
        lines.append(f"| {state} | {machine.descriptions[state]} | {actions} |")
    return "\n".join(lines)
