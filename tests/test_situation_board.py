"""The situation board (/situation) in-process with TestClient, on SQLite and PostgreSQL
(`situation_url`), over the hand-worked situation centre of `board_seed`: what each role sees
and may do (its forms and no others), the thresholds, a form that acts and comes back with the
message in the user's language, a double submit that acts once, refusals (403, audited), and
the event stream. The same board in a real browser, updating without reload, is in
test_web_browser.py."""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import board_seed
import pytest
import web_county
from fastapi.testclient import TestClient
from web_county import client_for

from tilannekuva.config import Settings
from tilannekuva.situation import states
from tilannekuva.web import board
from tilannekuva.web.app import create_app
from tilannekuva.web.board_view import load_level, wait_level
from tilannekuva.web.i18n import catalogue

EN, FI = catalogue("en"), catalogue("fi")


@pytest.fixture(scope="module")
def county(tmp_path_factory) -> Path:
    db = web_county.build(tmp_path_factory.mktemp("board") / "county.duckdb")
    board_seed.add_users(db)
    return db


@pytest.fixture
def app(county, situation_url):
    board_seed.seed(situation_url, datetime.now(UTC))
    app = create_app(county, Settings(database=county, min_cell_size=5, pseudonym_key=None,
                                      situation_database=situation_url))
    yield app
    app.state.situation.engine.dispose()


def forms(html: str) -> set[str]:
    """Where the board's forms post (not the language switch or sign-out)."""
    return set(re.findall(r'<form method="post" action="(/situation[^"]*)"', html))


def key_of(html: str, action: str) -> str:
    """The idempotency key in the hidden field of the form posting to `action`."""
    form = re.search(rf'<form method="post" action="{re.escape(action)}".*?</form>', html, re.S)
    return re.search(r'name="key" value="([^"]+)"', form[0])[1]


def message_of(html: str) -> str:
    found = re.search(r'<div class="board-message[^>]*>(.*?)</div>', html, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found[1])).strip() if found else ""


def refusals(app) -> list[tuple[str, dict]]:
    con = app.state.figures.cursor()
    try:
        rows = con.execute("SELECT user_name, scope FROM audit_log WHERE action = "
                           "'situation_refused' ORDER BY entry_id").fetchall()
    finally:
        con.close()
    return [(user, json.loads(scope)) for user, scope in rows]


# --- the thresholds (hand-worked, no database) -----------------------------------------------

def _ward(load: float | None, free: int) -> dict:
    return {"load_percent": load, "counts": {"free": free}}


@pytest.mark.parametrize(("load", "free", "level"), [
    (None, 0, None), (0.0, 3, "normal"), (84.9, 3, "normal"), (85.0, 3, "high"),
    (95.0, 1, "high"), (95.1, 1, "full"), (50.0, 0, "full")])
def test_a_wards_load_level_follows_the_thresholds(load, free, level):
    assert load_level(_ward(load, free)) == level


@pytest.mark.parametrize(("minutes", "level"), [
    (0, "normal"), (20, "normal"), (20.01, "amber"), (48, "amber"), (48.01, "red"), (600, "red")])
def test_a_requests_wait_level_follows_the_thresholds(minutes, level):
    assert wait_level(minutes) == level


def test_every_label_the_board_builds_is_in_the_catalogues():
    keys = {f"board.bed_state.{s}" for s in states.BED.states}
    keys |= {f"board.level.{level}" for level in ("high", "full", "amber", "red")}
    for entity, machine in (("request", states.REQUEST), ("bed", states.BED),
                            ("handoff", states.HANDOFF), ("transport", states.TRANSPORT)):
        keys |= {f"board.do.{entity}.{a}" for a in machine.actions if a not in machine.internal}
    keys |= {f"board.do.{entity}.create" for entity in ("request", "handoff", "transport")}
    keys |= {f"board.error.{code}" for code in (403, 404, 409, 422)}
    folder = Path("src/tilannekuva/web/messages")
    for language in ("fi", "sv", "en"):
        texts = tomllib.loads((folder / f"{language}.toml").read_text())
        assert keys <= texts.keys(), keys - texts.keys()


