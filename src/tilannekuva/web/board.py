"""The situation board, /situation: per ward the beds by state, the load and the isolation
patients; the open routing requests with how long each has waited; the open hand-offs and
transports for the roles that act on them; and a form for every action the user's role may take
(`board_view`). Server-rendered HTML that works without a script: forms post to the routes in
`board_forms` and come back to the board with a message.

With a script (`static/board.js`, no framework, nothing from outside the package) the board
keeps itself up to date: `/situation/stream` is a server-sent-events stream that sends the rows
of the board that changed, rendered on the server by the very macros the page uses
(`templates/board_rows.html`), in the user's language and with the user's forms. Rendered rows
rather than JSON: the labels, number formats and per-role forms exist once, in the templates,
and the script only swaps rows by id. See docs/situation.md, "The board".
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections import OrderedDict
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import anyio
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.sse import EventSourceResponse, ServerSentEvent

from ..schema.codelists import codes
from ..situation import states
from ..situation.api import act
from .accounts import User
from .auth import user_of
from .board_data import BoardWatch, Snapshot, read_snapshot
from .board_view import (
    LIMITS,
    LOAD_FULL,
    LOAD_HIGH,
    WAIT_AMBER,
    WAIT_RED,
    Board,
    build_board,
    new_key,
    wait_levels,
)
from .i18n import Translator
from .pages import PageUser, render, templates, translator_of
from .roles import OWN_REQUESTS, SITUATION_RIGHTS, Role

router = APIRouter(include_in_schema=False)
HELSINKI = ZoneInfo("Europe/Helsinki")
#: A stream ends after this many seconds; the browser's EventSource then reconnects (after
#: `RETRY_MS`), so no connection holds a server for ever and a signed-out or expired session
#: stops getting updates within this time.
STREAM_SECONDS = 300.0
#: How often a stream looks for a change (the snapshot is shared: `board_data.BoardWatch`).
POLL_SECONDS = 1.0
#: A heartbeat event after this many seconds without an update, so the page can tell a quiet
#: board from a lost connection (and proxies keep the connection open).
HEARTBEAT_SECONDS = 15.0
RETRY_MS = 2000
MESSAGE_COOKIE = "tilannekuva_board_message"


def reads_situation(role: Role) -> bool:
    """Whether the role may read the situation centre (its board link is in the navigation)."""
    return "read" in SITUATION_RIGHTS.get(role.name, {})


templates.env.globals["reads_situation"] = reads_situation


def clock(value: datetime | None, with_date: bool = False, seconds: bool = False) -> str:
    """A time as shown on the board, in the county's time zone: 14:05 (or 14:05:09, or
    2025-03-10 14:05)."""
    if value is None:
        return "–"
    local = value.astimezone(HELSINKI)
    return local.strftime(("%Y-%m-%d " if with_date else "") + ("%H:%M:%S" if seconds else
                                                                 "%H:%M"))


# -- the page -------------------------------------------------------------------------------------

def refused_page(request: Request, user: User) -> HTMLResponse:
    return render(request, "refused.html", user, status=403,
                  reason=translator_of(request)("refused.situation"))


def may_read(request: Request, user: User) -> bool:
    """Whether the user may read the board; a refusal is audited (`act`)."""
    try:
        act(request, user, "read", lambda wards: None, channel="page")
    except HTTPException as refusal:
        if refusal.status_code == 403:
            return False
        raise
    return True


def board_of(request: Request, user: User, snapshot: Snapshot | None = None) -> Board:
    snapshot = snapshot or read_snapshot(request.app.state.situation.engine)
    return build_board(snapshot, user.role, user.user_name, user.units,
                       datetime.now(UTC))


def home_care_teams(request: Request) -> list[tuple[str, str]]:
    """The county's home-care teams (unit id, name): the hand-off form suggests them."""
    con = request.app.state.figures.cursor()
    try:
        return con.execute("SELECT unit_id, name FROM units WHERE unit_type = "
                           "'home_care_team' ORDER BY unit_id").fetchall()
    finally:
        con.close()


def render_board(request: Request, user: User, status: int = 200,
                 message: dict | None = None) -> HTMLResponse:
    names = request.app.state.figures.unit_names()
    return render(request, "board.html", user, status=status, b=board_of(request, user),
                  message=message, clock=clock, new_key=new_key,
                  unit_name=lambda unit: names.get(unit, unit),
                  teams=home_care_teams(request), specialties=codes("specialty"),
                  urgencies=states.URGENCIES, transport_urgencies=states.TRANSPORT_URGENCIES,
                  safety_needs=states.SAFETY_NEEDS, load_high=LOAD_HIGH, load_full=LOAD_FULL,
                  wait_amber=WAIT_AMBER, wait_red=WAIT_RED, limits=LIMITS)


def encode_message(message: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(message).encode("utf-8")).decode("ascii")


def decode_message(value: str | None) -> dict | None:
    if not value:
        return None
    try:
        message = json.loads(base64.urlsafe_b64decode(value.encode("ascii")))
    except ValueError:
        return None
    return message if isinstance(message, dict) and "text" in message else None


