"""Every legal and every illegal transition of every situation-centre state machine, generated
from the transition tables in `tilannekuva.situation.states`: first on the tables alone, then
through the service on SQLite and PostgreSQL (`situation_url`)."""

from __future__ import annotations

from collections import deque

import pytest

from tilannekuva.situation import (
    Conflict,
    IllegalTransition,
    SituationCentre,
    create_engine,
    create_schema,
)
from tilannekuva.situation.states import BED, HANDOFF, MACHINES, REQUEST, TRANSPORT, Machine

PAIRS = [(kind, state, action) for kind, m in MACHINES.items()
         for state in m.states for action in m.actions]


def paths(machine: Machine) -> dict[str, list[str]]:
    """The shortest list of actions that brings a new entity to each state."""
    found = {machine.initial: []}
    queue = deque([machine.initial])
    while queue:
        state = queue.popleft()
        for action, nxt in machine.transitions[state].items():
            if nxt not in found:
                found[nxt] = [*found[state], action]
                queue.append(nxt)
    return found


def test_tables_are_well_formed():
    for kind, m in MACHINES.items():
        assert m.initial in m.transitions, kind
        assert set(paths(m)) == set(m.states), f"{kind}: a state cannot be reached"
        for moves in m.transitions.values():
            assert set(moves.values()) <= set(m.states), kind
        for state in m.final:
            assert m.transitions[state] == {}, f"{kind}: final {state} has moves"
        for state in set(m.states) - m.final:
            assert m.transitions[state], f"{kind}: {state} is a dead end but not final"
        assert m.needs_reason <= set(m.actions) and m.internal <= set(m.actions)
        assert set(m.descriptions) == set(m.states), kind


def test_requests_can_be_cancelled_or_interrupted_from_every_non_final_state():
    for state in set(REQUEST.states) - REQUEST.final:
        assert REQUEST.transitions[state]["cancel"] == "cancelled"
        assert REQUEST.transitions[state]["interrupt"] == "interrupted"
    for machine in (HANDOFF, TRANSPORT):
        for state in set(machine.states) - machine.final:
            assert machine.transitions[state]["cancel"] == "cancelled"


@pytest.mark.parametrize(("kind", "state", "action"), PAIRS)
def test_transition_table(kind, state, action):
    machine = MACHINES[kind]
    expected = machine.transitions[state].get(action)
    if expected is not None:
        assert machine.next_state(state, action, 7) == expected
        return
    with pytest.raises(IllegalTransition) as raised:
        machine.next_state(state, action, 7)
    error = raised.value
    assert (error.entity, error.entity_id, error.state, error.action) == (
        machine.entity, 7, state, action)
    assert error.reason == machine.reason(state, action)
    assert str(error) == f"cannot {action} {machine.entity} 7 (state {state}): {error.reason}"
    if state in machine.final:
        assert "final state" in error.reason
    else:
        assert f"from {state} the allowed actions are" in error.reason


def test_unknown_state_and_action_are_explained():
    assert "not a bed state" in BED.reason("flying", "reserve")
    assert "not a bed action" in BED.reason("free", "fly")
    with pytest.raises(IllegalTransition, match="not a transport action"):
        TRANSPORT.next_state("ordered", "teleport")


# -- the same tables through the service, on both databases ------------------------------------