# --- what each role sees and may do ----------------------------------------------------------

R, B = "/situation/requests", "/situation/beds"
#: board_seed's board, worked by hand: each role's forms, from the state machines and the rights.
FORMS = {
    "tilannekeskus": {
        R, "/situation/handoffs", "/situation/transports",
        *(f"{R}/1/{a}" for a in ("accept", "decline", "withdraw", "cancel", "interrupt")),
        *(f"{R}/2/{a}" for a in ("offer", "cancel", "interrupt")),
        *(f"{R}/3/{a}" for a in ("place", "withdraw", "cancel", "interrupt")),
        *(f"{B}/{bed}/{a}" for bed in (1, 2, 3) for a in ("reserve", "block")),
        f"{B}/4/release", f"{B}/4/block", f"{B}/5/unblock",
        "/situation/handoffs/1/acknowledge", "/situation/handoffs/1/cancel",
        "/situation/transports/1/accept", "/situation/transports/1/cancel"},
    "ensihoitaja": {R, "/situation/transports", f"{R}/1/cancel", f"{R}/3/cancel"},
    "ensihoitaja2": {R, "/situation/transports", f"{R}/2/cancel"},
    "osastohoitaja": {
        f"{R}/1/accept", f"{R}/1/decline",
        *(f"{B}/{bed}/{a}" for bed in (1, 2, 3) for a in ("reserve", "block")),
        "/situation/handoffs", "/situation/handoffs/1/cancel", "/situation/transports"},
    "osastohoitaja4": {
        f"{R}/3/place", f"{B}/4/release", f"{B}/4/block", f"{B}/5/unblock",
        "/situation/handoffs", "/situation/transports"},
    "kotihoito": {"/situation/handoffs/1/acknowledge", "/situation/handoffs/1/cancel"},
    "kuljetus": {"/situation/transports", "/situation/transports/1/accept",
                 "/situation/transports/1/cancel"},
    "katsoja": set(),
}
#: Which lists each role is shown beside the wards and requests.
LISTS = {"tilannekeskus": {"handoffs", "transports"}, "ensihoitaja": {"transports"},
         "ensihoitaja2": {"transports"}, "osastohoitaja": {"handoffs", "transports"},
         "osastohoitaja4": {"handoffs", "transports"}, "kotihoito": {"handoffs"},
         "kuljetus": {"transports"}, "katsoja": set()}


def test_each_role_sees_the_board_with_its_own_forms_and_no_others(app):
    for user, expected in FORMS.items():
        response = client_for(app, user).get("/situation")
        assert response.status_code == 200, (user, response.text)
        html = response.text
        assert forms(html) == expected, (user, forms(html) ^ expected)
        lists = {name for name in ("handoffs", "transports")
                 if f'<tbody data-live="{name}">' in html}
        assert lists == LISTS[user], user
        assert '<a href="/situation" aria-current="page">Situation board</a>' in html, user


def test_the_board_shows_the_hand_worked_beds_loads_and_waits(app):
    html = client_for(app, "osastohoitaja").get("/situation").text
    os3 = re.search(r'<tr id="ward-1".*?</tr>', html, re.S)[0]
    os4 = re.search(r'<tr id="ward-2".*?</tr>', html, re.S)[0]
    cells = lambda row: re.findall(r'<td class="num[^"]*">\s*([^<]*)', row)  # noqa: E731
    # free, occupied, reserved, cleaning, blocked, load, isolation patients/rooms, free rooms
    assert [c.strip() for c in cells(os3)] == ["3", "0", "0", "0", "0", "0.0%", "0 / 1", "1"]
    assert [c.strip() for c in cells(os4)] == ["0", "0", "1", "0", "1", "50.0%", "0 / 0", "0"]
    assert 'class="load-normal"' in os3 and 'class="load-full"' in os4
    assert "■</span> full" in os4  # the level in words and a symbol, not colour alone
    waits = {int(i): (level, int(minutes)) for i, level, minutes in re.findall(
        r'<tr id="request-(\d+)".*?class="num waited wait-(\w+)" data-since="[^"]+">'
        r'<span class="minutes">(\d+)</span>', html, re.S)}
    assert waits == {3: ("red", 50), 2: ("amber", 25), 1: ("normal", 0)}
    assert list(waits) == [3, 2, 1]  # the longest waiting first
    assert "over 48 min" in re.search(r'<tr id="request-3".*?</tr>', html, re.S)[0]
    summary = re.search(r'<p id="board-summary"[^>]*>(.*?)</p>', html, re.S)[1]
    assert summary == ("Open requests: 3; waited over 20 min: 2; over 48 min: 1. Full wards: 1."
                       " Offered to your wards: 1.")
    # The isolation room is offered to the nurse's patients who need one; bed 3 is it.
    beds = re.search(r'<tbody data-live="beds-1">.*?</tbody>', html, re.S)[0]
    assert re.search(r'<tr id="bed-3".*?Isolation room', beds, re.S)