@router.get("/situation")
def board_page(request: Request, user: PageUser) -> HTMLResponse:
    """The board; the message of the form sent last (a cookie set by `board_forms`) on top."""
    if not may_read(request, user):
        return refused_page(request, user)
    message = decode_message(request.cookies.get(MESSAGE_COOKIE))
    response = render_board(request, user, message=message)
    if MESSAGE_COOKIE in request.cookies:
        response.delete_cookie(MESSAGE_COOKIE, path="/situation")
    return response


# -- the stream -----------------------------------------------------------------------------------



class _Rendered:
    """Rendered regions by (snapshot version, language, what the user may do): watchers who
    see the same board (same role, wards and language) share one rendering."""

    def __init__(self, size: int = 64):
        self._lock = threading.Lock()
        self._items: OrderedDict[tuple, dict[str, str]] = OrderedDict()
        self._size = size

    def get(self, key: tuple, make) -> dict[str, str]:
        with self._lock:
            if key in self._items:
                return self._items[key]
        value = make()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value


_shared_lock = threading.Lock()


def shared(request: Request) -> tuple[BoardWatch, _Rendered]:
    """The server's one `BoardWatch` and rendering cache, shared by its streams (made on the
    first stream)."""
    state = request.app.state
    with _shared_lock:
        if getattr(state, "board_streams", None) is None:
            state.board_streams = BoardWatch(state.situation.engine), _Rendered()
        return state.board_streams


def regions(board: Board, t: Translator, names: dict[str, str]) -> dict[str, str]:
    """The board's live parts as HTML, by the `data-live` name of their table body, and the
    summary the page announces."""
    rows: Any = templates.env.get_template("board_rows.html").make_module({
        "t": t, "clock": clock, "limits": LIMITS,
        "unit_name": lambda unit: names.get(unit, unit)})
    out = {"wards": str(rows.ward_rows(board)), "requests": str(rows.request_rows(board))}
    for ward in board.wards:
        out[f"beds-{ward['id']}"] = str(rows.bed_rows(board, ward))
    if board.shows_handoffs:
        out["handoffs"] = str(rows.handoff_rows(board))
    if board.shows_transports:
        out["transports"] = str(rows.transport_rows(board))
    out["summary"] = rows.summary(board).unescape().strip()  # text: the script sets textContent
    return out


def stream_user(request: Request) -> User:
    """The stream's reader: signed in (else 401, which stops the browser's EventSource) and
    entitled to read the board (else 403, audited)."""
    user = user_of(request)
    if user is None:
        raise HTTPException(401, "Sign in first.")
    if not may_read(request, user):
        raise HTTPException(403, "The role may not read the situation centre.")
    return user


def _update(request: Request, user: User, snapshot: Snapshot, now: datetime,
            levels: tuple[str, ...]) -> dict[str, str]:
    t = translator_of(request)
    owner = user.user_name if OWN_REQUESTS in SITUATION_RIGHTS.get(user.role.name, {}).values() \
        else None
    key = (snapshot.version, levels, t.language, user.role.name, tuple(sorted(user.units)), owner)
    names = request.app.state.figures.unit_names()
    return shared(request)[1].get(key, lambda: regions(
        build_board(snapshot, user.role, user.user_name, user.units, now), t, names))


@router.get("/situation/stream", response_class=EventSourceResponse)
async def board_stream(request: Request, user: Annotated[User, Depends(stream_user)],
                       since: str = "") -> AsyncIterator[ServerSentEvent]:
    """Server-sent events: `board` with the regions (table bodies, and the summary) whose HTML
    changed since the last event of this connection or since the version the page has
    (`since`, or the Last-Event-ID on reconnecting; all of them for a page of an older
    version), when the board changes or a request's wait crosses a threshold; `heartbeat`
    after `HEARTBEAT_SECONDS` of quiet. Ends after `STREAM_SECONDS`; the browser then
    reconnects with its Last-Event-ID."""
    watch = shared(request)[0]
    client_has = request.headers.get("last-event-id") or since
    sent: dict[str, str] = {}
    last: tuple | None = None
    started = beat = time.monotonic()
    yield ServerSentEvent(retry=RETRY_MS, comment="situation board")
    while True:
        snapshot = watch.cached() or await anyio.to_thread.run_sync(watch.snapshot)
        now = datetime.now(UTC)
        state = (snapshot.version, wait_levels(snapshot, now))
        if last is None and snapshot.version == client_has:
            # The page is up to date (its script ticks the waits itself); what it shows is
            # what this version renders to, so later events need carry only what changes.
            last = state
            sent = dict(await anyio.to_thread.run_sync(_update, request, user, snapshot, now,
                                                       state[1]))
        if state != last:
            update = await anyio.to_thread.run_sync(_update, request, user, snapshot, now,
                                                    state[1])
            changed = {name: html for name, html in update.items() if sent.get(name) != html}
            sent.update(changed)
            last = state
            beat = time.monotonic()
            yield ServerSentEvent(event="board", id=snapshot.version, data={
                "version": snapshot.version, "at": now.isoformat(timespec="milliseconds"),
                "updated": clock(snapshot.at, seconds=True), "regions": changed})
        elif time.monotonic() - beat >= HEARTBEAT_SECONDS:
            beat = time.monotonic()
            yield ServerSentEvent(event="heartbeat", data={
                "at": now.isoformat(timespec="milliseconds")})
        if time.monotonic() - started >= STREAM_SECONDS:
            return
        await anyio.sleep(POLL_SECONDS)