class Driver:
    """Creates entities and applies a machine's actions to them through the service."""

    def __init__(self, sc: SituationCentre):
        self.sc = sc
        self.ward = sc.create_ward("coord", "W1", "Ward 1", "internal_medicine", 200, 200)["id"]
        self.other_ward = sc.create_ward("coord", "W2", "Ward 2", "surgery", 5)["id"]
        self.beds = 0
        self.pending: dict[int, int] = {}  # bed id -> accepted request waiting for it

    def bed(self) -> int:
        self.beds += 1
        return self.sc.create_bed("coord", self.ward, f"B{self.beds}", is_isolation=True)["id"]

    def accepted_request(self) -> int:
        rid = self.sc.create_request("ed", "internal_medicine", "urgent")["id"]
        self.sc.offer("coord", rid, self.ward)
        self.sc.accept("ward", rid)
        return rid

    def pending_for(self, bed_id: int) -> int:
        rid = self.pending.get(bed_id)
        if rid is None or self.sc.get("request", rid)["state"] != "accepted":
            rid = self.pending[bed_id] = self.accepted_request()
        return rid

    def create(self, kind: str) -> int:
        sc = self.sc
        if kind == "bed":
            return self.bed()
        if kind == "request":
            return sc.create_request("ed", "internal_medicine", "urgent")["id"]
        if kind == "handoff":
            return sc.create_handoff("ward", self.ward, "Kotihoito Kokkola")["id"]
        return sc.order_transport("coord", "urgent", "ED", "Ward 1", ["escort"])["id"]

    def apply(self, kind: str, entity_id: int, action: str) -> str:
        sc = self.sc
        reason = "test reason"
        if kind == "bed":
            bed = sc.get("bed", entity_id)
            if action == "occupy":
                sc.place("ward", self.pending_for(entity_id), entity_id)
            elif action == "undo_placement":
                if bed["state"] != "occupied":  # no service call can express it
                    BED.next_state(bed["state"], action, entity_id)
                sc.cancel("coord", bed["occupant_request_id"], reason)
            elif action == "reserve":
                sc.bed_action("ward", entity_id, action, request_id=self.pending_for(entity_id))
            else:
                occupant = bed["occupant_request_id"]
                if action == "vacate" and occupant is not None:
                    sc.depart("ward", occupant)
                sc.bed_action("ward", entity_id, action, reason=reason)
        elif kind == "request":
            if action == "offer":
                sc.offer("coord", entity_id, self.ward)
            elif action == "place":
                sc.place("ward", entity_id, self.bed())
            elif action in REQUEST.needs_reason:
                getattr(sc, action)("coord", entity_id, reason)
            else:
                getattr(sc, action)("ward", entity_id)
        elif kind == "handoff":
            sc.handoff_action("homecare", entity_id, action, reason=reason)
        else:
            sc.transport_action("amb", entity_id, action, reason=reason)
        return sc.get(kind, entity_id)["state"]


@pytest.mark.parametrize("kind", list(MACHINES))
def test_every_transition_through_the_service(situation_url, kind):
    engine = create_engine(situation_url)
    create_schema(engine)
    try:
        driver = Driver(SituationCentre(engine))
        machine = MACHINES[kind]
        routes = paths(machine)
        checked = 0
        for state in machine.states:
            for action in machine.actions:
                entity_id = driver.create(kind)
                for step in routes[state]:
                    driver.apply(kind, entity_id, step)
                assert driver.sc.get(kind, entity_id)["state"] == state
                expected = machine.transitions[state].get(action)
                if expected is not None:
                    assert driver.apply(kind, entity_id, action) == expected, (state, action)
                elif kind == "bed" and action == "occupy":
                    # Placing into a bed that is not free is a lost race: Conflict, naming it.
                    with pytest.raises(Conflict, match=r"bed B\d+ \(id \d+\) is no longer free"):
                        driver.apply(kind, entity_id, action)
                elif kind == "request" and (state, action) == ("placed", "place"):
                    # Placing a placed request again is the loser of a race: Conflict.
                    with pytest.raises(Conflict, match=r"already placed in bed B\d+"):
                        driver.apply(kind, entity_id, action)
                else:
                    with pytest.raises(IllegalTransition) as raised:
                        driver.apply(kind, entity_id, action)
                    assert raised.value.reason == machine.reason(state, action), (state, action)
                    assert driver.sc.get(kind, entity_id)["state"] == state
                checked += 1
        assert checked == len(machine.states) * len(machine.actions)
    finally:
        engine.dispose()


def test_internal_bed_actions_are_refused_directly(situation_url):
    engine = create_engine(situation_url)
    create_schema(engine)
    try:
        driver = Driver(SituationCentre(engine))
        bed = driver.bed()
        for action in sorted(BED.internal):
            with pytest.raises(IllegalTransition, match="only through the routing request"):
                driver.sc.bed_action("ward", bed, action)
        assert driver.sc.get("bed", bed)["state"] == "free"
    finally:
        engine.dispose()


def test_docs_show_the_machines_as_defined():
    from pathlib import Path

    from tilannekuva.situation.states import markdown_table

    doc = (Path(__file__).parent.parent / "docs" / "situation.md").read_text(encoding="utf-8")
    for machine in MACHINES.values():
        assert markdown_table(machine) in doc, f"docs/situation.md: {machine.entity} table is stale"