def test_a_ward_nurse_can_place_only_into_free_beds_of_the_ward_isolation_for_isolation(app):
    centre = app.state.situation
    request = centre.create_request("ensihoitaja", "internal_medicine", "urgent", True)
    centre.offer("tilannekeskus", request["id"], 1)
    centre.accept("osastohoitaja", request["id"])
    html = client_for(app, "osastohoitaja").get("/situation").text
    select = re.search(rf'<select id="request-{request["id"]}-place-bed".*?</select>', html,
                       re.S)[0]
    assert re.findall(r'<option value="(\d+)"', select) == ["3"]  # the isolation room only


# --- forms act and come back with a message --------------------------------------------------

def test_a_form_acts_and_comes_back_to_the_board_with_the_message(app):
    nurse = client_for(app, "osastohoitaja", "fi")
    html = nurse.get("/situation").text
    response = nurse.post("/situation/requests/1/accept",
                          data={"key": key_of(html, "/situation/requests/1/accept")},
                          follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/situation#request-1"
    assert app.state.situation.get("request", 1)["state"] == "accepted"
    html = nurse.get("/situation").text
    assert message_of(html) == "Tehty: Hyväksy – pyyntö 1."
    assert 'role="status"' in re.search(r'<div class="board-message[^>]*>', html)[0]
    assert message_of(nurse.get("/situation").text) == ""  # shown once

    # Placing through the form: the bed select of the accepted request.
    response = nurse.post("/situation/requests/1/place", data={
        "bed_id": "2", "key": key_of(html, "/situation/requests/1/place")})
    assert response.status_code == 200 and message_of(response.text) == (
        "Tehty: Sijoita – pyyntö 1.")
    assert app.state.situation.get("request", 1)["bed_id"] == 2

    # A stale form: declining what was placed meanwhile is a 409 with the service's reason.
    response = nurse.post("/situation/requests/1/decline", data={"reason": "täynnä"})
    assert response.status_code == 200
    text = message_of(response.text)
    assert text.startswith(FI["board.error.409"])
    assert "cannot decline routing request 1 (state placed)" in text
    assert 'lang="en"' in re.search(r'<div class="board-message.*?</div>', response.text,
                                    re.S)[0]
    assert app.state.situation.get("request", 1)["state"] == "placed"


def test_unknown_items_missing_or_unsafe_input_are_messages_and_nothing_changes(app):
    coordinator = client_for(app, "tilannekeskus")
    response = coordinator.post("/situation/requests/99/interrupt", data={"reason": "x"})
    assert message_of(response.text) == (
        f"{EN['board.error.404']} no routing request with id 99")
    assert coordinator.post("/situation/requests/1/teleport").status_code == 404
    response = coordinator.post("/situation/requests/2/cancel", data={"reason": "  "})
    assert message_of(response.text).startswith(EN["board.error.422"])
    assert "a reason to cancel" in message_of(response.text)
    response = coordinator.post("/situation/requests/2/offer", data={"ward_id": "OS3"})
    assert message_of(response.text) == f"{EN['board.error.422']} the ward must be a whole number"
    response = coordinator.post("/situation/requests", data={
        "specialty": "surgery", "urgency": "urgent", "patient_ref": "131052-308T"})
    assert "looks like a personal identity code" in message_of(response.text)
    assert [a["entity_id"] for a in app.state.situation.audit("request")
            if a["action"] == "create"] == [1, 2, 3]
    assert "131052-308T" not in json.dumps(app.state.situation.audit())
    # An identity code in a note is redacted, as at import.
    response = coordinator.post("/situation/requests", data={
        "specialty": "surgery", "urgency": "urgent", "note": "hetu 131052-308T mukana"},
        follow_redirects=False)
    created = int(response.headers["location"].rsplit("-", 1)[1])
    assert app.state.situation.get("request", created)["note"] == (
        "hetu [henkilötunnus poistettu] mukana")


def test_a_double_submit_with_the_same_hidden_key_acts_once(app):
    nurse = client_for(app, "ensihoitaja")
    html = nurse.get("/situation").text
    form = {"specialty": "surgery", "urgency": "emergency", "needs_isolation": "yes",
            "patient_ref": "P9", "note": "", "key": key_of(html, "/situation/requests")}
    first = nurse.post("/situation/requests", data=form, follow_redirects=False)
    second = nurse.post("/situation/requests", data=form, follow_redirects=False)
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"] == "/situation#request-4"
    requests = app.state.situation.audit("request")
    assert [r["entity_id"] for r in requests if r["action"] == "create"] == [1, 2, 3, 4]
    assert app.state.situation.get("request", 4)["needs_isolation"] is True

    # A row's form twice (a double click): the second returns the first's result, not a 409.
    coordinator = client_for(app, "tilannekeskus")
    html = coordinator.get("/situation").text
    data = {"ward_id": "2", "key": key_of(html, "/situation/requests/2/offer")}
    for _ in range(2):
        response = coordinator.post("/situation/requests/2/offer", data=data)
        assert message_of(response.text) == "Done: Offer – request 2."
    assert [e["action"] for e in app.state.situation.history("request", 2)] == [
        "create", "offer"]
    # The re-rendered row has a new key: the row's version is in it.
    assert key_of(response.text, "/situation/requests/2/withdraw").endswith(":withdraw")
    assert data["key"] != key_of(response.text, "/situation/requests/2/withdraw")


def test_a_refused_action_is_403_with_the_board_and_is_audited(app):
    before = len(refusals(app))
    # The nurse of OS3 withdrawing (a coordinator's action), and placing the request that
    # OS4 accepted (as from a stale page).
    nurse = client_for(app, "osastohoitaja")
    response = nurse.post("/situation/requests/3/withdraw", data={"reason": "x"})
    assert response.status_code == 403
    assert message_of(response.text).startswith(EN["board.error.403"])
    response = nurse.post("/situation/requests/3/place", data={"bed_id": "4"})
    assert response.status_code == 403
    assert "ward OS4" in message_of(response.text)
    assert app.state.situation.get("request", 3)["state"] == "accepted"
    # The viewer may not create a request; the director may not even read the board.
    response = client_for(app, "katsoja").post("/situation/requests", data={
        "specialty": "surgery", "urgency": "urgent"})
    assert response.status_code == 403
    director = client_for(app, "johtaja")
    response = director.get("/situation")
    assert response.status_code == 403 and EN["refused.situation"] in response.text
    response = director.post("/situation/requests/1/cancel", data={"reason": "x"})
    assert response.status_code == 403 and 'id="board"' not in response.text  # not shown
    assert 'href="/situation"' not in director.get("/spc").text  # no link in the navigation
    assert director.get("/situation/stream").status_code == 403
    entries = refusals(app)[before:]
    assert [(user, scope["action"], scope["channel"]) for user, scope in entries] == [
        ("osastohoitaja", "withdraw", "page"), ("osastohoitaja", "place", "page"),
        ("katsoja", "create_request", "page"), ("johtaja", "read", "page"),
        ("johtaja", "cancel", "page"), ("johtaja", "read", "page")]
    assert entries[1][1]["request_id"] == 3


# --- the stream ------------------------------------------------------------------------------

def sse_events(lines: Iterator[str]) -> Iterator[tuple[str, dict]]:
    """(event, data) of each event of a server-sent-events stream."""
    event, data = "message", None
    for line in lines:
        if line.startswith("event: "):
            event = line[len("event: "):]
        elif line.startswith("data: "):
            data = json.loads(line[len("data: "):])
        elif line == "" and data is not None:
            yield event, data
            event, data = "message", None


@pytest.fixture
def short_streams(monkeypatch):
    """Streams that poll every 0.05 s, beat after 0.3 s of quiet and end after 3 s, so a test
    reading one always ends."""
    monkeypatch.setattr(board, "POLL_SECONDS", 0.05)
    monkeypatch.setattr(board, "HEARTBEAT_SECONDS", 0.3)
    monkeypatch.setattr(board, "STREAM_SECONDS", 3.0)


def test_the_stream_sends_the_changed_rows_after_a_change_and_beats_when_quiet(
        app, short_streams):
    viewer = client_for(app, "katsoja")
    assert TestClient(app).get("/situation/stream").status_code == 401
    html = viewer.get("/situation").text
    version = re.search(r'data-version="([^"]+)"', html)[1]
    with viewer.stream("GET", f"/situation/stream?since={version}") as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        events = sse_events(stream.iter_lines())
        # Nothing changed since the page: only heartbeats.
        assert next(events)[0] == "heartbeat"
        app.state.situation.create_request("ensihoitaja", "surgery", "urgent",
                                           patient_ref="P7")
        kind, data = next(e for e in events if e[0] == "board")
    assert data["version"] != version
    rows = data["regions"]["requests"]
    assert re.findall(r'<tr id="request-(\d+)"', rows) == ["3", "2", "1", "4"]
    assert "P7" in rows
    assert data["regions"]["summary"].startswith("Open requests: 4;")
    # Only what changed since the page: the wards and beds are as they were.
    assert set(data["regions"]) == {"requests", "summary"}

    # A page of an older version gets every region the viewer is shown (no hand-offs).
    with viewer.stream("GET", f"/situation/stream?since={version}") as stream:
        kind, data = next(e for e in sse_events(stream.iter_lines()) if e[0] == "board")
    assert set(data["regions"]) == {"wards", "requests", "beds-1", "beds-2", "summary"}


def test_a_stream_resumed_at_the_current_version_sends_only_what_changes_later(
        app, short_streams):
    coordinator = client_for(app, "tilannekeskus")
    version = re.search(r'data-version="([^"]+)"',
                        coordinator.get("/situation").text)[1]
    with coordinator.stream("GET", "/situation/stream",
                            headers={"Last-Event-ID": version}) as stream:
        lines = list(stream.iter_lines())  # the stream ends by itself (STREAM_SECONDS)
    kinds = [kind for kind, _ in sse_events(iter(lines))]
    assert "retry: 2000" in lines
    assert kinds and set(kinds) == {"heartbeat"}  # nothing changed: no board at all
    assert len(kinds) >= 5  # 3 s at a beat every 0.3 s of quiet

    with coordinator.stream("GET", "/situation/stream", headers={"Last-Event-ID": version}
                            ) as stream:
        events = sse_events(stream.iter_lines())
        coordinator.post("/situation/transports/1/accept", data={"key": "k1"})
        kind, data = next(e for e in events if e[0] == "board")
        assert "accepted by an ambulance unit" in data["regions"]["transports"]
        app.state.situation.transport_action("kuljetus", 1, "depart")
        kind, second = next(e for e in events if e[0] == "board")
    # Only what changed since the page, and then since this connection's last event: the
    # transports (the requests are re-sent only if a minute ticked over in between).
    assert set(data["regions"]) - {"requests"} == {"transports"}
    assert set(second["regions"]) - {"requests"} == {"transports"}
    assert "unit on its way" in second["regions"]["transports"]
